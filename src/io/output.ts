/**
 * Writing records as CSV (csv-stringify) or JSON Lines to a file or stdout, with backpressure, for the file
 * filters (normalize, dedupe). A file is written to a temporary name and renamed at the end, so a failed or
 * killed run never leaves a half-written output behind.
 */

import { closeSync, createWriteStream, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { extname } from "node:path";
import { stringify } from "csv-stringify/sync";
import { OutputClosedError, UsageError } from "../errors.js";
import { trackPartial, untrackPartial } from "./interrupt.js";

export type OutputFormat = "csv" | "jsonl";

export function outputFormatFor(path: string | undefined, inputFormat: string): OutputFormat {
  if (path && path !== "-") {
    const ext = extname(path).toLowerCase();
    if (ext === ".csv" || ext === ".tsv" || ext === ".tab" || ext === ".txt") return "csv"; // .tsv/.tab written tab-separated
    if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
    throw new UsageError(`-o ${path}: write .csv or .jsonl (.ndjson)`);
  }
  return inputFormat === "json" || inputFormat === "jsonl" ? "jsonl" : "csv";
}

export interface RecordWriter {
  write(record: Record<string, string | number | null>): Promise<void>;
  /** Flush and, for a file, move it into place. */
  close(): Promise<void>;
  /** Remove a partial file after a failure. */
  discard(): void;
}

const BATCH = 1000;

export function openRecordWriter(
  path: string | undefined,
  format: OutputFormat,
  columns: readonly string[],
  stdout: NodeJS.WritableStream,
): RecordWriter {
  const toFile = path !== undefined && path !== "-";
  const partial = toFile ? `${path}.partial-${process.pid}` : undefined;
  const stream = partial ? createWriteStream(partial, { mode: 0o600 }) : stdout;
  if (partial) trackPartial(partial);
  // Write errors arrive as events: remember the first and fail the next write with it.
  let failure: Error | undefined;
  const onError = (error: NodeJS.ErrnoException) => {
    failure ??=
      error.code === "EPIPE"
        ? new OutputClosedError()
        : new UsageError(`${partial ? `-o ${path}` : "stdout"}: cannot write: ${error.message}`, "check the output path and its directory");
  };
  const events = stream as NodeJS.EventEmitter;
  events.on("error", onError);
  const check = () => {
    if (failure) throw failure;
  };
  let pending: Record<string, string | number | null>[] = [];
  let headerWritten = false;
  const delimiter = path && /\.(tsv|tab)$/i.test(path) ? "\t" : ",";

  const flush = async () => {
    check();
    let text: string;
    if (format === "csv") {
      if (pending.length === 0 && headerWritten) return;
      // csv-stringify writes no header for no records: an empty input still gets one, so the file is complete.
      text =
        pending.length === 0
          ? stringify([[...columns]], { delimiter })
          : stringify(pending, { header: !headerWritten, columns: [...columns], delimiter });
      headerWritten = true;
    } else {
      if (pending.length === 0) return;
      text = pending.map((record) => `${JSON.stringify(record)}\n`).join("");
    }
    pending = [];
    if (!stream.write(text)) {
      // Whichever comes first, both listeners go: one left behind per wait piled up (a leak warning at 11).
      await new Promise<void>((resolve) => {
        const done = () => {
          events.off("drain", done);
          events.off("error", done);
          resolve();
        };
        events.once("drain", done);
        events.once("error", done);
      });
    }
    check();
  };

  return {
    async write(record) {
      pending.push(record);
      if (pending.length >= BATCH) await flush();
    },
    async close() {
      await flush();
      if (partial && path) {
        await new Promise<void>((resolve, reject) =>
          (stream as ReturnType<typeof createWriteStream>).end((error?: Error | null) => (error ? reject(error) : resolve())),
        );
        check();
        renameSync(partial, path);
        untrackPartial(partial);
      }
      events.off("error", onError);
    },
    discard() {
      events.off("error", onError);
      if (partial) {
        (stream as ReturnType<typeof createWriteStream>).destroy();
        rmSync(partial, { force: true });
        untrackPartial(partial);
      }
    },
  };
}

/** A text report going to a file (via a temporary name, owner-only) or to stdout. */
export interface TextSink {
  write(text: string): void;
  /** Finish: for a file, move it into place. */
  close(): void;
  /** Give up: remove a partial file. */
  discard(): void;
}

/**
 * Opened before the work starts, so a bad `--out` path fails at once (exit 2) rather than after a long run.
 * `-` means stdout; a reader closing stdout early ends the run quietly (OutputClosedError).
 */
export function openTextSink(path: string | undefined, stdout: NodeJS.WritableStream): TextSink {
  if (path === undefined || path === "-") {
    let failure: Error | undefined;
    const events = stdout as NodeJS.EventEmitter;
    const onError = (error: NodeJS.ErrnoException) => {
      failure ??= error.code === "EPIPE" ? new OutputClosedError() : new UsageError(`stdout: cannot write: ${error.message}`);
    };
    events.on("error", onError);
    return {
      write(text) {
        if (failure) throw failure;
        stdout.write(text);
      },
      close() {
        events.off("error", onError);
        if (failure) throw failure;
      },
      discard() {
        events.off("error", onError);
      },
    };
  }
  const partial = `${path}.partial-${process.pid}`;
  const fail = (error: unknown) =>
    new UsageError(`--out ${path}: cannot write: ${(error as Error).message}`, "check the output path and its directory");
  let fd: number;
  try {
    fd = openSync(partial, "w", 0o600);
  } catch (error) {
    throw fail(error);
  }
  trackPartial(partial);
  return {
    write(text) {
      try {
        writeSync(fd, text);
      } catch (error) {
        throw fail(error);
      }
    },
    close() {
      closeSync(fd);
      try {
        renameSync(partial, path);
      } catch (error) {
        rmSync(partial, { force: true });
        throw fail(error);
      } finally {
        untrackPartial(partial);
      }
    },
    discard() {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      rmSync(partial, { force: true });
      untrackPartial(partial);
    },
  };
}
