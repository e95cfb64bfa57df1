/**
 * The store report's pass-over-the-rows tallies that replaced GROUP BY scans: per-customer sources, their
 * combinations and recency (CustomerTally), and freshness per source (FreshnessTally). Each is checked against
 * a plain computation with sets and sorted arrays, on realistic sources (crm, 微信, shop) and in any order.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emptyValues, type RecordValues } from "../../src/model/record.js";
import { CustomerTally, codePointCompare } from "../../src/stages/report/customer-tally.js";
import { DistinctTally } from "../../src/stages/report/distinct-tally.js";
import { FreshnessTally } from "../../src/stages/report/freshness-tally.js";
import { valueShape } from "../../src/stages/report/shape.js";
import { ShapeTally } from "../../src/stages/report/shape-tally.js";
import { StringTable, stringHash } from "../../src/stages/string-table.js";

const values = (partial: Partial<RecordValues>): RecordValues => ({ ...emptyValues(), ...partial });

type Visit = { customer: number; source: string; days: number | null };

/** The SQL's meaning, written plainly: sources per customer, sorted as BINARY (UTF-8 bytes), min age. */
function plainProfile(visits: readonly Visit[], customers: number) {
  const sourcesOf = new Map<number, Set<string>>();
  const ageOf = new Map<number, number | null>();
  for (const v of visits) {
    sourcesOf.set(v.customer, (sourcesOf.get(v.customer) ?? new Set()).add(v.source));
    const before = ageOf.get(v.customer);
    if (v.days !== null && (before === undefined || before === null || v.days < before)) ageOf.set(v.customer, v.days);
    else if (before === undefined) ageOf.set(v.customer, null);
  }
  const count = <K>(keys: K[]) => {
    const m = new Map<K, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return m;
  };
  const utf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  const unknown = customers - sourcesOf.size;
  const combos = count([...sourcesOf.values()].map((s) => [...s].sort(utf8).join(" + ")) as (string | null)[]);
  const recency = count([...ageOf.values()]);
  if (unknown > 0) {
    combos.set(null, unknown);
    recency.set(null, (recency.get(null) ?? 0) + unknown);
  }
  return {
    source: count([...sourcesOf.values()].flatMap((s) => [...s])),
    sources: combos,
    recency,
  };
}

const visit = fc.record({
  customer: fc.integer({ min: 1, max: 3000 }),
  source: fc.constantFrom("crm", "shop", "微信", "support", "𠀀extb", "\uffefpriv"),
  days: fc.option(fc.integer({ min: -30, max: 4000 }), { nil: null }),
});

describe("CustomerTally", () => {
  it("gives the per-source customers, source combinations and recency a plain computation gives, in any order (property)", () => {
    fc.assert(
      fc.property(fc.array(visit, { maxLength: 300 }), fc.integer({ min: 0, max: 40 }), (visits, extra) => {
        const customers = new Set(visits.map((v) => v.customer)).size + extra;
        const expected = plainProfile(visits, customers);
        for (const order of [visits, [...visits].reverse()]) {
          const tally = new CustomerTally();
          for (const v of order) tally.add(v.customer, v.source, v.days);
          const got = tally.result(customers);
          expect(new Map(got.source)).toEqual(expected.source);
          expect(new Map(got.sources)).toEqual(expected.sources);
          expect(new Map(got.recencyDays)).toEqual(expected.recency);
          expect(got.sources.reduce((sum, [, n]) => sum + n, 0)).toBe(customers);
        }
      }),
    );
  });

  it("keeps counting past 31 sources (the mask's width) and for customer ids far beyond its first arrays", () => {
    const tally = new CustomerTally();
    const sources = Array.from({ length: 40 }, (_, i) => `src${String(i).padStart(2, "0")}`);
    for (const s of sources) tally.add(5_000_000, s, 10);
    tally.add(7, "crm", 3);
    tally.add(7, "crm", 1);
    const got = tally.result(3);
    expect(new Map(got.sources)).toEqual(
      new Map([
        [sources.join(" + "), 1],
        ["crm", 1],
        [null, 1],
      ]),
    );
    expect(new Map(got.recencyDays)).toEqual(
      new Map([
        [10, 1],
        [1, 1],
        [null, 1],
      ]),
    );
    expect(got.source).toHaveLength(41);
  });

  it("refuses an id that is no integer rather than counting it somewhere", () => {
    const tally = new CustomerTally();
    expect(() => tally.add(1.5, "crm", 0)).toThrow(RangeError);
    expect(() => tally.add(-1, "crm", 0)).toThrow(RangeError);
    expect(tally.result(0)).toEqual({ source: [], sources: [], recencyDays: [] });
  });

  it("orders sources by code point, as SQLite's BINARY collation of UTF-8 does (not by UTF-16 units)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
        expect(Math.sign(codePointCompare(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
    );
    expect(codePointCompare("\uffef", "𠀀")).toBeLessThan(0); // UTF-16 would put the surrogate pair first
  });
});

describe("FreshnessTally", () => {
  it("counts records by age and dated records per source, and over all as their sums", () => {
    const tally = new FreshnessTally();
    tally.add("crm", 3, true);
    tally.add("crm", 3, false);
    tally.add("微信", 3, true);
    tally.add("微信", 400, false);
    const { all, bySource } = tally.result();
    expect(new Map(all.ages)).toEqual(
      new Map([
        [3, 3],
        [400, 1],
      ]),
    );
    expect(all.dated).toBe(2);
    expect(bySource.get("crm")).toEqual({ ages: [[3, 2]], dated: 1 });
    expect(bySource.get("微信")).toEqual({
      ages: [
        [3, 1],
        [400, 1],
      ],
      dated: 1,
    });
    expect(new FreshnessTally().result()).toEqual({ all: { ages: [], dated: 0 }, bySource: new Map() });
  });
});

describe("StringTable and DistinctTally on many values", () => {
  /** Realistic values: emails, Chinese and English names, phones, with repeats and near-repeats. */
  const text = fc.oneof(
    fc.constantFrom("张伟", "Zhang Wei", "zhang wei", "李芳", "王秀英", "+86 138 0013 8000", "+8613800138000", "Margaret Hughes"),
    fc.stringMatching(/^[a-z]{1,6}@(example\.com|163\.com|qq\.com)$/),
    fc.string({ unit: "grapheme", maxLength: 6 }),
  );

  it("gives each distinct string one index, in arrival order, whatever the hash (a colliding one too) (property)", () => {
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 400 }),
        fc.constantFrom<"real" | "constant" | "two">("real", "constant", "two"),
        (texts, kind) => {
          const hash = kind === "real" ? stringHash : kind === "constant" ? () => 7 : (t: string) => t.length & 1;
          const table = new StringTable(hash);
          const first = new Map<string, number>();
          for (const t of texts) {
            if (!first.has(t)) first.set(t, first.size);
            expect(table.intern(t)).toBe(first.get(t));
          }
          expect(table.size).toBe(first.size);
        },
      ),
    );
  });

  it("counts distinct values per source exactly past its tables' growth, with every value's hash colliding", () => {
    const sources = ["crm", "shop", "微信"];
    for (const hash of [stringHash, (t: string) => t.charCodeAt(0)]) {
      const tally = new DistinctTally(hash);
      const sets = new Map(sources.map((s) => [s, new Set<string>()]));
      const all = new Set<string>();
      for (let i = 0; i < 5000; i++) {
        const source = sources[i % 3] as string;
        const email = `user${(i * 7919) % 3001}@example.com`;
        tally.add(source, values({ email }));
        sets.get(source)?.add(email);
        all.add(email);
      }
      const result = tally.result();
      expect(result.all.email).toBe(all.size);
      for (const s of sources) expect(result.bySource.get(s)?.email).toBe(sets.get(s)?.size);
    }
  });

  it("hashes to a 32-bit integer that depends on the text only, not on how the string was built", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.nat(), (t, cut) => {
        const h = stringHash(t);
        expect(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31).toBe(true);
        const k = t.length === 0 ? 0 : cut % t.length;
        expect(stringHash(t.slice(0, k) + t.slice(k))).toBe(h);
      }),
    );
  });
});

describe("ShapeTally on many values", () => {
  it("shapes 10,000 distinct emails and phones and a few countries as shaping each one does (canonical ones too)", () => {
    const tally = new ShapeTally();
    const distinct = new DistinctTally();
    const expected = new Map<string, Map<string, number>>([
      ["email", new Map()],
      ["phone", new Map()],
      ["country", new Map()],
    ]);
    const canonical = new Map<string, Set<string>>([
      ["email", new Set()],
      ["phone", new Set()],
      ["country", new Set()],
    ]);
    const changed = { email: 0, phone: 0, country: 0 };
    const count = (field: string, value: string) => {
      const m = expected.get(field) as Map<string, number>;
      const shape = valueShape(value);
      m.set(shape, (m.get(shape) ?? 0) + 1);
    };
    for (let i = 0; i < 10_000; i++) {
      const raw = {
        email: i % 3 === 0 ? `User${i}@Example.com` : `wang.${i}@163.com`,
        phone: i % 2 === 0 ? `+86 138 ${String(i).padStart(4, "0")} 8000` : `(415) 555-${String(i % 10_000).padStart(4, "0")}`,
        country: ["China", "中国", "USA", "US"][i % 4] as string,
      };
      const clean = { email: raw.email.toLowerCase(), phone: raw.phone.replace(/[^\d+]/g, ""), country: i % 4 < 2 ? "CN" : "US" };
      tally.add(i % 2 === 0 ? "crm" : "微信", values(raw), values(clean), undefined);
      distinct.add(i % 2 === 0 ? "crm" : "微信", values(clean));
      for (const [field, value] of Object.entries(raw)) count(field, value);
      for (const field of ["email", "phone", "country"] as const) if (raw[field] !== clean[field]) changed[field]++;
      for (const [field, value] of Object.entries(clean)) canonical.get(field)?.add(valueShape(value));
    }
    const { all } = tally.result(distinct.result().canonicalShapes);
    for (const field of ["email", "phone", "country"] as const) {
      expect(all[field]?.rawShapes, field).toEqual(expected.get(field));
      expect(all[field]?.canonicalShapes, field).toBe(canonical.get(field)?.size);
      // Every email has a capital or is unchanged: count the changed ones plainly.
      expect(all[field]?.rewritten, field).toBe(changed[field]);
    }
  });
});
