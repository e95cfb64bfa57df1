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
  /**
   * When the record's batch was imported (ISO 8601): its time when it has no readable updated_at. The store hands
   * every batch of one import command the same time (store/batch-times.ts), so that they tie.
   */
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

/** Provenance of every field that has a golden value; a field left blank has none (absent or undefined). */
export type Provenance = Partial<Record<CanonicalField, FieldProvenance>>;

/**
 * A provenance with every field present and undefined: filled in place, it keeps one object shape, where adding
 * each customer's own subset of fields made thousands of shapes and slowed every access (JSON leaves them out).
 */
export function emptyProvenance(): Provenance {
  return {
    source_id: undefined,
    given_name: undefined,
    family_name: undefined,
    full_name: undefined,
    email: undefined,
    phone: undefined,
    birth_date: undefined,
    company: undefined,
    address_line1: undefined,
    address_line2: undefined,
    city: undefined,
    region: undefined,
    postal_code: undefined,
    country: undefined,
    national_id: undefined,
    marketing_consent: undefined,
    created_at: undefined,
    updated_at: undefined,
  };
}

export interface GoldenRecord {
  values: RecordValues;
  provenance: Provenance;
}
