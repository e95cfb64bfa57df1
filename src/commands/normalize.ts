/**
 * `roster normalize` in the store: every current record, re-derived from its raw row, normalized range by
 * range (normalize-range.ts, inline or on worker threads through the store scan), and written by this thread.
 * Per source, the day/month order of slash dates comes from roster.yml or, failing that, from the data. The
 * file filter lives in normalize-files.ts.
 */
import type { ExplicitMappings } from "../fields/mapping.js";
import { count, number } from "../io/count.js";
import type { ReadOptions } from "../io/input.js";
import type { Terminal } from "../io/terminal.js";
import { scanStore, workersFor } from "../pipeline/store-scan.js";
import type { NormalizeContext } from "../stages/normalize/index.js";
import { NormalizeSummary, SHOWN_FINDINGS, type ShownFinding } from "../stages/normalize/summary.js";
import { writeAudit } from "../store/audit.js";
import { describeUnfinished, unfinishedBatches } from "../store/batches.js";
import { NormalizedWriter } from "../store/normalize.js";
import { openStore } from "../store/open.js";
import { currentIdRanges, currentSourceCounts, unnormalizedIdRanges } from "../store/records.js";
import { type NormalizeSettings, type SourceReport, sourceContext, storeEvidence } from "./source-contexts.js";

export interface NormalizeOptions extends NormalizeSettings {
  files: string[];
  read: ReadOptions;
  mappings: ExplicitMappings;
  /** Store mode: only these sources. File mode: the source name of the rows. */
  source: string | undefined;
  out: string | undefined;
  dryRun: boolean;
  storePath: string;
  busyTimeoutMs: number;
  /** Worker threads for the store; undefined: decided by the store's size and the machine's cores. */
  workers?: number | undefined;
  /**
   * Store mode: only the records never normalized (dedupe normalizing the store first after an import): the
   * ranges cover just their ids, so a nightly import of a few thousand records into a million costs seconds.
   */
  onlyNew?: boolean | undefined;
  /** audit_log.args: the command's effective flags (commands/audit-args.ts); default: --source only. */
  auditArgs?: string[] | undefined;
}

export interface NormalizeResult {
  mode: "store" | "files";
  store: string | undefined;
  dryRun: boolean;
  sources: SourceReport[];
  summary: NormalizeSummary;
  /** The first findings, for the terminal; all are in the store's findings table (store mode). */
  findings: ShownFinding[];
  /** File mode: rows that could not be read (store mode: import already put them in rejects). */
  rejects: { where: string; reason: string }[];
}

export interface NormalizeIo {
  terminal: Terminal;
  stdin?: AsyncIterable<Uint8Array>;
  stdout: NodeJS.WritableStream;
}

export async function runNormalize(options: NormalizeOptions, io: NormalizeIo): Promise<NormalizeResult> {
  if (options.files.length === 0) return normalizeStore(options, io.terminal);
  // Loaded only here: the store's main thread needs none of the normalizers when workers run them.
  const { normalizeFiles } = await import("./normalize-files.js");
  return normalizeFiles(options, io);
}

async function normalizeStore(options: NormalizeOptions, terminal: Terminal): Promise<NormalizeResult> {
  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  for (const batch of unfinishedBatches(db, options.source ? [options.source] : [])) terminal.warn(describeUnfinished(batch, "normalized"));
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
    const contexts: Record<string, NormalizeContext> = {};
    const reports = new Map<string, SourceReport>();
    for (const source of counts.keys()) {
      const { report, context } = sourceContext(source, options, storeEvidence(db, source));
      reports.set(source, report);
      contexts[source] = context;
    }
    result.sources = [...reports.values()];
    const only = options.onlyNew ? unnormalizedIdRanges(db) : undefined;
    const total = only ? only.records : [...counts.values()].reduce((sum, n) => sum + n, 0);
    const workers = workersFor(total, options.workers);
    const writer = options.dryRun ? undefined : new NormalizedWriter(db);
    let done = 0;
    await scanStore({
      stage: "normalize",
      setup: { contexts, onlyNew: options.onlyNew },
      db,
      storePath: path,
      busyTimeoutMs: options.busyTimeoutMs,
      ranges: only ? only.ranges : currentIdRanges(db),
      workers,
      apply(range) {
        // One transaction per range, stamped with its own time: a dedupe that read these records before this
        // commit started earlier, so its next incremental run sees them as changed (normalized_at >= its start).
        writer?.write(range.page, new Date().toISOString());
        result.summary.merge(range.summary);
        for (const [source, n] of Object.entries(range.perSource)) (reports.get(source) as SourceReport).records += n;
        for (const shown of range.shown) if (result.findings.length < SHOWN_FINDINGS) result.findings.push(shown);
        done += range.page.ids.length;
        progress.update(`normalizing: ${number(done)} of ${count(total, "record")}`);
      },
    });
    if (!options.dryRun) {
      writeAudit(db, "normalize", options.auditArgs ?? (options.source ? ["--source", options.source] : []), "ok", {
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
