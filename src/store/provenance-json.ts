/**
 * customers.provenance as JSON text (DESIGN.md §4: field → {record, rule, derived?}, blank fields left out).
 * Written by hand because a full merge writes one per customer, a million of them: JSON.stringify walks each
 * object's properties generically, where the shape here is fixed, so the fields in canonical order and each
 * rule's quoted text (a handful of names, cached) make the same JSON in a fraction of the time.
 */
import { CANONICAL_FIELDS } from "../fields/canonical.js";
import type { FieldProvenance, Provenance } from "../stages/merge/types.js";

/** `"field":{"record":` per field, in canonical order. */
const OPENINGS = CANONICAL_FIELDS.map((field) => `${JSON.stringify(field)}:{"record":`);
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

/** The provenance as JSON: what JSON.parse gives back equals what JSON.stringify would have written. */
export function provenanceJson(provenance: Provenance): string {
  let json = "{";
  for (let f = 0; f < OPENINGS.length; f++) {
    const from = provenance[CANONICAL_FIELDS[f]!];
    if (from === undefined) continue;
    if (json.length > 1) json += ",";
    json += `${OPENINGS[f]}${recordText(from.record)},"rule":${quoted(from.rule)}${from.derived === true ? ',"derived":true}' : "}"}`;
  }
  return `${json}}`;
}
