/**
 * Validating the store one id range at a time: normalized records as stored, others normalized in memory (as
 * normalize would make them), then the rules about one record alone. The same inline and in worker threads
 * (validate-worker.ts); it yields plain data that can cross a thread boundary, and the main thread then runs
 * the rules across records, in id order, writes the findings and builds the report (validate-run.ts).
 */
import type { CanonicalField } from "../fields/canonical.js";
import type { LocatedFinding } from "../model/finding.js";
import { type NormalizeContext, normalizeRecord } from "../stages/normalize/index.js";
import { Validator, type ValidatorOptions } from "../stages/validate/index.js";
import { normalizeFindingsInRange, rowsInIdRange } from "../store/normalize.js";
import type { Db } from "../store/open.js";
import { RangeNormalizer } from "./normalize-range.js";

/** Validate reads normalized values and findings, never match keys. */
export const VALUES_ONLY = { matchKeys: false };

export interface CheckedRange {
  /** Every record checked, in id order. */
  records: [recordId: number, source: string, sourceId: string | null, line: number][];
  /** Findings of the records that have some, by their index in `records`. */
  found: [index: number, findings: LocatedFinding[]][];
  /** The values of Validator.acrossFields per record, when there are such fields. */
  across?: (string | null)[][];
}

export class RangeChecker {
  readonly validator: Validator;
  private readonly acrossFields: CanonicalField[];
  private readonly rows;
  private readonly explanations;
  private readonly reader;

  constructor(
    db: Db,
    options: ValidatorOptions,
    private readonly contexts: Record<string, NormalizeContext>,
  ) {
    this.validator = new Validator(options);
    this.acrossFields = this.validator.acrossFields;
    this.rows = rowsInIdRange(db);
    this.explanations = normalizeFindingsInRange(db);
    this.reader = new RangeNormalizer(db, { contexts: {}, dryRun: true, now: "" });
  }

  check(from: number, to: number): CheckedRange {
    const checked: CheckedRange = { records: [], found: [], ...(this.acrossFields.length > 0 ? { across: [] } : {}) };
    const explained = this.explanations(from, to);
    for (const row of this.rows(from, to)) {
      const context = this.contexts[row.source];
      if (!context) continue;
      const normalized = row.normalized
        ? { values: row.normalized.values, findings: explained.get(row.id) ?? [] }
        : normalizeRecord(this.reader.valuesOf(row), context, VALUES_ONLY);
      const findings = this.validator.checkRecord({
        source: row.source,
        sourceId: row.sourceId,
        line: row.line,
        recordId: row.id,
        values: normalized.values,
        normalizeFindings: normalized.findings,
      });
      if (findings.length > 0) checked.found.push([checked.records.length, findings]);
      checked.across?.push(this.acrossFields.map((field) => normalized.values[field]));
      checked.records.push([row.id, row.source, row.sourceId, row.line]);
    }
    return checked;
  }
}
