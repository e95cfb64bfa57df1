/** The report's gates: parsing --fail-under / --fail-over, unknown metrics (exit 2 with close names), outcomes. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { METRIC_NAMES } from "../../src/stages/report/assemble.js";
import { closeNames, describeGate, evaluateGates, parseGateFlag } from "../../src/stages/report/gates.js";

describe("parseGateFlag", () => {
  it("reads METRIC=N, with an optional % and spaces", () => {
    expect(parseGateFlag("completeness.email=95", "under")).toEqual({
      metric: "completeness.email",
      direction: "under",
      limit: 95,
      level: "error",
      text: "--fail-under completeness.email=95",
    });
    expect(parseGateFlag(" duplicates.rate = 2.5% ", "over")).toMatchObject({ metric: "duplicates.rate", limit: 2.5 });
  });

  it.each(["completeness.email", "completeness.email=", "=95", "completeness.email=ninety", "completeness.email>95", ""])(
    "refuses %j with exit 2 and the expected form",
    (value) => {
      expect(() => parseGateFlag(value, "under")).toThrow(UsageError);
      expect(() => parseGateFlag(value, "under")).toThrow(/METRIC=NUMBER|unknown metric/);
    },
  );

  it("an unknown metric is exit 2 naming close ones", () => {
    let error: unknown;
    try {
      parseGateFlag("completness.emial=95", "under");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).message).toContain('unknown metric "completness.emial"');
    expect((error as UsageError).hint).toContain("completeness.email");
    expect(closeNames("duplicate.rate")[0]).toBe("duplicates.rate");
    expect(closeNames("zzzzzzzzzzzzzzzzzz")).toEqual([]);
  });

  it("every known metric name parses (property: never a false unknown)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...METRIC_NAMES), fc.double({ min: -1e6, max: 1e6, noNaN: true }), (metric, limit) => {
        const text = `${metric}=${limit.toFixed(3)}`;
        expect(parseGateFlag(text, "over").metric).toBe(metric);
      }),
    );
  });
});

describe("evaluateGates", () => {
  const metrics = { "completeness.email": 91.5, "duplicates.rate": 5, records: 1200 };

  it("under fails below the limit, over above it; the limit itself passes", () => {
    const results = evaluateGates(
      [
        parseGateFlag("completeness.email=95", "under"),
        parseGateFlag("completeness.email=91.5", "under"),
        parseGateFlag("duplicates.rate=5", "over"),
        parseGateFlag("duplicates.rate=4.9", "over"),
      ],
      metrics,
    );
    expect(results.map((r) => r.passed)).toEqual([false, true, true, false]);
    expect(describeGate(results[0] as (typeof results)[number])).toBe(
      "completeness.email is 91.50, under 95 (--fail-under completeness.email=95)",
    );
    expect(describeGate(results[2] as (typeof results)[number])).toBe("duplicates.rate is 5, not over 5 (--fail-over duplicates.rate=5)");
  });

  it("a gate on a metric this report has no value for fails, and says so", () => {
    const [result] = evaluateGates([parseGateFlag("validity.company=90", "under")], metrics);
    expect(result).toMatchObject({ value: null, passed: false });
    expect(describeGate(result as NonNullable<typeof result>)).toBe(
      "validity.company has no value in this report (--fail-under validity.company=90)",
    );
  });

  it("the outcome does not depend on the order of the gates (property)", () => {
    const gate = fc.tuple(
      fc.constantFrom("completeness.email", "duplicates.rate", "records", "validity.phone"),
      fc.integer({ min: 0, max: 2000 }),
      fc.constantFrom("under" as const, "over" as const),
    );
    fc.assert(
      fc.property(fc.array(gate, { maxLength: 8 }), (specs) => {
        const gates = specs.map(([metric, limit, direction]) => parseGateFlag(`${metric}=${limit}`, direction));
        const forward = evaluateGates(gates, metrics)
          .map((r) => `${r.text}:${r.passed}`)
          .sort();
        const backward = evaluateGates([...gates].reverse(), metrics)
          .map((r) => `${r.text}:${r.passed}`)
          .sort();
        expect(backward).toEqual(forward);
      }),
    );
  });
});
