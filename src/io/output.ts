/**
 * Writing records as CSV (csv-stringify) or JSON Lines to a file or stdout, with backpressure, for the file
 * filters (normalize, dedupe). A file is written to a temporary name and renamed at the end, so a failed or
 * killed run never leaves a half-written output behind.
 */
import { once } from "node:events";
import { createWriteStream, renameSync, rmSync } from "node:fs";
import { extname } from "node:path";
import { stringify } from "csv-stringify/sync";
import { UsageError } from "../errors.js";

export type OutputFormat = "csv" | "jsonl";

export function outputFormatFor(path: string | undefined, inputFormat: string): OutputFormat {
  if (path && path !== "-") {
    const ext = extname(path).toLowerCase();
    if (ext === ".csv" || ext === ".tsv" || ext === ".txt") return "csv";
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
  let pending: Record<string, string | number | null>[] = [];
  let headerWritten = false;

  const flush = async () => {
    if (pending.length === 0 && (format !== "csv" || headerWritten)) return;
    let text: string;
    if (format === "csv") {
      text = stringify(pending, { header: !headerWritten, columns: [...columns] });
      headerWritten = true;
    } else {
      text = pending.map((record) => `${JSON.stringify(record)}\n`).join("");
    }
    pending = [];
    if (!stream.write(text)) await once(stream, "drain");
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
        renameSync(partial, path);
      }
    },
    discard() {
      if (partial) {
        (stream as ReturnType<typeof createWriteStream>).destroy();
        rmSync(partial, { force: true });
      }
    },
  };
}
