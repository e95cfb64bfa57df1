/**
 * Checking a filled-in decisions file before anything is applied (`roster review --import`): every problem is
 * collected with its line number, like validate's findings, so a person fixes the whole sheet in one go; the
 * command applies the decisions only when there is none.
 *
 * The file needs a header naming `pair_id` and `decision` (any letter case; other columns are ignored, so the
 * exported file comes back as it is). A decision is y / yes / same / 1 (the same person) or n / no / different / 0
 * (different people), in any letter case; blank skips the pair. A row with neither a pair id nor a decision is a
 * blank row a spreadsheet left and is ignored. The reader is fed rows as the CSV reader parses them (the sink
 * shape of src/io/input.ts), so it needs no file of its own.
 */
import { pairId, parsePairId } from "./file-format.js";
import type { Decision } from "./types.js";

export interface FileProblem {
  line: number;
  message: string;
}

export interface FileDecision {
  line: number;
  /** The record ids, a < b. */
  a: number;
  b: number;
  decision: Decision;
}

export interface ParsedDecisionsFile {
  decisions: FileDecision[];
  /** Rows whose decision was left blank. */
  skipped: number;
  problems: FileProblem[];
}

const SAME = new Set(["y", "yes", "same", "1"]);
const DIFFERENT = new Set(["n", "no", "different", "0"]);

/** The decision a cell states: undefined when it states none roster knows, "skip" when it is blank. */
export function parseDecisionWord(text: string): Decision | "skip" | undefined {
  const word = text.trim().toLowerCase();
  if (word === "") return "skip";
  if (SAME.has(word)) return "same";
  if (DIFFERENT.has(word)) return "different";
  return undefined;
}

const WORDS_HINT = "write y, yes, same or 1 (the same person), n, no, different or 0 (different people), or leave it blank to skip";

export class DecisionsFileReader {
  private pairColumn: string | undefined;
  private decisionColumn: string | undefined;
  private headerSeen = false;
  private headerBad = false;
  private readonly firstLine = new Map<string, number>();
  private readonly decisions: FileDecision[] = [];
  private readonly problems: FileProblem[] = [];
  private skipped = 0;

  /** `headerLine`: 2 when the file starts with Excel's `sep=` line. */
  constructor(private readonly headerLine = 1) {}

  /** The CSV header row. */
  columns(headers: readonly string[]): void {
    this.headerSeen = true;
    const find = (name: string) => headers.find((header) => header.trim().toLowerCase() === name);
    this.pairColumn = find("pair_id");
    this.decisionColumn = find("decision");
    const missing = [this.pairColumn ? undefined : "pair_id", this.decisionColumn ? undefined : "decision"].filter(Boolean);
    if (missing.length === 0) return;
    this.headerBad = true;
    const shown = headers.slice(0, 6).map((header) => JSON.stringify(header));
    this.problems.push({
      line: this.headerLine,
      message: `the header has no ${missing.join(" and no ")} column (found ${shown.join(", ")}${headers.length > 6 ? ", …" : ""}): the first row must name the columns, as roster review --export wrote them`,
    });
  }

  row(line: number, columns: readonly string[], values: readonly string[]): void {
    // JSON rows bring their own columns; a CSV header that lacked a column was reported once, not on every row.
    if (!this.headerSeen) this.columns(columns);
    if (this.headerBad) return;
    const cell = (name: string | undefined) => {
      const index = name === undefined ? -1 : columns.indexOf(name);
      return index < 0 ? "" : (values[index] ?? "");
    };
    const idText = cell(this.pairColumn).trim();
    const word = cell(this.decisionColumn);
    if (idText === "" && word.trim() === "") return;
    if (idText === "") {
      this.problems.push({ line, message: `decision ${JSON.stringify(word.trim())} without a pair_id` });
      return;
    }
    const ids = parsePairId(idText);
    const decision = parseDecisionWord(word);
    if (!ids) {
      this.problems.push({
        line,
        message: `pair_id ${JSON.stringify(idText)} is not a pair id: two record ids joined by ~, as the export wrote them (12~345)`,
      });
    }
    if (decision === undefined)
      this.problems.push({ line, message: `decision ${JSON.stringify(word.trim())} is not one roster knows: ${WORDS_HINT}` });
    if (!ids) return;
    const id = pairId(ids.a, ids.b);
    const earlier = this.firstLine.get(id);
    if (earlier !== undefined) {
      this.problems.push({ line, message: `pair ${id} is on line ${earlier} already: give each pair one row` });
      return;
    }
    this.firstLine.set(id, line);
    if (decision === "skip") this.skipped++;
    else if (decision !== undefined) this.decisions.push({ line, ...ids, decision });
  }

  /** A line the CSV reader could not split into the header's columns (an unclosed quote, a wrong field count). */
  reject(line: number, _raw: string, reason: string): void {
    this.problems.push({ line, message: `cannot read the row: ${reason}` });
  }

  finish(): ParsedDecisionsFile {
    if (!this.headerSeen) {
      this.problems.push({
        line: this.headerLine,
        message: "the file is empty: expected a header naming pair_id and decision, then a row per pair",
      });
    }
    return { decisions: this.decisions, skipped: this.skipped, problems: [...this.problems].sort((x, y) => x.line - y.line) };
  }
}

/** What the store says about a pair id: a stored pair of two current records, a pair whose record changed, or none. */
export type PairStatus = "current" | "stale" | "unknown";

/** The decisions naming pairs the store cannot take, as problems: `statuses` by pair id (missing: unknown). */
export function pairProblems(decisions: readonly FileDecision[], statuses: ReadonlyMap<string, PairStatus>): FileProblem[] {
  const problems: FileProblem[] = [];
  for (const decision of decisions) {
    const id = pairId(decision.a, decision.b);
    const status = statuses.get(id) ?? "unknown";
    if (status === "stale") {
      problems.push({
        line: decision.line,
        message: `pair ${id}: one of its records is no longer current (imported again, or its batch removed, since the export): export again`,
      });
    } else if (status === "unknown") {
      problems.push({ line: decision.line, message: `no pair ${id} in the store: pair ids come from roster review --export` });
    }
  }
  return problems;
}
