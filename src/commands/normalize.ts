/**
 * `roster normalize` in the store: every current record, re-derived from its raw row, normalized inline or in
 * worker threads, range by range. Per source, the day/month order of slash dates comes from roster.yml or,
 * failing that, from the data. The file filter lives in normalize-files.ts.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ExplicitMappings } from "../fields/mapping.js";
import type { ReadOptions } from "../io/input.js";
import type { Terminal } from "../io/terminal.js";
import type { Finding } from "../model/finding.js";
import { collectDateOrder, type DateOrderEvidence } from "../stages/normalize/dates.js";
import type { DateOrder, NormalizeContext } from "../stages/normalize/index.js";
import { NormalizeSummary } from "../stages/normalize/summary.js";
import { writeAudit } from "../store/audit.js";
import { currentIdSpan, currentSourceCounts, rowsInIdRange, storedDateEvidence } from "../store/normalize.js";
import { type Db, openStore } from "../store/open.js";
import { dateOrderFor, datesOf, normalizeFiles } from "./normalize-files.js";
import { type RangeJob, RangeNormalizer, type RangeTally, SHOWN_FINDINGS } from "./normalize-range.js";
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

/** Worker threads for a store of `records` (normalize and validate): ROSTER_WORKERS, else by size and cores. */
export function workersFor(records: number, requested: number | undefined): number {
  return requested ?? (records < INLINE_BELOW ? 0 : Math.min(availableParallelism(), 4));
}

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
    const counts = currentSourceCounts(db, options.source ? [options.source] : []);
    const sources = [...counts.keys()];
    const contexts: Record<string, NormalizeContext> = {};
    for (const source of sources) {
      // Import counted the evidence per batch; only batches from before that need their rows read again.
      const evidence = storedDateEvidence(db, source) ?? countDateEvidence(db, source);
      const report: SourceReport = { source, records: 0, evidence, ...dateOrderFor(source, options, evidence) };
      result.sources.push(report);
      contexts[source] = { country: options.perSource[source]?.country ?? options.country, dateOrder: report.dateOrder ?? undefined };
    }
    const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
    const ranges = idRanges(db);
    const job = { contexts, dryRun: options.dryRun, now: new Date().toISOString() };
    const workers = workersFor(total, options.workers);
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
  normalizer.finish();
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
      // After its tally a worker exits and this is a no-op; before it, even a clean exit means work was lost.
      worker.on("exit", (code) => reject(new Error(`a normalize worker stopped before reporting (exit code ${code})`)));
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
