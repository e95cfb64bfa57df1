/**
 * What each export holds: its columns, their kinds, and which of them a plain export shows. `--fields` picks and
 * orders columns from this catalogue; records also take `attr.NAME` for one attribute of their `attributes` JSON.
 * A column's kind decides how it is written: numbers stay numbers (never formula-escaped, bare in JSON), json
 * columns are objects in JSON output and one JSON text cell in CSV, text is text.
 */
import { UsageError } from "../../errors.js";
import { CANONICAL_FIELDS } from "../../fields/canonical.js";

export const EXPORT_KINDS = ["customers", "records", "rejects", "findings", "pairs"] as const;
export type ExportWhat = (typeof EXPORT_KINDS)[number];

export type ColumnKind = "number" | "text" | "json";

export interface ExportColumn {
  /** The header, and the key in JSON output. */
  name: string;
  kind: ColumnKind;
  /** For `attr.NAME`: the attribute's name in the record's attributes JSON. */
  attribute?: string;
}

export const ATTRIBUTE_PREFIX = "attr.";

const text = (name: string): ExportColumn => ({ name, kind: "text" });
const number = (name: string): ExportColumn => ({ name, kind: "number" });
const json = (name: string): ExportColumn => ({ name, kind: "json" });

/** The canonical fields but source_id (placed with source) and attributes (a json column of records only). */
const PERSON_FIELDS = CANONICAL_FIELDS.filter((field) => field !== "source_id").map(text);

interface Catalogue {
  columns: readonly ExportColumn[];
  defaults: readonly string[];
}

const CATALOGUES: Record<ExportWhat, Catalogue> = {
  customers: {
    columns: [number("id"), text("source_id"), ...PERSON_FIELDS, json("provenance"), text("first_merged_at"), text("last_changed_at")],
    defaults: ["id", "source_id", ...PERSON_FIELDS.map((c) => c.name)],
  },
  records: {
    columns: [
      number("id"),
      number("batch_id"),
      text("source"),
      text("source_id"),
      number("cluster_id"),
      number("customer_id"),
      ...PERSON_FIELDS,
      json("attributes"),
      number("line"),
    ],
    defaults: ["source", "source_id", "cluster_id", "customer_id", ...PERSON_FIELDS.map((c) => c.name), "attributes"],
  },
  rejects: {
    columns: [number("id"), number("batch_id"), text("source"), text("path"), number("line"), text("reason"), text("raw")],
    defaults: ["id", "batch_id", "source", "path", "line", "reason", "raw"],
  },
  findings: {
    columns: [
      number("id"),
      number("record_id"),
      text("source"),
      text("source_id"),
      text("stage"),
      text("field"),
      text("rule"),
      text("severity"),
      text("message"),
      text("suggestion"),
    ],
    defaults: ["id", "record_id", "source", "source_id", "stage", "field", "rule", "severity", "message", "suggestion"],
  },
  pairs: {
    columns: [
      number("record_a"),
      number("record_b"),
      text("source_a"),
      text("source_id_a"),
      text("source_b"),
      text("source_id_b"),
      number("match_probability"),
      number("match_weight"),
      text("blocking_rule"),
      text("decision"),
      json("explanation"),
    ],
    defaults: [
      "record_a",
      "record_b",
      "source_a",
      "source_id_a",
      "source_b",
      "source_id_b",
      "match_probability",
      "match_weight",
      "blocking_rule",
      "decision",
      "explanation",
    ],
  },
};

/** Every column `what` has, in catalogue order. */
export function availableColumns(what: ExportWhat): readonly ExportColumn[] {
  return CATALOGUES[what].columns;
}

/** `attr.NAME` → NAME, for records (an empty name is no attribute). */
export function attributeName(field: string): string | undefined {
  return field.startsWith(ATTRIBUTE_PREFIX) && field.length > ATTRIBUTE_PREFIX.length ? field.slice(ATTRIBUTE_PREFIX.length) : undefined;
}

/** Which exports know `attr.NAME`: records carry attributes; customers are filtered by their records' ones. */
export const hasAttributes = (what: ExportWhat) => what === "records";

export function validFieldsText(what: ExportWhat): string {
  return `${availableColumns(what)
    .map((c) => c.name)
    .join(", ")}${hasAttributes(what) ? ", attr.NAME (one attribute)" : ""}`;
}

export function findColumn(what: ExportWhat, name: string): ExportColumn | undefined {
  const known = availableColumns(what).find((c) => c.name === name);
  if (known) return known;
  const attribute = hasAttributes(what) ? attributeName(name) : undefined;
  // An attribute holds what the source sent: a JSON number stays a number, anything else is text.
  return attribute === undefined ? undefined : { name, kind: "text", attribute };
}

/**
 * The columns to write: `fields` in the order given (each once), else the defaults; `provenance` adds the
 * customers' provenance column to the defaults. An unknown field is a usage error listing the valid ones.
 */
export function resolveColumns(what: ExportWhat, fields: readonly string[] | undefined, provenance = false): ExportColumn[] {
  if (fields === undefined || fields.length === 0) {
    const names = [...CATALOGUES[what].defaults, ...(provenance && what === "customers" ? ["provenance"] : [])];
    return names.map((name) => findColumn(what, name) as ExportColumn);
  }
  const unknown = fields.filter((name) => findColumn(what, name) === undefined);
  if (unknown.length > 0) {
    throw new UsageError(
      `--fields: ${unknown.map((name) => JSON.stringify(name)).join(", ")} ${unknown.length === 1 ? "is no field" : "are no fields"} of ${what}`,
      `valid fields: ${validFieldsText(what)}`,
    );
  }
  const seen = new Set<string>();
  const names = fields.filter((name) => !seen.has(name) && seen.add(name));
  if (provenance && what === "customers" && !seen.has("provenance")) names.push("provenance");
  return names.map((name) => findColumn(what, name) as ExportColumn);
}
