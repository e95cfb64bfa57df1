/**
 * A real headless Chromium for the tests of the HTML report: dump a page's DOM, screenshot it, print it to PDF,
 * and prove it fetched nothing, by pointing the browser at a local proxy that records every request it gets.
 *
 * Which binary: Debian's `chromium` package installs the browser as /usr/lib/chromium/chromium behind a shell
 * wrapper (/usr/bin/chromium) that sources /etc/chromium.d, which turns on remote extensions and Google API keys.
 * The tests run the browser itself, so what they measure is Chromium with our flags and nothing else; the
 * wrapper is the fallback where the package lays things out differently. ROSTER_CHROMIUM overrides both.
 *
 * Network: `--proxy-server` sends every http, https and ws request to the recording proxy, including those to
 * loopback (`<-loopback>` removes Chromium's implicit bypass), and `--host-resolver-rules` makes every other name
 * unresolvable, so nothing can leave the machine by a path the proxy does not see. Even with
 * --disable-background-networking and --disable-component-update, Chromium 156 still asks its own services for
 * component updates (an on-demand "Optimization Guide" manifest on update.googleapis.com) and calls
 * accounts.google.com at startup, page or no page. Those requests are recorded too, but as the browser's own:
 * `pageRequests` leaves out exactly the hosts in BROWSER_SERVICE_HOSTS, nothing broader.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";

/** The Chromium binary to run, or undefined when none is installed (the tests then skip, saying why). */
export function findChromium(): string | undefined {
  const candidates = [process.env.ROSTER_CHROMIUM, "/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((path): path is string => path !== undefined && path !== "" && existsSync(path));
}

/** Hosts Chromium itself calls whatever the page (see above); a page's own request to one of them would be missed. */
export const BROWSER_SERVICE_HOSTS: ReadonlySet<string> = new Set(["update.googleapis.com", "accounts.google.com"]);

export interface ProxiedRequest {
  /** "GET", "POST", … for plain http; "CONNECT" for https and wss (the proxy sees only host and port then). */
  method: string;
  /** The absolute URL of an http request, or host:port of a CONNECT. */
  target: string;
  host: string;
}

export interface RecordingProxy {
  port: number;
  /** Everything received, in order, the browser's own requests included. */
  readonly requests: ProxiedRequest[];
  /** The requests (from the `since`-th on) that did not go to the browser's own services: what a page asked for. */
  pageRequests(since?: number): ProxiedRequest[];
  close(): Promise<void>;
}

/** An HTTP proxy on 127.0.0.1 that answers every request with an error and remembers it. */
export async function startRecordingProxy(): Promise<RecordingProxy> {
  const requests: ProxiedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const target = request.url ?? "";
    let host = request.headers.host ?? "";
    try {
      host = new URL(target).hostname;
    } catch {
      // Not an absolute URL: someone spoke to the proxy as to a server; the Host header says whom they meant.
    }
    requests.push({ method: request.method ?? "", target, host });
    response.writeHead(502, { "content-type": "text/plain" }).end("roster test proxy: no network here\n");
  });
  server.on("connect", (request, socket) => {
    const target = request.url ?? "";
    requests.push({ method: "CONNECT", target, host: target.replace(/:\d+$/, "").replace(/^\[|\]$/g, "") });
    socket.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the proxy has no port");
  return {
    port: address.port,
    requests,
    pageRequests: (since = 0) => requests.slice(since).filter((request) => !BROWSER_SERVICE_HOSTS.has(request.host)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface LaunchOptions {
  proxy: RecordingProxy;
  /** prefers-color-scheme: dark (--force-dark-mode; checked to flip the media query in Chromium 156). */
  dark?: boolean;
  windowSize?: { width: number; height: number };
  timeoutMs?: number;
}

/** Flags for a quiet, throwaway browser: no sandbox (tests run as root in CI), no first run, no background work. */
function flags(options: LaunchOptions, userDataDir: string): string[] {
  const size = options.windowSize ?? { width: 1200, height: 1600 };
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    `--user-data-dir=${userDataDir}`,
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--metrics-recording-only",
    "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter",
    "--hide-scrollbars",
    `--proxy-server=127.0.0.1:${options.proxy.port}`,
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    `--window-size=${size.width},${size.height}`,
    ...(options.dark ? ["--force-dark-mode"] : []),
  ];
}

/** Run Chromium once on a URL with extra action flags; resolves with its stdout. A fresh profile every time. */
async function run(url: string, action: string[], options: LaunchOptions): Promise<string> {
  const binary = findChromium();
  if (binary === undefined) throw new Error("chromium is not installed (apt-get install chromium)");
  const userDataDir = mkdtempSync(join(tmpdir(), "roster-chromium-"));
  try {
    const child = spawn(binary, [...flags(options, userDataDir), ...action, url], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timeoutMs = options.timeoutMs ?? 45_000;
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
    });
    clearTimeout(timer);
    if (code !== 0)
      throw new Error(`chromium ${action.join(" ")} ended with ${signal ?? code} (after at most ${timeoutMs} ms):\n${stderr.slice(-2000)}`);
    return stdout;
  } finally {
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** The DOM after the page loaded, serialized (chromium --dump-dom). */
export function dumpDom(url: string, options: LaunchOptions): Promise<string> {
  return run(url, ["--dump-dom"], options);
}

/** A PNG of the window (chromium --screenshot), as bytes. */
export async function screenshot(url: string, file: string, options: LaunchOptions): Promise<Buffer> {
  await run(url, [`--screenshot=${file}`], options);
  return readFileSync(file);
}

/** The page printed to PDF (chromium --print-to-pdf, print media, no header or footer), as bytes. */
export async function printToPdf(url: string, file: string, options: LaunchOptions): Promise<Buffer> {
  await run(url, [`--print-to-pdf=${file}`, "--no-pdf-header-footer"], options);
  return readFileSync(file);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface Png {
  width: number;
  height: number;
  /** [r, g, b] of a pixel. */
  pixel(x: number, y: number): [number, number, number];
}

/**
 * Decode the 8-bit RGB or RGBA, non-interlaced PNGs Chromium writes, enough to look at pixels (is the page dark,
 * are the bars drawn). Anything else is an error, not a guess.
 */
export function readPng(bytes: Buffer): Png {
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error("not a PNG");
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString("latin1", offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0)
        throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === "IDAT") data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] as number;
      const left = x >= channels ? (pixels[y * stride + x - channels] as number) : 0;
      const up = y > 0 ? (pixels[(y - 1) * stride + x] as number) : 0;
      const upLeft = x >= channels && y > 0 ? (pixels[(y - 1) * stride + x - channels] as number) : 0;
      let predicted = 0;
      if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      } else if (filter !== 0) throw new Error(`bad PNG filter ${filter} on row ${y}`);
      pixels[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  return {
    width,
    height,
    pixel: (x, y) => {
      const at = y * stride + x * channels;
      return [pixels[at] as number, pixels[at + 1] as number, pixels[at + 2] as number];
    },
  };
}
