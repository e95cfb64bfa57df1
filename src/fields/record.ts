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
  /** For each canonical field, the column index that feeds it, or -1. */
  fieldColumns: number[];
  attributeColumns: number[];
  /** `"header":` for each column, pre-encoded for building the raw JSON. */
  jsonKeys: string[];
}

export function planRow(columns: readonly string[], mapper: ColumnMapper): RowPlan {
  const fieldColumns: number[] = CANONICAL_FIELDS.map(() => -1);
  const attributeColumns: number[] = [];
  columns.forEach((column, index) => {
    const { field } = mapper.map(column);
    if (field === "attributes") attributeColumns.push(index);
    // The first column wins, as when values are derived again from the raw row (fields/raw.ts).
    else if ((fieldColumns[CANONICAL_FIELDS.indexOf(field)] as number) < 0) fieldColumns[CANONICAL_FIELDS.indexOf(field)] = index;
  });
  return { fieldColumns, attributeColumns, jsonKeys: columns.map((column) => `${JSON.stringify(column)}:`) };
}

function trimmedOrNull(value: string | undefined): string | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

export function contentKey(raw: string): string {
  return `#${createHash("sha1").update(raw).digest("base64url")}`;
}

/** `raw` is the source's own JSON text (JSON inputs); for CSV it is built from the header and values. */
export function buildRecord(plan: RowPlan, line: number, values: readonly string[], raw?: string): CanonicalRecord {
  const rawText = raw ?? rawJson(plan.jsonKeys, values);
  const canonical = plan.fieldColumns.map((column) => (column < 0 ? null : trimmedOrNull(values[column])));
  return { line, values: canonical, raw: rawText, recordKey: canonical[0] ?? contentKey(rawText), attributes: rowAttributes(plan, values) };
}

/**
 * Only the canonical values of a row, by field: what normalize and validate need of a file, without the raw
 * JSON and record key that only the store keeps.
 */
export function rowValues(plan: RowPlan, values: readonly string[]): RecordValues {
  const record = emptyValues();
  plan.fieldColumns.forEach((column, i) => {
    if (column >= 0) record[CANONICAL_FIELDS[i] as CanonicalField] = trimmedOrNull(values[column]);
  });
  return record;
}

/** The unmapped columns as a JSON object, or null when all are empty. */
export function rowAttributes(plan: RowPlan, values: readonly string[]): string | null {
  if (plan.attributeColumns.length === 0) return null;
  let json = "";
  for (const column of plan.attributeColumns) {
    const value = trimmedOrNull(values[column]);
    if (value !== null) json += `${json === "" ? "{" : ","}${plan.jsonKeys[column]}${JSON.stringify(value)}`;
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
