/**
 * Custom rules from roster.yml (`rules:`): required, pattern, enum, length, range, unique, each with a
 * severity and an optional source scope. Compiled once into checks with the same shape as built-in findings.
 */
import type { CanonicalField } from "../../fields/canonical.js";
import { count } from "../../io/count.js";
import type { Severity } from "../../model/finding.js";
import type { RecordValues } from "../../model/record.js";
import { quote } from "../normalize/text.js";

export interface CustomRuleConfig {
  field: CanonicalField;
  severity: Severity;
  source?: string | undefined;
  name?: string | undefined;
  required?: boolean | undefined;
  pattern?: string | undefined;
  enum?: string[] | undefined;
  length?: { min?: number | undefined; max?: number | undefined } | undefined;
  range?: { min?: number | string | undefined; max?: number | string | undefined } | undefined;
  unique?: boolean | undefined;
}

export interface CustomRule {
  id: string;
  field: CanonicalField;
  severity: Severity;
  source: string | undefined;
  /** A rule across records (it remembers the values it saw), rather than about one record alone. */
  unique: boolean;
  /** A message when the record breaks the rule; `seen` holds earlier values for `unique`. */
  check(value: string | null, record: RecordValues, seen: Map<string, number>, line: number): string | undefined;
}

/** Numbers compare as numbers, anything else as text (ISO dates compare correctly as text). */
function compare(value: string, bound: number | string): number {
  if (typeof bound === "number") {
    const n = Number(value);
    return Number.isNaN(n) ? Number.NaN : n - bound;
  }
  return value < bound ? -1 : value > bound ? 1 : 0;
}

export function compileCustomRule(rule: CustomRuleConfig): CustomRule {
  const kind = rule.required
    ? "required"
    : rule.pattern !== undefined
      ? "pattern"
      : rule.enum
        ? "enum"
        : rule.length
          ? "length"
          : rule.range
            ? "range"
            : "unique";
  const base = {
    id: rule.name ?? `custom.${rule.field}.${kind}`,
    field: rule.field,
    severity: rule.severity,
    source: rule.source,
    unique: kind === "unique",
  };
  switch (kind) {
    case "required":
      return { ...base, check: (value) => (value === null ? `${rule.field} is missing` : undefined) };
    case "pattern": {
      const pattern = new RegExp(rule.pattern as string, "u");
      return {
        ...base,
        check: (value) => (value !== null && !pattern.test(value) ? `${quote(value)} does not match ${rule.pattern}` : undefined),
      };
    }
    case "enum": {
      const allowed = new Set(rule.enum);
      return {
        ...base,
        check: (value) =>
          value !== null && !allowed.has(value) ? `${quote(value)} is not one of ${(rule.enum ?? []).join(", ")}` : undefined,
      };
    }
    case "length": {
      const { min = 0, max = Number.POSITIVE_INFINITY } = rule.length ?? {};
      return {
        ...base,
        check(value) {
          const length = value === null ? 0 : [...value].length;
          return value !== null && (length < min || length > max)
            ? `${quote(value)} has ${count(length, "character")}, expected ${min}–${max}`
            : undefined;
        },
      };
    }
    case "range": {
      const { min, max } = rule.range ?? {};
      return {
        ...base,
        check(value) {
          if (value === null) return undefined;
          const below = min !== undefined && !(compare(value, min) >= 0);
          const above = max !== undefined && !(compare(value, max) <= 0);
          return below || above ? `${quote(value)} is outside ${min ?? "…"} to ${max ?? "…"}` : undefined;
        },
      };
    }
    default:
      return {
        ...base,
        check(value, _record, seen, line) {
          if (value === null) return undefined;
          const first = seen.get(value);
          if (first === undefined) {
            seen.set(value, line);
            return undefined;
          }
          return `${quote(value)} is already used on line ${first}`;
        },
      };
  }
}
