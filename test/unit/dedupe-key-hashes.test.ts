// Blocking keys as hashes (key-hashes.ts), the index an incremental run scans instead of reading the store: a
// key's hash depends on its values alone, so a table of a few records and a table of the whole list agree; rows
// agree on a hash exactly when they agree on the rule's key (on realistic data); a missing feature means no key.
import { describe, expect, it } from "vitest";
import { ruleKeys } from "../../src/stages/dedupe/blocking.js";
import { NO_KEY, rowsSharingKeys, ruleKeyHashes } from "../../src/stages/dedupe/key-hashes.js";
import { DEFAULT_BLOCKING_RULES, type EqualityRule, isSortedRule } from "../../src/stages/dedupe/spec.js";
import { dedupeTable, GENERATED_CONTEXT, generatedCustomers } from "../helpers/dedupe-table.js";

const { records } = generatedCustomers(3000, 17);
const whole = dedupeTable(records, GENERATED_CONTEXT);
const equalityRules = DEFAULT_BLOCKING_RULES.filter((rule): rule is EqualityRule => !isSortedRule(rule));
const wholeHashes = ruleKeyHashes(whole, equalityRules);

describe("ruleKeyHashes", () => {
  it("gives every row of a few records the hash it has in the table of all of them (interning aside)", () => {
    // Every 7th record, in another order: other value ids, the same values.
    const picked = records.map((_, row) => row).filter((row) => row % 7 === 3);
    const part = dedupeTable(
      picked.map((row) => records[row] as (typeof records)[number]),
      GENERATED_CONTEXT,
    );
    const partHashes = ruleKeyHashes(part, equalityRules);
    equalityRules.forEach((rule, r) => {
      const got = picked.map((_, k) => (partHashes[r] as Uint32Array)[k]);
      const want = picked.map((row) => (wholeHashes[r] as Uint32Array)[row]);
      expect([rule.name, got]).toEqual([rule.name, want]);
    });
  });

  it("rows share a hash exactly when they share the rule's key, and a row without the key has none", () => {
    equalityRules.forEach((rule, r) => {
      const keys = ruleKeys(whole, rule);
      const hashes = wholeHashes[r] as Uint32Array;
      const byHash = new Map<number, Set<number>>();
      for (let row = 0; row < whole.size; row++) {
        expect(hashes[row] === NO_KEY).toBe((keys[row] as number) < 0);
        if (hashes[row] === NO_KEY) continue;
        const set = byHash.get(hashes[row] as number) ?? new Set<number>();
        set.add(keys[row] as number);
        byHash.set(hashes[row] as number, set);
      }
      // One key per hash: no collision among these keys.
      expect([rule.name, [...byHash.values()].filter((set) => set.size > 1).length]).toEqual([rule.name, 0]);
    });
    // The data exercises the rules: most rows have an email key, some share one.
    const email = wholeHashes[equalityRules.findIndex((rule) => rule.name === "email")] as Uint32Array;
    expect(email.filter((hash) => hash !== NO_KEY).length).toBeGreaterThan(whole.size / 2);
    expect(new Set(email).size).toBeLessThan(whole.size);
  });

  it("a rule over a feature the table lacks gives no keys", () => {
    const [hashes] = ruleKeyHashes(whole, [{ name: "nope", on: ["attr:loyalty_id"] }]);
    expect(Array.from(hashes as Uint32Array).every((hash) => hash === NO_KEY)).toBe(true);
  });
});

describe("rowsSharingKeys", () => {
  const stored = Uint32Array.from([5, 0, 7, 5, 9, 5, 7]);
  it("finds the stored rows holding a wanted hash and counts them per hash, never a row without a key", () => {
    const { rows, counts } = rowsSharingKeys(stored, new Set([5, 7, 0]), new Uint8Array(stored.length));
    expect(Array.from(rows)).toEqual([0, 2, 3, 5, 6]);
    expect(Object.fromEntries(counts)).toEqual({ 5: 3, 7: 2 });
  });

  it("leaves out rows marked to skip (records scored again, or gone)", () => {
    const skip = Uint8Array.from([1, 0, 0, 0, 0, 1, 0]);
    const { rows, counts } = rowsSharingKeys(stored, new Set([5]), skip);
    expect(Array.from(rows)).toEqual([3]);
    expect(Object.fromEntries(counts)).toEqual({ 5: 1 });
  });

  it("finds nothing when nothing is wanted", () => {
    const { rows, counts } = rowsSharingKeys(stored, new Set(), new Uint8Array(stored.length));
    expect(rows.length).toBe(0);
    expect(counts.size).toBe(0);
  });
});
