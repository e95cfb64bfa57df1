/** The report's pure pieces: value shapes, bands and medians, flat metrics, and the files' tally. */
import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import type { Finding } from "../../src/model/finding.js";
import { emptyValues, type RecordValues } from "../../src/model/record.js";
import { assembleReport } from "../../src/stages/report/assemble.js";
import { ageBand, clusterSizeBand, daysBetween, histogramMedian, personAgeBand } from "../../src/stages/report/bands.js";
import { DistinctTally } from "../../src/stages/report/distinct-tally.js";
import { FileTally } from "../../src/stages/report/file-tally.js";
import { buildDuplicates, buildProfile, consentClass } from "../../src/stages/report/profile.js";
import { shapeKey, valueShape } from "../../src/stages/report/shape.js";

describe("valueShape", () => {
  it.each([
    ["+86 138-0013-8000", "+99 999-9999-9999"],
    ["(415) 555-0101", "(999) 999-9999"],
    ["William.Turner@Example.com", "Aaaaaaa.Aaaaaa@Aaaaaaa.aaa"],
    ["张伟", "汉汉"],
    ["朝阳区建国路88号", "汉汉汉汉汉汉99汉"],
    ["Zoë Ørsted", "Aaa Aaaaaa"],
    ["１２３", "999"], // full-width digits are digits
    ["𠀋𠀋", "汉汉"], // Extension B, outside the BMP: one 汉 per character, not per UTF-16 half
    ["", ""],
  ])("%s → %s", (value, shape) => {
    expect(valueShape(value)).toBe(shape);
  });

  it("never throws, and shaping a shape changes nothing (idempotent)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (text) => {
        const shape = valueShape(text);
        expect(valueShape(shape)).toBe(shape);
      }),
    );
  });

  it("keeps every character that is neither a letter nor a digit", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(" ", "-", "+", "@", ".", "(", ")", "/", "#", "·"), maxLength: 20 }), (text) => {
        expect(valueShape(text)).toBe(text);
      }),
    );
  });
});

describe("shapeKey: the shape counted without building it", () => {
  const texts = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 30 }),
    fc.string({ unit: fc.constantFrom("a", "Z", "7", "１", "张", "𠀋", "ë", "Ø", " ", "-", "@", "·", "😀"), maxLength: 12 }),
  );

  it("values of one shape share a key, whatever the characters (a shape's own key too)", () => {
    fc.assert(
      fc.property(texts, (text) => {
        expect(shapeKey(valueShape(text))).toBe(shapeKey(text));
      }),
    );
  });

  it("values of other shapes get other keys", () => {
    fc.assert(
      fc.property(texts, texts, (a, b) => {
        expect(shapeKey(a) === shapeKey(b)).toBe(valueShape(a) === valueShape(b));
      }),
      { numRuns: 2000 },
    );
    // Shapes that differ in one class, in their length, or only beyond the BMP (two emoji, kept as themselves).
    const keys = ["", "a", "A", "9", "汉", "aa", "a9", "9a", "+99 999", "+99 9999", "😀", "😁", "汉汉"].map(shapeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("is a safe integer and never throws", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        expect(Number.isSafeInteger(shapeKey(text))).toBe(true);
      }),
    );
  });
});

describe("bands", () => {
  it("ages of records fall in the five bands at their edges", () => {
    expect([-3, 0, 30, 31, 90, 91, 365, 366, 1095, 1096].map(ageBand)).toEqual([
      "≤ 30 days",
      "≤ 30 days",
      "≤ 30 days",
      "≤ 90 days",
      "≤ 90 days",
      "≤ 1 year",
      "≤ 1 year",
      "≤ 3 years",
      "≤ 3 years",
      "older",
    ]);
  });

  it("counts whole days as SQLite's CAST(julianday(now) - julianday(value) AS INTEGER) does", () => {
    const db = new Database(":memory:");
    const sqlite = db.prepare("SELECT CAST(julianday(?) - julianday(?) AS INTEGER)").pluck();
    const now = new Date("2026-03-15T08:30:00Z");
    const date = fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2030-01-01T00:00:00Z"), noInvalidDate: true });
    fc.assert(
      fc.property(date, fc.boolean(), (at, dateOnly) => {
        const text = dateOnly ? at.toISOString().slice(0, 10) : at.toISOString();
        expect(daysBetween(text, now)).toBe(sqlite.get(now.toISOString(), text));
      }),
    );
    expect(daysBetween("2026-02-13T12:00:00+08:00", now)).toBe(sqlite.get(now.toISOString(), "2026-02-13T12:00:00+08:00"));
    for (const notADate of ["", "yesterday", "03/01/2024", "2024-13-45", "1700000000"]) expect(daysBetween(notADate, now)).toBeNull();
    db.close();
  });

  it("the median of a histogram is the median of the values it counts", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 60 }), (values) => {
        const histogram = new Map<number, number>();
        for (const v of values) histogram.set(v, (histogram.get(v) ?? 0) + 1);
        const sorted = [...values].sort((a, b) => a - b);
        const mid = Math.floor(sorted.length / 2);
        const expected =
          sorted.length === 0 ? null : sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
        expect(histogramMedian(histogram)).toBe(expected);
        // Order-independent: the histogram's order does not matter.
        expect(histogramMedian([...histogram].reverse())).toBe(expected);
      }),
    );
  });

  it("a person's age band turns on their birthday, and a date that is none has no band", () => {
    const today = new Date("2026-04-18T10:00:00Z");
    expect(personAgeBand("2008-04-18", today)).toBe("18-24"); // 18 today
    expect(personAgeBand("2008-04-19", today)).toBe("under 18"); // 18 tomorrow
    expect(personAgeBand("1986-04-18", today)).toBe("35-44"); // 张伟, 40
    expect(personAgeBand("1961-04-18", today)).toBe("65+");
    for (const bad of ["1990-02-30", "18/04/1986", "2030-01-01", ""]) expect(personAgeBand(bad, today)).toBeNull();
  });

  it("cluster sizes band as 1, 2, 3, 4, 5-9, 10+", () => {
    expect([1, 2, 3, 4, 5, 9, 10, 250].map(clusterSizeBand)).toEqual(["1", "2", "3", "4", "5-9", "5-9", "10+", "10+"]);
  });
});

describe("duplicates and profile from histograms", () => {
  it("rate, records per customer and size bands from cluster sizes", () => {
    const d = buildDuplicates({
      records: 10,
      clusterSizes: [
        [1, 4],
        [2, 1],
        [4, 1],
      ],
      customers: 6,
      splitByGuard: 1,
      reviewBacklog: 3,
    });
    expect(d.clusters).toBe(6);
    expect(d.rate).toBeCloseTo(40, 9); // (10 - 6) / 10
    expect(d.recordsPerCustomer).toBeCloseTo(10 / 6, 9);
    expect(d.clusterSizes.find((s) => s.size === "4")).toEqual({ size: "4", clusters: 1, records: 4 });
    expect(d.clusterSizes.map((s) => s.size)).toEqual(["1", "2", "3", "4", "5-9", "10+"]);
    // Before merge, records per cluster; with no records, no division by zero.
    expect(
      buildDuplicates({ records: 10, clusterSizes: [[2, 5]], customers: null, splitByGuard: 0, reviewBacklog: 0 }).recordsPerCustomer,
    ).toBe(2);
    expect(buildDuplicates({ records: 0, clusterSizes: [], customers: 0, splitByGuard: 0, reviewBacklog: 0 })).toMatchObject({
      rate: 0,
      recordsPerCustomer: 0,
    });
  });

  it("reads consent as normalize does: 是 and yes are yes, 否 and 0 are no, the rest unrecognized", () => {
    expect(["是", "yes", "TRUE", "1", "同意"].map(consentClass)).toEqual(["yes", "yes", "yes", "yes", "yes"]);
    expect(["否", "no", "0", "false"].map(consentClass)).toEqual(["no", "no", "no", "no"]);
    expect(consentClass("maybe later")).toBe("unrecognized");
    expect(consentClass(null)).toBeNull();
    expect(consentClass("  ")).toBeNull();
  });

  it("folds values into classes and bands, most customers first, unknown last in banded breakdowns", () => {
    const profile = buildProfile(
      {
        customers: 5,
        country: [
          ["US", 3],
          ["CN", 2],
        ],
        region: [[null, 5]],
        city: [
          ["北京", 1],
          ["上海", 1],
          ["Boston", 3],
        ],
        birthDate: [
          ["1986-04-18", 2],
          ["2010-01-01", 1],
          [null, 1],
          ["not a date", 1],
        ],
        consent: [
          ["true", 2],
          ["是", 1],
          ["false", 1],
          [null, 1],
        ],
        source: [
          ["crm", 4],
          ["shop", 2],
        ],
        sources: [
          ["crm", 3],
          ["crm + shop", 1],
          ["shop", 1],
        ],
        recencyDays: [
          [3, 2],
          [400, 3],
        ],
        by: [
          {
            name: "vip",
            rows: [
              [["gold"], 2],
              [[null], 3],
            ],
          },
        ],
      },
      new Date("2026-04-18T00:00:00Z"),
    );
    const rows = (by: string) => profile.breakdowns.find((b) => b.by === by)?.rows.map((r) => [r.value, r.customers]);
    expect(rows("city")).toEqual([
      ["Boston", 3],
      ["上海", 1],
      ["北京", 1],
    ]);
    expect(rows("consent")).toEqual([
      ["yes", 3],
      ["no", 1],
      ["unrecognized", 0],
      [null, 1],
    ]);
    expect(rows("age_band")?.find(([v]) => v === "35-44")).toEqual(["35-44", 2]);
    expect(rows("age_band")?.at(-1)).toEqual([null, 2]); // no date, and a text that is none
    expect(rows("recency")).toEqual([
      ["≤ 30 days", 2],
      ["≤ 90 days", 0],
      ["≤ 1 year", 0],
      ["≤ 3 years", 3],
      ["older", 0],
    ]);
    expect(rows("vip")).toEqual([
      [null, 3],
      ["gold", 2],
    ]);
    expect(profile.breakdowns.find((b) => b.by === "country")?.rows[0]?.share).toBeCloseTo(60, 9);
  });
});

// ---------------------------------------------------------------------------------------------------------------

const values = (partial: Partial<RecordValues>): RecordValues => ({ ...emptyValues(), ...partial });
const badEmail: Finding = { field: "email", rule: "email.syntax", severity: "error", message: "no @" };
const now = new Date("2026-04-18T00:00:00Z");
const fileTime = new Date("2026-04-01T00:00:00Z");

function tallyOf(records: [string, RecordValues, RecordValues, Finding[]][]) {
  const tally = new FileTally(now);
  for (const [source, raw, canonical, findings] of records) tally.add(source, raw, canonical, findings, fileTime);
  return assembleReport({
    generatedAt: now.toISOString(),
    scope: { kind: "files", files: ["a.csv"] },
    figures: tally.figures(),
    duplicates: null,
    profile: null,
    trend: [],
  });
}

describe("files: the tally and the assembly", () => {
  const records: [string, RecordValues, RecordValues, Finding[]][] = [
    [
      "crm",
      values({ email: "W.Turner@Example.com", phone: "(415) 555-0101", city: "San Francisco" }),
      values({ email: "w.turner@example.com", phone: "+14155550101", city: "San Francisco" }),
      [],
    ],
    [
      "crm",
      values({ email: "zhangwei@example.cn", phone: "+86 138 0013 8000", city: "北京", updated_at: "2026-04-10" }),
      values({ email: "zhangwei@example.cn", phone: "+8613800138000", city: "北京", updated_at: "2026-04-10" }),
      [],
    ],
    [
      "shop",
      values({ email: "not-an-email", phone: "555", city: "San Francisco" }),
      values({ email: "not-an-email", phone: null, city: "San Francisco" }),
      [badEmail],
    ],
  ];

  it("counts completeness, validity, uniqueness, formats and cleaning per field and per source", () => {
    const report = tallyOf(records);
    const email = report.fields.find((f) => f.field === "email");
    expect(email).toMatchObject({ filled: 3, invalid: 1, distinct: 3, findings: [{ rule: "email.syntax", severity: "error", count: 1 }] });
    expect(email?.validity).toBeCloseTo(200 / 3, 9);
    const city = report.fields.find((f) => f.field === "city");
    expect(city).toMatchObject({
      filled: 3,
      distinct: 2,
      formats: [
        { shape: "Aaa Aaaaaaaaa", count: 2 },
        { shape: "汉汉", count: 1 },
      ],
    });
    expect(city?.uniqueness).toBeCloseTo(200 / 3, 9);
    expect(city?.consistency).toBeCloseTo(200 / 3, 9);
    const phone = report.cleaning.find((c) => c.field === "phone");
    // Three raw formats become E.164 (one shape per length: +1 and +86); all three rewritten; the shop's "555"
    // normalize could not use.
    expect(phone).toEqual({ field: "phone", shapesBefore: 3, shapesAfter: 2, rewritten: 3, unusable: 1 });
    expect(report.fields.find((f) => f.field === "phone")?.completeness).toBeCloseTo(200 / 3, 9);
    expect(report.bySource.map((s) => [s.source, s.records])).toEqual([
      ["crm", 2],
      ["shop", 1],
    ]);
    expect(report.bySource[1]?.fields.find((f) => f.field === "email")?.validity).toBe(0);
    // 张伟's record is 8 days old; the others fall back on the file's time (17 days).
    expect(report.freshness).toEqual({
      dated: 1,
      medianAgeDays: 17,
      bands: [
        { band: "≤ 30 days", records: 3 },
        { band: "≤ 90 days", records: 0 },
        { band: "≤ 1 year", records: 0 },
        { band: "≤ 3 years", records: 0 },
        { band: "older", records: 0 },
      ],
    });
    expect(report.metrics).toMatchObject({ records: 3, "completeness.email": 100, "freshness.median_age_days": 17 });
    expect(report.metrics["validity.company"]).toBeUndefined();
    expect(report.metrics["duplicates.rate"]).toBeUndefined();
  });

  it("no records: no NaN anywhere, percentages of nothing are null", () => {
    const report = tallyOf([]);
    expect(report.records).toBe(0);
    expect(report.fields.every((f) => f.completeness === 0 && f.validity === null && f.uniqueness === null && f.consistency === null)).toBe(
      true,
    );
    expect(report.freshness.medianAgeDays).toBeNull();
    expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity/);
    expect(Object.keys(report.metrics)).toEqual(expect.arrayContaining(["records", "completeness.email"]));
  });

  it("the figures do not depend on the order of the records (property)", () => {
    const field = fc.constantFrom(...CANONICAL_FIELDS);
    const value = fc.option(
      fc.oneof(fc.constantFrom("张伟", "Zhang Wei", "+86 138 0013 8000", "a@b.cn", ""), fc.string({ maxLength: 8 })),
      { nil: null },
    );
    const record = fc
      .tuple(
        fc.constantFrom("crm", "shop"),
        fc.dictionary(field, value),
        fc.dictionary(field, value),
        fc.array(
          fc.record({
            field,
            rule: fc.constantFrom("x.bad", "y.odd"),
            severity: fc.constantFrom("error" as const, "warning" as const),
            message: fc.constant("m"),
          }),
          { maxLength: 2 },
        ),
      )
      .map(
        ([source, raw, canonical, findings]) =>
          [source, values(raw), values(canonical), findings] as [string, RecordValues, RecordValues, Finding[]],
      );
    fc.assert(
      fc.property(fc.array(record, { maxLength: 12 }), fc.func(fc.integer()), (list, order) => {
        const shuffled = list
          .map((r, i) => [order(i), r] as const)
          .sort((a, b) => a[0] - b[0])
          .map(([, r]) => r);
        const a = tallyOf(list);
        const b = tallyOf(shuffled);
        const sortFindings = (r: typeof a) =>
          JSON.parse(
            JSON.stringify(r, (k, v) =>
              k === "findings" && Array.isArray(v) ? [...v].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))) : v,
            ),
          );
        expect(sortFindings(b)).toEqual(sortFindings(a));
      }),
    );
  });
});

describe("DistinctTally", () => {
  it("counts distinct values per source and over all, as sets of them do, with up to 40 sources (property)", () => {
    const value = fc.option(fc.constantFrom("张伟", "Zhang Wei", "zhangwei@example.cn", "+8613800138000", "北京", ""), { nil: null });
    const record = fc.tuple(fc.integer({ min: 0, max: 39 }), value, value);
    fc.assert(
      fc.property(fc.array(record, { maxLength: 80 }), (records) => {
        const tally = new DistinctTally();
        const naive = new Map<string, [Set<string>, Set<string>]>();
        const all: [Set<string>, Set<string>] = [new Set(), new Set()];
        for (const [n, email, city] of records) {
          const source = `source${n}`;
          tally.add(source, values({ email, city }));
          const sets = naive.get(source) ?? [new Set<string>(), new Set<string>()];
          naive.set(source, sets);
          [email, city].forEach((v, i) => {
            if (v === null || v === "") return;
            sets[i]?.add(v);
            all[i]?.add(v);
          });
        }
        const result = tally.result();
        expect([result.all.email, result.all.city]).toEqual([all[0].size, all[1].size]);
        for (const [source, [emails, cities]] of naive) {
          expect([result.bySource.get(source)?.email, result.bySource.get(source)?.city]).toEqual([emails.size, cities.size]);
        }
      }),
    );
  });
});
