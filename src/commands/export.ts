/**
 * `roster export [customers|records|rejects|findings|pairs]`: the store's tables as CSV, TSV, JSON or JSON Lines,
 * streamed from SQLite to stdout or to a file written atomically. Everything a user can get wrong (fields,
 * filters, masks, the key, the encoding's limits known in advance) is checked before the store is opened or a
 * byte written; the rows then pass through the pure stages (src/stages/export/) one at a time.
 */
import { performance } from "node:perf_hooks";
import { UsageError } from "../errors.js";
import { type ExportEncoding, firstUnencodable, openExportSink } from "../io/export-sink.js";
import type { Terminal } from "../io/terminal.js";
import { type ExportWhat, resolveColumns } from "../stages/export/columns.js";
import { type ConsentStatus, consentStatus } from "../stages/export/consent.js";
import { type Cell, type ExportFormat, rowFormatter } from "../stages/export/format.js";
import { parseWhere } from "../stages/export/where.js";
import { checkSinceRun, exportRows } from "../store/export.js";
import { openStore } from "../store/open.js";

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
}

export interface ExportIo {
  terminal: Terminal;
  stdout: NodeJS.WritableStream;
}

/** Customers --require-consent left out, by why. */
export type LeftOut = Record<Exclude<ConsentStatus, "given">, number>;

export interface ExportResult {
  store: string;
  what: ExportWhat;
  format: ExportFormat;
  out: string | null;
  columns: string[];
  rows: number;
  leftOut: LeftOut | null;
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

/** Ends a loop turn now and then, so a signal's handler (removing the partial file) gets to run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const TURN_EVERY = 4096;

export async function runExport(options: ExportOptions, io: ExportIo): Promise<ExportResult> {
  const started = performance.now();
  checkOptions(options);
  const columns = resolveColumns(options.what, options.fields, options.provenance);
  const filters = options.where.map((expression) => parseWhere(expression, options.what));
  const formatter = rowFormatter({
    format: options.format,
    columns,
    mask: options.mask,
    pseudonymize: options.pseudonymize,
    key: options.key,
    lineEnd: options.excel ? "\r\n" : "\n",
  });
  const header = formatter.begin();
  const bad = firstUnencodable(header, options.encoding);
  if (bad !== undefined) throw new UsageError(`--fields: the header ${JSON.stringify(bad)} cannot be written in GBK`);

  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  try {
    if (options.since !== undefined) checkSinceRun(db, options.what, options.since);
    const rows = exportRows(db, {
      what: options.what,
      columns,
      filters,
      since: options.since,
      extra: options.requireConsent ? ["marketing_consent"] : [],
    });
    const sink = await openExportSink(options.out, io.stdout, { encoding: options.encoding, bom: options.excel });
    const leftOut: LeftOut = { withdrawn: 0, unrecorded: 0, unclear: 0 };
    let written = 0;
    try {
      await sink.write(header);
      let read = 0;
      for (const values of rows) {
        if (++read % TURN_EVERY === 0) await nextTurn();
        if (options.requireConsent) {
          const status = consentStatus(values.pop() as string | null);
          if (status !== "given") {
            leftOut[status]++;
            continue;
          }
        }
        const cells = formatter.prepare(values);
        if (options.encoding !== "utf-8") checkEncodable(cells, columns, written + 1, options.encoding);
        await sink.write(formatter.line(cells, written));
        written++;
      }
      await sink.write(formatter.end(written));
      await sink.finish();
    } catch (error) {
      rows.return?.();
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
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    db.close();
  }
}

/** A character the encoding lacks is an error naming the row and field, never a silent "?". */
function checkEncodable(cells: readonly Cell[], columns: readonly { name: string }[], row: number, encoding: ExportEncoding): void {
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (typeof cell !== "string") continue;
    const bad = firstUnencodable(cell, encoding);
    if (bad === undefined) continue;
    const code = `U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
    throw new UsageError(
      `--encoding gbk: row ${row}, field ${columns[i]?.name}: ${JSON.stringify(bad)} (${code}) in ${JSON.stringify(cell)} cannot be written in GBK`,
      "export as UTF-8 (--excel writes UTF-8 that Excel opens), or correct the value in the store",
    );
  }
}
