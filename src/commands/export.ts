/**
 * `roster export [customers|records|rejects|findings|pairs]`: the store's tables as CSV, TSV, JSON or JSON Lines,
 * streamed from SQLite to stdout or to a file written atomically. Everything a user can get wrong (fields,
 * filters, masks, the key, the encoding's limits known in advance) is checked before the store is opened or a
 * byte written. The rows are then read in key ranges (on worker threads for a large table: export-range.ts),
 * through the pure stages (src/stages/export/), and their text written here, range after range in key order.
 */
import { performance } from "node:perf_hooks";
import { UsageError } from "../errors.js";
import { type ExportEncoding, firstUnencodable, openExportSink } from "../io/export-sink.js";
import type { Terminal } from "../io/terminal.js";
import { scanStore, workersFor } from "../pipeline/store-scan.js";
import { type ExportWhat, resolveColumns } from "../stages/export/columns.js";
import { type ExportFormat, type RowFormatOptions, rowFormatter } from "../stages/export/format.js";
import { parseWhere } from "../stages/export/where.js";
import { latestRun } from "../store/dedupe.js";
import { checkSinceRun, exportKeyRanges, exportTableRows } from "../store/export.js";
import { latestMergeRun } from "../store/merge.js";
import { type Db, openStore } from "../store/open.js";
import type { ExportSetup, LeftOut, Unencodable } from "./export-range.js";

export interface ExportOptions {
  storePath: string;
  busyTimeoutMs: number;
  what: ExportWhat;
  format: ExportFormat;
  /** undefined or "-": stdout. */
  out: string | undefined;
  fields: string[] | undefined;
  where: string[];
  /** customers: a merge run id; records, rejects, findings: a batch id (see README "roster export"). */
  since: number | undefined;
  provenance: boolean;
  requireConsent: boolean;
  mask: string[];
  pseudonymize: string[];
  /** The key's value, read from the variable --key-env names. */
  key: string | undefined;
  /** UTF-8 with a byte order mark and CRLF line ends (GBK: CRLF only). */
  excel: boolean;
  encoding: ExportEncoding;
  /** Worker threads (ROSTER_WORKERS); undefined: by the table's size and the cores. */
  workers: number | undefined;
}

export interface ExportIo {
  terminal: Terminal;
  stdout: NodeJS.WritableStream;
}

export interface ExportResult {
  store: string;
  what: ExportWhat;
  format: ExportFormat;
  out: string | null;
  columns: string[];
  rows: number;
  leftOut: LeftOut | null;
  /** Why there is nothing to export yet (no merge for customers, no dedupe for pairs), and what to run; else null. */
  notYet: { reason: string; hint: string } | null;
  seconds: number;
}

function checkOptions(options: ExportOptions): void {
  const customersOnly = [
    ["--provenance", options.provenance],
    ["--require-consent", options.requireConsent],
  ] as const;
  for (const [flag, set] of customersOnly) {
    if (set && options.what !== "customers") throw new UsageError(`${flag} is for customers, not ${options.what}`);
  }
  if (options.excel && (options.format === "json" || options.format === "jsonl")) {
    throw new UsageError("--excel writes CSV or TSV for a spreadsheet, not JSON", "leave --format out, or use .csv");
  }
}

/** Keys per range: about a megabyte of CSV, the unit a worker thread reads and formats. */
const RANGE_KEYS = 5000;

export async function runExport(options: ExportOptions, io: ExportIo): Promise<ExportResult> {
  const started = performance.now();
  checkOptions(options);
  const columns = resolveColumns(options.what, options.fields, options.provenance);
  const filters = options.where.map((expression) => parseWhere(expression, options.what));
  const format: RowFormatOptions = {
    format: options.format,
    columns,
    mask: options.mask,
    pseudonymize: options.pseudonymize,
    key: options.key,
    lineEnd: options.excel ? "\r\n" : "\n",
  };
  const formatter = rowFormatter(format); // checks the masks and the key before anything is opened
  const header = formatter.begin();
  const bad = firstUnencodable(header, options.encoding);
  if (bad !== undefined) throw new UsageError(`--fields: the header ${JSON.stringify(bad)} cannot be written in GBK`);

  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  try {
    if (options.since !== undefined) checkSinceRun(db, options.what, options.since);
    const setup: ExportSetup = {
      query: { what: options.what, columns, filters, since: options.since, extra: options.requireConsent ? ["marketing_consent"] : [] },
      format,
      encoding: options.encoding,
      requireConsent: options.requireConsent,
    };
    const sink = await openExportSink(options.out, io.stdout, { encoding: options.encoding, bom: options.excel });
    const leftOut: LeftOut = { withdrawn: 0, unrecorded: 0, unclear: 0 };
    let written = 0;
    try {
      await sink.write(header);
      await scanStore({
        stage: "export",
        setup,
        db,
        storePath: options.storePath,
        busyTimeoutMs: options.busyTimeoutMs,
        ranges: exportKeyRanges(db, options.what, RANGE_KEYS),
        workers: workersFor(exportTableRows(db, options.what), options.workers),
        apply: async (range) => {
          leftOut.withdrawn += range.leftOut.withdrawn;
          leftOut.unrecorded += range.leftOut.unrecorded;
          leftOut.unclear += range.leftOut.unclear;
          if (range.unencodable) throw unencodableError(range.unencodable, written + range.unencodable.row);
          if (range.rows === 0) return;
          // A JSON array's rows are comma-separated within a range; between ranges, here.
          if (written > 0 && options.format === "json") await sink.write(",");
          await sink.writeBytes(range.bytes);
          written += range.rows;
        },
      });
      await sink.write(formatter.end(written));
      await sink.finish();
    } catch (error) {
      await sink.abandon();
      throw error;
    }
    return {
      store: path,
      what: options.what,
      format: options.format,
      out: options.out === undefined || options.out === "-" ? null : options.out,
      columns: columns.map((c) => c.name),
      rows: written,
      leftOut: options.requireConsent ? leftOut : null,
      notYet: written === 0 ? notYet(db, options.what) : null,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    db.close();
  }
}

/** An empty export of what a later stage makes, before that stage ever ran on the store: why, and what to run. */
function notYet(db: Db, what: ExportWhat): ExportResult["notYet"] {
  if (what === "customers" && latestMergeRun(db) === undefined) {
    return { reason: "no customers yet: merge has not run on this store", hint: "run roster dedupe, then roster merge" };
  }
  if (what === "pairs" && latestRun(db) === undefined) {
    return { reason: "no pairs yet: dedupe has not run on this store", hint: "run roster dedupe" };
  }
  return null;
}

/** A character the encoding lacks is an error naming the row and field, never a silent "?". */
function unencodableError(bad: Unencodable, row: number): UsageError {
  const code = `U+${(bad.character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
  return new UsageError(
    `--encoding gbk: row ${row}, field ${bad.column}: ${JSON.stringify(bad.character)} (${code}) in ${JSON.stringify(bad.value)} cannot be written in GBK`,
    "export as UTF-8 (--excel writes UTF-8 that Excel opens), or correct the value in the store",
  );
}
