/**
 * The import itself: for each input, read rows (io), build canonical records (pure), write them as one
 * batch (store). Returns plain results; src/cli/commands/import.ts formats them.
 */
import { statSync } from "node:fs";
import { basename, extname } from "node:path";
import { InputError, StoreError } from "../errors.js";
import { CANONICAL_FIELDS } from "../fields/canonical.js";
import { ColumnMapper, type ColumnMapping, type ExplicitMappings, mappingJson } from "../fields/mapping.js";
import { buildRecord, type CanonicalRecord, PlanCache, planRow, type RowPlan } from "../fields/record.js";
import { readingDifferences } from "../fields/reread.js";
import { count, number } from "../io/count.js";
import { openInput, type ReadOptions, StopReading, streamRows } from "../io/input.js";
import { onInterrupt } from "../io/interrupt.js";
import { progressMeter } from "../io/progress-meter.js";
import type { Terminal } from "../io/terminal.js";
import { GATE_PASSED, type GateOutcome, gateFailed } from "../model/gate.js";
import { type DateOrderEvidence, noteDateOrder } from "../stages/normalize/dates.js";
import { writeAudit } from "../store/audit.js";
import {
  type BatchCounts,
  BatchWriter,
  findRunningImport,
  findSameFileImport,
  insertBatch,
  rollBackAbandonedBatches,
} from "../store/imports.js";
import { type Db, openStore } from "../store/open.js";
import { auditArgs } from "./audit-args.js";

export interface RejectLimit {
  text: string;
  count?: number;
  percent?: number;
}

export interface ImportOptions {
  files: string[];
  read: ReadOptions;
  mappings: ExplicitMappings;
  /** Columns named by --map (not roster.yml's shared mappings): warned about when a file lacks them. */
  mapFlagColumns?: string[];
  source: string | undefined;
  dryRun: boolean;
  maxRejects: RejectLimit | undefined;
  storePath: string;
  busyTimeoutMs: number;
  /** Rows per transaction: large enough to be fast, small enough to let a concurrent import in. */
  chunkRows?: number;
  /** Rows shown by --dry-run. */
  sampleRows?: number;
}

export interface ImportIo {
  terminal: Terminal;
  stdin?: AsyncIterable<Uint8Array>;
}

export interface FileResult {
  file: string;
  source: string;
  status: "imported" | "duplicate" | "dry-run" | "failed";
  /** Why a failed file could not be read. */
  error?: string;
  batchId: number | undefined;
  format: string;
  encoding: string;
  encodingBy: string;
  delimiter: string | undefined;
  counts: BatchCounts;
  durationMs: number;
  /** The first few rejects, for the summary; all of them are in the store's rejects table. */
  rejects: { line: number; reason: string }[];
  warnings: string[];
  mapping: ColumnMapping[];
  /** Columns no synonym or --map matched (kept in attributes), listed once in the summary. */
  unmapped: string[];
  sample: CanonicalRecord[];
  gateFailed: boolean;
  /** A duplicate: the batch it repeats (its counts are that batch's: a duplicate reads nothing itself). */
  duplicateOf?: number;
  /** A re-read: the batch it replaced, and what was read differently. */
  replaces?: number;
  rereadBecause?: string[];
}

export interface ImportResult {
  store: string | undefined;
  files: FileResult[];
  totals: BatchCounts;
  /** --max-rejects: failed when any file rejected more rows than it allows. */
  gate: GateOutcome;
  /** Files that could not be read at all (their error is in the file's result); the others were imported. */
  failed: number;
}

/** A file's result before anything is known about its rows. */
function newFileResult(
  file: string,
  source: string,
  status: FileResult["status"],
  read?: Pick<FileResult, "format" | "encoding" | "encodingBy" | "delimiter">,
): FileResult {
  return {
    file,
    source,
    status,
    batchId: undefined,
    format: read?.format ?? "",
    encoding: read?.encoding ?? "",
    encodingBy: read?.encodingBy ?? "",
    delimiter: read?.delimiter,
    counts: { read: 0, new: 0, changed: 0, unchanged: 0, rejected: 0 },
    durationMs: 0,
    rejects: [],
    warnings: [],
    mapping: [],
    unmapped: [],
    sample: [],
    gateFailed: false,
  };
}

function failedFile(file: string, error: InputError): FileResult {
  return {
    ...newFileResult(file === "-" ? "<stdin>" : file, "", "failed"),
    error: error.hint ? `${error.message} (${error.hint})` : error.message,
  };
}

const DEFAULT_CHUNK_ROWS = 20_000;
/** Positions of the date fields in a record's values: import counts their day/month-order evidence. */
const DATE_INDEXES = (["birth_date", "created_at", "updated_at"] as const).map((field) => CANONICAL_FIELDS.indexOf(field));
const SHOWN_REJECTS = 5;

/** What names stdin when named as a file: `/dev/stdin`, and file descriptor 0 through /dev/fd or /proc. */
const STDIN_PATH = /^\/dev\/stdin$|^\/dev\/fd\/0$|^\/proc\/(?:self|\d+)\/fd\/0$/;

/**
 * The source name when --source is not given: a file's name without its extension. A pipe named as a file
 * (`<(gunzip -c x.gz)` is /dev/fd/63) has no name of its own: "stdin" for stdin, else "pipe".
 */
export function defaultSource(file: string): string {
  if (file === "-" || STDIN_PATH.test(file)) return "stdin";
  if (isPipe(file)) return "pipe";
  const name = basename(file);
  return name.slice(0, name.length - extname(name).length) || name;
}

function isPipe(file: string): boolean {
  if (/^\/dev\/fd\/\d+$|^\/proc\/(?:self|\d+)\/fd\/\d+$/.test(file)) return true;
  try {
    const stats = statSync(file);
    return stats.isFIFO() || stats.isSocket() || stats.isCharacterDevice();
  } catch {
    return false; // missing: the read reports it, naming the file
  }
}

/** Every reading option as it took effect (roster.yml's mappings as --map), the gate, then the files. */
export function importAuditArgs(options: ImportOptions): string[] {
  const { read } = options;
  return auditArgs(
    {
      "--format": read.format,
      "--encoding": read.encoding,
      "--delimiter": read.delimiter,
      "--map": Object.entries(options.mappings).map(([column, field]) => `${column}=${field}`),
      "--source": options.source,
      "--max-rejects": options.maxRejects?.text,
    },
    options.files,
  );
}

export async function runImport(options: ImportOptions, io: ImportIo): Promise<ImportResult> {
  const files: FileResult[] = [];
  let opened: { db: Db; path: string } | undefined;
  // The store is opened only once an input has been read successfully, so a bad input touches nothing.
  const store = (): Db => {
    if (!opened) {
      const { db, path } = openStore(options.storePath, { create: true, busyTimeoutMs: options.busyTimeoutMs });
      opened = { db, path };
      const removed = rollBackAbandonedBatches(db);
      if (removed > 0) io.terminal.warn(`rolled back ${count(removed, "unfinished import")} left by a process that was killed`);
    }
    return opened.db;
  };
  try {
    for (const file of options.files) {
      try {
        files.push(await importFile(file, options, io, options.dryRun ? undefined : store));
      } catch (error) {
        // One unreadable file (exit 3) must not stop the files after it in a nightly `import exports/*.csv`;
        // a broken store stops everything.
        if (!(error instanceof InputError)) throw error;
        files.push(failedFile(file, error));
      }
    }
    const totals = sumCounts(files);
    const gate = rejectGate(files, options.maxRejects);
    const failed = files.filter((f) => f.status === "failed").length;
    if (opened)
      writeAudit(opened.db, "import", importAuditArgs(options), failed > 0 ? "failed" : "ok", {
        totals,
        batches: files.map((f) => f.batchId),
        failed,
      });
    return { store: opened?.path, files, totals, gate, failed };
  } catch (error) {
    if (opened) {
      try {
        writeAudit(opened.db, "import", importAuditArgs(options), "failed", { error: (error as Error).message });
      } catch {
        // the store itself may be what failed; the original error matters more
      }
    }
    throw error;
  } finally {
    opened?.db.close();
  }
}

async function importFile(file: string, options: ImportOptions, io: ImportIo, store: (() => Db) | undefined): Promise<FileResult> {
  const started = performance.now();
  const opened = await openInput(file, options.read, io.stdin);
  const db = store?.();
  const { info } = opened;
  const source = options.source ?? defaultSource(file);
  const result = newFileResult(info.name, source, options.dryRun ? "dry-run" : "imported", info);
  result.warnings.push(...info.warnings.map((w) => `${info.name}: ${w}`));
  // Rows are matched across imports within a source: two different pipes must not share a made-up name unawares.
  if (options.source === undefined && source === "pipe")
    result.warnings.push(`${info.name}: a pipe, not a file: its rows go to source "pipe"; name the source with --source`);
  const batchStart = {
    source,
    path: info.path ?? "-",
    sha256: info.sha256,
    format: info.format,
    encoding: info.encoding,
    delimiter: info.delimiter,
  };

  let replaces: number | undefined;
  if (db && info.sha256) {
    const previous = findSameFileImport(db, source, info.sha256);
    const differences = previous ? readingDifferences(previous, info, options.mappings) : [];
    if (previous && differences.length === 0) {
      result.status = "duplicate";
      result.duplicateOf = previous.id;
      result.batchId = insertBatch(db, batchStart, previous);
      result.counts = { ...previous.counts };
      result.durationMs = performance.now() - started;
      return result;
    }
    if (previous) {
      // The same bytes read another way (a wrong --encoding or --map the first time): read them again and
      // replace that batch, rather than keep its rows as they were read.
      replaces = previous.id;
      result.replaces = previous.id;
      result.rereadBecause = differences;
    }
    const running = findRunningImport(db, source, info.sha256);
    if (running) {
      throw new StoreError(
        `${info.name} is already being imported into source "${source}" by process ${running.pid}`,
        "wait for that import to finish",
      );
    }
  }

  const mapper = new ColumnMapper(options.mappings);
  const plans = new PlanCache(mapper);
  const dateEvidence: DateOrderEvidence = { dayFirst: 0, monthFirst: 0 };
  let csvPlan: RowPlan | undefined;
  let csvMapper: ColumnMapper | undefined;
  const writer = db
    ? new BatchWriter(db, { ...batchStart, replaces }, options.chunkRows ?? DEFAULT_CHUNK_ROWS, db.name, options.busyTimeoutMs)
    : undefined;
  // Interrupted (Ctrl-C) from here on, the batch is rolled back before roster dies: the store is as it was.
  const forget = writer ? onInterrupt(() => writer.abort()) : undefined;
  result.batchId = writer?.batchId;
  const sampleRows = options.sampleRows ?? 5;
  const progress = await io.terminal.progress(`importing ${info.name}`);
  const meter = progressMeter(info.name, info.size, progress.update);
  let rows = 0;

  try {
    const heartbeat = writer ? setInterval(() => writer.heartbeat(), 60_000).unref() : undefined;
    const streamed = await streamRows(
      opened,
      {
        columns(headers, warnings) {
          result.warnings.push(...warnings.map((w) => `${info.name}:1: ${w}`));
          csvMapper = ColumnMapper.forHeaders(headers, options.mappings);
          csvPlan = planRow(headers, csvMapper);
          result.warnings.push(...csvMapper.warnings.map((w) => `${info.name}: ${w}`));
        },
        row(line, columns, values, raw) {
          const record = buildRecord(csvPlan ?? plans.get(columns), line, values, raw);
          for (const index of DATE_INDEXES) noteDateOrder(record.values[index] ?? null, dateEvidence);
          rows++;
          if (!writer) {
            result.sample.push(record);
            if (result.sample.length >= sampleRows) throw new StopReading();
            return;
          }
          writer.add(record);
        },
        reject(line, raw, reason) {
          rows++;
          if (result.rejects.length < SHOWN_REJECTS) result.rejects.push({ line, reason });
          writer?.addReject({ line, raw, reason });
        },
      },
      (bytes) => meter(bytes, rows),
    ).finally(() => clearInterval(heartbeat));
    if (info.sha256 && streamed.sha256 && streamed.sha256 !== info.sha256) {
      throw new InputError(`${info.name} changed while it was being imported: nothing was imported`, "import it again once it is complete");
    }
    const used = csvMapper ?? mapper;
    result.mapping = used.all();
    result.unmapped = used.unmapped();
    const unused = unusedMappings(options.mapFlagColumns ?? [], result.mapping);
    result.warnings.push(...unused.map((column) => `${info.name}: --map ${column}: no such column`));
    writer?.finish(mappingJson(used.inPrecedence()), dateEvidence, streamed.sha256);
  } catch (error) {
    if (writer) writer.abort();
    throw error;
  } finally {
    forget?.();
    progress.stop();
  }

  if (writer) result.counts = { ...writer.counts };
  result.warnings.push(...mapper.warnings.map((w) => `${info.name}: ${w}`));
  if (result.counts.read === 0 && result.sample.length === 0) {
    const what = info.empty
      ? "the file is empty"
      : info.format === "csv" || info.format === "tsv"
        ? "no data rows (only a header?)"
        : "no records";
    result.warnings.push(`${info.name}: ${what}: nothing imported`);
  }
  result.gateFailed = !options.dryRun && exceedsLimit(result.counts, options.maxRejects);
  result.durationMs = performance.now() - started;
  return result;
}

/** --map columns that never appeared in the input: likely a typo. */
function unusedMappings(columns: readonly string[], mapping: readonly ColumnMapping[]): string[] {
  const seen = new Set(mapping.flatMap((m) => [m.column, m.column.toLowerCase()]));
  return columns.filter((column) => !seen.has(column) && !seen.has(column.toLowerCase()));
}

function rejectGate(files: readonly FileResult[], limit: RejectLimit | undefined): GateOutcome {
  const over = files.filter((f) => f.gateFailed).map((f) => `${f.file} (${number(f.counts.rejected)} of ${count(f.counts.read, "row")})`);
  return over.length === 0 ? GATE_PASSED : gateFailed(`too many rejected rows for --max-rejects ${limit?.text}: ${over.join(", ")}`);
}

export function exceedsLimit(counts: BatchCounts, limit: RejectLimit | undefined): boolean {
  if (!limit || counts.rejected === 0) return false;
  if (limit.count !== undefined) return counts.rejected > limit.count;
  if (limit.percent !== undefined) return (counts.rejected / Math.max(counts.read, 1)) * 100 > limit.percent;
  return false;
}

/** What this command read and wrote: a duplicate read nothing (its counts are its original's), a dry run wrote nothing. */
function sumCounts(files: readonly FileResult[]): BatchCounts {
  const totals: BatchCounts = { read: 0, new: 0, changed: 0, unchanged: 0, rejected: 0 };
  for (const { counts, status } of files) {
    if (status === "dry-run" || status === "duplicate") continue;
    totals.read += counts.read;
    totals.new += counts.new;
    totals.changed += counts.changed;
    totals.unchanged += counts.unchanged;
    totals.rejected += counts.rejected;
  }
  return totals;
}
