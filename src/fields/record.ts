/**
 * Turning one source row into a canonical record: raw JSON kept verbatim, canonical values trimmed (cleaning
 * is normalize's job), unmapped columns into `attributes`, and the key that identifies the row across imports.
 * Pure; plans are computed once per header set because this runs a million times per import.
 */
import { createHash } from "node:crypto";
import { emptyValues, type RecordValues } from "../model/record.js";
import { CANONICAL_FIELDS, type CanonicalField } from "./canonical.js";
import type { ColumnMapper } from "./mapping.js";

export interface CanonicalRecord {
  line: number;
  values: (string | null)[];
  raw: string;
  /**
   * Identity of the row within its source across imports: its source_id, or for rows without one a hash of
   * the raw row (such a row is either unchanged or new). A changed row is told apart by comparing raw text,
   * so rows with ids are never hashed: hashing cost as much as parsing.
   */
  recordKey: string;
  attributes: string | null;
}

export interface RowPlan {
  /** For each canonical field, the columns that feed it in order of precedence (mapping.ts): mostly one or none. */
  fieldColumns: number[][];
  /**
   * Columns that may go to attributes, in column order, each with the field it competes for: -1 for an
   * unmapped column (always kept), else a field index (kept when its value differs from the one the field took).
   */
  attributeColumns: Array<[column: number, field: number]>;
  /** `"header":` for each column, pre-encoded for building the raw JSON. */
  jsonKeys: string[];
}

export function planRow(columns: readonly string[], mapper: ColumnMapper): RowPlan {
  const byField = new Map<CanonicalField, string[]>();
  const indexOf = new Map<string, number>();
  columns.forEach((column, index) => {
    const { field } = mapper.map(column, columns);
    indexOf.set(column, index);
    if (field !== "attributes") byField.set(field, [...(byField.get(field) ?? []), column]);
  });
  const fieldColumns = CANONICAL_FIELDS.map((field) =>
    mapper.sortByPrecedence(byField.get(field) ?? []).map((column) => indexOf.get(column) as number),
  );
  const attributeColumns: Array<[number, number]> = [];
  columns.forEach((column, index) => {
    const { field } = mapper.map(column);
    if (field === "attributes") attributeColumns.push([index, -1]);
    else if ((byField.get(field)?.length ?? 0) > 1) attributeColumns.push([index, CANONICAL_FIELDS.indexOf(field)]);
  });
  return { fieldColumns, attributeColumns, jsonKeys: columns.map((column) => `${JSON.stringify(column)}:`) };
}

function trimmedOrNull(value: string | undefined): string | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

/** A field's value in one row: its first candidate column that holds a non-empty value. */
function pick(candidates: readonly number[], values: readonly string[]): string | null {
  for (const column of candidates) {
    const value = trimmedOrNull(values[column]);
    if (value !== null) return value;
  }
  return null;
}

/** Every canonical field's value in one row, in CANONICAL_FIELDS order. */
function canonicalValues(plan: RowPlan, values: readonly string[]): (string | null)[] {
  return plan.fieldColumns.map((candidates) =>
    candidates.length === 0 ? null : candidates.length === 1 ? trimmedOrNull(values[candidates[0] as number]) : pick(candidates, values),
  );
}

export function contentKey(raw: string): string {
  return `#${createHash("sha1").update(raw).digest("base64url")}`;
}

/** `raw` is the source's own JSON text (JSON inputs); for CSV it is built from the header and values. */
export function buildRecord(plan: RowPlan, line: number, values: readonly string[], raw?: string): CanonicalRecord {
  const rawText = raw ?? rawJson(plan.jsonKeys, values);
  const canonical = canonicalValues(plan, values);
  return {
    line,
    values: canonical,
    raw: rawText,
    recordKey: canonical[0] ?? contentKey(rawText),
    attributes: rowAttributes(plan, values, canonical),
  };
}

/**
 * Only the canonical values of a row, by field: what normalize and validate need of a file, without the raw
 * JSON and record key that only the store keeps.
 */
export function rowValues(plan: RowPlan, values: readonly string[]): RecordValues {
  const record = emptyValues();
  plan.fieldColumns.forEach((candidates, i) => {
    if (candidates.length > 0) record[CANONICAL_FIELDS[i] as CanonicalField] = pick(candidates, values);
  });
  return record;
}

/**
 * The row's attributes as a JSON object, or null when there are none: its unmapped non-empty columns, and
 * the candidates of a shared field whose value differs from the one the field took (nothing is lost from the
 * canonical view, and a repeat of the same value is not noise). `canonical` saves computing the fields again.
 */
export function rowAttributes(plan: RowPlan, values: readonly string[], canonical?: readonly (string | null)[]): string | null {
  if (plan.attributeColumns.length === 0) return null;
  let json = "";
  for (const [column, field] of plan.attributeColumns) {
    const value = trimmedOrNull(values[column]);
    if (value === null) continue;
    if (field >= 0) {
      const taken = canonical ? canonical[field] : pick(plan.fieldColumns[field] as number[], values);
      if (taken === value) continue;
    }
    json += `${json === "" ? "{" : ","}${plan.jsonKeys[column]}${JSON.stringify(value)}`;
  }
  return json === "" ? null : `${json}}`;
}

function rawJson(jsonKeys: readonly string[], values: readonly string[]): string {
  let json = "{";
  for (let i = 0; i < jsonKeys.length; i++) {
    if (i > 0) json += ",";
    json += jsonKeys[i] + JSON.stringify(values[i] ?? "");
  }
  return `${json}}`;
}

/** JSON inputs can change keys from row to row; plans are cached per key list. */
export class PlanCache {
  private readonly plans = new Map<string, RowPlan>();
  constructor(private readonly mapper: ColumnMapper) {}

  get(columns: readonly string[]): RowPlan {
    const key = columns.join("\u0000");
    let plan = this.plans.get(key);
    if (!plan) {
      if (this.plans.size > 1000) this.plans.clear(); // wildly varying keys: stay bounded
      plan = planRow(columns, this.mapper);
      this.plans.set(key, plan);
    }
    return plan;
  }
}
