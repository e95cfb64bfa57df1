/**
 * customers.provenance as stored JSON text, and back (DESIGN.md §4: field → {record, rule, derived?}, blank
 * fields left out). Two forms, told apart by the `"*"` key, which no field has:
 *
 * - full: every field with a golden value has its own `{record, rule}` (every store before the compact form);
 * - compact: `"*": {record, rule}` stands for every field that has a value in the customer's row and no entry of
 *   its own; the entries written are the fields that came from elsewhere (derived ones, other records or rules).
 *   A customer of one record is `{"*":{"record":R,"rule":"only_value"}}`, plus a derived field or two.
 *
 * The full form of 823,707 customers was 538 MB of a full merge's writing (a million times the same
 * `"email":{"record":17,"rule":"only_value"}` for each field); compact, 66 MB. A compact text is written only
 * when expanding it with the same row's values gives back exactly the provenance written, so nothing is lost;
 * every reader expands (readStoredProvenance) and never sees the difference.
 *
 * Written by hand rather than with JSON.stringify: a full merge writes one per customer, and the shape is fixed,
 * so the fields in canonical order and each rule's quoted text (a handful of names, cached) make the same JSON
 * in a fraction of the time.
 */
import { StoreError } from "../errors.js";
import { CANONICAL_FIELDS, type CanonicalField } from "../fields/canonical.js";
import { emptyProvenance, type FieldProvenance, type Provenance } from "../stages/merge/types.js";

/** The key of the compact form's shared source: not a field name, so a full-form text never has it. */
export const SHARED_SOURCE_KEY = "*";

/** Whether field `index` (of CANONICAL_FIELDS) has a value in the customer's row (not NULL). */
export type HasValue = (field: CanonicalField, index: number) => boolean;

/** `"field":{"record":` per field, in canonical order. */
const OPENINGS = CANONICAL_FIELDS.map((field) => `${JSON.stringify(field)}:{"record":`);
const SHARED_OPENING = `${JSON.stringify(SHARED_SOURCE_KEY)}:{"record":`;
const quotedRules = new Map<string, string>();

function quoted(rule: string): string {
  let text = quotedRules.get(rule);
  if (text === undefined) {
    text = JSON.stringify(rule);
    quotedRules.set(rule, text);
  }
  return text;
}

/** A finite record id, or null (a value derived from several records); anything else is no id. */
function recordText(record: FieldProvenance["record"]): string {
  return typeof record === "number" && Number.isFinite(record) ? String(record) : "null";
}

/** `{"record":…,"rule":…[,"derived":true]}` after its opening. */
function entryTail(from: FieldProvenance): string {
  return `${recordText(from.record)},"rule":${quoted(from.rule)}${from.derived === true ? ',"derived":true}' : "}"}`;
}

/** The full form: what JSON.parse gives back equals what JSON.stringify would have written. */
export function provenanceJson(provenance: Provenance): string {
  let json = "{";
  for (let f = 0; f < OPENINGS.length; f++) {
    const from = provenance[CANONICAL_FIELDS[f]!];
    if (from === undefined) continue;
    if (json.length > 1) json += ",";
    json += OPENINGS[f]! + entryTail(from);
  }
  return `${json}}`;
}

/** Whether `from` is the shared source `shared` stands for: the same record and rule, and not derived. */
function isShared(from: FieldProvenance, shared: FieldProvenance): boolean {
  return from.derived !== true && from.record === shared.record && from.rule === shared.rule;
}

/**
 * The source most fields share (record and rule, not derived; the first in canonical order on a tie), or
 * undefined when the compact form cannot hold this provenance: a field with a value and no provenance would
 * come back with the shared one.
 */
function sharedSource(provenance: Provenance, hasValue: HasValue): FieldProvenance | undefined {
  let best: FieldProvenance | undefined;
  let bestCount = 0;
  let left = 0;
  for (let f = 0; f < CANONICAL_FIELDS.length; f++) {
    const field = CANONICAL_FIELDS[f]!;
    const from = provenance[field];
    if (from === undefined) {
      if (hasValue(field, f)) return undefined;
    } else if (from.derived !== true) left++;
  }
  for (let f = 0; f < CANONICAL_FIELDS.length && left > bestCount; f++) {
    const from = provenance[CANONICAL_FIELDS[f]!];
    if (from === undefined || from.derived === true) continue;
    left--;
    // A customer of one record shares one object for all its fields: counted at the first, the loop ends.
    if (best !== undefined && isShared(from, best)) continue;
    let count = 1;
    for (let g = f + 1; g < CANONICAL_FIELDS.length; g++) {
      const other = provenance[CANONICAL_FIELDS[g]!];
      if (other !== undefined && isShared(other, from)) count++;
    }
    if (count > bestCount) {
      best = from;
      bestCount = count;
    }
  }
  return best;
}

/**
 * The text stored in customers.provenance for a golden record: compact when its values (`hasValue`, what the
 * same row's columns hold) let the reader expand it back exactly, else the full form.
 */
export function storedProvenanceJson(provenance: Provenance, hasValue: HasValue): string {
  const shared = sharedSource(provenance, hasValue);
  if (shared === undefined) return provenanceJson(provenance);
  let json = `{${SHARED_OPENING}${entryTail({ record: shared.record, rule: shared.rule })}`;
  for (let f = 0; f < OPENINGS.length; f++) {
    const field = CANONICAL_FIELDS[f]!;
    const from = provenance[field];
    // A shared field is left out only when the reader will give it back: a provenance without a value is kept.
    if (from === undefined || (isShared(from, shared) && hasValue(field, f))) continue;
    json += `,${OPENINGS[f]}${entryTail(from)}`;
  }
  return `${json}}`;
}

function badProvenance(detail: string): StoreError {
  return new StoreError(`a customer's stored provenance is not readable: ${detail}`, "run roster merge --full to write it again");
}

/** The shared source of a compact text, checked: a store edited by hand must not pass on something else. */
function sharedFrom(value: unknown): FieldProvenance {
  if (typeof value === "object" && value !== null) {
    const { record, rule } = value as Record<string, unknown>;
    if ((record === null || typeof record === "number") && typeof rule === "string") return { record, rule };
  }
  throw badProvenance(`"${SHARED_SOURCE_KEY}" is not {record, rule}`);
}

/**
 * The provenance of a customer row from its stored text, in either form: the full map, field → {record, rule,
 * derived?}, every field with a value (`hasValue`: the row's columns) accounted for as it was written.
 */
export function readStoredProvenance(text: string, hasValue: HasValue): Provenance {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badProvenance("not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw badProvenance("not a JSON object");
  const stored = parsed as Record<string, FieldProvenance | undefined>;
  const sharedValue = stored[SHARED_SOURCE_KEY];
  if (sharedValue === undefined) return stored as Provenance;
  // One object for every shared field, as the stage builds a customer of one record.
  const shared = sharedFrom(sharedValue);
  const provenance = emptyProvenance();
  for (let f = 0; f < CANONICAL_FIELDS.length; f++) {
    const field = CANONICAL_FIELDS[f]!;
    const own = stored[field];
    if (own !== undefined) provenance[field] = own;
    else if (hasValue(field, f)) provenance[field] = shared;
  }
  return provenance;
}

/** The full-form text of a stored one (either form): what `export --provenance` writes. */
export function fullProvenanceJson(text: string, hasValue: HasValue): string {
  // A full-form text is passed on as stored, byte for byte, as export always has.
  if (!text.includes(`"${SHARED_SOURCE_KEY}"`)) return text;
  return provenanceJson(readStoredProvenance(text, hasValue));
}
