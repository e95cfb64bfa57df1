/**
 * The plain data `roster review` works on: a pair from dedupe's review band with both records' canonical values
 * and the explanation dedupe stored with it. The store hands these over (src/store/review.ts); the stages here
 * turn them into reasons, field comparisons, export rows and session steps, and never touch the store.
 */
import type { CanonicalField } from "../../fields/canonical.js";

/** The fields a reviewer compares: who the person is and how to reach them (not timestamps or consent flags). */
export const REVIEW_FIELDS = [
  "given_name",
  "family_name",
  "full_name",
  "email",
  "phone",
  "birth_date",
  "company",
  "address_line1",
  "address_line2",
  "city",
  "region",
  "postal_code",
  "country",
  "national_id",
] as const satisfies readonly CanonicalField[];

export type ReviewField = (typeof REVIEW_FIELDS)[number];

export interface ReviewRecord {
  /** The store's current record id. */
  id: number;
  source: string;
  sourceId: string | null;
  values: Record<ReviewField, string | null>;
}

/** pairs.explanation: comparison name → [level index, weight with its term-frequency adjustment]; null levels left out. */
export type PairExplanation = Record<string, [number, number]>;

export interface ReviewPair {
  /** a.id < b.id, as in the pairs table. */
  a: ReviewRecord;
  b: ReviewRecord;
  matchWeight: number;
  matchProbability: number;
  explanation: PairExplanation;
  modelId: number;
}

/** A person's decision on a pair, as pair_decisions stores it. */
export type Decision = "same" | "different";

/** Per comparison of a model, its levels' labels by level index (0 is null). */
export type LevelLabels = ReadonlyMap<string, readonly string[]>;
