/**
 * Ranking a field's candidate values by an ordered list of rules: the cluster's per-record facts (time, source
 * rank) worked out once, a table of scores (one row per candidate, one column per rule, higher is better), the
 * winner with the rule that decided, and the order of the address group's donors. Shared by
 * survivorship.ts and address-group.ts; one cluster is ranked at a time, so the buffers are reused.
 */
import { recordTime, timeOf } from "./compare.js";
import type { SurvivorshipRule } from "./settings.js";
import type { FieldProvenance, MergeRecord } from "./types.js";

/** The per-record facts of the cluster being decided (time, updated time, source rank, each n long): reused. */
let facts = new Float64Array(3 * 64);

/** One cluster being decided: its records and the rules' per-record facts. Valid until the next one is made. */
export class ClusterView {
  /** Provenance entries made so far: fields chosen alike share one (they are kept, and there are few). */
  private readonly made: FieldProvenance[] = [];

  constructor(
    readonly records: readonly MergeRecord[],
    sources: readonly string[],
  ) {
    const n = records.length;
    if (3 * n > facts.length) facts = new Float64Array(Math.max(3 * n, 2 * facts.length));
    for (let r = 0; r < n; r++) {
      const record = records[r]!;
      const updated = timeOf(record.values.updated_at);
      facts[r] = recordTime(updated, record.batchImportedAt);
      facts[n + r] = updated;
      const at = sources.length === 0 ? -1 : sources.indexOf(record.source);
      facts[2 * n + r] = at < 0 ? -sources.length : -at;
    }
  }

  /** Record r's time for `most_recent`. */
  time(r: number): number {
    return facts[r]!;
  }

  /** Record r's updated_at as a time, NaN when it has none that reads. */
  updatedTime(r: number): number {
    return facts[this.records.length + r]!;
  }

  /** Higher for a source listed earlier; every unlisted source ranks below the listed ones, all alike. */
  sourceRank(r: number): number {
    return facts[2 * this.records.length + r]!;
  }

  /** The provenance of a value record `index` gave under `rule`. */
  provenance(index: number, rule: string): FieldProvenance {
    const record = this.records[index]!.id;
    for (const entry of this.made) if (entry.record === record && entry.rule === rule) return entry;
    const entry = { record, rule };
    this.made.push(entry);
    return entry;
  }
}

let buffer = new Float64Array(1024);

/** Scores of `count` candidates under `width` rules, in a buffer shared by every table: valid until the next one. */
export class ScoreTable {
  readonly scores: Float64Array;

  constructor(
    readonly count: number,
    readonly width: number,
  ) {
    if (count * width > buffer.length) buffer = new Float64Array(Math.max(count * width, buffer.length * 2));
    this.scores = buffer;
  }

  set(candidate: number, rule: number, score: number): void {
    this.scores[candidate * this.width + rule] = score;
  }

  /**
   * Fills column k for the rules that look at the record rather than the value; false for the other rules.
   * candidates[c] is candidate c's record index.
   */
  setRecordRule(k: number, rule: SurvivorshipRule, view: ClusterView, candidates: ArrayLike<number>): boolean {
    if (rule === "most_recent") {
      for (let c = 0; c < this.count; c++) this.scores[c * this.width + k] = view.time(candidates[c]!);
    } else if (rule === "source_priority") {
      for (let c = 0; c < this.count; c++) this.scores[c * this.width + k] = view.sourceRank(candidates[c]!);
    } else return false;
    return true;
  }

  /** The first rule where candidates a and b differ, or `width` when they tie on all of them. */
  firstDifference(a: number, b: number): number {
    const { scores, width } = this;
    let k = 0;
    while (k < width && scores[a * width + k] === scores[b * width + k]) k++;
    return k;
  }

  /** Negative when a ranks before b; the smaller record id breaks a tie on every rule. */
  compare(a: number, b: number, idA: number, idB: number): number {
    const k = this.firstDifference(a, b);
    if (k < this.width) return this.scores[b * this.width + k]! - this.scores[a * this.width + k]!;
    return idA - idB;
  }
}

export interface Ranked {
  /** The winner's record index. */
  winner: number;
  /** The rule that decided: a rule name, `only_value`, `all_agree` or `lowest_record_id`. */
  rule: string;
}

/**
 * The winning candidate, and the rule that decided: the last rule needed to rule out every candidate whose value
 * differs from the winner's (`differs`, asked only where the answer matters: working out comparison keys is
 * the costly part), or `lowest_record_id` when one ties the winner on every rule. `differs` undefined: every
 * candidate has the same value.
 */
export function rank(
  view: ClusterView,
  table: ScoreTable,
  candidates: ArrayLike<number>,
  rules: readonly SurvivorshipRule[],
  differs: ((c: number, winner: number) => boolean) | undefined,
): Ranked {
  const { records } = view;
  const m = table.count;
  let best = 0;
  for (let c = 1; c < m; c++) {
    if (table.compare(c, best, records[candidates[c]!]!.id, records[candidates[best]!]!.id) < 0) best = c;
  }
  if (differs === undefined) return { winner: candidates[best]!, rule: m === 1 ? "only_value" : "all_agree" };
  let deciding = -1;
  for (let c = 0; c < m; c++) {
    if (c === best) continue;
    const k = table.firstDifference(c, best);
    if (k > deciding && differs(c, best)) deciding = k;
  }
  const rule = deciding < 0 ? "all_agree" : deciding === table.width ? "lowest_record_id" : rules[deciding]!;
  return { winner: candidates[best]!, rule };
}

/** The record indexes of the candidates at `positions` (sorted in place), best first. */
export function order(view: ClusterView, table: ScoreTable, candidates: ArrayLike<number>, positions: number[]): number[] {
  const { records } = view;
  const id = (c: number) => records[candidates[c]!]!.id;
  return positions.sort((a, b) => table.compare(a, b, id(a), id(b))).map((c) => candidates[c]!);
}

/** How often each of the first `count` keys occurs among them. */
export function frequencies(keys: readonly string[], count: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let c = 0; c < count; c++) counts.set(keys[c]!, (counts.get(keys[c]!) ?? 0) + 1);
  return counts;
}
