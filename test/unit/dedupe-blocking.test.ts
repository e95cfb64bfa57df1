// Blocking: which pairs get scored. A pair is emitted once, under the first rule that finds it; rules on features
// nobody fills are reported unused; a value shared by too many records is capped, not paired; incremental runs
// emit exactly the full run's pairs that touch a dirty record.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blockPairs, type CandidatePairs, ruleFor } from "../../src/stages/dedupe/blocking.js";
import type { RecordTable } from "../../src/stages/dedupe/features.js";
import { type BlockingRule, DEFAULT_BLOCKING_RULES, isSortedRule } from "../../src/stages/dedupe/spec.js";
import { dedupeTable, featureValue, GENERATED_CONTEXT, generatedCustomers, type PlainRecord } from "../helpers/dedupe-table.js";

const EMAIL: BlockingRule = { name: "email", on: ["email"] };
const PHONE: BlockingRule = { name: "phone", on: ["phone"] };
const NATIONAL_ID: BlockingRule = { name: "national_id", on: ["national_id"] };
const BIRTH_FAMILY: BlockingRule = { name: "birth_date+family_initial", on: ["birth_date", "family_initial"] };

const pairsOf = (candidates: CandidatePairs): [number, number, string][] =>
  Array.from({ length: candidates.count }, (_, k) => [
    candidates.a[k] as number,
    candidates.b[k] as number,
    (candidates.rules[candidates.rule[k] as number] as { name: string }).name,
  ]);

const person = (given: string, family: string, extra: PlainRecord = {}): PlainRecord => ({
  given_name: given,
  family_name: family,
  ...extra,
});

describe("rule order", () => {
  const table = dedupeTable([
    person("Jürgen", "Müller", { email: "j.mueller@gmail.com", phone: "+49 30 12345678" }),
    person("Jurgen", "Mueller", { email: "J.Mueller+shop@gmail.com", phone: "030 12345678", country: "DE" }),
    person("Anna", "Schmidt", { email: "anna@web.de" }),
  ]);

  it("a pair two rules find is emitted once, under the first", () => {
    const candidates = blockPairs(table, [EMAIL, PHONE], { maxBlockSize: 500 });
    expect(pairsOf(candidates)).toEqual([[0, 1, "email"]]);
    expect(candidates.rules.map((rule) => [rule.name, rule.used, rule.pairs])).toEqual([
      ["email", true, 1],
      ["phone", true, 0],
    ]);
  });

  it("the other order credits the other rule", () => {
    expect(pairsOf(blockPairs(table, [PHONE, EMAIL], { maxBlockSize: 500 }))).toEqual([[0, 1, "phone"]]);
  });

  it("ruleFor names the first rule whose keys agree, and nothing for a pair no rule finds", () => {
    expect(ruleFor(table, [EMAIL, PHONE], 0, 1)).toBe("email");
    expect(ruleFor(table, [PHONE, EMAIL], 1, 0)).toBe("phone");
    expect(ruleFor(table, [EMAIL, PHONE], 0, 2)).toBeUndefined();
  });

  it("a missing value never blocks: records without a phone are not paired by the phone rule", () => {
    const noPhones = dedupeTable([
      person("A", "B"),
      person("A", "B"),
      person("C", "D", { phone: "+1 212 555 0100" }),
      person("E", "F", { phone: "+1 212 555 0100" }),
    ]);
    expect(pairsOf(blockPairs(noPhones, [PHONE], { maxBlockSize: 500 }))).toEqual([[2, 3, "phone"]]);
  });

  it("a rule on two features pairs only records that agree on both", () => {
    const records = dedupeTable([
      person("Marie", "Lefèvre", { birth_date: "1990-03-04" }),
      person("Marion", "Lefebvre", { birth_date: "03/04/1990" }),
      person("Marie", "Dupont", { birth_date: "1990-03-04" }),
      person("Marie", "Lefèvre", { birth_date: "1991-03-04" }),
    ]);
    expect(pairsOf(blockPairs(records, [BIRTH_FAMILY], { maxBlockSize: 500 }))).toEqual([[0, 1, "birth_date+family_initial"]]);
  });
});

describe("unused rules", () => {
  it("a rule on a feature no record fills is reported unused, with the feature", () => {
    const table = dedupeTable([person("Wei", "Zhang", { email: "zw@163.com" }), person("Wei", "Zhang", { email: "zw@163.com" })]);
    const candidates = blockPairs(table, [NATIONAL_ID, EMAIL], { maxBlockSize: 500 });
    expect(candidates.rules[0]).toEqual({ name: "national_id", used: false, reason: "no records fill national_id", pairs: 0 });
    expect(candidates.rules[1]).toEqual({ name: "email", used: true, pairs: 1 });
    expect(ruleFor(table, [NATIONAL_ID, EMAIL], 0, 1)).toBe("email");
  });

  it("one record filling a feature is not enough (no pair could agree on it)", () => {
    const table = dedupeTable([person("A", "B", { national_id: "123-45-6789" }), person("A", "B")]);
    expect(blockPairs(table, [NATIONAL_ID], { maxBlockSize: 500 }).rules[0]?.used).toBe(false);
  });

  it("the reason lists every unfilled feature of a rule, and an attribute the table does not have", () => {
    const table = dedupeTable([person("A", "B", { birth_date: "1990-01-01" }), person("A", "B", { birth_date: "1990-01-01" })]);
    const rules: BlockingRule[] = [
      { name: "id+postal", on: ["national_id", "postal_code", "birth_date"] },
      { name: "loyalty", on: ["attr:loyalty_card"] },
    ];
    const { rules: reports } = blockPairs(table, rules, { maxBlockSize: 500 });
    expect(reports[0]?.reason).toBe("no records fill national_id, postal_code");
    expect(reports[1]).toMatchObject({ used: false, reason: "no records fill attr:loyalty_card" });
  });

  it("an attribute column filled by the records blocks like a feature", () => {
    const table = dedupeTable(
      [
        { given_name: "A", attributes: { loyalty_card: "LC-0042" } },
        { given_name: "B", attributes: { loyalty_card: "lc 0042" } },
        { given_name: "C", attributes: { loyalty_card: "LC-0043" } },
      ],
      undefined,
      ["loyalty_card"],
    );
    expect(pairsOf(blockPairs(table, [{ name: "loyalty", on: ["attr:loyalty_card"] }], { maxBlockSize: 500 }))).toEqual([
      [0, 1, "loyalty"],
    ]);
  });
});

describe("capped blocks", () => {
  const placeholder = "noemail@example.com";
  const records: PlainRecord[] = [
    ...Array.from({ length: 6 }, (_, k) => person(`Given${k}`, `Family${k}`, { email: placeholder, phone: `+1 212 555 01${10 + k}` })),
    person("Anna", "Weber", { email: "anna.weber@web.de" }),
    person("Anna", "Weber", { email: "anna.weber@web.de" }),
    // Two of the placeholder records also share a phone: that rule still pairs them.
    person("Given0", "Family0", { email: placeholder, phone: "+1 212 555 0110" }),
  ];
  const table = dedupeTable(records);

  it("a value shared by more than maxBlockSize records is reported with its count and value, and pairs nothing", () => {
    const candidates = blockPairs(table, [EMAIL, PHONE], { maxBlockSize: 5 });
    expect(candidates.capped).toEqual([{ rule: "email", features: "email", value: placeholder, records: 7, values: 1 }]);
    expect(pairsOf(candidates).filter(([, , rule]) => rule === "email")).toEqual([[6, 7, "email"]]);
    expect(candidates.rules[0]).toEqual({ name: "email", used: true, pairs: 1 });
  });

  it("a block of exactly maxBlockSize is paired in full", () => {
    const candidates = blockPairs(table, [EMAIL], { maxBlockSize: 7 });
    expect(candidates.capped).toEqual([]);
    expect(candidates.count).toBe((7 * 6) / 2 + 1);
  });

  it("several capped values: the largest is named, all are counted", () => {
    const more = dedupeTable([
      ...Array.from({ length: 4 }, () => person("X", "Y", { email: "none@none.com" })),
      ...Array.from({ length: 3 }, () => person("X", "Y", { email: "n/a@shop.de" })),
    ]);
    const { capped, count } = blockPairs(more, [EMAIL], { maxBlockSize: 2 });
    expect(capped).toEqual([{ rule: "email", features: "email", value: "none@none.com", records: 4, values: 2 }]);
    expect(count).toBe(0);
  });

  it("a capped rule's records can still be paired by a later rule", () => {
    expect(pairsOf(blockPairs(table, [EMAIL, PHONE], { maxBlockSize: 5 }))).toEqual([
      [6, 7, "email"],
      [0, 8, "phone"],
    ]);
  });

  it("without the capped rule, the phone rule pairs rows 0 and 8", () => {
    expect(pairsOf(blockPairs(table, [PHONE], { maxBlockSize: 5 }))).toEqual([[0, 8, "phone"]]);
  });
});

describe("on generated customers", () => {
  const { records } = generatedCustomers(400, 17);
  const table = dedupeTable(records, GENERATED_CONTEXT);
  const rules = DEFAULT_BLOCKING_RULES;
  const full = blockPairs(table, rules, { maxBlockSize: 500 });

  it("finds pairs, each once, as a < b, under a rule whose features the two records agree on", () => {
    expect(full.count).toBeGreaterThan(20);
    const seen = new Set<number>();
    for (let k = 0; k < full.count; k++) {
      const a = full.a[k] as number;
      const b = full.b[k] as number;
      expect(a).toBeLessThan(b);
      const id = a * table.size + b;
      expect(seen.has(id)).toBe(false);
      seen.add(id);
      const rule = rules[full.rule[k] as number] as BlockingRule;
      if (isSortedRule(rule)) continue;
      for (const feature of rule.on) {
        expect(featureValue(table, feature, a)).not.toBeNull();
        expect(featureValue(table, feature, a)).toBe(featureValue(table, feature, b));
      }
    }
    expect(full.rules.reduce((sum, rule) => sum + rule.pairs, 0)).toBe(full.count);
  });

  it("ruleFor agrees with the rule every emitted pair was credited to", () => {
    for (let k = 0; k < full.count; k++) {
      expect(ruleFor(table, rules, full.a[k] as number, full.b[k] as number)).toBe(rules[full.rule[k] as number]?.name);
    }
  });

  it("with a dirty mask: exactly the full run's pairs that touch a dirty record, under the same rules", () => {
    const key = (pair: [number, number, string]) => pair.join(" ");
    const all = pairsOf(full);
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: table.size, maxLength: table.size }), (flags) => {
        const dirty = Uint8Array.from(flags, Number);
        const incremental = pairsOf(blockPairs(table, rules, { maxBlockSize: 500, dirty }));
        const expected = all.filter(([a, b]) => dirty[a] || dirty[b]);
        expect(incremental.map(key).sort()).toEqual(expected.map(key).sort());
      }),
      { numRuns: 30 },
    );
  });

  it("no dirty record, no pairs; every record dirty, the full run", () => {
    expect(blockPairs(table, rules, { maxBlockSize: 500, dirty: new Uint8Array(table.size) }).count).toBe(0);
    expect(pairsOf(blockPairs(table, rules, { maxBlockSize: 500, dirty: new Uint8Array(table.size).fill(1) }))).toEqual(pairsOf(full));
  });

  it("is deterministic", () => {
    expect(pairsOf(blockPairs(table, rules, { maxBlockSize: 500 }))).toEqual(pairsOf(full));
  });
});

describe("sorted neighbourhood", () => {
  const records = ["Schmidt", "Schmitt", "Schmid", "Zhang", "Schmidt"].map((family) => person("Hans", family));
  const table: RecordTable = dedupeTable(records);
  const sorted: BlockingRule = { name: "family_sorted", sorted: "family", window: 2 };

  it("pairs each record with its next neighbour in the feature's order, after the equality rules' pairs", () => {
    const family: BlockingRule = { name: "family", on: ["family"] };
    // Sorted: schmid(2), schmidt(0), schmidt(4), schmitt(1), zhang(3).
    expect(pairsOf(blockPairs(table, [family, sorted], { maxBlockSize: 500 }))).toEqual([
      [0, 4, "family"],
      [0, 2, "family_sorted"],
      [1, 4, "family_sorted"],
      [1, 3, "family_sorted"],
    ]);
  });

  it("is never named by ruleFor (its pairs depend on the neighbours)", () => {
    expect(ruleFor(table, [sorted], 0, 2)).toBeUndefined();
  });
});
