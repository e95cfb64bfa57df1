/**
 * `roster validate`: on the store (every current record) or straight on files (nothing written). Each record
 * is normalized in memory first, as normalize would, so the rules see canonical values whether or not
 * normalize has run; findings are grouped into a report and the gates decide the exit code.
 */

import { InputError } from "../errors.js";
import type { CanonicalField } from "../fields/canonical.js";
import type { Terminal } from "../io/terminal.js";
import type { LocatedFinding } from "../model/finding.js";
import { emptyValues, type RecordValues } from "../model/record.js";
import { OrderedPool } from "../pipeline/ordered-pool.js";
import { collectDateOrder, type DateOrderEvidence } from "../stages/normalize/dates.js";
import { type NormalizeContext, normalizeRecord } from "../stages/normalize/index.js";
import type { CustomRuleConfig } from "../stages/validate/custom.js";
import { localToday, Validator, type ValidatorOptions } from "../stages/validate/index.js";
import { type FailOn, ReportBuilder, type Threshold, type ValidationReport } from "../stages/validate/report.js";
import { writeAudit } from "../store/audit.js";
import { currentSourceCounts, storedDateEvidence } from "../store/normalize.js";
import { openStore } from "../store/open.js";
import { ValidationWriter } from "../store/validate.js";
import { defaultSource } from "./import.js";
import { idRanges, type NormalizeOptions, workersFor } from "./normalize.js";
import { canReadTwice, dateOrderFor, datesOf, eachRow } from "./normalize-files.js";
import { type CheckedRange, RangeChecker, VALUES_ONLY } from "./validate-range.js";
import type { RangeTask, ValidateWorkerSetup } from "./validate-worker.js";

export interface ValidateOptions extends NormalizeOptions {
  required: CanonicalField[];
  disabled: string[];
  custom: CustomRuleConfig[];
  failOn: FailOn;
  thresholds: Threshold[];
}

export interface ValidateIo {
  terminal: Terminal;
  stdin?: AsyncIterable<Uint8Array>;
  /** Every finding as it is found (the CSV format streams them). */
  onFindings?: (findings: readonly LocatedFinding[]) => void | Promise<void>;
}

export interface ValidateResult {
  mode: "store" | "files";
  store: string | undefined;
  report: ValidationReport;
  /** File mode: rows the reader could not read (store mode: import put them in rejects). */
  rejects: { where: string; reason: string }[];
  /** File mode: files that could not be read at all (their message); the command exits 3 after the report. */
  failedFiles?: string[];
}

function contextFor(source: string, options: ValidateOptions, evidence: DateOrderEvidence): NormalizeContext {
  return {
    country: options.perSource[source]?.country ?? options.country,
    dateOrder: dateOrderFor(source, options, evidence).dateOrder ?? undefined,
  };
}

export async function runValidate(options: ValidateOptions, io: ValidateIo): Promise<ValidateResult> {
  return options.files.length > 0 ? validateFiles(options, io) : validateStore(options, io);
}

const WORKER = new URL("./validate-worker.js", import.meta.url);

function validatorOptions(options: ValidateOptions): ValidatorOptions {
  // "Today" is decided once, so that every worker judges future birth dates alike.
  return {
    required: options.required,
    disabled: options.disabled,
    custom: options.custom,
    defaultCountry: options.country,
    today: localToday(),
  };
}

/** No custom unique rules (the usual case): the rules across records read no values, so none are built. */
const NO_VALUES: RecordValues = Object.freeze(emptyValues());

/** The values the rules across records need, from a checked range (the rest stay null). */
function acrossValues(fields: readonly CanonicalField[], values: readonly (string | null)[] | undefined): RecordValues {
  if (fields.length === 0) return NO_VALUES;
  const record = emptyValues();
  fields.forEach((field, i) => {
    record[field] = values?.[i] ?? null;
  });
  return record;
}

async function validateStore(options: ValidateOptions, io: ValidateIo): Promise<ValidateResult> {
  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  const builder = new ReportBuilder();
  const setup = validatorOptions(options);
  const progress = await io.terminal.progress("validating");
  let pool: OrderedPool<RangeTask, CheckedRange> | undefined;
  try {
    const counts = currentSourceCounts(db, options.source ? [options.source] : []);
    const contexts: Record<string, NormalizeContext> = {};
    for (const source of counts.keys())
      contexts[source] = contextFor(source, options, storedDateEvidence(db, source) ?? { dayFirst: 0, monthFirst: 0 });
    const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
    const checker = new RangeChecker(db, setup, contexts);
    const { validator } = checker;
    const across = validator.acrossFields;
    const writer = new ValidationWriter(db);
    let done = 0;
    // In id order: the first record with a source_id is the one a duplicate is reported against.
    const account = async (range: CheckedRange) => {
      const found = new Map(range.found);
      const all: LocatedFinding[] = [];
      const checked: number[] = [];
      range.records.forEach(([recordId, source, sourceId, line], i) => {
        const findings = found.get(i) ?? [];
        validator.checkAcross({ source, sourceId, line, recordId, values: acrossValues(across, range.across?.[i]) }, findings);
        builder.add(findings);
        for (const finding of findings) all.push(finding);
        checked.push(recordId);
      });
      writer.write(checked, all);
      await io.onFindings?.(all);
      done += checked.length;
      progress.update(`validating: ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} records`);
    };
    const workers = workersFor(total, options.workers);
    if (workers > 0) {
      const workerSetup: ValidateWorkerSetup = { validator: setup, storePath: path, busyTimeoutMs: options.busyTimeoutMs, contexts };
      pool = new OrderedPool<RangeTask, CheckedRange>(WORKER, workerSetup, workers, account);
      for (const range of idRanges(db)) await pool.submit(range);
      await pool.finish();
    } else {
      for (const range of idRanges(db)) {
        await account(checker.check(range.from, range.to));
        await new Promise(setImmediate); // let an interrupt through (it removes a --out file's temporary name)
      }
    }
    const report = builder.build(options.failOn, options.thresholds);
    writeAudit(db, "validate", options.source ? ["--source", options.source] : [], report.passed ? "ok" : "failed", {
      records: report.records,
      findings: report.findings,
      passed: report.passed,
      workers,
    });
    return { mode: "store", store: path, report, rejects: [], failedFiles: [] };
  } finally {
    await pool?.close();
    progress.stop();
    db.close();
  }
}

async function validateFiles(options: ValidateOptions, io: ValidateIo): Promise<ValidateResult> {
  const builder = new ReportBuilder();
  const validator = new Validator(validatorOptions(options));
  const failedFiles: string[] = [];
  // Returns a promise only when there is a streamed report to wait for: a million rows, a million awaits saved.
  const record = (findings: LocatedFinding[]): void | Promise<void> => {
    builder.add(findings);
    return findings.length > 0 ? io.onFindings?.(findings) : undefined;
  };
  for (const file of options.files) {
    try {
      await validateFile(file, options, io, validator, record);
    } catch (error) {
      // One unreadable file must not hide the others' report (a CI job still needs its JUnit): it becomes a
      // finding, and the command exits 3 after writing the report.
      if (!(error instanceof InputError)) throw error;
      failedFiles.push(error.message);
      await record([
        {
          source: defaultSource(file),
          sourceId: null,
          line: 0,
          field: "file",
          rule: "file.unreadable",
          severity: "error",
          message: error.message,
        },
      ]);
    }
  }
  return { mode: "files", store: undefined, report: builder.build(options.failOn, options.thresholds), rejects: [], failedFiles };
}

/**
 * One file, in this thread: reading (twice when the date order must come from the data) is the serial part,
 * and handing rows to worker threads cost as much as it saved on 2 cores (BENCHMARKS.md).
 */
async function validateFile(
  file: string,
  options: ValidateOptions,
  io: ValidateIo,
  validator: Validator,
  record: (findings: LocatedFinding[]) => void | Promise<void>,
): Promise<void> {
  const source = options.source ?? defaultSource(file);
  const name = file === "-" ? "<stdin>" : file;
  const evidence: DateOrderEvidence = { dayFirst: 0, monthFirst: 0 };
  if (!(options.perSource[source]?.dateOrder ?? options.dateOrder) && canReadTwice(file)) {
    await eachRow(file, options, io.stdin, { row: (values) => void collectDateOrder(datesOf(values), evidence), reject: () => {} });
  }
  const context = contextFor(source, options, evidence);
  await eachRow(file, options, io.stdin, {
    row: (values, line) => {
      const normalized = normalizeRecord(values, context, VALUES_ONLY);
      return record(
        validator.check({ source, sourceId: values.source_id, line, values: normalized.values, normalizeFindings: normalized.findings }),
      );
    },
    // A row that cannot be read is a finding too: it fails the gate and shows in every report format.
    reject: (line, reason) =>
      void record([
        { source, sourceId: null, line, field: "row", rule: "row.unreadable", severity: "error", message: `${name}:${line}: ${reason}` },
      ]),
  });
}
