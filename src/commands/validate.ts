/**
 * `roster validate`: on the store (every current record) or straight on files (nothing written). Each record
 * is normalized in memory first, as normalize would, so the rules see canonical values whether or not
 * normalize has run; findings are grouped into a report, and the gates' outcome is returned (the CLI adapter
 * turns a failed gate into exit 1; a `run` command composes it).
 */

import { InputError } from "../errors.js";
import type { CanonicalField } from "../fields/canonical.js";
import { count, number } from "../io/count.js";
import type { Terminal } from "../io/terminal.js";
import type { LocatedFinding } from "../model/finding.js";
import { GATE_PASSED, type GateOutcome, gateFailed } from "../model/gate.js";
import { emptyValues, type RecordValues } from "../model/record.js";
import { readFileRecords } from "../pipeline/file-records.js";
import { scanStore, workersFor } from "../pipeline/store-scan.js";
import { type NormalizeContext, normalizeRecord } from "../stages/normalize/index.js";
import type { CustomRuleConfig } from "../stages/validate/custom.js";
import { localToday, Validator, type ValidatorOptions } from "../stages/validate/index.js";
import { type FailOn, ReportBuilder, type Threshold, type ValidationReport } from "../stages/validate/report.js";
import { writeAudit } from "../store/audit.js";
import { describeUnfinished, unfinishedBatches } from "../store/batches.js";
import { openStore } from "../store/open.js";
import { currentIdRanges, currentSourceCounts } from "../store/records.js";
import { ValidationWriter } from "../store/validate.js";
import { defaultSource } from "./import.js";
import type { NormalizeOptions } from "./normalize.js";
import { fileEvidence, sourceContext, storeEvidence } from "./source-contexts.js";
import { VALUES_ONLY } from "./validate-range.js";

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
  /** The quality gates (--fail-on, --max-invalid, roster.yml checks): failed when any error-level gate did. */
  gate: GateOutcome;
  /** File mode: files that could not be read at all (their message); the command exits 3 after the report. */
  failedFiles: string[];
}

export async function runValidate(options: ValidateOptions, io: ValidateIo): Promise<ValidateResult> {
  return options.files.length > 0 ? validateFiles(options, io) : validateStore(options, io);
}

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

function gateOf(report: ValidationReport): GateOutcome {
  if (report.passed) return GATE_PASSED;
  const failed = report.gates.filter((g) => !g.passed && g.level === "error");
  return gateFailed(`validation failed: ${failed.map((g) => `${g.gate} (${g.detail})`).join("; ")}`);
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
  for (const batch of unfinishedBatches(db, options.source ? [options.source] : [])) io.terminal.warn(describeUnfinished(batch, "checked"));
  const builder = new ReportBuilder();
  const setup = validatorOptions(options);
  const progress = await io.terminal.progress("validating");
  try {
    const counts = currentSourceCounts(db, options.source ? [options.source] : []);
    const contexts: Record<string, NormalizeContext> = {};
    for (const source of counts.keys()) contexts[source] = sourceContext(source, options, storeEvidence(db, source)).context;
    const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
    // The rules across records remember what they saw: they run here, in the one thread that sees every record.
    const validator = new Validator(setup);
    const across = validator.acrossFields;
    const writer = new ValidationWriter(db);
    const workers = workersFor(total, options.workers);
    let done = 0;
    await scanStore({
      stage: "validate",
      setup: { validator: setup, contexts },
      db,
      storePath: path,
      busyTimeoutMs: options.busyTimeoutMs,
      ranges: currentIdRanges(db),
      workers,
      // In id order: the first record with a source_id is the one a duplicate is reported against.
      async apply(range) {
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
        progress.update(`validating: ${number(done)} of ${count(total, "record")}`);
      },
    });
    const report = builder.build(options.failOn, options.thresholds);
    writeAudit(db, "validate", options.auditArgs ?? (options.source ? ["--source", options.source] : []), report.passed ? "ok" : "failed", {
      records: report.records,
      findings: report.findings,
      passed: report.passed,
      workers,
    });
    return { mode: "store", store: path, report, gate: gateOf(report), failedFiles: [] };
  } finally {
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
  const report = builder.build(options.failOn, options.thresholds);
  return { mode: "files", store: undefined, report, gate: gateOf(report), failedFiles };
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
  const evidence = await fileEvidence(file, source, options, options, io.stdin, { terminal: io.terminal, label: "reading dates of" });
  const { context } = sourceContext(source, options, evidence);
  await readFileRecords(
    file,
    source,
    options,
    { stdin: io.stdin, progress: { terminal: io.terminal, label: "validating" } },
    {
      warn: (message) => io.terminal.warn(message),
      record: ({ values, line }) => {
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
    },
  );
}
