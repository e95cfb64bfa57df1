/**
 * Where an export's text goes: stdout, or a file written atomically. A file is written under a temporary name
 * in its own directory (`OUT.partial-PID`, mode 0600: exports hold personal data), flushed to disk (fsync) and
 * renamed over OUT only when complete, so OUT is either the old file or the whole new one: never half of it,
 * however the run ends. An interrupt removes the temporary file (io/interrupt.ts); after a SIGKILL it is left
 * beside OUT, which stays as it was.
 *
 * Text is gathered into chunks of about 64 KiB, encoded (UTF-8, optionally with a BOM, or GBK through
 * iconv-lite), or comes already encoded (a range of rows), and each chunk waits for the one before to be taken (file writes are awaited; stdout's `drain`),
 * so memory stays flat however many rows go through. A reader that closes stdout early (`| head -1`) ends the
 * export with OutputClosedError, which main turns into a quiet exit 0.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import iconv from "iconv-lite";
import { OutputClosedError, UsageError } from "../errors.js";
import { trackPartial, untrackPartial } from "./interrupt.js";

export type ExportEncoding = "utf-8" | "gbk";

export interface ExportSink {
  write(text: string): Promise<void>;
  /** Bytes already encoded (in the sink's encoding). */
  writeBytes(bytes: Uint8Array): Promise<void>;
  /** Flush; for a file: fsync, then rename into place. */
  finish(): Promise<void>;
  /** Give up: a file's temporary copy is removed, OUT untouched. */
  abandon(): Promise<void>;
}

const CHUNK = 64 * 1024;
/** On stdout, let events (an EPIPE) through at least every this many chunks even when no write waited. */
const YIELD_EVERY = 16;

export interface SinkOptions {
  encoding: ExportEncoding;
  /** Start with a UTF-8 byte order mark (Excel reads UTF-8 CSV correctly only with one). */
  bom: boolean;
}

/** The first character GBK cannot hold, or undefined. iconv-lite would write "?" for it without a word. */
export function firstUnencodable(text: string, encoding: ExportEncoding): string | undefined {
  if (encoding === "utf-8" || !/[^\x00-\x7f]/.test(text)) return undefined;
  if (iconv.decode(iconv.encode(text, "gbk"), "gbk") === text) return undefined;
  for (const char of text) {
    if (iconv.decode(iconv.encode(char, "gbk"), "gbk") !== char) return char;
  }
  return undefined;
}

function encode(text: string, encoding: ExportEncoding): Buffer {
  return encoding === "gbk" ? iconv.encode(text, "gbk") : Buffer.from(text, "utf8");
}

export async function openExportSink(path: string | undefined, stdout: NodeJS.WritableStream, options: SinkOptions): Promise<ExportSink> {
  const target = path === undefined || path === "-" ? undefined : path;
  const put = target ? await fileWriter(target) : stdoutWriter(stdout);
  let pending = options.bom && options.encoding === "utf-8" ? "\ufeff" : "";
  const flush = async () => {
    if (pending === "") return;
    const chunk = encode(pending, options.encoding);
    pending = "";
    await put.write(chunk);
  };
  return {
    async write(text) {
      pending += text;
      if (pending.length >= CHUNK) await flush();
    },
    async writeBytes(bytes) {
      await flush();
      if (bytes.length > 0) await put.write(bytes);
    },
    async finish() {
      await flush();
      await put.finish();
    },
    abandon: () => put.abandon(),
  };
}

interface ChunkWriter {
  write(chunk: Uint8Array): Promise<void>;
  finish(): Promise<void>;
  abandon(): Promise<void>;
}

async function fileWriter(path: string): Promise<ChunkWriter> {
  const partial = join(dirname(path), `${basename(path)}.partial-${process.pid}`);
  const fail = (error: unknown) =>
    new UsageError(`-o ${path}: cannot write: ${(error as Error).message}`, "check the output path and its directory");
  let handle: FileHandle;
  try {
    handle = await open(partial, "w", 0o600);
    // The mode given to open is only for a new file, and the umask may narrow it: set it outright.
    await handle.chmod(0o600);
  } catch (error) {
    throw fail(error);
  }
  trackPartial(partial);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    async write(chunk) {
      try {
        await handle.write(chunk);
      } catch (error) {
        throw fail(error);
      }
    },
    async finish() {
      try {
        await handle.sync();
        await close();
        renameSync(partial, path);
        syncDirectory(dirname(path));
      } catch (error) {
        rmSync(partial, { force: true });
        throw fail(error);
      } finally {
        untrackPartial(partial);
      }
    },
    async abandon() {
      await close().catch(() => {});
      rmSync(partial, { force: true });
      untrackPartial(partial);
    },
  };
}

/** The rename itself survives a power cut only once the directory is on disk too (where the system allows it). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // some file systems refuse fsync on a directory; the file itself is on disk
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function stdoutWriter(stdout: NodeJS.WritableStream): ChunkWriter {
  const events = stdout as NodeJS.EventEmitter;
  let failure: Error | undefined;
  const onError = (error: NodeJS.ErrnoException) => {
    failure ??= error.code === "EPIPE" ? new OutputClosedError() : new UsageError(`stdout: cannot write: ${error.message}`);
  };
  events.on("error", onError);
  let sinceYield = 0;
  const check = () => {
    if (failure) throw failure;
    if ((stdout as { destroyed?: boolean }).destroyed) throw new OutputClosedError();
  };
  const waitFor = (event: "drain" | "yield") =>
    new Promise<void>((resolve) => {
      if (event === "yield") {
        setImmediate(resolve);
        return;
      }
      const done = () => {
        events.off("drain", done);
        events.off("error", done);
        events.off("close", done);
        resolve();
      };
      events.once("drain", done);
      events.once("error", done);
      events.once("close", done);
    });
  return {
    async write(chunk) {
      check();
      // Pipes and files on stdout are written synchronously by Node: a write then never waits, and an EPIPE
      // arrives as an event, so the loop gives events a turn now and then.
      if (!stdout.write(chunk)) await waitFor("drain");
      else if (++sinceYield >= YIELD_EVERY) {
        sinceYield = 0;
        await waitFor("yield");
      }
      check();
    },
    // The error listener stays: an EPIPE arriving after the last write must not become an uncaught exception.
    async finish() {
      await waitFor("yield");
      if (failure) throw failure;
    },
    async abandon() {},
  };
}
