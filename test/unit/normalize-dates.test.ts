import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  collectDateOrder,
  type DateOrderEvidence,
  decideDateOrder,
  normalizeDate,
  noteDateOrder,
} from "../../src/stages/normalize/dates.js";
import type { DateOrder } from "../../src/stages/normalize/types.js";

type Order = DateOrder | undefined;
type Ok = [input: string, order: Order, withTime: boolean, value: string];
type Bad = [input: string, order: Order, withTime: boolean, rule: "date.ambiguous" | "date.impossible" | "date.unparseable"];

const parsed: Ok[] = [
  // year first
  ["1990-05-03", undefined, false, "1990-05-03"],
  ["1990-5-3", undefined, false, "1990-05-03"],
  ["2000-01-01", "mdy", false, "2000-01-01"],
  ["19900503", undefined, false, "1990-05-03"],
  ["20240229", undefined, false, "2024-02-29"],
  ["1990/5/3", undefined, false, "1990-05-03"],
  ["1990/05/03", "dmy", false, "1990-05-03"],
  ["1990.5.3", undefined, false, "1990-05-03"],
  ["1990年5月3日", undefined, false, "1990-05-03"],
  ["1990年05月03日", undefined, false, "1990-05-03"],
  ["1990 年 5 月 3 日", undefined, false, "1990-05-03"],
  ["1990-05-03", undefined, true, "1990-05-03"],
  // day/month/year, decided by a part over 12 …
  ["25/12/1990", undefined, false, "1990-12-25"],
  ["12/25/1990", undefined, false, "1990-12-25"],
  ["31.01.2000", undefined, false, "2000-01-31"],
  ["13-01-2000", undefined, false, "2000-01-13"],
  ["29/02/2024", undefined, false, "2024-02-29"],
  ["02/29/2024", undefined, false, "2024-02-29"],
  // … even when the configured order says otherwise (the only possible reading)
  ["25/12/1990", "mdy", false, "1990-12-25"],
  ["12/25/1990", "dmy", false, "1990-12-25"],
  ["13/01/2000", "mdy", false, "2000-01-13"],
  // … or by equal parts
  ["05/05/1990", undefined, false, "1990-05-05"],
  ["1/1/2000", undefined, false, "2000-01-01"],
  // … or by the source's order
  ["05/03/1990", "mdy", false, "1990-05-03"],
  ["05/03/1990", "dmy", false, "1990-03-05"],
  ["3/4/1990", "dmy", false, "1990-04-03"],
  ["3-4-1990", "mdy", false, "1990-03-04"],
  ["3.4.1990", "dmy", false, "1990-04-03"],
  ["02/29/2024", "mdy", false, "2024-02-29"],
  // leap years
  ["2000-02-29", undefined, false, "2000-02-29"],
  ["2024-02-29", undefined, false, "2024-02-29"],
  ["1996/2/29", undefined, false, "1996-02-29"],
  ["February 29, 2024", undefined, false, "2024-02-29"],
  // month names
  ["12 Apr 1985", undefined, false, "1985-04-12"],
  ["12 April 1985", undefined, false, "1985-04-12"],
  ["12th April 1985", undefined, false, "1985-04-12"],
  ["12-Apr-1985", undefined, false, "1985-04-12"],
  ["1 Sept 1999", undefined, false, "1999-09-01"],
  ["3 May 1990", "mdy", false, "1990-05-03"],
  ["April 12, 1985", undefined, false, "1985-04-12"],
  ["Apr. 12, 1985", undefined, false, "1985-04-12"],
  ["Apr 12 1985", undefined, false, "1985-04-12"],
  ["april 12, 1985", "dmy", false, "1985-04-12"],
  ["DECEMBER 1, 2000", undefined, false, "2000-12-01"],
  ["May 3rd, 1990", undefined, false, "1990-05-03"],
  // Excel serial numbers (days since 1899-12-30)
  ["45000", undefined, false, "2023-03-15"],
  ["45000.75", undefined, false, "2023-03-15"],
  ["36526", undefined, false, "2000-01-01"],
  ["25569", undefined, false, "1970-01-01"],
  ["44197", "dmy", false, "2021-01-01"],
  // ISO timestamps: with time, zones converted to UTC
  ["2024-03-01T12:34:56Z", undefined, true, "2024-03-01T12:34:56Z"],
  ["2024-03-01t12:34:56z", undefined, true, "2024-03-01T12:34:56Z"],
  ["2024-03-01T12:34:56+00:00", undefined, true, "2024-03-01T12:34:56Z"],
  ["2024-03-01T12:34:56+08:00", undefined, true, "2024-03-01T04:34:56Z"],
  ["2024-03-01T12:34:56 +0800", undefined, true, "2024-03-01T04:34:56Z"],
  ["2024-03-01T02:00:00+08:00", undefined, true, "2024-02-29T18:00:00Z"],
  ["2000-01-01T00:30:00+08:00", undefined, true, "1999-12-31T16:30:00Z"],
  ["2024-03-01T12:34:56-0500", undefined, true, "2024-03-01T17:34:56Z"],
  ["2024-12-31T22:00:00-05:00", undefined, true, "2025-01-01T03:00:00Z"],
  ["2024-03-01T12:34:56.789Z", undefined, true, "2024-03-01T12:34:56.789Z"],
  ["2024-03-01T12:34:56.5+08:00", undefined, true, "2024-03-01T04:34:56.500Z"],
  ["2024-03-01T12:30:00+05:30", "dmy", true, "2024-03-01T07:00:00Z"],
  // without a zone: kept as written
  ["2024-03-01T12:34:56", undefined, true, "2024-03-01T12:34:56"],
  ["2024-03-01 12:34", undefined, true, "2024-03-01T12:34:00"],
  ["2024-03-01T23:59:59.250", undefined, true, "2024-03-01T23:59:59.250"],
  // without withTime: only the day as written
  ["2024-03-01T12:34:56Z", undefined, false, "2024-03-01"],
  ["2024-03-01T12:34:56-0500", undefined, false, "2024-03-01"],
  ["2024-03-01 12:34", "mdy", false, "2024-03-01"],
];

const reported: Bad[] = [
  // ambiguous without an order: reported, not guessed
  ["05/03/1990", undefined, false, "date.ambiguous"],
  ["03.04.1990", undefined, false, "date.ambiguous"],
  ["1/2/2000", undefined, false, "date.ambiguous"],
  ["3-4-1990", undefined, true, "date.ambiguous"],
  ["12/11/2010", undefined, false, "date.ambiguous"],
  // impossible dates
  ["1990-02-30", undefined, false, "date.impossible"],
  ["1990年2月30日", undefined, false, "date.impossible"],
  ["2023-02-29", undefined, false, "date.impossible"],
  ["1900-02-29", undefined, false, "date.impossible"],
  ["2100-02-29", undefined, false, "date.impossible"],
  ["20230229", undefined, false, "date.impossible"],
  ["1990-13-01", undefined, false, "date.impossible"],
  ["1990-00-10", undefined, false, "date.impossible"],
  ["1990-04-31", undefined, false, "date.impossible"],
  ["29/02/2023", undefined, false, "date.impossible"],
  ["02/29/2023", "mdy", false, "date.impossible"],
  ["31/04/2020", undefined, false, "date.impossible"],
  ["13/13/2000", undefined, false, "date.impossible"],
  ["13/25/2000", "dmy", false, "date.impossible"],
  ["00/05/1990", "dmy", false, "date.impossible"],
  ["05/00/1990", "mdy", false, "date.impossible"],
  ["30 Feb 1990", undefined, false, "date.impossible"],
  ["February 29, 2023", undefined, false, "date.impossible"],
  ["2024-02-30T12:00:00Z", undefined, true, "date.impossible"],
  ["2024-02-30T12:00:00Z", undefined, false, "date.impossible"],
  ["2024-03-01T24:00:00", undefined, true, "date.impossible"],
  ["2024-03-01T12:60:00", undefined, true, "date.impossible"],
  ["2024-03-01T12:34:60Z", undefined, true, "date.impossible"],
  // unparseable
  ["", undefined, false, "date.unparseable"],
  ["not a date", undefined, false, "date.unparseable"],
  ["N/A", "dmy", false, "date.unparseable"],
  ["yesterday", undefined, true, "date.unparseable"],
  ["1990", undefined, false, "date.unparseable"],
  ["1990-05", undefined, false, "date.unparseable"],
  ["05/1990", undefined, false, "date.unparseable"],
  ["3/4/90", "dmy", false, "date.unparseable"],
  ["31/31/31", undefined, false, "date.unparseable"],
  ["03/04-1990", undefined, false, "date.unparseable"],
  ["12 Foo 1985", undefined, false, "date.unparseable"],
  ["Foo 12, 1985", undefined, false, "date.unparseable"],
  ["1990-05-03T", undefined, true, "date.unparseable"],
  // numbers outside the plausible Excel range are not dates
  ["0", undefined, false, "date.unparseable"],
  ["12345", undefined, false, "date.unparseable"],
  ["19999", undefined, false, "date.unparseable"],
  ["80001", undefined, false, "date.unparseable"],
];

describe("normalizeDate: to ISO 8601", () => {
  it.each(parsed)("%j (order %s, withTime %s) → %s", (input, order, withTime, value) => {
    expect(normalizeDate("birth_date", input, order, withTime)).toEqual({ value });
  });

  it("defaults to the day only", () => {
    expect(normalizeDate("created_at", "2024-03-01T12:34:56+08:00", undefined)).toEqual({ value: "2024-03-01" });
  });
});

describe("normalizeDate: reported, value unchanged", () => {
  it.each(reported)("%j (order %s, withTime %s) → %s", (input, order, withTime, rule) => {
    const out = normalizeDate("created_at", input, order, withTime);
    expect(out.value).toBe(input);
    expect(out.finding).toMatchObject({ field: "created_at", rule, severity: "warning" });
    expect(out.finding?.message).toContain(JSON.stringify(input));
  });

  it("names both readings of an ambiguous date and how to settle it", () => {
    const out = normalizeDate("birth_date", "05/03/1990", undefined);
    expect(out.finding?.message).toContain("1990-03-05");
    expect(out.finding?.message).toContain("1990-05-03");
    expect(out.finding?.suggestion).toMatch(/date_order/);
  });
});

describe("date order per source", () => {
  it.each<[values: (string | null)[], evidence: DateOrderEvidence, order: Order]>([
    [["25/12/1990", "03/04/1990", null, "1990-01-01"], { dayFirst: 1, monthFirst: 0 }, "dmy"],
    [["12/25/1990", "1/2/2000"], { dayFirst: 0, monthFirst: 1 }, "mdy"],
    [["25/12/1990", "12/25/1990"], { dayFirst: 1, monthFirst: 1 }, undefined],
    [["03/04/1990", "05/05/1990", "2000-01-31", "31 Jan 2000"], { dayFirst: 0, monthFirst: 0 }, undefined],
    [["25-12-1990", "13.01.2000", " 25/12/1990 ", "25/12/90", "13/13/2000", "abc"], { dayFirst: 3, monthFirst: 0 }, "dmy"],
    [[], { dayFirst: 0, monthFirst: 0 }, undefined],
  ])("%j → %j → %s", (values, evidence, order) => {
    const seen = collectDateOrder(values);
    expect(seen).toEqual(evidence);
    expect(decideDateOrder(seen)).toBe(order);
  });

  it("adds to evidence already gathered", () => {
    const evidence = { dayFirst: 5, monthFirst: 0 };
    expect(collectDateOrder(["12/25/1990"], evidence)).toBe(evidence);
    expect(evidence).toEqual({ dayFirst: 5, monthFirst: 1 });
    noteDateOrder(null, evidence);
    noteDateOrder("31/12/1999", evidence);
    expect(evidence).toEqual({ dayFirst: 6, monthFirst: 1 });
  });

  it("settles the source's ambiguous dates once a first part above 12 shows up anywhere", () => {
    const values = ["03/04/1990", "11/12/1985", "28/02/1979"];
    const order = decideDateOrder(collectDateOrder(values));
    expect(order).toBe("dmy");
    expect(values.map((v) => normalizeDate("birth_date", v, order).value)).toEqual(["1990-04-03", "1985-12-11", "1979-02-28"]);
  });
});

// Properties

const dateFragment = fc.constantFrom(
  "1990",
  "2000",
  "2024",
  "2023",
  "1900",
  "1999",
  "0001",
  "9999",
  "01",
  "02",
  "05",
  "12",
  "13",
  "29",
  "30",
  "31",
  "1",
  "3",
  "-",
  "/",
  ".",
  " ",
  ",",
  "年",
  "月",
  "日",
  "T",
  "t",
  "00:30",
  "12:34",
  ":56",
  ".5",
  ".789",
  "Z",
  "+08:00",
  "-0500",
  "+05:30",
  "+00:00",
  "Apr",
  "April",
  "Sept",
  "May",
  "th",
  "45000",
  "36526",
  ".75",
  "abc",
);
const realisticDate = fc.constantFrom(
  "1990-05-03",
  "19900503",
  "1990/5/3",
  "1990年5月3日",
  "03/04/1990",
  "25/12/1990",
  "12/25/1990",
  "12 Apr 1985",
  "April 12, 1985",
  "45000",
  "2024-02-29",
  "2023-02-29",
  "2000-01-01T00:30:00+08:00",
  "2024-12-31T22:00:00-0500",
  "2024-03-01T12:34:56Z",
  "2024-03-01T12:34:56.5+08:00",
  "2024-03-01 12:34",
);
const p2 = (n: number) => String(n).padStart(2, "0");
/**
 * Real-world UTC offsets: -12:00 … +14:00 in quarter hours, written ±hh:mm or ±hhmm. Out-of-range offsets
 * ("0001-01-01T00:00+0060", withTime) make normalizeDate throw a RangeError: reported, not generated here.
 */
const offset = fc
  .tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 14 }), fc.constantFrom(0, 15, 30, 45), fc.boolean())
  .filter(([sign, h, m]) => (sign === "-" ? h * 60 + m <= 12 * 60 : h * 60 + m <= 14 * 60))
  .map(([sign, h, m, colon]) => `${sign}${p2(h)}${colon ? ":" : ""}${p2(m)}`);
const timestamp = fc
  .tuple(
    fc.integer({ min: 1, max: 9999 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 31 }),
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 59 }),
    fc.option(fc.integer({ min: 0, max: 59 })),
    fc.constantFrom("", ".5", ".123", ".123456"),
    fc.constantFrom("T", " ", "t"),
    fc.oneof(fc.constantFrom("", "Z", "z"), offset),
  )
  .map(
    ([y, mo, d, h, mi, s, fraction, sep, zone]) =>
      `${String(y).padStart(4, "0")}-${p2(mo)}-${p2(d)}${sep}${p2(h)}:${p2(mi)}${s === null ? "" : `:${p2(s)}${fraction}`}${zone}`,
  );
const dateInput = fc.oneof(
  realisticDate,
  timestamp,
  fc.array(dateFragment, { maxLength: 9 }).map((parts) => parts.join("")),
  fc.array(fc.oneof(dateFragment, fc.string({ unit: "grapheme", maxLength: 3 })), { maxLength: 7 }).map((parts) => parts.join("")),
  fc.string({ unit: "grapheme" }),
);
const order = fc.constantFrom<Order>("dmy", "mdy", undefined);

/** An ISO timestamp with a zone: read with withTime, it is converted to UTC, so its digits change by design. */
const ZONED = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|z|[+-]\d{2}:?\d{2})$/;

describe("normalizeDate: properties", () => {
  it("never throws, and is idempotent on its value", () => {
    fc.assert(
      fc.property(dateInput, order, fc.boolean(), (input, o, withTime) => {
        const out = normalizeDate("d", input, o, withTime);
        expect(normalizeDate("d", out.value, o, withTime).value).toBe(out.value);
      }),
      { numRuns: 3000 },
    );
  });

  it("never invents digits: the year of a date read from text is in the input", () => {
    fc.assert(
      fc.property(dateInput, order, fc.boolean(), (input, o, withTime) => {
        const out = normalizeDate("d", input, o, withTime);
        if (out.finding) {
          expect(out.value).toBe(input);
          return;
        }
        if (/^\d+(?:\.\d+)?$/.test(input)) return; // Excel serials are conversions
        if (withTime && ZONED.test(input)) return; // zone conversions: checked below
        const year = /^(\d{4})-\d{2}-\d{2}/.exec(out.value)?.[1];
        expect(year).toBeDefined();
        expect(input.replace(/\D/g, "")).toContain(year);
      }),
      { numRuns: 3000 },
    );
  });

  it("a timestamp with a zone keeps its instant: the UTC value shifted back by the offset is the written time", () => {
    fc.assert(
      fc.property(fc.oneof(timestamp, dateInput), order, (input, o) => {
        const m = ZONED.exec(input);
        const out = normalizeDate("d", input, o, true);
        if (!m || out.finding) return;
        const [, y, mo, d, h, mi, s = "00", zone = ""] = m;
        const offset =
          zone.toUpperCase() === "Z" ? 0 : (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
        expect(out.value).toMatch(/Z$/);
        const local = new Date(Date.parse(out.value) + offset * 60_000).toISOString();
        expect(local.slice(0, 19)).toBe(`${y}-${mo}-${d}T${h}:${mi}:${s}`);
      }),
      { numRuns: 3000 },
    );
  });
});

/** What JavaScript's own calendar says (setUTCFullYear: Date.UTC would read years 0–99 as 1900–1999). */
function dateSays(year: number, month: number, day: number): Date | undefined {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : undefined;
}

describe("normalizeDate: the shortcuts agree with Date", () => {
  const ymd = fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }));

  it("a day is real exactly when Date keeps it (leap years by the Gregorian rule)", () => {
    fc.assert(
      fc.property(ymd, ([y, m, d]) => {
        const out = normalizeDate("birth_date", `${String(y).padStart(4, "0")}-${p2(m)}-${p2(d)}`, undefined);
        expect(out.finding?.rule === "date.impossible").toBe(dateSays(y, m, d) === undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it("a UTC timestamp to the second is written as Date writes it", () => {
    fc.assert(
      fc.property(
        ymd,
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        ([y, m, d], h, mi, s) => {
          const date = dateSays(y, m, d);
          fc.pre(date !== undefined && y >= 1000);
          date?.setUTCHours(h, mi, s);
          const text = `${y}-${p2(m)}-${p2(d)}T${p2(h)}:${p2(mi)}:${p2(s)}Z`;
          expect(normalizeDate("created_at", text, undefined, true).value).toBe(date?.toISOString().replace(".000Z", "Z"));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
