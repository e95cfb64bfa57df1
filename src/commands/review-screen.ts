/**
 * What the interactive review shows for a pair: the two records side by side as a table fitted to the terminal's
 * width (string-width: a Chinese character takes two columns), differing fields marked ≠ and highlighted, the
 * match probability, and the strongest reasons for and against. Text only: the session writes it to stdout.
 * Highlighting is colour, which --no-color and NO_COLOR turn off, so the ≠ mark says the same without it.
 */
import type { ChalkInstance } from "chalk";
import stringWidth from "string-width";
import { type FieldComparison, type PairReasons, reasonText } from "../stages/review/reasons.js";
import type { ReviewPair, ReviewRecord } from "../stages/review/types.js";

export const KEYS_HELP = "[y] same person  [n] different people  [s] skip  [u] undo last  [q] quit";

const recordTitle = (record: ReviewRecord) => `record ${record.id} · ${record.source}:${record.sourceId ?? "(no id)"}`;

export function pairScreen(
  color: ChalkInstance,
  pair: ReviewPair,
  fields: readonly FieldComparison[],
  reasons: PairReasons,
  position: { number: number; of: number },
  columns: number,
): string {
  const lines: string[] = [];
  const weight = `${pair.matchWeight >= 0 ? "+" : "−"}${Math.abs(pair.matchWeight).toFixed(2)}`;
  lines.push(
    `${color.bold(`Pair ${position.number} of ${position.of}`)}  match probability ${color.bold(pair.matchProbability.toFixed(4))}${color.dim(` (weight ${weight})`)}`,
  );
  const nameWidth = Math.max(5, ...fields.map((row) => row.field.length));
  // Two value columns share what the field names and the separators leave, at least 12 columns each.
  const valueWidth = Math.max(12, Math.floor((Math.max(columns, 60) - nameWidth - 8) / 2));
  const row = (mark: string, name: string, a: string, b: string) =>
    `${mark} ${pad(name, nameWidth)}  ${pad(a, valueWidth)}  ${b}`.trimEnd();
  lines.push(color.bold(row(" ", "field", clip(recordTitle(pair.a), valueWidth), clip(recordTitle(pair.b), valueWidth))));
  for (const field of fields) {
    const [a, b] = [clip(field.a ?? "—", valueWidth), clip(field.b ?? "—", valueWidth)];
    if (field.status === "different") {
      lines.push(row(color.yellow("≠"), color.yellow(field.field), color.yellow.bold(a), color.yellow.bold(b)));
    } else if (field.status === "one_missing") {
      lines.push(row(" ", field.field, field.a === null ? color.dim(a) : a, field.b === null ? color.dim(b) : b));
    } else lines.push(row(" ", field.field, a, b));
  }
  if (fields.length === 0) lines.push(color.dim("  (neither record fills a field to compare)"));
  const list = (items: PairReasons["for"]) => (items.length === 0 ? color.dim("none") : items.map(reasonText).join(", "));
  lines.push(`${color.green("for:    ")} ${list(reasons.for)}`);
  lines.push(`${color.red("against:")} ${list(reasons.against)}`);
  lines.push(color.dim(KEYS_HELP));
  return `${lines.join("\n")}\n`;
}

/** Padded to `columns` terminal columns (string-width does not count colour codes). */
function pad(text: string, columns: number): string {
  return text + " ".repeat(Math.max(0, columns - stringWidth(text)));
}

/** Cut to at most `columns` terminal columns, with an ellipsis. */
function clip(text: string, columns: number): string {
  if (stringWidth(text) <= columns) return text;
  let out = "";
  for (const character of text) {
    if (stringWidth(`${out}${character}…`) > columns) break;
    out += character;
  }
  return `${out}…`;
}
