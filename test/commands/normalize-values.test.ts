import { describe, expect, it } from "vitest";
import { caseAddress } from "../../src/stages/normalize/address.js";
import { normalizeNameParts } from "../../src/stages/normalize/names.js";
import { normalizePhone } from "../../src/stages/normalize/phone.js";
import { normalizeText } from "../../src/stages/normalize/text.js";
import { normalizeOptions } from "../helpers/run.js";

const _options = (storePath: string, files: string[] = [], out?: string) => normalizeOptions(storePath, { files, out });

describe("values", () => {
  it.each([
    ["+86 010 1234 5678", "+861012345678"],
    ["+8601012345678", "+861012345678"],
    ["+4402079460958", "+442079460958"],
  ])("an international number with a trunk 0 is written in E.164: %s", (input, expected) => {
    expect(normalizePhone(input, undefined).phone).toBe(expected);
  });

  it.each([
    ["JOHN Y SMITH", "John Y Smith", "John Y", "Smith"],
    ["VAN DER BERG", "van der Berg", null, "van der Berg"],
    ["张, 伟", "张伟", "伟", "张"],
    ["Zhang Wei (张伟)", "Zhang Wei (张伟)", null, null],
    ["İLKER", "İlker", "İlker", null], // one word: a given name
    ["ⴰ,A", "A ⴰ", "A", "ⴰ"],
  ])("names: %s", (input, fullName, givenName, familyName) => {
    const once = normalizeNameParts(input, null, null);
    expect(once).toMatchObject({ fullName, givenName, familyName });
    expect(normalizeNameParts(once.fullName, null, null).fullName).toBe(fullName);
  });

  it("direction marks go; joiners stay where they shape emoji and Persian", () => {
    expect(normalizeText("\u200fAnn\u200e O'Neil")).toBe("Ann O'Neil");
    expect(normalizeText("👨\u200d👩\u200d👧")).toBe("👨\u200d👩\u200d👧");
    expect(normalizeText("می\u200cخواهم")).toBe("می\u200cخواهم");
    expect(normalizeText("Smi\u200cth")).toBe("Smith");
  });

  it("Turkish capitals case as one letter", () => {
    expect(caseAddress("İSTANBUL")).toBe("İstanbul");
  });
});

describe("dates, long values and countries", () => {
  it("dates with a clock time in any layout, counted as date-order evidence too", async () => {
    const { normalizeDate, collectDateOrder } = await import("../../src/stages/normalize/dates.js");
    expect(normalizeDate("created_at", "13/04/1985 11:30 PM", undefined, true)).toEqual({ value: "1985-04-13T23:30:00" });
    expect(normalizeDate("created_at", "2023/01/01 10:00:00", undefined, true)).toEqual({ value: "2023-01-01T10:00:00" });
    expect(normalizeDate("birth_date", "2023/01/01 10:00:00", undefined, false)).toEqual({ value: "2023-01-01" });
    expect(normalizeDate("created_at", "2023-01-01 25:00", undefined, true).finding?.rule).toBe("date.impossible");
    expect(collectDateOrder(["13/04/1985 11:30"])).toEqual({ dayFirst: 1, monthFirst: 0 });
  });

  it("a huge value is shortened in its finding's message", () => {
    const long = `${"x".repeat(100_000)}`;
    const message = normalizePhone(long, "US").finding?.message ?? "";
    expect(message.length).toBeLessThan(200);
  });

  it("more country spellings", async () => {
    const { countryCode } = await import("../../src/stages/normalize/country.js");
    expect(
      [
        "美利坚合众国",
        "英格兰",
        "日本国",
        "Hong Kong, China",
        "Iran, Islamic Republic of",
        "S. Korea",
        "EEUU",
        "Swaziland",
        "Macedonia",
      ].map(countryCode),
    ).toEqual(["US", "GB", "JP", "HK", "IR", "KR", "US", "SZ", "MK"]);
  });
});
