/** argv → options: the parsing of import's flags, before any file is read. */
import { describe, expect, it } from "vitest";
import { parseDelimiter, parseMapFlags, parseMaxRejects } from "../../src/cli/commands/import.js";
import { defaultSource, exceedsLimit } from "../../src/commands/import.js";
import { UsageError } from "../../src/errors.js";

describe("--max-rejects", () => {
  it("takes a count or a percentage", () => {
    expect(parseMaxRejects("10")).toEqual({ text: "10", count: 10 });
    expect(parseMaxRejects(" 0.5% ")).toEqual({ text: "0.5%", percent: 0.5 });
    expect(parseMaxRejects(undefined)).toBeUndefined();
  });

  it.each(["lots", "1.5", "-3", "%", "5%%", "", "150%", "100.5%", "-1%"])("refuses %j", (value) => {
    expect(() => parseMaxRejects(value)).toThrow(UsageError);
  });

  it("takes percentages from 0% to 100% (as --max-invalid), naming the flag otherwise", () => {
    expect(parseMaxRejects("0%")).toEqual({ text: "0%", percent: 0 });
    expect(parseMaxRejects("100%")).toEqual({ text: "100%", percent: 100 });
    expect(() => parseMaxRejects("150%")).toThrow(/^--max-rejects: a percentage goes from 0% to 100%, not 150%$/);
    expect(parseMaxRejects("150")).toEqual({ text: "150", count: 150 }); // a count has no upper bound
  });

  it("fails the gate only when exceeded", () => {
    const counts = { read: 200, new: 190, changed: 0, unchanged: 0, rejected: 10 };
    expect(exceedsLimit(counts, { text: "10", count: 10 })).toBe(false);
    expect(exceedsLimit(counts, { text: "9", count: 9 })).toBe(true);
    expect(exceedsLimit(counts, { text: "5%", percent: 5 })).toBe(false);
    expect(exceedsLimit(counts, { text: "4.9%", percent: 4.9 })).toBe(true);
    expect(exceedsLimit({ ...counts, rejected: 0 }, { text: "0", count: 0 })).toBe(false);
    expect(exceedsLimit(counts, undefined)).toBe(false);
  });
});

describe("--map", () => {
  it("parses COLUMN=FIELD pairs, splitting at the last '='", () => {
    expect(parseMapFlags(["Handy=phone", " Kunden=Nr = source_id ", "Notes=attributes"])).toEqual({
      Handy: "phone",
      "Kunden=Nr": "source_id",
      Notes: "attributes",
    });
    expect(parseMapFlags(undefined)).toEqual({});
  });

  it.each([["phone"], ["=phone"], ["Handy="], ["Handy=telephone"]])("refuses %j", (pair) => {
    expect(() => parseMapFlags([pair])).toThrow(UsageError);
  });
});

describe("--delimiter", () => {
  it("accepts one character, and tab by name", () => {
    expect(parseDelimiter(";")).toBe(";");
    expect(parseDelimiter("tab")).toBe("\t");
    expect(parseDelimiter("\\t")).toBe("\t");
    expect(parseDelimiter(undefined)).toBeUndefined();
  });

  it.each(["", "::", '"', "\n"])("refuses %j", (value) => {
    expect(() => parseDelimiter(value)).toThrow(UsageError);
  });
});

describe("default source names", () => {
  it.each([
    ["exports/crm.csv", "crm"],
    ["shop.orders.jsonl", "shop.orders"],
    ["/data/.hidden", ".hidden"],
    ["-", "stdin"],
  ])("%s → %s", (file, source) => {
    expect(defaultSource(file)).toBe(source);
  });
});
