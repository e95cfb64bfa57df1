/**
 * `roster report`: the data-quality scorecard of the store (SQL aggregates, store/report.ts) or of files (read
 * as validate reads them, normalized and checked in memory, nothing written). Either way the figures go through
 * the one pure assembly (stages/report/assemble.ts); the gates' outcome is returned, and the CLI adapter renders
 * the report and turns a failed gate into exit 1.
 *
 * Files are not deduplicated: the report's `duplicates` is null for them (training a model on every file's rows,
 * as `roster dedupe FILES` does, would cost a report far more than all its other figures; that command prints
 * its own cluster counts). Their records' age falls back on the file's modification time.
 */
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { InputError, UsageError } from "../errors.js";
import { CANONICAL_FIELDS, isCanonicalField } from "../fields/canonical.js";
import { count } from "../io/count.js";
import type { Terminal } from "../io/terminal.js";
import { GATE_PASSED, type GateOutcome, gateFailed } from "../model/gate.js";
import { readFileRecords } from "../pipeline/file-records.js";
import { grow } from "../stages/dedupe/feature-columns.js";
import { normalizeRecord } from "../stages/normalize/index.js";
import { assembleReport } from "../stages/report/assemble.js";
import { CustomerTally } from "../stages/report/customer-tally.js";
import { DistinctTally } from "../stages/report/distinct-tally.js";
import type { CountedScope } from "../stages/report/figures.js";
import { FileTally } from "../stages/report/file-tally.js";
import { type Freshness, FreshnessTally } from "../stages/report/freshness-tally.js";
import { closeNames, describeGate, evaluateGates, type GateResult, type ReportGate } from "../stages/report/gates.js";
import { buildDuplicates, buildProfile } from "../stages/report/profile.js";
import { type FilledCounts, ShapeTally } from "../stages/report/shape-tally.js";
import type { QualityReport } from "../stages/report/types.js";
import type { CustomRuleConfig } from "../stages/validate/custom.js";
import { localToday, Validator } from "../stages/validate/index.js";
import { writeAudit } from "../store/audit.js";
import { openStore } from "../store/open.js";
import { attributeNames, emptyScope, hasAttribute, largestRecordId, type ProfileDimension, rawShapeRows } from "../store/report.js";
import { type StoreAggregates, storeAggregates, storeAggregatesInWorker } from "../store/report-worker.js";
import { recentRuns, recordRun } from "../store/runs.js";
import { clusterSizeCounts } from "./dedupe-clusters.js";
import { defaultSource } from "./import.js";
import type { NormalizeOptions } from "./normalize.js";
import { fileEvidence, sourceContext } from "./source-contexts.js";
import { VALUES_ONLY } from "./validate-range.js";

export interface ReportOptions extends Omit<NormalizeOptions, "out" | "dryRun" | "onlyNew"> {
  /** `--by`: each a list of canonical fields or attributes, the customers broken down by their combination. */
  by: string[][];
  gates: ReportGate[];
  /** Store: write this report's metrics as a `runs` row (the trend); false with --no-record. */
  record: boolean;
  /** How many earlier runs the trend shows. */
  trendRuns: number;
  /** Files: validate's rule settings from roster.yml. */
  required: (typeof CANONICAL_FIELDS)[number][];
  disabled: string[];
  custom: CustomRuleConfig[];
  /** The report's time (tests fix it); default now. */
  now?: Date | undefined;
}

export interface ReportIo {
  terminal: Terminal;
  stdin?: AsyncIterable<Uint8Array>;
}

export interface ReportResult {
  report: QualityReport;
  gates: GateResult[];
  gate: GateOutcome;
  /** The runs row written (store, unless --no-record). */
  runId: number | null;
  /** Files: rows that could not be read, as `file:line: reason`. */
  rejects: string[];
  /** Files: files that could not be read at all (their message); the command exits 3 after the report. */
  failedFiles: string[];
}

export const TREND_RUNS = 10;

/** Below this many records the counting thread costs more (its start, its own connection) than it saves. */
const THREAD_PAYS_FROM = 30_000;

export async function runReport(options: ReportOptions, io: ReportIo): Promise<ReportResult> {
  return options.files.length > 0 ? reportFiles(options, io) : reportStore(options, io);
}

function gateOutcome(results: readonly GateResult[]): GateOutcome {
  const failed = results.filter((g) => !g.passed && g.level === "error");
  return failed.length === 0 ? GATE_PASSED : gateFailed(`report gate failed: ${failed.map(describeGate).join("; ")}`);
}

/** Each `--by` name a customers column (canonical field) or an attribute some current record has; else exit 2. */
function profileDimensions(db: Parameters<typeof hasAttribute>[0], by: readonly string[][]): ProfileDimension[][] {
  return by.map((names) =>
    names.map((name): ProfileDimension => {
      if (isCanonicalField(name)) return { name, kind: "field" };
      if (hasAttribute(db, name)) return { name, kind: "attribute" };
      const close = closeNames(name, [...CANONICAL_FIELDS, ...attributeNames(db)]);
      throw new UsageError(
        `--by ${names.join(",")}: ${JSON.stringify(name)} is neither a canonical field nor an attribute of any current record`,
        close.length > 0 ? `did you mean: ${close.join(", ")}?` : `fields: ${CANONICAL_FIELDS.join(", ")}`,
      );
    }),
  );
}

/**
 * The pass's records and filled values into the scopes SQL counted (findings, validity), over all records and per
 * source; a source SQL found no finding for gets its scope here. A field gets its counts when it has a value.
 */
function withFilled(counted: StoreAggregates["counted"], filled: Map<string, FilledCounts>): void {
  const add = (scope: CountedScope, counts: FilledCounts) => {
    scope.records += counts.records;
    CANONICAL_FIELDS.forEach((field, i) => {
      const n = counts.filled[i] as number;
      if (n === 0) return;
      const fieldCounts = scope.fields[field] ?? { filled: 0, invalid: 0, distinct: 0, findings: [] };
      fieldCounts.filled += n;
      scope.fields[field] = fieldCounts;
    });
  };
  for (const [source, counts] of filled) {
    let scope = counted.bySource.get(source);
    if (!scope) {
      scope = emptyScope();
      counted.bySource.set(source, scope);
    }
    add(scope, counts);
    add(counted.all, counts);
  }
  // Sources in name order, as SQL's GROUP BY source gave them.
  const sorted = [...counted.bySource].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  counted.bySource.clear();
  for (const [source, scope] of sorted) counted.bySource.set(source, scope);
}

/** The pass's figures into a scope SQL counted: distinct values per field, and freshness. */
function withPassFigures(
  scope: CountedScope,
  distinct: Partial<Record<(typeof CANONICAL_FIELDS)[number], number>>,
  freshness: Freshness | undefined,
): void {
  for (const [field, counts] of Object.entries(scope.fields)) counts.distinct = distinct[field as keyof typeof distinct] ?? 0;
  scope.ages = freshness?.ages ?? [];
  scope.dated = freshness?.dated ?? 0;
}

async function reportStore(options: ReportOptions, io: ReportIo): Promise<ReportResult> {
  const now = options.now ?? new Date();
  const startedAt = new Date().toISOString();
  // Opened for writing: the first open of an older store migrates it, and the runs row is written at the end.
  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  const progress = await io.terminal.progress("report: counting");
  try {
    const dimensions = profileDimensions(db, options.by);
    const request = { now: now.toISOString(), dimensions };
    // Counting (SQL and the distinct values) on a thread of its own while this one shapes the raw values: by
    // default on a store big enough to pay for the thread and a machine with a second core. On two idle cores it
    // took the 1M report from 28.6 s to 16.4 s; on cores other work shares it gained nothing (BENCHMARKS.md
    // "report"), so ROSTER_WORKERS=0 keeps it on one thread.
    const parallel = (options.workers ?? (availableParallelism() > 1 && largestRecordId(db) >= THREAD_PAYS_FROM ? 1 : 0)) > 0;
    const counting: Promise<StoreAggregates> = parallel
      ? storeAggregatesInWorker({ ...request, storePath: path, busyTimeoutMs: options.busyTimeoutMs })
      : Promise.resolve(storeAggregates(db, request));
    counting.catch(() => {}); // awaited below, unless the shapes pass fails first
    progress.update("report: shapes of the raw values");
    const shapes = new ShapeTally();
    // With the counting thread, it counts the distinct values (reading the canonical values again, beside this
    // pass): the two threads then share the work about evenly (BENCHMARKS.md "report").
    const distinct = parallel ? null : new DistinctTally();
    const freshness = new FreshnessTally();
    const customers = new CustomerTally();
    let clusterIds = new Float64Array(1 << 16);
    let clustered = 0;
    for (const row of rawShapeRows(db, request.now)) {
      shapes.add(row.source, row.raw, row.canonical, row.errorFields);
      distinct?.add(row.source, row.canonical);
      freshness.add(row.source, row.days, row.dated);
      if (row.customerId !== null) customers.add(row.customerId, row.source, row.days);
      if (row.clusterId !== null) {
        if (clustered === clusterIds.length) clusterIds = grow(clusterIds, clustered + 1);
        clusterIds[clustered++] = row.clusterId;
      }
    }
    const fresh = freshness.result();
    progress.update("report: counting");
    const aggregates = await counting;
    const { counted, duplicates, histograms } = aggregates;
    withFilled(counted, shapes.filledCounts());
    if (duplicates) {
      duplicates.clusterSizes = [...clusterSizeCounts(clusterIds.subarray(0, clustered))].sort(([a], [b]) => a - b);
      duplicates.records = clustered;
    }
    const distinctValues = distinct?.result() ?? aggregates.distinct ?? { all: {}, bySource: new Map(), canonicalShapes: {} };
    const shaped = shapes.result(distinctValues.canonicalShapes);
    withPassFigures(counted.all, distinctValues.all, fresh.all);
    for (const [source, scope] of counted.bySource) {
      withPassFigures(scope, distinctValues.bySource.get(source) ?? {}, fresh.bySource.get(source));
    }
    const trend = recentRuns(db, "report", options.trendRuns).map((run) => ({ runId: run.id, at: run.finishedAt, metrics: run.metrics }));
    const report = assembleReport({
      generatedAt: now.toISOString(),
      scope: { kind: "store", path },
      figures: {
        all: { counted: counted.all, shaped: shaped.all },
        bySource: new Map(
          [...counted.bySource].map(([source, scope]) => [source, { counted: scope, shaped: shaped.bySource.get(source) ?? {} }]),
        ),
      },
      duplicates: duplicates ? buildDuplicates(duplicates) : null,
      profile: histograms ? buildProfile({ ...histograms, ...customers.result(histograms.customers) }, now) : null,
      trend,
    });
    const gates = evaluateGates(options.gates, report.metrics);
    const gate = gateOutcome(gates);
    let runId: number | null = null;
    if (options.record) {
      runId = recordRun(db, {
        command: "report",
        startedAt,
        finishedAt: new Date().toISOString(),
        metrics: report.metrics,
        counts: { records: report.records, sources: report.sources.length, customers: report.profile?.customers ?? null },
      });
      writeAudit(db, "report", options.auditArgs ?? [], gate.failed ? "failed" : "ok", { run: runId, records: report.records });
    }
    return { report, gates, gate, runId, rejects: [], failedFiles: [] };
  } finally {
    progress.stop();
    db.close();
  }
}

function modifiedAt(file: string): Date {
  if (file === "-") return new Date();
  try {
    return statSync(file).mtime;
  } catch {
    return new Date(); // missing: the read reports it
  }
}

async function reportFiles(options: ReportOptions, io: ReportIo): Promise<ReportResult> {
  const now = options.now ?? new Date();
  if (options.by.length > 0) throw new UsageError("--by breaks down golden customers: it needs the store (files have no customers)");
  const tally = new FileTally(now);
  const validator = new Validator({
    required: options.required,
    disabled: options.disabled,
    custom: options.custom,
    defaultCountry: options.country,
    today: localToday(),
  });
  const rejects: string[] = [];
  const failedFiles: string[] = [];
  for (const file of options.files) {
    const source = options.source ?? defaultSource(file);
    const name = file === "-" ? "<stdin>" : file;
    const fallback = modifiedAt(file);
    try {
      const evidence = await fileEvidence(file, source, options, options, io.stdin, { terminal: io.terminal, label: "reading dates of" });
      const { context } = sourceContext(source, options, evidence);
      await readFileRecords(
        file,
        source,
        options,
        { stdin: io.stdin, progress: { terminal: io.terminal, label: "reporting on" } },
        {
          warn: (message) => io.terminal.warn(message),
          record: ({ values, line }) => {
            const normalized = normalizeRecord(values, context, VALUES_ONLY);
            const findings = validator.check({
              source,
              sourceId: values.source_id,
              line,
              values: normalized.values,
              normalizeFindings: normalized.findings,
            });
            tally.add(source, values, normalized.values, findings, fallback);
          },
          reject: (line, reason) => {
            rejects.push(`${name}:${line}: ${reason}`);
          },
        },
      );
    } catch (error) {
      // One unreadable file must not hide the others' report: the command exits 3 after writing it.
      if (!(error instanceof InputError)) throw error;
      failedFiles.push(error.message);
    }
  }
  const report = assembleReport({
    generatedAt: now.toISOString(),
    scope: { kind: "files", files: options.files.map((f) => (f === "-" ? "<stdin>" : f)) },
    figures: tally.figures(),
    duplicates: null,
    profile: null,
    trend: [],
  });
  const gates = evaluateGates(options.gates, report.metrics);
  if (rejects.length > 0) io.terminal.detail(`${count(rejects.length, "row")} could not be read`);
  return { report, gates, gate: gateOutcome(gates), runId: null, rejects, failedFiles };
}
