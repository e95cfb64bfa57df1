/**
 * The canonical values of a stored record, derived again from its verbatim row and its batch's mapping, so
 * later stages always start from what the source sent (normalize can be re-run with better rules).
 */
import { parseRecordText } from "../io/json-parser.js";
import { emptyValues, type RecordValues } from "../model/record.js";
import type { CanonicalField } from "./canonical.js";

/**
 * `raw` is the JSON text stored by import; `mapping` is the batch's column → field map. Values are trimmed,
 * empty ones null; nested objects are walked with dotted names as flattenRecord names them at import.
 */
export function mappedValues(raw: string, mapping: Record<string, string>, exactNumbers = true): RecordValues {
  const values = emptyValues();
  // Rows from CSV were stored as JSON strings only: plain JSON.parse is exact for them, and faster.
  assign((exactNumbers ? parseRecordText(raw) : JSON.parse(raw)) as Record<string, unknown>, "", mapping, values);
  return values;
}

function assign(object: Record<string, unknown>, prefix: string, mapping: Record<string, string>, values: RecordValues): void {
  for (const key in object) {
    const item = object[key];
    if (item === null || item === undefined) continue;
    const name = prefix === "" ? key : `${prefix}.${key}`;
    if (typeof item === "object" && !Array.isArray(item)) {
      assign(item as Record<string, unknown>, name, mapping, values);
      continue;
    }
    const field = mapping[name] as CanonicalField | undefined;
    // Only canonical fields start out null: "attributes", "-" and unknown names are skipped here.
    if (field === undefined || values[field] !== null) continue;
    const text = (typeof item === "string" ? item : Array.isArray(item) ? JSON.stringify(item) : String(item)).trim();
    if (text !== "") values[field] = text;
  }
}
