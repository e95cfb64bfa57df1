/**
 * The review file workflow's CSV, written by `roster review --export` and read back by `--import`: one row per
 * pair, named by a pair id, with an empty `decision` column for a person to fill in a spreadsheet.
 *
 * A pair id is the two current record ids, lower first, joined by `~` (`12~345`). Not `12-345`: a spreadsheet
 * reads `3-7` as the 7th of March and `12-2031` as December 2031, and saves the date back; `~` is read as text
 * everywhere. The ids are those of the records' current versions: a pair whose record was imported again since
 * the export has another id, and its row is rejected on import (export again) rather than applied to a version the
 * person did not see.
 */
import { spreadsheetSafe as cellSafe } from "../export/spreadsheet-safe.js";
import { type PairReasons, reasonText } from "./reasons.js";
import { REVIEW_FIELDS, type ReviewPair } from "./types.js";

export function pairId(a: number, b: number): string {
  return a < b ? `${a}~${b}` : `${b}~${a}`;
}

/** The two record ids of a pair id, lower first (either order is accepted), or undefined when it is not one. */
export function parsePairId(text: string): { a: number; b: number } | undefined {
  const match = /^\s*([1-9]\d{0,15})\s*~\s*([1-9]\d{0,15})\s*$/.exec(text);
  if (!match) return undefined;
  const [x, y] = [Number(match[1]), Number(match[2])];
  if (!Number.isSafeInteger(x) || !Number.isSafeInteger(y) || x === y) return undefined;
  return { a: Math.min(x, y), b: Math.max(x, y) };
}

/**
 * `decision` second, where a person filling the sheet finds it; then what the decision rests on: the probability,
 * each record's source and id, every review field of both records side by side, the fields that differ, and the
 * strongest reasons for and against.
 */
export const EXPORT_COLUMNS: readonly string[] = [
  "pair_id",
  "decision",
  "match_probability",
  "record_a",
  "record_b",
  "source_a",
  "source_b",
  "source_id_a",
  "source_id_b",
  ...REVIEW_FIELDS.flatMap((field) => [`${field}_a`, `${field}_b`]),
  "differs",
  "reasons_for",
  "reasons_against",
];

/**
 * A cell a spreadsheet would run as a formula (`=HYPERLINK(…)` typed into a web form, or `+1415…`, which Excel
 * turns into the number 1415…) starts with an apostrophe: the spreadsheet shows the text as it is. Customer data
 * is untrusted input, and this file is made to be opened in Excel and saved back, so signed numbers stay text too.
 */
export function spreadsheetSafe(value: string): string {
  return cellSafe(value, { numbersAsText: true });
}

export function exportRow(pair: ReviewPair, reasons: PairReasons, differs: readonly string[]): Record<string, string> {
  const row: Record<string, string> = {
    pair_id: pairId(pair.a.id, pair.b.id),
    decision: "",
    match_probability: pair.matchProbability.toFixed(6),
    record_a: String(pair.a.id),
    record_b: String(pair.b.id),
    source_a: spreadsheetSafe(pair.a.source),
    source_b: spreadsheetSafe(pair.b.source),
    source_id_a: spreadsheetSafe(pair.a.sourceId ?? ""),
    source_id_b: spreadsheetSafe(pair.b.sourceId ?? ""),
  };
  for (const field of REVIEW_FIELDS) {
    row[`${field}_a`] = spreadsheetSafe(pair.a.values[field] ?? "");
    row[`${field}_b`] = spreadsheetSafe(pair.b.values[field] ?? "");
  }
  row.differs = differs.join(" ");
  row.reasons_for = reasons.for.map(reasonText).join("; ");
  row.reasons_against = reasons.against.map(reasonText).join("; ");
  return row;
}
