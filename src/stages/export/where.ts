/**
 * `--where` expressions, parsed into plain filters (src/store/export.ts turns them into SQL with bound
 * parameters; nothing a user typed is ever part of the SQL text). The grammar is small on purpose:
 *
 *   FIELD=VALUE, FIELD!=VALUE   a column of the export, or attr.NAME (an attribute; customers: of a record of theirs);
 *                               `source` on customers: one of their records comes from it (!=: none does)
 *   changed>=DATE (> < <=)      customers: last changed by merge; records, rejects, findings: imported (the batch)
 *   cluster_size>=N (= != > < <=) records in a cluster of N; customers with N current records
 *   findings, !findings         records with findings (without any); customers with a record that has some
 *
 * A VALUE is the text after the operator, trimmed; "double quotes" keep spaces at its ends. An empty VALUE
 * matches a blank field. DATE is YYYY-MM-DD or an ISO timestamp; a bare date means whole days (`changed>2026-11-01`
 * is from 2 November on).
 */
import { UsageError } from "../../errors.js";
import { attributeName, type ExportWhat, findColumn, validFieldsText } from "./columns.js";

export type CompareOp = "=" | "!=" | ">" | ">=" | "<" | "<=";

export type WhereFilter =
  | { kind: "field"; column: string; attribute?: string; numeric: boolean; op: "=" | "!="; value: string }
  | { kind: "source"; op: "=" | "!="; value: string }
  | { kind: "changed"; op: ">=" | "<"; at: string }
  | { kind: "cluster_size"; op: CompareOp; size: number }
  | { kind: "findings"; present: boolean };

/** A field name, or attr. and an attribute's name in any script (会员等级) up to the operator. */
const EXPRESSION = /^(attr\.[^!=<>]+?|[A-Za-z_]\w*)\s*(!=|>=|<=|=|>|<)(.*)$/su;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Which special filters each export knows (field filters work everywhere). */
const SPECIALS: Record<ExportWhat, readonly string[]> = {
  customers: ["source", "changed", "cluster_size", "findings"],
  records: ["changed", "cluster_size", "findings"],
  rejects: ["changed"],
  findings: ["changed"],
  pairs: [],
};

function fail(expression: string, why: string, hint?: string): never {
  throw new UsageError(`--where ${JSON.stringify(expression)}: ${why}`, hint);
}

function unquote(value: string): string {
  const trimmed = value.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}

/** The day after a YYYY-MM-DD date (valid dates only). */
function nextDay(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

function isRealDate(date: string): boolean {
  const day = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === date;
}

function parseChanged(expression: string, op: CompareOp, value: string): WhereFilter {
  if (op === "=" || op === "!=") fail(expression, "changed compares with >=, >, < or <= (changed>=2026-11-01)");
  const at = unquote(value);
  const isDate = DATE.test(at);
  if (!(isDate ? isRealDate(at) : TIMESTAMP.test(at) && !Number.isNaN(Date.parse(at)))) {
    fail(expression, `${JSON.stringify(at)} is no date`, "write YYYY-MM-DD or an ISO 8601 timestamp (2026-11-01T08:00:00Z)");
  }
  // Stored times are ISO 8601 UTC strings, so they compare as text; a bare date counts whole days.
  const timestamp = isDate ? at : new Date(at).toISOString();
  if (op === ">=") return { kind: "changed", op: ">=", at: timestamp };
  if (op === "<") return { kind: "changed", op: "<", at: timestamp };
  if (op === ">") return isDate ? { kind: "changed", op: ">=", at: nextDay(at) } : { kind: "changed", op: ">=", at: afterMs(timestamp) };
  return isDate ? { kind: "changed", op: "<", at: nextDay(at) } : { kind: "changed", op: "<", at: afterMs(timestamp) };
}

/** The next millisecond: `> t` on millisecond timestamps is `>= t + 1 ms`. */
function afterMs(timestamp: string): string {
  return new Date(Date.parse(timestamp) + 1).toISOString();
}

export function parseWhere(expression: string, what: ExportWhat): WhereFilter {
  const text = expression.trim();
  if (text === "findings" || text === "!findings") {
    if (!SPECIALS[what].includes("findings")) fail(expression, `findings filters records and customers, not ${what}`);
    return { kind: "findings", present: text === "findings" };
  }
  const match = EXPRESSION.exec(text);
  if (!match) {
    fail(
      expression,
      "not a filter",
      "write FIELD=VALUE, FIELD!=VALUE, changed>=DATE, cluster_size>=N or findings (repeat --where to combine them: all must hold)",
    );
  }
  const [, name, op, value] = match as unknown as [string, string, CompareOp, string];
  if (name === "changed" || name === "cluster_size") {
    if (!SPECIALS[what].includes(name)) fail(expression, `${name} is no filter of ${what}`);
    if (name === "changed") return parseChanged(expression, op, value);
    const size = unquote(value);
    if (!/^\d+$/.test(size)) fail(expression, `cluster_size takes a whole number, not ${JSON.stringify(size)}`);
    return { kind: "cluster_size", op, size: Number(size) };
  }
  if (op !== "=" && op !== "!=") fail(expression, `${name} compares with = or != only (>, < are for changed and cluster_size)`);
  if (name === "source" && what === "customers") return { kind: "source", op, value: unquote(value) };
  const attribute = attributeName(name);
  const column = attribute !== undefined && what === "customers" ? { name, kind: "text" as const, attribute } : findColumn(what, name);
  if (!column) {
    fail(
      expression,
      `${name} is no field of ${what}`,
      `fields: ${validFieldsText(what)}${what === "customers" ? ", attr.NAME (an attribute of one of their records)" : ""}`,
    );
  }
  return {
    kind: "field",
    column: column.name,
    ...(column.attribute !== undefined ? { attribute: column.attribute } : {}),
    numeric: column.kind === "number",
    op,
    value: unquote(value),
  };
}
