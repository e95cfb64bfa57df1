/**
 * The canonical values of a stored record, derived again from its verbatim row and its batch's mapping, so
 * later stages always start from what the source sent (normalize can be re-run with better rules).
 */
import { parseRecordText } from "../io/json-parser.js";
import { emptyValues, type RecordValues } from "../model/record.js";
import type { CanonicalField } from "./canonical.js";

/**
 * A batch's stored mapping, ready for use: each column's field, and its place in the order of precedence
 * when several columns feed one field (mapping.ts). `shared` is false for the common mapping where every field
 * has at most one column, which keeps the faster first-value-wins path.
 */
export interface StoredMapping {
  fields: ReadonlyMap<string, string>;
  rank: ReadonlyMap<string, number>;
  shared: boolean;
}

/**
 * Parses `batches.mapping`. Its key order is the precedence order, so the text is read pair by pair:
 * JSON.parse would move keys that look like numbers ("1") ahead of the others.
 */
export function storedMapping(text: string | null): StoredMapping {
  const fields = new Map<string, string>();
  const rank = new Map<string, number>();
  const strings = (text ?? "{}").match(/"(?:[^"\\]|\\.)*"/g) ?? [];
  const parsed = JSON.parse(text ?? "{}") as Record<string, unknown>;
  const pairs: [string, unknown][] = Array.from({ length: Math.floor(strings.length / 2) }, (_, i) => [
    JSON.parse(strings[2 * i] as string),
    JSON.parse(strings[2 * i + 1] as string),
  ]);
  const flat = strings.length === 2 * Object.keys(parsed).length && pairs.every(([column, field]) => parsed[column] === field);
  // Not the flat column → field object roster writes (edited by hand?): keep what JSON.parse gives.
  const entries = flat ? pairs : Object.entries(parsed);
  const seenFields = new Set<string>();
  let shared = false;
  for (const [column, field] of entries) {
    if (typeof field !== "string") continue;
    fields.set(column, field);
    rank.set(column, rank.size);
    if (field !== "attributes" && field !== "-") {
      if (seenFields.has(field)) shared = true;
      seenFields.add(field);
    }
  }
  return { fields, rank, shared };
}

/**
 * `raw` is the JSON text stored by import; `mapping` is the batch's column → field map. Values are trimmed,
 * empty ones null; nested objects are walked with dotted names as flattenRecord names them at import. A field
 * fed by several columns takes the non-empty value of the column first in precedence, as import did.
 */
export function mappedValues(raw: string, mapping: StoredMapping, exactNumbers = true): RecordValues {
  const values = emptyValues();
  // Rows from CSV were stored as JSON strings only: plain JSON.parse is exact for them, and faster.
  const record = (exactNumbers ? parseRecordText(raw) : JSON.parse(raw)) as Record<string, unknown>;
  assign(record, "", mapping, values, mapping.shared ? {} : undefined);
  return values;
}

function assign(
  object: Record<string, unknown>,
  prefix: string,
  mapping: StoredMapping,
  values: RecordValues,
  ranks: Record<string, number> | undefined,
): void {
  for (const key in object) {
    const item = object[key];
    if (item === null || item === undefined) continue;
    const name = prefix === "" ? key : `${prefix}.${key}`;
    if (typeof item === "object" && !Array.isArray(item)) {
      assign(item as Record<string, unknown>, name, mapping, values, ranks);
      continue;
    }
    const field = mapping.fields.get(name) as CanonicalField | undefined;
    // Only canonical fields start out null: "attributes", "-" and unknown names are skipped here.
    if (field === undefined || values[field] === undefined) continue;
    if (values[field] !== null && (ranks === undefined || (ranks[field] as number) < (mapping.rank.get(name) as number))) continue;
    const text = (typeof item === "string" ? item : Array.isArray(item) ? JSON.stringify(item) : String(item)).trim();
    if (text === "") continue;
    values[field] = text;
    if (ranks) ranks[field] = mapping.rank.get(name) as number;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/** The index of the quote that ends a JSON string whose content starts at `from` (-1: none). */
function stringEnd(raw: string, from: number): number {
  for (let quote = raw.indexOf('"', from); quote >= 0; quote = raw.indexOf('"', quote + 1)) {
    let slashes = 0;
    for (let k = quote - 1; k >= from && raw.charCodeAt(k) === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return quote;
  }
  return -1;
}

/**
 * mappedValues for the rows of one batch, read many times (the store report's pass over a million rows). A CSV
 * batch's rows are flat objects of strings, as JSON.stringify wrote them: those are scanned in place, only the
 * mapped values taken out of the text, the keys checked against the previous row's (a batch's rows repeat them)
 * instead of parsed: about half the time of JSON.parse and the mapping walk. Anything else (nested values,
 * numbers, a field fed by several columns, text it does not expect) takes mappedValues itself: the result is the
 * same either way (tested).
 */
export class MappedValuesReader {
  private readonly scans: boolean;
  /** Key k of the last row scanned, with its closing quote, and the field it maps to. */
  private readonly keys: string[] = [];
  private readonly fields: (CanonicalField | undefined)[] = [];

  constructor(
    private readonly mapping: StoredMapping,
    private readonly exactNumbers: boolean,
  ) {
    this.scans = !exactNumbers && !mapping.shared;
  }

  read(raw: string): RecordValues {
    return (this.scans ? this.scan(raw) : undefined) ?? mappedValues(raw, this.mapping, this.exactNumbers);
  }

  /** The values of a flat object of strings, or undefined for anything else. */
  private scan(raw: string): RecordValues | undefined {
    if (raw.charCodeAt(0) !== OPEN) return undefined;
    const values = emptyValues();
    if (raw.length === 2 && raw.charCodeAt(1) === CLOSE) return values;
    let at = 1;
    for (let k = 0; ; k++) {
      if (raw.charCodeAt(at) !== QUOTE) return undefined;
      let keyEnd: number;
      let field: CanonicalField | undefined;
      const known = this.keys[k];
      if (known !== undefined && raw.startsWith(known, at + 1)) {
        keyEnd = at + known.length;
        field = this.fields[k];
      } else {
        keyEnd = stringEnd(raw, at + 1);
        if (keyEnd < 0) return undefined;
        const key = raw.slice(at + 1, keyEnd);
        if (key.includes("\\")) return undefined;
        field = this.mapping.fields.get(key) as CanonicalField | undefined;
        this.keys[k] = `${key}"`;
        this.fields[k] = field;
      }
      if (raw.charCodeAt(keyEnd + 1) !== COLON || raw.charCodeAt(keyEnd + 2) !== QUOTE) return undefined;
      const valueStart = keyEnd + 3;
      const valueEnd = stringEnd(raw, valueStart);
      if (valueEnd < 0) return undefined;
      // As assign: canonical fields only ("attributes" and "-" are undefined in values), the first column wins.
      if (field !== undefined && values[field] === null) {
        let text = raw.slice(valueStart, valueEnd);
        if (text.includes("\\")) text = JSON.parse(`"${text}"`) as string;
        text = text.trim();
        if (text !== "") values[field] = text;
      }
      const next = raw.charCodeAt(valueEnd + 1);
      if (next === CLOSE) return valueEnd + 2 === raw.length ? values : undefined;
      if (next !== COMMA) return undefined;
      at = valueEnd + 2;
    }
  }
}
