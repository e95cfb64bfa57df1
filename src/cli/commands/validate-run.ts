/**
 * `roster validate`: on the store (every current record) or straight on files (nothing written). Each record
 * is normalized in memory first, as normalize would, so the rules see canonical values whether or not
 * normalize has run; findings are grouped into a report and the gates decide the exit code.
 */

import { InputError } from "../../errors.js";
import type { CanonicalField } from "../../fields/canonical.js";
import type { Terminal } from "../../io/terminal.js";
import { collectDateOrder, type DateOrderEvidence } from "../../stages/normalize/dates.js";
import { type NormalizeContext, normalizeRecord } from "../../stages/normalize/index.js";
import type { CustomRuleConfig } from "../../stages/validate/custom.js";
import { type ValidationFinding, Validator } from "../../stages/validate/index.js";
import { type FailOn, ReportBuilder, type Threshold, type ValidationReport } from "../../stages/validate/report.js";
import { writeAudit } from "../../store/audit.js";
import { currentSourceCounts, normalizeFindingsInRange, rowsInIdRange, storedDateEvidence } from "../../store/normalize.js";
import { openStore } from "../../store/open.js";
import { ValidationWriter } from "../../store/validate.js";
import { defaultSource } from "./import-run.js";
import { canReadTwice, dateOrderFor, datesOf, eachRow } from "./normalize-files.js";
import { RangeNormalizer } from "./normalize-ranges.js";
import { idRanges, type NormalizeOptions } from "./normalize-run.js";

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
  onFindings?: (findings: readonly ValidationFinding[]) => void | Promise<void>;
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

async function validateStore(options: ValidateOptions, io: ValidateIo): Promise<ValidateResult> {
  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  const builder = new ReportBuilder();
  const validator = newValidator(options);
  const progress = await io.terminal.progress("validating");
  try {
    const counts = currentSourceCounts(db, options.source ? [options.source] : []);
    const sources = [...counts.keys()];
    const contexts: Record<string, NormalizeContext> = {};
    for (const source of sources)
      contexts[source] = contextFor(source, options, storedDateEvidence(db, source) ?? { dayFirst: 0, monthFirst: 0 });
    const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
    const reader = new RangeNormalizer(db, { contexts: {}, dryRun: true, now: "" });
    const rows = rowsInIdRange(db);
    const explanations = normalizeFindingsInRange(db);
    const writer = new ValidationWriter(db);
    let done = 0;
    for (const range of idRanges(db)) {
      const found: ValidationFinding[] = [];
      const checked: number[] = [];
      const explained = explanations(range.from, range.to);
      for (const row of rows(range.from, range.to)) {
        const context = contexts[row.source];
        if (!context) continue;
        checked.push(row.id);
        // Normalized records are checked as stored (with normalize's explanations); others as normalize would
        // make them, computed in memory.
        const normalized = row.normalized
          ? { values: row.normalized.values, findings: explained.get(row.id) ?? [] }
          : normalizeRecord(reader.valuesOf(row), context);
        const findings = validator.check({
          source: row.source,
          sourceId: row.sourceId,
          line: row.line,
          recordId: row.id,
          values: normalized.values,
          normalizeFindings: normalized.findings,
        });
        builder.add(findings);
        found.push(...findings);
        done++;
      }
      writer.write(checked, found);
      await io.onFindings?.(found);
      progress.update(`validating: ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} records`);
    }
    const report = builder.build(options.failOn, options.thresholds);
    writeAudit(db, "validate", options.source ? ["--source", options.source] : [], report.passed ? "ok" : "failed", {
      records: report.records,
      findings: report.findings,
      passed: report.passed,
    });
    return { mode: "store", store: path, report, rejects: [], failedFiles: [] };
  } finally {
    progress.stop();
    db.close();
  }
}

async function validateFiles(options: ValidateOptions, io: ValidateIo): Promise<ValidateResult> {
  const builder = new ReportBuilder();
  const validator = newValidator(options);
  const failedFiles: string[] = [];
  const record = async (findings: ValidationFinding[]) => {
    builder.add(findings);
    if (findings.length > 0) await io.onFindings?.(findings);
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

function newValidator(options: ValidateOptions): Validator {
  return new Validator({ required: options.required, disabled: options.disabled, custom: options.custom, defaultCountry: options.country });
}

async function validateFile(
  file: string,
  options: ValidateOptions,
  io: ValidateIo,
  validator: Validator,
  record: (findings: ValidationFinding[]) => Promise<void>,
): Promise<void> {
  const source = options.source ?? defaultSource(file);
  const name = file === "-" ? "<stdin>" : file;
  const evidence: DateOrderEvidence = { dayFirst: 0, monthFirst: 0 };
  if (!(options.perSource[source]?.dateOrder ?? options.dateOrder) && canReadTwice(file)) {
    await eachRow(file, options, io.stdin, { row: (values) => void collectDateOrder(datesOf(values), evidence), reject: () => {} });
  }
  const context = contextFor(source, options, evidence);
  await eachRow(file, options, io.stdin, {
    row: async (values, line) => {
      const normalized = normalizeRecord(values, context);
      const findings = validator.check({
        source,
        sourceId: values.source_id,
        line,
        values: normalized.values,
        normalizeFindings: normalized.findings,
      });
      await record(findings);
    },
    // A row that cannot be read is a finding too: it fails the gate and shows in every report format.
    reject: (line, reason) =>
      void record([
        { source, sourceId: null, line, field: "row", rule: "row.unreadable", severity: "error", message: `${name}:${line}: ${reason}` },
      ]),
  });
}
