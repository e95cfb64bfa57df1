/**
 * The HTML report (renderHtml) opened from disk in a real headless Chromium: the browser shows the figures, draws
 * the page light, dark and printed, and asks the network for nothing. Every launch goes through a recording proxy
 * (test/helpers/chromium.ts); a control page with an external image shows that the proxy does see a page's request.
 * Five launches in all: Chromium takes about a second each on an idle machine, several on a busy one.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatPercent } from "../../src/stages/report/html-format.js";
import { REPORT_CSP, renderHtml } from "../../src/stages/report/render-html.js";
import type { QualityReport } from "../../src/stages/report/types.js";
import {
  dumpDom,
  findChromium,
  PNG_SIGNATURE,
  printToPdf,
  type RecordingProxy,
  readPng,
  screenshot,
  startRecordingProxy,
} from "../helpers/chromium.js";
import { CRM, storeReport, TMALL } from "../unit/report-html-fixtures.js";
import { row, section, visibleText } from "../unit/report-html-text.js";

const chromium = findChromium();
if (chromium === undefined)
  console.warn("report-html-chromium: SKIPPED, chromium is not installed (apt-get install chromium; .ci/run installs it)");

const HOSTILE_SOURCE = '<script>document.title="pwned"</script> & "partners"';

/** The store report, with a source name that would run script if it were not escaped. */
function report(): QualityReport {
  const value = storeReport();
  const tmall = value.bySource[1] as QualityReport["bySource"][number];
  value.bySource.push({ ...tmall, source: HOSTILE_SOURCE });
  value.sources = [CRM, TMALL, HOSTILE_SOURCE];
  return value;
}

/** Relative luminance (0 dark to 1 light) of a pixel, near enough for "is this page dark". */
function lightness([r, g, b]: [number, number, number]): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

describe.skipIf(chromium === undefined)("the HTML report in a real headless Chromium", () => {
  let dir: string;
  let url: string;
  let proxy: RecordingProxy;
  const rendered = report();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "roster-report-html-"));
    const file = join(dir, "报告 report.html");
    writeFileSync(file, renderHtml(rendered));
    url = pathToFileURL(file).href;
    proxy = await startRecordingProxy();
  });
  afterAll(async () => {
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Run a launch and return what the page asked the network for meanwhile. */
  async function pageRequestsDuring<T>(launch: () => Promise<T>): Promise<{ result: T; requests: string[] }> {
    const before = proxy.requests.length;
    const result = await launch();
    return { result, requests: proxy.pageRequests(before).map((request) => `${request.method} ${request.target}`) };
  }

  it("shows the figures, renders the hostile source name as text, and requests nothing", async () => {
    const { result: dom, requests } = await pageRequestsDuring(() => dumpDom(url, { proxy }));
    expect(requests).toEqual([]);
    expect(dom).toContain("<h1>Customer data quality</h1>");
    // The name reached the page as text: the browser built no <script> from it, and the title stays ours.
    expect(dom).not.toMatch(/<script/i);
    expect(dom).not.toContain("pwned</title>");
    expect(visibleText(section(dom, "sources"))).toContain(HOSTILE_SOURCE);
    const fields = section(dom, "fields");
    for (const field of rendered.fields) expect(visibleText(row(fields, field.field))).toContain(formatPercent(field.completeness));
    expect(visibleText(row(fields, "email"))).toMatch(/11,902 of 12,480 .*95\.4%.*95\.9%/);
    expect(visibleText(section(dom, "duplicates"))).toContain("Duplicate rate 15.8%");
    expect(visibleText(section(dom, "profile"))).toMatch(/上海市 1,210 · 11\.6%/);
    expect(visibleText(section(dom, "sources"))).toContain(TMALL);
  });

  it("draws a light page with its bars (PNG screenshot)", async () => {
    const file = join(dir, "light.png");
    const { result: png, requests } = await pageRequestsDuring(() =>
      screenshot(url, file, { proxy, windowSize: { width: 1100, height: 1400 } }),
    );
    expect(requests).toEqual([]);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.length).toBeGreaterThan(20_000);
    const image = readPng(png);
    expect([image.width, image.height]).toEqual([1100, 1400]);
    expect(lightness(image.pixel(4, 4))).toBeGreaterThan(0.95);
    // The light theme's bars are #1f5fa8: the per-field table alone draws dozens of them.
    let barPixels = 0;
    for (let y = 0; y < image.height; y += 2) {
      for (let x = 0; x < image.width; x += 2) {
        const [r, g, b] = image.pixel(x, y);
        if (Math.abs(r - 0x1f) < 12 && Math.abs(g - 0x5f) < 12 && Math.abs(b - 0xa8) < 12) barPixels++;
      }
    }
    expect(barPixels).toBeGreaterThan(500);
  });

  it("draws a dark page when the system asks for dark mode", async () => {
    const file = join(dir, "dark.png");
    const { result: png, requests } = await pageRequestsDuring(() =>
      screenshot(url, file, { proxy, dark: true, windowSize: { width: 1100, height: 1400 } }),
    );
    expect(requests).toEqual([]);
    const image = readPng(png);
    expect(lightness(image.pixel(4, 4))).toBeLessThan(0.1);
    // Light text on the dark page: some pixels of the heading are bright.
    let bright = 0;
    for (let y = 20; y < 70; y++) for (let x = 40; x < 400; x++) if (lightness(image.pixel(x, y)) > 0.8) bright++;
    expect(bright).toBeGreaterThan(200);
  });

  it("prints to PDF, one page per section after the first", async () => {
    const file = join(dir, "report.pdf");
    const { result: pdf, requests } = await pageRequestsDuring(() => printToPdf(url, file, { proxy }));
    expect(requests).toEqual([]);
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(20_000);
    // Eight sections, each but the first starting a page: at least eight pages.
    const pages = pdf.toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(8);
  });

  it("control: the proxy does record a page's external image, and the report's CSP stops the same image", async () => {
    const image = '<img src="http://example.com/x.png" alt="">';
    const open = join(dir, "control.html");
    writeFileSync(open, `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${image}</body></html>`);
    const guarded = join(dir, "control-csp.html");
    writeFileSync(
      guarded,
      `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}"></head><body>${image}</body></html>`,
    );
    const seen = await pageRequestsDuring(() => dumpDom(pathToFileURL(open).href, { proxy }));
    expect(seen.requests).toEqual(["GET http://example.com/x.png"]);
    const blocked = await pageRequestsDuring(() => dumpDom(pathToFileURL(guarded).href, { proxy }));
    expect(blocked.requests).toEqual([]);
  });
});
