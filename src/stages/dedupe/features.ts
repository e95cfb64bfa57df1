/**
 * The records as dedupe reads them: one column per feature (spec.ts), each value interned once (a string table
 * and an Int32Array of ids per record, -1 for missing). A million records then cost a few typed arrays instead
 * of a million objects, equality is an integer comparison, and each distinct value is folded, phonetically
 * coded and counted (for term frequencies) once rather than once per pair.
 */
import type { RecordKeys } from "../../model/keys.js";
import type { RecordValues } from "../../model/record.js";
import { addressKey } from "../normalize/address.js";
import { pinyinWord, simplified } from "../normalize/chinese-names.js";
import { foldLatin, HAN } from "../normalize/text.js";
import { metaphone } from "./phonetic.js";
import { firstNumber } from "./similarity.js";
import type { FeatureName } from "./spec.js";

export interface FeatureColumn {
  /** Per record: the index of its value in `values`, -1 when missing. */
  readonly ids: Int32Array;
  readonly values: readonly string[];
  /** Per value: how many records hold it (term frequencies). */
  readonly counts: Uint32Array;
  /** How many records hold any value. */
  readonly filled: number;
}

export interface RecordTable {
  readonly size: number;
  /** The store's record ids (file mode: the row's index), in table order. */
  readonly recordIds: Float64Array;
  column(feature: FeatureName): FeatureColumn;
  has(feature: FeatureName): boolean;
}

/** What a record brings: canonical values as normalize left them, its keys, its unmapped columns. */
/** The canonical fields dedupe reads (the store reader selects only these). */
export const FEATURE_FIELDS = [
  "given_name",
  "family_name",
  "email",
  "phone",
  "birth_date",
  "address_line1",
  "address_line2",
  "city",
  "region",
  "postal_code",
  "national_id",
] as const;

export type FeatureValues = Pick<RecordValues, (typeof FEATURE_FIELDS)[number]>;

export interface FeatureInput {
  values: FeatureValues;
  keys: Partial<RecordKeys>;
  attributes?: Record<string, string> | null;
}

/** A Latin or Chinese name as comparable letters: 張偉 → zhang / wei (pinyin), "O'Brien-Smith" → obriensmith. */
export function foldName(name: string, asFamily: boolean): string | null {
  const folded = HAN.test(name) ? pinyinWord(name, asFamily) : foldLatin(name).replace(/[^\p{L}\p{N}]+/gu, "");
  return folded === "" ? null : folded;
}

function foldPlace(text: string): string | null {
  const folded = (HAN.test(text) ? simplified(text) : foldLatin(text)).replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  return folded === "" ? null : folded;
}

const lineKey = (line: string) => addressKey(line, null);

/** Exports that keep the house number in a column of its own (FEBRL, German shops): "street_number", "Hausnummer". */
const HOUSE_NUMBER_COLUMN = /^(street|house)[ _-]?(number|no|nr)$|^hausnummer$|^numero$|^huisnummer$/i;

function houseNumberColumn(attributes: Record<string, string> | null | undefined): string | null {
  if (!attributes) return null;
  for (const [column, value] of Object.entries(attributes)) {
    if (HOUSE_NUMBER_COLUMN.test(column.trim()) && value !== null && value !== undefined) return firstNumber(String(value));
  }
  return null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Folding a value once per distinct value: pinyin for a Chinese name costs tens of microseconds, and names,
 * places and phonetic codes repeat across a customer list (each distinct value is still computed).
 */
export class Folds {
  private readonly maps = new Map<string, Map<string, string | null>>();
  get(kind: string, value: string, fold: (value: string) => string | null): string | null {
    let map = this.maps.get(kind);
    if (!map) {
      map = new Map();
      this.maps.set(kind, map);
    }
    let folded = map.get(value);
    if (folded === undefined) {
      folded = fold(value);
      map.set(value, folded);
    }
    return folded;
  }
}

const foldGiven = (name: string) => foldName(name, false);
const foldFamily = (name: string) => foldName(name, true);

/**
 * The features read from a record itself; every other builtin feature is derived from one of these (DERIVED
 * below), once per distinct value when the table is built, not once per record.
 */
export const BASE_FEATURES = [
  "given",
  "family",
  "name_key",
  "name_han",
  "email",
  "phone",
  "birth_date",
  "address",
  "address_line2",
  "house_number",
  "postal_code",
  "city",
  "region",
  "national_id",
] as const;

type BaseFeature = (typeof BASE_FEATURES)[number];

/** A derived feature: its parent and how a parent value becomes it (null: none). */
const DERIVED: { feature: FeatureName; from: BaseFeature; derive: (value: string) => string | null }[] = [
  { feature: "given_initial", from: "given", derive: (given) => given.slice(0, 1) },
  { feature: "family_initial", from: "family", derive: (family) => family.slice(0, 1) },
  { feature: "given_metaphone", from: "given", derive: metaphone },
  { feature: "family_metaphone", from: "family", derive: metaphone },
  {
    feature: "email_local",
    from: "email",
    derive: (email) => (email.lastIndexOf("@") > 0 ? email.slice(0, email.lastIndexOf("@")) : null),
  },
  {
    feature: "email_domain",
    from: "email",
    derive: (email) => (email.lastIndexOf("@") > 0 ? email.slice(email.lastIndexOf("@") + 1) || null : null),
  },
  { feature: "phone_last8", from: "phone", derive: (phone) => (phone.length >= 8 ? phone.slice(-8) : null) },
  { feature: "phone_prefix", from: "phone", derive: (phone) => (phone.length >= 8 ? phone.slice(0, -4) : null) },
  { feature: "birth_month", from: "birth_date", derive: (date) => date.slice(0, 7) },
  { feature: "birth_year", from: "birth_date", derive: (date) => date.slice(0, 4) },
  { feature: "street_number", from: "address", derive: firstNumber },
];

/** The base features of one record, then its attribute features. The builder below interns what it returns. */
export function recordFeatures(input: FeatureInput, attributeColumns: readonly string[], folds = new Folds()): (string | null)[] {
  const { values, keys } = input;
  const email = keys.email_key ?? values.email?.toLowerCase() ?? null;
  const birth = values.birth_date && ISO_DATE.test(values.birth_date) ? values.birth_date : null;
  // Line 1 alone: a second line one export fills and another leaves empty must not break the street's equality.
  // Without a second line that is normalize's key (streets are mostly unique: worth no memo).
  const address = values.address_line1
    ? values.address_line2
      ? lineKey(values.address_line1)
      : (keys.address_key ?? lineKey(values.address_line1))
    : null;
  const byName: Record<BaseFeature, string | null> = {
    given: values.given_name ? folds.get("given", values.given_name, foldGiven) : null,
    family: values.family_name ? folds.get("family", values.family_name, foldFamily) : null,
    name_key: keys.name_key ?? null,
    name_han: keys.name_han ?? null,
    email,
    phone: values.phone ? values.phone.replace(/\D+/g, "") || null : null,
    birth_date: birth,
    address,
    address_line2: values.address_line2 ? lineKey(values.address_line2) : null,
    house_number: houseNumberColumn(input.attributes),
    postal_code: values.postal_code ? values.postal_code.replace(/\s+/g, "").toUpperCase() || null : null,
    city: values.city ? folds.get("place", values.city, foldPlace) : null,
    region: values.region ? folds.get("place", values.region, foldPlace) : null,
    national_id: values.national_id ? values.national_id.replace(/[^\p{L}\p{N}]+/gu, "").toUpperCase() || null : null,
  };
  const row: (string | null)[] = BASE_FEATURES.map((feature) => byName[feature]);
  for (const column of attributeColumns) {
    const value = input.attributes?.[column];
    row.push(value === undefined || value === null ? null : foldPlace(String(value)));
  }
  return row;
}

class ColumnBuilder {
  private ids = new Int32Array(1024);
  private readonly index = new Map<string, number>();
  readonly values: string[] = [];
  private counts = new Uint32Array(1024);
  filled = 0;

  add(row: number, value: string | null): void {
    if (row >= this.ids.length) this.ids = grow(this.ids, row + 1);
    if (value === null) {
      this.ids[row] = -1;
      return;
    }
    let id = this.index.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.index.set(value, id);
      this.values.push(value);
      if (id >= this.counts.length) this.counts = grow(this.counts, id + 1);
    }
    this.ids[row] = id;
    this.counts[id] = (this.counts[id] as number) + 1;
    this.filled++;
  }

  build(size: number): FeatureColumn {
    return { ids: this.ids.slice(0, size), values: this.values, counts: this.counts.slice(0, this.values.length), filled: this.filled };
  }
}

function grow<T extends Int32Array | Uint32Array | Float64Array>(array: T, atLeast: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(atLeast, array.length * 2));
  bigger.set(array);
  return bigger;
}

/** A feature derived from another, computed once per distinct parent value. */
function derivedColumn(parent: FeatureColumn, derive: (value: string) => string | null): FeatureColumn {
  const byParent = new Int32Array(parent.values.length);
  const values: string[] = [];
  const index = new Map<string, number>();
  parent.values.forEach((value, id) => {
    const derived = derive(value);
    if (derived === null) {
      byParent[id] = -1;
      return;
    }
    let at = index.get(derived);
    if (at === undefined) {
      at = values.length;
      index.set(derived, at);
      values.push(derived);
    }
    byParent[id] = at;
  });
  const ids = new Int32Array(parent.ids.length);
  const counts = new Uint32Array(values.length);
  let filled = 0;
  for (let row = 0; row < ids.length; row++) {
    const p = parent.ids[row] as number;
    const id = p < 0 ? -1 : (byParent[p] as number);
    ids[row] = id;
    if (id >= 0) {
      counts[id] = (counts[id] as number) + 1;
      filled++;
    }
  }
  return { ids, values, counts, filled };
}

/** `base` where it has a value, else `fallback` (values re-interned into one table). */
function overlay(base: FeatureColumn, fallback: FeatureColumn): FeatureColumn {
  if (fallback.filled === 0) return base;
  const builder = new ColumnBuilder();
  for (let row = 0; row < base.ids.length; row++) {
    const b = base.ids[row] as number;
    const f = fallback.ids[row] as number;
    builder.add(row, b >= 0 ? (base.values[b] as string) : f >= 0 ? (fallback.values[f] as string) : null);
  }
  return builder.build(base.ids.length);
}

/** Both names' phonetic codes, in sorted order ("given family" and "family given" give the same value). */
function phoneticPair(given: FeatureColumn, family: FeatureColumn): FeatureColumn {
  const builder = new ColumnBuilder();
  const memo = new Map<number, string>();
  for (let row = 0; row < given.ids.length; row++) {
    const g = given.ids[row] as number;
    const f = family.ids[row] as number;
    if (g < 0 || f < 0) {
      builder.add(row, null);
      continue;
    }
    const key = g * 2 ** 26 + f;
    let value = memo.get(key);
    if (value === undefined) {
      const a = given.values[g] as string;
      const b = family.values[f] as string;
      value = a < b ? `${a} ${b}` : `${b} ${a}`;
      memo.set(key, value);
    }
    builder.add(row, value);
  }
  return builder.build(given.ids.length);
}

/** FNV-1a, 32 bits, continued over a string's UTF-16 code units. */
function fnv1a(hash: number, text: string): number {
  let h = hash;
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193) >>> 0;
  return h;
}

/** Builds a RecordTable one record at a time (the store is read as a stream). */
export class RecordTableBuilder {
  private readonly columns: ColumnBuilder[];
  private recordIds = new Float64Array(1024);
  private rows = 0;
  private readonly folds = new Folds();

  constructor(private readonly attributeColumns: readonly string[] = []) {
    this.columns = [...BASE_FEATURES, ...attributeColumns].map(() => new ColumnBuilder());
  }

  /** Adds a record; returns the fingerprint of its features (a changed fingerprint: the record is scored again). */
  add(recordId: number, input: FeatureInput): number {
    const row = this.rows++;
    if (row >= this.recordIds.length) this.recordIds = grow(this.recordIds, row + 1);
    this.recordIds[row] = recordId;
    const features = recordFeatures(input, this.attributeColumns, this.folds);
    let hash = 0x811c9dc5;
    for (let f = 0; f < features.length; f++) {
      const value = features[f] as string | null;
      (this.columns[f] as ColumnBuilder).add(row, value);
      hash = fnv1a(hash, value === null ? "\u0000" : value);
      hash = fnv1a(hash, "\u0001");
    }
    return hash;
  }

  build(): RecordTable {
    const size = this.rows;
    const built = new Map<FeatureName, FeatureColumn>();
    for (const [f, name] of BASE_FEATURES.entries()) built.set(name, (this.columns[f] as ColumnBuilder).build(size));
    for (const [a, column] of this.attributeColumns.entries()) {
      built.set(`attr:${column}`, (this.columns[BASE_FEATURES.length + a] as ColumnBuilder).build(size));
    }
    for (const { feature, from, derive } of DERIVED) built.set(feature, derivedColumn(built.get(from) as FeatureColumn, derive));
    // A house number from a column of its own (FEBRL, German shops) where the street line has none.
    built.set("street_number", overlay(built.get("street_number") as FeatureColumn, built.get("house_number") as FeatureColumn));
    built.set("name_phonetic", phoneticPair(built.get("given_metaphone") as FeatureColumn, built.get("family_metaphone") as FeatureColumn));
    const recordIds = this.recordIds.slice(0, size);
    return {
      size,
      recordIds,
      has: (feature) => built.has(feature),
      column: (feature) => {
        const column = built.get(feature);
        if (!column) throw new Error(`no feature ${feature}`);
        return column;
      },
    };
  }
}
