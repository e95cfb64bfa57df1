/**
 * The validate stage: normalized records in, findings out. Pure, apart from the per-source set of ids the
 * uniqueness rule remembers. Findings carry where the record came from (source, source_id, line) so a report
 * can point at the row.
 */
import type { CanonicalField } from "../../fields/canonical.js";
import type { Finding, LocatedFinding, RecordOrigin } from "../../model/finding.js";
import type { RecordValues } from "../../model/record.js";
import { type CustomRule, type CustomRuleConfig, compileCustomRule } from "./custom.js";
import { BUILT_IN_RULES, type RuleContext } from "./rules.js";

export { BUILT_IN_RULES } from "./rules.js";

export interface RecordToCheck extends RecordOrigin {
  /** Normalized values. */
  values: RecordValues;
  /** What normalize reported for this record: used to explain why a value is invalid. */
  normalizeFindings: readonly Finding[];
}

export interface ValidatorOptions {
  /** Fields every record must have (rule `required`). */
  required: readonly CanonicalField[];
  /** Rule ids switched off. */
  disabled?: readonly string[];
  /** Custom rules from roster.yml. */
  custom?: readonly CustomRuleConfig[];
  /** The default country for records without one (postal codes). */
  defaultCountry?: string | undefined;
  today?: string;
}

/** Today's date where roster runs (a birth date "in the future" is judged by the user's calendar, not UTC's). */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${String(now.getFullYear()).padStart(4, "0")}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** What rules about one record alone are given for `seen`: they never look at it. */
const NOTHING_SEEN: Map<string, number> = new Map();

/** Where a finding points: the record's source, id, line (and store id). */
function where(record: RecordOrigin): RecordOrigin {
  return {
    source: record.source,
    sourceId: record.sourceId,
    line: record.line,
    ...(record.recordId === undefined ? {} : { recordId: record.recordId }),
  };
}

export class Validator {
  private readonly seenIds = new Map<string, Map<string, number>>();
  private readonly rules;
  private readonly uniqueDisabled: boolean;
  private readonly custom: CustomRule[];
  /** Values seen so far per custom unique rule and source. */
  private readonly seenValues = new Map<string, Map<string, number>>();
  private readonly today: string;

  constructor(private readonly options: ValidatorOptions) {
    const disabled = new Set(options.disabled ?? []);
    this.rules = BUILT_IN_RULES.filter((rule) => !disabled.has(rule.id));
    this.uniqueDisabled = disabled.has("source_id.duplicate");
    this.custom = (options.custom ?? []).map(compileCustomRule);
    this.today = options.today ?? localToday();
  }

  /** Every rule, in one pass: what a single thread that sees all records in order calls. */
  check(record: RecordToCheck): LocatedFinding[] {
    const findings = this.checkRecord(record);
    this.checkAcross(record, findings);
    return findings;
  }

  /**
   * The rules that look at one record alone (required, built-in, custom rules other than unique): pure, so
   * worker threads run them.
   */
  checkRecord(record: RecordToCheck): LocatedFinding[] {
    const findings: LocatedFinding[] = [];
    // Most records have no findings: where they are is only worked out for those that do.
    const found = (finding: Finding) => findings.push({ ...where(record), ...finding });
    const context: RuleContext = {
      today: this.today,
      defaultCountry: this.options.defaultCountry,
      whyNotNormal: (field) => record.normalizeFindings.find((f) => f.field === field)?.message,
    };
    for (const field of this.options.required) {
      if (record.values[field] === null) found({ field, rule: "required", severity: "error", message: `${field} is missing` });
    }
    for (const rule of this.rules) {
      const value = record.values[rule.field];
      if (value === null) continue;
      const problem = rule.check(value, record.values, context);
      if (problem) found({ field: rule.field, rule: rule.id, severity: rule.severity, ...problem });
    }
    for (const rule of this.custom) {
      if (rule.unique || (rule.source !== undefined && rule.source !== record.source)) continue;
      const message = rule.check(record.values[rule.field], record.values, NOTHING_SEEN, record.line);
      if (message) found({ field: rule.field, rule: rule.id, severity: rule.severity, message });
    }
    return findings;
  }

  /** Fields whose normalized values checkAcross needs beside source_id (those of custom unique rules). */
  get acrossFields(): CanonicalField[] {
    return [...new Set(this.custom.filter((rule) => rule.unique).map((rule) => rule.field))];
  }

  /**
   * The rules across records (source_id and custom unique), which remember what they saw: run in the one
   * thread that sees every record, in order. Adds to `findings`.
   */
  checkAcross(record: RecordOrigin & Pick<RecordToCheck, "values">, findings: LocatedFinding[]): void {
    const at = where(record);
    for (const rule of this.custom) {
      if (!rule.unique || (rule.source !== undefined && rule.source !== record.source)) continue;
      const key = `${rule.id}\u0000${rule.field}\u0000${record.source}`;
      let seen = this.seenValues.get(key);
      if (!seen) {
        seen = new Map();
        this.seenValues.set(key, seen);
      }
      const message = rule.check(record.values[rule.field], record.values, seen, record.line);
      if (message) findings.push({ ...at, field: rule.field, rule: rule.id, severity: rule.severity, message });
    }
    if (record.sourceId !== null && !this.uniqueDisabled) this.checkUnique(record, at, findings);
  }

  /** source_id unique within a source: the second and later rows with an id are reported, naming the first. */
  private checkUnique(record: Pick<RecordToCheck, "source" | "sourceId" | "line">, at: RecordOrigin, findings: LocatedFinding[]): void {
    let ids = this.seenIds.get(record.source);
    if (!ids) {
      ids = new Map();
      this.seenIds.set(record.source, ids);
    }
    const first = ids.get(record.sourceId as string);
    if (first === undefined) ids.set(record.sourceId as string, record.line);
    else
      findings.push({
        ...at,
        field: "source_id",
        rule: "source_id.duplicate",
        severity: "error",
        message: `${record.sourceId} is already used on line ${first}`,
      });
  }
}
