/**
 * `roster normalize`: in the store (every current record, re-derived from its raw row) or as a file filter.
 * Per source, the day/month order of slash dates comes from roster.yml or, failing that, from the data.
 */
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { CANONICAL_FIELDS } from "../../fields/canonical.js";
import { ColumnMapper, type ExplicitMappings } from "../../fields/mapping.js";
import type { MappedValues } from "../../fields/raw.js";
import { buildRecord, PlanCache, planRow, type RowPlan } from "../../fields/record.js";
import { openInput, type ReadOptions, streamRows } from "../../io/input.js";
import { openRecordWriter, outputFormatFor, type RecordWriter } from "../../io/output.js";
import type { Terminal } from "../../io/terminal.js";
import { collectDateOrder, type DateOrderEvidence, decideDateOrder } from "../../stages/normalize/dates.js";
import {
  type DateOrder,
  type Finding,
  KEY_FIELDS,
  type KeyField,
  type NormalizeContext,
  normalizeRecord,
} from "../../stages/normalize/index.js";
import { NormalizeSummary } from "../../stages/normalize/summary.js";
import { writeAudit } from "../../store/audit.js";
import { countCurrent, currentIdSpan, currentSources, rowsInIdRange, storedDateEvidence } from "../../store/normalize.js";
import { type Db, openStore } from "../../store/open.js";
import { defaultSource } from "./import-run.js";
import { type RangeJob, RangeNormalizer, type RangeTally, SHOWN_FINDINGS } from "./normalize-ranges.js";
import type { FromWorker, WorkerSetup } from "./normalize-worker.js";

export interface SourceSettings {
  dateOrder?: DateOrder | undefined;
  country?: string | undefined;
}

export interface NormalizeOptions {
  files: string[];
  read: ReadOptions;
  mappings: ExplicitMappings;
  /** Store mode: only these sources. File mode: the source name of the rows. */
  source: string | undefined;
  out: string | undefined;
  dryRun: boolean;
  country: string | undefined;
  dateOrder: DateOrder | undefined;
  perSource: Record<string, SourceSettings>;
  storePath: string;
  busyTimeoutMs: number;
  /** Worker threads for the store; undefined: decided by the store's size and the machine's cores. */
  workers?: number | undefined;
}

export interface SourceReport {
  source: string;
  records: number;
  dateOrder: DateOrder | null;
  dateOrderFrom: "config" | "data" | "undecided";
  evidence: DateOrderEvidence;
}

export interface NormalizeResult {
  mode: "store" | "files";
  store: string | undefined;
  dryRun: boolean;
  sources: SourceReport[];
  summary: NormalizeSummary;
  /** The first findings, for the terminal; all are in the store's findings table (store mode). */
  findings: { where: string; finding: Finding }[];
  /** File mode: rows that could not be read (store mode: import already put them in rejects). */
  rejects: { where: string; reason: string }[];
}

const DATE_FIELDS = ["birth_date", "created_at", "updated_at"] as const;

export function datesOf(values: MappedValues): string[] {
  return DATE_FIELDS.map((field) => values[field]).filter((v): v is string => v !== null);
}

export function dateOrderFor(
  source: string,
  options: NormalizeOptions,
  evidence: DateOrderEvidence,
): Pick<SourceReport, "dateOrder" | "dateOrderFrom"> {
  const configured = options.perSource[source]?.dateOrder ?? options.dateOrder;
  if (configured) return { dateOrder: configured, dateOrderFrom: "config" };
  const decided = decideDateOrder(evidence);
  return decided ? { dateOrder: decided, dateOrderFrom: "data" } : { dateOrder: null, dateOrderFrom: "undecided" };
}

export async function runNormalize(
  options: NormalizeOptions,
  io: { terminal: Terminal; stdin?: AsyncIterable<Uint8Array>; stdout: NodeJS.WritableStream },
): Promise<NormalizeResult> {
  return options.files.length > 0 ? normalizeFiles(options, io) : normalizeStore(options, io.terminal);
}

/** Ids per range: one transaction each, and the unit of work handed to a worker. */
const RANGE_IDS = 5000;
/** Below this many records, starting workers (each loads the dictionaries) costs more than it saves. */
const INLINE_BELOW = 30_000;

async function normalizeStore(options: NormalizeOptions, terminal: Terminal): Promise<NormalizeResult> {
  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  const result: NormalizeResult = {
    mode: "store",
    store: path,
    dryRun: options.dryRun,
    sources: [],
    summary: new NormalizeSummary(),
    findings: [],
    rejects: [],
  };
  const progress = await terminal.progress("normalizing");
  try {
    const sources = currentSources(db, options.source ? [options.source] : []);
    const contexts: Record<string, NormalizeContext> = {};
    for (const source of sources) {
      // Import counted the evidence per batch; only batches from before that need their rows read again.
      const evidence = storedDateEvidence(db, source) ?? countDateEvidence(db, source);
      const report: SourceReport = { source, records: 0, evidence, ...dateOrderFor(source, options, evidence) };
      result.sources.push(report);
      contexts[source] = { country: options.perSource[source]?.country ?? options.country, dateOrder: report.dateOrder ?? undefined };
    }
    const total = countCurrent(db, sources);
    const ranges = idRanges(db);
    const job = { contexts, dryRun: options.dryRun, now: new Date().toISOString() };
    const workers = options.workers ?? (total < INLINE_BELOW ? 0 : Math.min(availableParallelism(), 4));
    let done = 0;
    const onProgress = (records: number) => {
      done += records;
      progress.update(`normalizing: ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} records`);
    };
    const tallies =
      workers > 0
        ? await normalizeInWorkers(
            workers,
            { ...job, storePath: path, busyTimeoutMs: options.busyTimeoutMs, writeLock: new SharedArrayBuffer(4) },
            ranges,
            onProgress,
          )
        : [normalizeInline(db, job, ranges, onProgress)];
    for (const tally of tallies) {
      result.summary.merge(tally.summary);
      for (const report of result.sources) report.records += tally.perSource[report.source] ?? 0;
      for (const found of tally.findings) if (result.findings.length < SHOWN_FINDINGS) result.findings.push(found);
    }
    if (!options.dryRun) {
      writeAudit(db, "normalize", options.source ? ["--source", options.source] : [], "ok", {
        records: result.summary.records,
        findings: result.summary.findings,
        workers,
      });
    }
    return result;
  } finally {
    progress.stop();
    db.close();
  }
}

export function idRanges(db: Db): { from: number; to: number }[] {
  const span = currentIdSpan(db);
  const ranges: { from: number; to: number }[] = [];
  if (span)
    for (let from = span.min; from <= span.max; from += RANGE_IDS) ranges.push({ from, to: Math.min(from + RANGE_IDS - 1, span.max) });
  return ranges;
}

function normalizeInline(db: Db, job: RangeJob, ranges: { from: number; to: number }[], onProgress: (records: number) => void): RangeTally {
  const normalizer = new RangeNormalizer(db, job);
  for (const range of ranges) onProgress(normalizer.run(range.from, range.to));
  return normalizer.tally;
}

/** Hand ranges to workers as they ask for them; each reports its tally at the end. */
async function normalizeInWorkers(
  count: number,
  setup: WorkerSetup,
  ranges: { from: number; to: number }[],
  onProgress: (records: number) => void,
): Promise<RangeTally[]> {
  const queue = [...ranges];
  const workers: Worker[] = [];
  const run = () =>
    new Promise<RangeTally>((resolve, reject) => {
      const worker = new Worker(new URL("./normalize-worker.js", import.meta.url), { workerData: setup });
      workers.push(worker);
      worker.on("message", (message: FromWorker) => {
        if (message.type === "next") {
          onProgress(message.done);
          const range = queue.shift();
          worker.postMessage(range ? { type: "range", ...range } : { type: "finish" });
        } else if (message.type === "failed") {
          reject(Object.assign(new Error(message.message), { code: message.code }));
        } else {
          const summary = new NormalizeSummary();
          summary.merge(message.tally.summary);
          resolve({ summary, perSource: message.tally.perSource, findings: message.tally.findings });
        }
      });
      worker.on("error", reject);
      worker.on("exit", (code) => {
        if (code !== 0) reject(new Error(`a normalize worker stopped with exit code ${code}`));
      });
    });
  try {
    return await Promise.all(Array.from({ length: count }, run));
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/** For batches imported before import counted date evidence: read the source's rows to count it. */
function countDateEvidence(db: Db, source: string): DateOrderEvidence {
  const evidence: DateOrderEvidence = { dayFirst: 0, monthFirst: 0 };
  const reader = new RangeNormalizer(db, { contexts: {}, dryRun: true, now: "" });
  const rows = rowsInIdRange(db);
  for (const range of idRanges(db)) {
    for (const row of rows(range.from, range.to)) if (row.source === source) collectDateOrder(datesOf(reader.valuesOf(row)), evidence);
  }
  return evidence;
}

/**
 * Normalizing a file this filter wrote: its own extra columns arrive as unmapped attributes. The keys are
 * computed again, parts kept apart earlier (title, suffix, extension) are kept when the values no longer hold
 * them, and a previous `attributes` column is unpacked, so a second pass writes the same row.
 */
export function carryOwnColumns(attributes: string | null, keys: Record<KeyField, string | null>): string | null {
  if (attributes === null) return null;
  const extra = JSON.parse(attributes) as Record<string, string>;
  if (!OWN_COLUMNS.some((column) => column in extra)) return attributes;
  for (const kept of ["phone_ext", "name_title", "name_suffix"] as const) if (keys[kept] === null && extra[kept]) keys[kept] = extra[kept];
  let previous: Record<string, string> = {};
  try {
    previous = extra.attributes ? (JSON.parse(extra.attributes) as Record<string, string>) : {};
  } catch {
    previous = { attributes: extra.attributes as string }; // not ours after all: keep it as it was
  }
  const rest = Object.fromEntries(Object.entries(extra).filter(([column]) => !OWN_COLUMNS.includes(column)));
  const merged = { ...previous, ...rest };
  return Object.keys(merged).length > 0 ? JSON.stringify(merged) : null;
}

const OWN_COLUMNS = ["source", "line", ...KEY_FIELDS, "attributes"];

/** The columns a normalized file carries: where the row came from, the canonical fields, keys, attributes. */
export const OUTPUT_COLUMNS = ["source", "line", ...CANONICAL_FIELDS, ...KEY_FIELDS, "attributes"];

async function normalizeFiles(
  options: NormalizeOptions,
  io: { terminal: Terminal; stdin?: AsyncIterable<Uint8Array>; stdout: NodeJS.WritableStream },
): Promise<NormalizeResult> {
  const result: NormalizeResult = {
    mode: "files",
    store: undefined,
    dryRun: options.dryRun,
    sources: [],
    summary: new NormalizeSummary(),
    findings: [],
    rejects: [],
  };
  let writer: RecordWriter | undefined;
  try {
    for (const file of options.files) {
      const source = options.source ?? defaultSource(file);
      const evidence: DateOrderEvidence = { dayFirst: 0, monthFirst: 0 };
      // Files are read twice when the date order must come from the data; stdin can be read only once, so its
      // order comes from roster.yml or stays undecided (ambiguous dates are then reported).
      if (!(options.perSource[source]?.dateOrder ?? options.dateOrder) && canReadTwice(file)) {
        await eachRow(file, options, io.stdin, {
          row: (values) => void collectDateOrder(datesOf(values), evidence),
          reject: () => {},
        });
      }
      const report: SourceReport = { source, records: 0, evidence, ...dateOrderFor(source, options, evidence) };
      const context = { country: options.perSource[source]?.country ?? options.country, dateOrder: report.dateOrder ?? undefined };
      const name = file === "-" ? "<stdin>" : file;
      await eachRow(file, options, io.stdin, {
        opened: (format) => {
          if (!options.dryRun) writer ??= openRecordWriter(options.out, outputFormatFor(options.out, format), OUTPUT_COLUMNS, io.stdout);
        },
        row: async (values, line, rawAttributes) => {
          const after = normalizeRecord(values, context);
          const attributes = carryOwnColumns(rawAttributes, after.keys);
          result.summary.add(values, after);
          report.records++;
          for (const finding of after.findings) {
            if (result.findings.length < SHOWN_FINDINGS) result.findings.push({ where: `${name}:${line}`, finding });
          }
          await writer?.write({ source, line, ...after.values, ...after.keys, attributes });
        },
        reject: (line, reason) => void result.rejects.push({ where: `${name}:${line}`, reason }),
      });
      result.sources.push(report);
    }
    await writer?.close();
    return result;
  } catch (error) {
    writer?.discard();
    throw error;
  }
}

export interface RowHandlers {
  /** Called once the input is open and its format known, before any row (so an empty input still gets output). */
  opened?: (format: string) => void;
  row: (values: MappedValues, line: number, attributes: string | null, format: string) => void | Promise<void>;
  reject: (line: number, reason: string) => void;
}

/**
 * Only a regular file can be read twice (once for the date-order evidence, once for the rows): stdin and pipes
 * named as files (<(cat x.csv), FIFOs) would be empty the second time.
 */
export function canReadTwice(file: string): boolean {
  try {
    return file !== "-" && statSync(file).isFile();
  } catch {
    return false; // missing: the real read reports it
  }
}

/** Stream an input's rows as canonical values, in order; reading waits for the handlers between read chunks. */
export async function eachRow(
  file: string,
  options: NormalizeOptions,
  stdin: AsyncIterable<Uint8Array> | undefined,
  handlers: RowHandlers,
): Promise<void> {
  const opened = await openInput(file, options.read, stdin);
  const { format } = opened.info;
  handlers.opened?.(format);
  const plans = new PlanCache(new ColumnMapper(options.mappings));
  let csvPlan: RowPlan | undefined;
  let pending: Promise<void> = Promise.resolve();
  await streamRows(
    opened,
    {
      columns(headers) {
        csvPlan = planRow(headers, ColumnMapper.forHeaders(headers, options.mappings));
      },
      row(line, columns, cells, raw) {
        const record = buildRecord(csvPlan ?? plans.get(columns), line, cells, raw);
        const values = Object.fromEntries(CANONICAL_FIELDS.map((field, i) => [field, record.values[i] ?? null])) as MappedValues;
        pending = pending.then(() => handlers.row(values, line, record.attributes, format));
      },
      reject(line, _raw, reason) {
        handlers.reject(line, reason);
      },
    },
    () => pending,
  );
  await pending;
}
