/**
 * Why dedupe was unsure about a pair, in a reviewer's terms: the comparisons that pulled the match weight up the
 * most (reasons for: "birth_date exact +4.28") and down the most (reasons against: "email else −1.69"), read from
 * the explanation dedupe stored with the pair; and, field by field, whether the two records agree.
 */
import type { DedupeModel } from "../dedupe/model.js";
import type { LevelLabels, PairExplanation, ReviewField, ReviewRecord } from "./types.js";
import { REVIEW_FIELDS } from "./types.js";

export interface Reason {
  comparison: string;
  level: number;
  label: string;
  /** The level's weight with its term-frequency adjustment: > 0 for, < 0 against. */
  weight: number;
}

export interface PairReasons {
  for: Reason[];
  against: Reason[];
}

/** The labels of a stored model's levels, by comparison name. */
export function levelLabels(model: Pick<DedupeModel, "comparisons">): LevelLabels {
  return new Map(model.comparisons.map((comparison) => [comparison.name, comparison.levels.map((level) => level.label)]));
}

/**
 * The `limit` strongest reasons each way, strongest first (ties by comparison name, so the order never depends on
 * the JSON's key order). A weight of 0 is neither. A level the labels do not know (a model from another version
 * of roster) is named by its index rather than dropped: the weight is still the stored one.
 */
export function strongestReasons(explanation: PairExplanation, labels: LevelLabels | undefined, limit = 3): PairReasons {
  const reasons: Reason[] = [];
  for (const [comparison, entry] of Object.entries(explanation)) {
    if (!Array.isArray(entry)) continue;
    const [level, weight] = entry;
    if (!Number.isFinite(weight) || weight === 0) continue;
    reasons.push({ comparison, level, label: labels?.get(comparison)?.[level] ?? `level ${level}`, weight });
  }
  const byName = (x: Reason, y: Reason) => (x.comparison < y.comparison ? -1 : x.comparison > y.comparison ? 1 : 0);
  return {
    for: reasons
      .filter((reason) => reason.weight > 0)
      .sort((x, y) => y.weight - x.weight || byName(x, y))
      .slice(0, limit),
    against: reasons
      .filter((reason) => reason.weight < 0)
      .sort((x, y) => x.weight - y.weight || byName(x, y))
      .slice(0, limit),
  };
}

/** "birth_date exact +4.28" (a minus sign, not a hyphen, for weights against). */
export function reasonText(reason: Reason): string {
  const weight = Math.abs(reason.weight).toFixed(2);
  return `${reason.comparison} ${reason.label} ${reason.weight > 0 ? "+" : "−"}${weight}`;
}

/** same: both hold the same value; different: both hold a value, not the same; one_missing: only one holds one. */
export type FieldStatus = "same" | "different" | "one_missing";

export interface FieldComparison {
  field: ReviewField;
  a: string | null;
  b: string | null;
  status: FieldStatus;
}

const filled = (value: string | null): value is string => value !== null && value.trim() !== "";

/**
 * The review fields at least one record fills, in REVIEW_FIELDS order. Values are compared as stored (normalize
 * already made them canonical: an E.164 phone, an ISO date), apart from surrounding spaces and letter case, which
 * no reviewer would call a difference.
 */
export function compareFields(a: ReviewRecord, b: ReviewRecord): FieldComparison[] {
  const rows: FieldComparison[] = [];
  for (const field of REVIEW_FIELDS) {
    const [x, y] = [a.values[field], b.values[field]];
    if (!filled(x) && !filled(y)) continue;
    const status: FieldStatus =
      filled(x) && filled(y) ? (x.trim().toLowerCase() === y.trim().toLowerCase() ? "same" : "different") : "one_missing";
    rows.push({ field, a: filled(x) ? x : null, b: filled(y) ? y : null, status });
  }
  return rows;
}

/** The fields both records fill with different values. */
export function differingFields(a: ReviewRecord, b: ReviewRecord): ReviewField[] {
  return compareFields(a, b)
    .filter((row) => row.status === "different")
    .map((row) => row.field);
}
