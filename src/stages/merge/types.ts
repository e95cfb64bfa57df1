/**
 * The plain data the merge stage reads and writes: a cluster's member records as the store hands them over, and
 * a golden record with its per-field provenance (DESIGN.md §4, `customers`).
 */
import type { CanonicalField } from "../../fields/canonical.js";
import type { RecordValues } from "../../model/record.js";

/** One record of a cluster: its normalized values and what survivorship needs to know about it. */
export interface MergeRecord {
  /** The store's record id; the final tie-break of every rule, so it must be unique. */
  readonly id: number;
  readonly source: string;
  /** When the record's batch was imported (ISO 8601): its time when it has no readable updated_at. */
  readonly batchImportedAt: string;
  readonly values: RecordValues;
  /** Fields with an error finding (validate): their values lose to valid ones under `valid_over_invalid`. */
  readonly errorFields: readonly string[];
}

/**
 * Where a golden value came from: the record that gave it (null when derived from several) and the rule that
 * chose it (a survivorship rule name, `only_value`, `all_agree`, `lowest_record_id`, `same_address`), or, with
 * `derived`, the completion rule that inferred it from other fields.
 */
export interface FieldProvenance {
  readonly record: number | null;
  readonly rule: string;
  readonly derived?: true;
}

/** Provenance of every field that has a golden value; a field left blank has none. */
export type Provenance = Partial<Record<CanonicalField, FieldProvenance>>;

export interface GoldenRecord {
  values: RecordValues;
  provenance: Provenance;
}
