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
import { ColumnBuilder, derivedColumn, grow, overlay, phoneticPair } from "./feature-columns.js";
import { metaphone } from "./phonetic.js";
import { firstNumber } from "./similarity.js";
import type { FeatureName } from "./spec.js";

export interface FeatureColumn {
  /** Per record: the index of its value in `values`, -1 when missing. */
  readonly ids: Int32Array;
  readonly values: readonly string[];
  /** Per value: how many records hold it (term frequencies). */
  readonly counts: Uint32Array;
  /**
   * Per value: its hash (string-table.ts's stringHash, made while interning), from which blocking-key hashes and
   * fingerprints are combined without hashing the strings again. It depends on the value alone.
   */
  readonly hashes: Uint32Array;
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

export type FeatureField = (typeof FEATURE_FIELDS)[number];

/** The match keys normalize stores that dedupe reads. */
export const FEATURE_KEYS = ["name_key", "name_han", "email_key", "address_key"] as const;
export type FeatureKey = (typeof FEATURE_KEYS)[number];

/** What a reader selects for a record: canonical fields, match keys, and whether the attributes. */
export interface FeatureReads {
  fields: readonly FeatureField[];
  keys: readonly FeatureKey[];
  attributes: boolean;
}

export const ALL_READS: FeatureReads = { fields: FEATURE_FIELDS, keys: FEATURE_KEYS, attributes: true };
export type FeatureValues = Pick<RecordValues, FeatureField>;

/** What a record brings: canonical values as normalize left them, its keys, its unmapped columns. */
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

type Extract = (input: FeatureInput, folds: Folds) => string | null;

/** How each base feature is read from a record. */
const EXTRACT: Record<BaseFeature, Extract> = {
  given: ({ values }, folds) => (values.given_name ? folds.get("given", values.given_name, foldGiven) : null),
  family: ({ values }, folds) => (values.family_name ? folds.get("family", values.family_name, foldFamily) : null),
  name_key: ({ keys }) => keys.name_key ?? null,
  name_han: ({ keys }) => keys.name_han ?? null,
  email: ({ values, keys }) => keys.email_key ?? values.email?.toLowerCase() ?? null,
  phone: ({ values }) => (values.phone ? values.phone.replace(/\D+/g, "") || null : null),
  birth_date: ({ values }) => (values.birth_date && ISO_DATE.test(values.birth_date) ? values.birth_date : null),
  // Line 1 alone: a second line one export fills and another leaves empty must not break the street's equality.
  // Without a second line that is normalize's key (streets are mostly unique: worth no memo).
  address: ({ values, keys }) =>
    values.address_line1
      ? values.address_line2
        ? lineKey(values.address_line1)
        : (keys.address_key ?? lineKey(values.address_line1))
      : null,
  address_line2: ({ values }) => (values.address_line2 ? lineKey(values.address_line2) : null),
  house_number: ({ attributes }) => houseNumberColumn(attributes),
  postal_code: ({ values }) => (values.postal_code ? values.postal_code.replace(/\s+/g, "").toUpperCase() || null : null),
  city: ({ values }, folds) => (values.city ? folds.get("place", values.city, foldPlace) : null),
  region: ({ values }, folds) => (values.region ? folds.get("place", values.region, foldPlace) : null),
  national_id: ({ values }) => (values.national_id ? values.national_id.replace(/[^\p{L}\p{N}]+/gu, "").toUpperCase() || null : null),
};

/** What each base feature reads from a record. */
const FEATURE_SOURCES: Record<BaseFeature, { fields: FeatureField[]; keys: FeatureKey[]; attributes?: true }> = {
  given: { fields: ["given_name"], keys: [] },
  family: { fields: ["family_name"], keys: [] },
  name_key: { fields: [], keys: ["name_key"] },
  name_han: { fields: [], keys: ["name_han"] },
  email: { fields: ["email"], keys: ["email_key"] },
  phone: { fields: ["phone"], keys: [] },
  birth_date: { fields: ["birth_date"], keys: [] },
  address: { fields: ["address_line1", "address_line2"], keys: ["address_key"] },
  address_line2: { fields: ["address_line2"], keys: [] },
  house_number: { fields: [], keys: [], attributes: true },
  postal_code: { fields: ["postal_code"], keys: [] },
  city: { fields: ["city"], keys: [] },
  region: { fields: ["region"], keys: [] },
  national_id: { fields: ["national_id"], keys: [] },
};

/**
 * The base features in two parts, each read (and its values interned) on a thread of its own for a large store
 * (src/pipeline/feature-table.ts); attribute features go with the second. Balanced by measurement on a million
 * records: names and places cost their folding, emails, phones and streets the interning of a million distinct
 * values. A record's fingerprint is made of the two parts' hashes, so it is the same however the table was read.
 */
export const FEATURE_PARTS: readonly (readonly BaseFeature[])[] = [
  ["given", "family", "name_key", "name_han", "birth_date", "city", "region", "postal_code"],
  ["email", "phone", "address", "address_line2", "house_number", "national_id"],
];

/** What a thread building part `part` of the features reads (attribute columns go with the last part). */
export function partReads(part: number, attributeColumns: readonly string[]): FeatureReads {
  const sources = (FEATURE_PARTS[part] as readonly BaseFeature[]).map((feature) => FEATURE_SOURCES[feature]);
  return {
    fields: FEATURE_FIELDS.filter((field) => sources.some((source) => source.fields.includes(field))),
    keys: FEATURE_KEYS.filter((key) => sources.some((source) => source.keys.includes(key))),
    attributes: sources.some((source) => source.attributes) || (part === FEATURE_PARTS.length - 1 && attributeColumns.length > 0),
  };
}

/** The base features of one record, then its attribute features. */
export function recordFeatures(input: FeatureInput, attributeColumns: readonly string[], folds = new Folds()): (string | null)[] {
  const row: (string | null)[] = BASE_FEATURES.map((feature) => EXTRACT[feature](input, folds));
  for (const column of attributeColumns) row.push(attributeFeature(input, column));
  return row;
}

function attributeFeature(input: FeatureInput, column: string): string | null {
  const value = input.attributes?.[column];
  return value === undefined || value === null ? null : foldPlace(String(value));
}

/** FNV-1a, 32 bits, continued over a string's UTF-16 code units. */
export function fnv1a(hash: number, text: string): number {
  let h = hash;
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193) >>> 0;
  return h;
}

/** The interned columns of one part of the features (plain data: a worker thread sends it to the main thread). */
export interface FeaturePart {
  features: FeatureName[];
  columns: FeatureColumn[];
  /** Per record: the hash of this part's values, combined from each value's hash (fingerprints combine the parts'). */
  hashes: Uint32Array;
  /**
   * The features derived from this part alone, when the thread that read it derived them already (withDerived):
   * the table then takes them as they are instead of deriving them again.
   */
  derived?: { features: FeatureName[]; columns: FeatureColumn[] };
}

/** A missing value's part in a record's fingerprint (a value's is its hash). */
const MISSING_HASH = 0x6d15_51a7;

/** Interns one part's features (FEATURE_PARTS[part], plus the attribute columns with the last part), a record at a time. */
export class FeaturePartBuilder {
  private readonly base: readonly BaseFeature[];
  private readonly attributes: readonly string[];
  private readonly columns: ColumnBuilder[];
  private hashes = new Uint32Array(1024);
  private rows = 0;
  private readonly folds = new Folds();

  constructor(part: number, attributeColumns: readonly string[] = []) {
    this.base = FEATURE_PARTS[part] as readonly BaseFeature[];
    this.attributes = part === FEATURE_PARTS.length - 1 ? attributeColumns : [];
    this.columns = [...this.base, ...this.attributes].map(() => new ColumnBuilder());
  }

  add(input: FeatureInput): void {
    const row = this.rows++;
    if (row >= this.hashes.length) this.hashes = grow(this.hashes, row + 1);
    let hash = 0x811c9dc5;
    const base = this.base.length;
    for (let f = 0; f < this.columns.length; f++) {
      const value =
        f < base ? EXTRACT[this.base[f] as BaseFeature](input, this.folds) : attributeFeature(input, this.attributes[f - base] as string);
      const column = this.columns[f] as ColumnBuilder;
      const id = column.add(row, value);
      hash = Math.imul(hash ^ (id < 0 ? MISSING_HASH : column.hashAt(id)), 0x01000193);
    }
    this.hashes[row] = hash;
  }

  build(): FeaturePart {
    const size = this.rows;
    return {
      features: [...this.base, ...this.attributes.map((column) => `attr:${column}` as FeatureName)],
      columns: this.columns.map((column) => column.build(size)),
      hashes: this.hashes.slice(0, size),
    };
  }
}

/** A record's fingerprint from its parts' hashes (FNV-1a over their bytes): a changed record is scored again. */
export function fingerprintOf(parts: readonly FeaturePart[], row: number): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    const value = part.hashes[row] as number;
    for (let shift = 0; shift < 32; shift += 8) hash = Math.imul(hash ^ ((value >>> shift) & 0xff), 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The table from its parts: derived features are computed here, once per distinct value (unless a part brings
 * its own: withDerived). A thread holding only some parts (the comparing helper) gets the derived features of the
 * ones it has.
 */
export function assembleTable(recordIds: Float64Array, parts: readonly FeaturePart[]): RecordTable {
  const size = recordIds.length;
  const built = new Map<FeatureName, FeatureColumn>();
  const brought = new Set<FeatureName>();
  for (const part of parts) {
    if (part.hashes.length !== size) throw new RangeError(`feature part of ${part.hashes.length} records for a table of ${size}`);
    for (const [f, feature] of part.features.entries()) built.set(feature, part.columns[f] as FeatureColumn);
    for (const [f, feature] of (part.derived?.features ?? []).entries()) {
      built.set(feature, part.derived?.columns[f] as FeatureColumn);
      brought.add(feature);
    }
  }
  for (const { feature, from, derive } of DERIVED) {
    const parent = built.get(from);
    if (parent && !brought.has(feature)) built.set(feature, derivedColumn(parent, derive));
  }
  // A house number from a column of its own (FEBRL, German shops) where the street line has none.
  const streetNumber = built.get("street_number");
  const houseNumber = built.get("house_number");
  if (streetNumber && houseNumber && !brought.has("street_number")) built.set("street_number", overlay(streetNumber, houseNumber));
  const givenCode = built.get("given_metaphone");
  const familyCode = built.get("family_metaphone");
  if (givenCode && familyCode && !brought.has("name_phonetic")) built.set("name_phonetic", phoneticPair(givenCode, familyCode));
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

/**
 * The part with the features derived from it alone, and the table of just that part. The reading thread of the
 * second part derives its features (email parts, phone tails, street numbers: a million distinct values each)
 * while the main thread is still reading the first, instead of the main thread deriving them after.
 */
export function withDerived(recordIds: Float64Array, part: FeaturePart): { part: FeaturePart; table: RecordTable } {
  const table = assembleTable(recordIds, [part]);
  const own = new Set(part.features);
  const features = [...DERIVED.map((entry) => entry.feature), "name_phonetic" as const].filter(
    (feature, k, all) => all.indexOf(feature) === k && table.has(feature) && !own.has(feature),
  );
  return { part: { ...part, derived: { features, columns: features.map((feature) => table.column(feature)) } }, table };
}

/** The base features a feature is made from (itself for a base or attribute feature). */
export function baseFeaturesOf(feature: FeatureName): FeatureName[] {
  if (feature === "street_number") return ["address", "house_number"];
  if (feature === "name_phonetic") return ["given", "family"];
  const derived = DERIVED.find((entry) => entry.feature === feature);
  return derived ? [derived.from] : [feature];
}

/** Builds a RecordTable one record at a time, every part in this thread (files, small stores, --explain). */
export class RecordTableBuilder {
  private readonly parts: FeaturePartBuilder[];
  private recordIds = new Float64Array(1024);
  private rows = 0;
  private built: FeaturePart[] | undefined;

  constructor(attributeColumns: readonly string[] = []) {
    this.parts = FEATURE_PARTS.map((_, part) => new FeaturePartBuilder(part, attributeColumns));
  }

  /** Adds a record (the fingerprints are read after build()). */
  add(recordId: number, input: FeatureInput): void {
    const row = this.rows++;
    if (row >= this.recordIds.length) this.recordIds = grow(this.recordIds, row + 1);
    this.recordIds[row] = recordId;
    for (const part of this.parts) part.add(input);
  }

  build(): RecordTable {
    this.built = this.parts.map((part) => part.build());
    return assembleTable(this.recordIds.slice(0, this.rows), this.built);
  }

  /** Each record's fingerprint, in table order (after build()). */
  fingerprints(): Uint32Array {
    const parts = this.built;
    if (!parts) throw new Error("fingerprints() before build()");
    return Uint32Array.from({ length: this.rows }, (_, row) => fingerprintOf(parts, row));
  }
}
