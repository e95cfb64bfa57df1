/** The reasons for and against a pair, and the field-by-field comparison a reviewer sees. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareFields, differingFields, levelLabels, reasonText, strongestReasons } from "../../src/stages/review/reasons.js";
import { REVIEW_FIELDS, type ReviewRecord } from "../../src/stages/review/types.js";

/** Labels as a stored model has them (the default comparisons' first levels). */
const LABELS = levelLabels({
  comparisons: [
    { name: "given_name", levels: ["null", "exact", "given and family swapped", "nickname (Bill / William)"].map(level) },
    { name: "family_name", levels: ["null", "exact", "swapped", "Jaro-Winkler >= 0.92"].map(level) },
    { name: "email", levels: ["null", "exact", "one edit apart", "same local part, other domain", "else (all different)"].map(level) },
    { name: "phone", levels: ["null", "exact", "same last 8 digits", "one digit off", "else (all different)"].map(level) },
    { name: "birth_date", levels: ["null", "exact", "day and month swapped"].map(level) },
  ],
});
function level(label: string) {
  return { label, m: 0.5, u: 0.5, weight: 0 };
}

/** Katherine Morgan moved: her two records share only the name and the birth date. */
const KATHERINE = { given_name: [1, 3.84], family_name: [1, 4.17], email: [4, -1.69], phone: [4, -2.05], birth_date: [1, 4.28] } as Record<
  string,
  [number, number]
>;

function record(id: number, source: string, values: Partial<ReviewRecord["values"]>): ReviewRecord {
  const all = Object.fromEntries(REVIEW_FIELDS.map((field) => [field, values[field] ?? null])) as ReviewRecord["values"];
  return { id, source, sourceId: `${source}-${id}`, values: all };
}

describe("strongestReasons", () => {
  it("names the strongest weights each way with their level labels, strongest first", () => {
    const reasons = strongestReasons(KATHERINE, LABELS, 2);
    expect(reasons.for).toEqual([
      { comparison: "birth_date", level: 1, label: "exact", weight: 4.28 },
      { comparison: "family_name", level: 1, label: "exact", weight: 4.17 },
    ]);
    expect(reasons.against).toEqual([
      { comparison: "phone", level: 4, label: "else (all different)", weight: -2.05 },
      { comparison: "email", level: 4, label: "else (all different)", weight: -1.69 },
    ]);
    expect(reasonText(reasons.for[0] as never)).toBe("birth_date exact +4.28");
    expect(reasonText(reasons.against[0] as never)).toBe("phone else (all different) −2.05");
  });

  it("a level the labels do not know is named by its index; a zero weight is neither for nor against", () => {
    const reasons = strongestReasons({ email: [3, 0], national_id: [2, 6.5], phone: [9, -1] }, LABELS);
    expect(reasons.for).toEqual([{ comparison: "national_id", level: 2, label: "level 2", weight: 6.5 }]);
    expect(reasons.against).toEqual([{ comparison: "phone", level: 9, label: "level 9", weight: -1 }]);
    expect(strongestReasons({}, undefined)).toEqual({ for: [], against: [] });
  });

  it("does not depend on the explanation's key order, and never lists a weight on the wrong side", () => {
    const entry = fc.tuple(fc.integer({ min: 0, max: 8 }), fc.double({ min: -20, max: 20, noNaN: true }));
    const names = fc.uniqueArray(fc.constantFrom("given_name", "family_name", "email", "phone", "birth_date", "address"), { maxLength: 6 });
    fc.assert(
      fc.property(names, fc.array(entry, { minLength: 6, maxLength: 6 }), (keys, entries) => {
        const forward = Object.fromEntries(keys.map((key, i) => [key, entries[i] as [number, number]]));
        const backward = Object.fromEntries(keys.toReversed().map((key) => [key, forward[key] as [number, number]]));
        const reasons = strongestReasons(forward, LABELS);
        expect(strongestReasons(backward, LABELS)).toEqual(reasons);
        expect(reasons.for.every((reason) => reason.weight > 0)).toBe(true);
        expect(reasons.against.every((reason) => reason.weight < 0)).toBe(true);
        expect(reasons.for.length).toBeLessThanOrEqual(3);
        for (let i = 1; i < reasons.for.length; i++)
          expect((reasons.for[i - 1] as { weight: number }).weight).toBeGreaterThanOrEqual((reasons.for[i] as { weight: number }).weight);
      }),
    );
  });
});

describe("compareFields", () => {
  it("marks each field either record fills as same, different or filled on one side only", () => {
    const wang = record(28, "crm", {
      given_name: "娜",
      family_name: "王",
      email: "wangna@example.cn",
      city: "广州",
      postal_code: "510620",
    });
    const other = record(48, "shop", {
      given_name: "娜",
      family_name: "王",
      email: "na.wang@mail.example",
      city: "广州",
      phone: "+8613755559876",
    });
    expect(compareFields(wang, other)).toEqual([
      { field: "given_name", a: "娜", b: "娜", status: "same" },
      { field: "family_name", a: "王", b: "王", status: "same" },
      { field: "email", a: "wangna@example.cn", b: "na.wang@mail.example", status: "different" },
      { field: "phone", a: null, b: "+8613755559876", status: "one_missing" },
      { field: "city", a: "广州", b: "广州", status: "same" },
      { field: "postal_code", a: "510620", b: null, status: "one_missing" },
    ]);
    expect(differingFields(wang, other)).toEqual(["email"]);
  });

  it("letter case and surrounding spaces are no difference; a blank value is no value", () => {
    const a = record(1, "crm", { given_name: "John", family_name: "SMITH", company: "  " });
    const b = record(2, "shop", { given_name: " john ", family_name: "Smith", company: "" });
    expect(compareFields(a, b).map((row) => row.status)).toEqual(["same", "same"]);
  });
});
