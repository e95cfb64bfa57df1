/**
 * The record every stage reads, whichever reader it came from (src/pipeline/file-records.ts for files,
 * src/store/records.ts for the store): the canonical values as the source sent them, and where it came from.
 */
import type { CanonicalField } from "../fields/canonical.js";
import type { RecordOrigin } from "./finding.js";

/** A value per canonical field: trimmed, null when empty (DESIGN.md §3). */
export type RecordValues = Record<CanonicalField, string | null>;

/** Every field null, written out: an object literal is several times cheaper than copying a template. */
export function emptyValues(): RecordValues {
  return {
    source_id: null,
    given_name: null,
    family_name: null,
    full_name: null,
    email: null,
    phone: null,
    birth_date: null,
    company: null,
    address_line1: null,
    address_line2: null,
    city: null,
    region: null,
    postal_code: null,
    country: null,
    national_id: null,
    marketing_consent: null,
    created_at: null,
    updated_at: null,
  };
}

/** What the store holds for a record after the last normalize. */
export interface StoredNormalization {
  values: RecordValues;
  /** The keys as stored (JSON text, see model/keys.ts), compared as text: a re-run rewrites only what differs. */
  keys: string | null;
}

export interface SourceRecord extends RecordOrigin {
  /** Mapped from what the source sent (for the store: derived again from the verbatim row), not normalized. */
  readonly values: RecordValues;
  /** Store only: what the last normalize stored, null before the first (and always for files). */
  readonly normalized: StoredNormalization | null;
  /** Files only, when the reader is asked for them: the unmapped columns as a JSON object. */
  readonly attributes?: string | null;
}
