/**
 * validate's work on one id range of the store (a RangeStage, see pipeline/range-stages.ts): normalized
 * records as stored, others normalized in memory (as normalize would make them), then the rules about one
 * record alone. Its result is plain data; the main thread then runs the rules across records, in id order,
 * writes the findings and builds the report (validate.ts).
 */
import type { CanonicalField } from "../fields/canonical.js";
import type { LocatedFinding } from "../model/finding.js";
import type { RangeStage } from "../pipeline/range-stages.js";
import { type NormalizeContext, normalizeRecord } from "../stages/normalize/index.js";
import { Validator, type ValidatorOptions } from "../stages/validate/index.js";
import { normalizeFindingsInRange } from "../store/normalize.js";
import { storedRecords } from "../store/records.js";

/** Validate reads normalized values and findings, never match keys. */
export const VALUES_ONLY = { matchKeys: false };

export interface ValidateSetup {
  validator: ValidatorOptions;
  /** Normalize settings per source; records of other sources are skipped. */
  contexts: Record<string, NormalizeContext>;
}

export interface CheckedRange {
  /** Every record checked, in id order. */
  records: [recordId: number, source: string, sourceId: string | null, line: number][];
  /** Findings of the records that have some, by their index in `records`. */
  found: [index: number, findings: LocatedFinding[]][];
  /** The values of Validator.acrossFields per record, when there are such fields. */
  across?: (string | null)[][];
}

export const validateRange: RangeStage<ValidateSetup, CheckedRange> = {
  open(db, { validator: options, contexts }) {
    const validator = new Validator(options);
    const acrossFields: CanonicalField[] = validator.acrossFields;
    const records = storedRecords(db, { storedValuesSuffice: true });
    const explanations = normalizeFindingsInRange(db);
    return (range) => {
      const checked: CheckedRange = { records: [], found: [], ...(acrossFields.length > 0 ? { across: [] } : {}) };
      const explained = explanations(range.from, range.to);
      for (const record of records(range)) {
        const context = contexts[record.source];
        if (!context) continue;
        const recordId = record.recordId as number;
        const normalized = record.normalized
          ? { values: record.normalized.values, findings: explained.get(recordId) ?? [] }
          : normalizeRecord(record.values, context, VALUES_ONLY);
        const findings = validator.checkRecord({
          source: record.source,
          sourceId: record.sourceId,
          line: record.line,
          recordId,
          values: normalized.values,
          normalizeFindings: normalized.findings,
        });
        if (findings.length > 0) checked.found.push([checked.records.length, findings]);
        checked.across?.push(acrossFields.map((field) => normalized.values[field]));
        checked.records.push([recordId, record.source, record.sourceId, record.line]);
      }
      return checked;
    };
  },
};
