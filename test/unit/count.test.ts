/** Counts in words for human output. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { count, number } from "../../src/io/count.js";

describe("count", () => {
  it.each([
    [0, "row", undefined, "0 rows"],
    [1, "row", undefined, "1 row"],
    [2, "row", undefined, "2 rows"],
    [1234, "record", undefined, "1,234 records"],
    [1_000_000, "finding", undefined, "1,000,000 findings"],
    [1, "batch", "batches", "1 batch"],
    [3, "batch", "batches", "3 batches"],
  ])("count(%d, %j, %j) → %j", (n, noun, plural, expected) => {
    expect(count(n, noun, plural)).toBe(expected);
  });

  it("separates thousands the same way whatever the locale", () => {
    expect(number(1234567)).toBe("1,234,567");
    expect(number(999)).toBe("999");
  });

  it("the singular only for exactly one; the digits always those of the number", () => {
    fc.assert(
      fc.property(fc.nat(), (n) => {
        const text = count(n, "row");
        expect(text.endsWith(n === 1 ? " row" : " rows")).toBe(true);
        expect(Number(text.split(" ")[0]?.replace(/,/g, ""))).toBe(n);
      }),
    );
  });
});
