/**
 * Nickname equivalence for dedupe's name comparison (Bill / William, Peggy / Margaret), from the vendored
 * carltonnorthern/nicknames list (data/nicknames/, Apache-2.0). Each `name1,has_nickname,name2` line puts
 * name2 in name1's group; a group is a canonical name and its nicknames.
 *
 * Two different names are nicknames of each other when one lists the other, or when both belong to one
 * group and at most one of them is a canonical name in its own right. The second rule catches siblings
 * (Jim / Jimmy, Kate / Katie: both nicknames of one full name, neither listing the other) without joining
 * two full names that merely share a nickname or a compound (William / Robert share "bill", Rose / Ann
 * both sit in "roseann"): such names are different people's names.
 *
 * The list is read once, on first use, from the file shipped beside dist/ (or src/ under vitest: both sit
 * two levels below the package root).
 */
import { readFileSync } from "node:fs";

const LIST = new URL("../../../data/nicknames/names.csv", import.meta.url);
const NONE: readonly number[] = Object.freeze([]);

export interface NicknameIndex {
  /** Name → its position in the arrays below. */
  ids: Map<string, number>;
  /** Per name: the groups it belongs to, ascending. */
  groups: (readonly number[])[];
  /** Per name: the names it lists or is listed by, ascending. */
  related: Int32Array[];
  /** Per name: 1 when it heads a group of its own (appears as name1). */
  canonical: Uint8Array;
}

let index: NicknameIndex | undefined;

/** Parses the CSV text into the index; exported for tests of the format handling. */
export function buildNicknameIndex(text: string): NicknameIndex {
  const ids = new Map<string, number>();
  const groupOf = new Map<string, number>();
  const memberGroups: Set<number>[] = [];
  const related: Set<number>[] = [];
  const id = (name: string): number => {
    let n = ids.get(name);
    if (n === undefined) {
      n = ids.size;
      ids.set(name, n);
      memberGroups.push(new Set());
      related.push(new Set());
    }
    return n;
  };
  for (const line of text.split(/\r?\n/)) {
    const fields = line.split(",").map((f) => f.trim().toLowerCase());
    // Only nicknames count: the header line and any relationship upstream may add later (translations) do not.
    if (fields.length !== 3 || fields[1] !== "has_nickname") continue;
    const [name, , nickname] = fields as [string, string, string];
    if (!name || !nickname || name === nickname) continue;
    let group = groupOf.get(name);
    if (group === undefined) {
      group = groupOf.size;
      groupOf.set(name, group);
    }
    const a = id(name);
    const b = id(nickname);
    memberGroups[a]!.add(group);
    memberGroups[b]!.add(group);
    related[a]!.add(b);
    related[b]!.add(a);
  }
  const canonical = new Uint8Array(ids.size);
  for (const name of groupOf.keys()) canonical[ids.get(name)!] = 1;
  return {
    ids,
    groups: memberGroups.map((s) => Object.freeze([...s].sort((x, y) => x - y))),
    related: related.map((s) => Int32Array.from([...s]).sort()),
    canonical,
  };
}

function loaded(): NicknameIndex {
  index ??= buildNicknameIndex(readFileSync(LIST, "utf8"));
  return index;
}

/** Lower-cases only when an ASCII capital is present, so the usual (already folded) input is not copied. */
function lower(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) return name.toLowerCase();
  }
  return name;
}

function contains(sorted: Int32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function shareGroup(a: readonly number[], b: readonly number[]): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) return true;
    if (x < y) i++;
    else j++;
  }
  return false;
}

/**
 * Whether two given names are nicknames of one another (see the file comment for the rule). Expects one
 * given name each, ASCII-folded ("jose", not "José"); ASCII capitals are lowered. Identical names are false:
 * the comparison's exact level handles them before this one. Unknown names are false.
 */
export function areNicknames(a: string, b: string): boolean {
  const x = lower(a);
  const y = lower(b);
  if (x === y) return false;
  const { ids, groups, related, canonical } = loaded();
  const ia = ids.get(x);
  if (ia === undefined) return false;
  const ib = ids.get(y);
  if (ib === undefined) return false;
  if (contains(related[ia]!, ib)) return true;
  if (canonical[ia] === 1 && canonical[ib] === 1) return false;
  return shareGroup(groups[ia]!, groups[ib]!);
}

/**
 * The nickname groups a name belongs to (ids ascending, stable for one copy of the list), or an empty array
 * for a name the list does not know. Sharing a group is broader than `areNicknames` (William and Robert both
 * sit in the "bill" group): use it for blocking keys, and `areNicknames` to score.
 */
export function nicknameGroups(name: string): readonly number[] {
  const { ids, groups } = loaded();
  const i = ids.get(lower(name));
  return i === undefined ? NONE : groups[i]!;
}
