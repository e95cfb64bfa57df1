import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { caseName, nameKeys, normalizeNameParts } from "../../src/stages/normalize/names.js";
import { foldLatin, isSingleCase, normalizeText } from "../../src/stages/normalize/text.js";

describe("normalizeText", () => {
  it.each([
    // full-width → ASCII (NFKC)
    ["ＡＢＣ１２３＠（）", "ABC123@()"],
    ["ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "john@example.com"],
    ["＋８６　１３８", "+86 138"],
    ["Ｔｅｌ：＋１　(５５５)　１２３－４５６７", "Tel:+1 (555) 123-4567"],
    ["Ｍｒ．　Ｓｍｉｔｈ", "Mr. Smith"],
    ["～", "~"],
    // other compatibility forms
    ["ﾃｽﾄ", "テスト"],
    ["ｶﾞ", "ガ"],
    ["①②③", "123"],
    ["ﬁne", "fine"],
    ["e\u0301", "é"],
    // zero-width characters, word joiner, soft hyphen inside words
    ["Jo\u200Bhn", "John"],
    ["Smi\u200Cth", "Smith"],
    ["\u200Dab", "ab"],
    ["Mül\u2060ler", "Müller"],
    ["Ma\u00ADria", "Maria"],
    ["abc\u200B", "abc"],
    ["\u200B\u200C\u200D\u2060\uFEFF\u00AD", ""],
    // BOM
    ["\uFEFFName", "Name"],
    ["\uFEFFName\uFEFF", "Name"],
    // control characters
    ["a\u0000b\u0007c", "abc"],
    ["Hello\u007FWorld", "HelloWorld"],
    ["a\u009Fb", "ab"],
    // NBSP and other spaces
    ["Müller\u00A0GmbH", "Müller GmbH"],
    ["a\u00A0\u00A0b", "a b"],
    ["\u00A0", ""],
    ["x\u202Fy", "x y"],
    ["x\u2003y", "x y"],
    // tabs / newlines
    ["a\tb", "a b"],
    ["a\r\nb", "a b"],
    ["line1\nline2\n", "line1 line2"],
    ["x\u2028y", "x y"],
    // ideographic space
    ["张\u3000伟", "张 伟"],
    ["\u3000张伟\u3000", "张伟"],
    ["x\u3000\u3000y", "x y"],
    // whitespace runs, trimming
    ["  John   Smith  ", "John Smith"],
    ["a  b", "a b"],
    // empty / whitespace only
    ["", ""],
    ["   ", ""],
    ["\t\n\u3000 ", ""],
  ])("%j → %j", (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it.each([
    "John Smith",
    "O'Brien",
    "john@example.com",
    "+1 (555) 123-4567",
    "café",
    "José",
    "Zoë",
    "東京",
    "张伟",
    "阿依古丽·买买提",
    "“quoted”",
  ])("already clean %j is unchanged", (input) => {
    expect(normalizeText(input)).toBe(input);
  });
});

describe("properties", () => {
  const units = ["grapheme", "binary"] as const;
  const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200d\u2060\ufeff\u00ad]/;

  it.each(units)("normalizeText never throws, is idempotent and leaves clean text (%s)", (unit) => {
    fc.assert(
      fc.property(fc.string({ unit }), (x) => {
        const once = normalizeText(x);
        expect(normalizeText(once)).toBe(once);
        expect(once).toBe(once.trim());
        expect(once).not.toMatch(/\s\s/);
        expect(once).not.toMatch(/[^\S ]/);
        expect(once).not.toMatch(INVISIBLE);
      }),
      { numRuns: 500 },
    );
  });

  it.each(units)("caseName never throws (%s)", (unit) => {
    fc.assert(
      fc.property(fc.string({ unit }), (x) => {
        expect(typeof caseName(x)).toBe("string");
      }),
      { numRuns: 500 },
    );
  });

  it.each(units)("normalizeNameParts(x, null, null) and nameKeys never throw (%s)", (unit) => {
    fc.assert(
      fc.property(fc.string({ unit }), (x) => {
        const out = normalizeNameParts(x, null, null);
        nameKeys(out);
      }),
      { numRuns: 300 },
    );
  });
});

describe("ASCII fast paths agree with the general definitions", () => {
  const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code)), maxLength: 30 });
  const mixed = fc.oneof(ascii, fc.string({ unit: "grapheme", maxLength: 20 }));

  it("isSingleCase: has letters, all of one case (Han letters never count as cased)", () => {
    fc.assert(
      fc.property(mixed, (text) => {
        const letters = text.replace(/[^\p{L}]/gu, "");
        const expected =
          letters !== "" && !/\p{Script=Han}/u.test(letters) && (letters === letters.toUpperCase() || letters === letters.toLowerCase());
        expect(isSingleCase(text)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it("foldLatin: ASCII is only lower-cased; accents go, whatever the script", () => {
    fc.assert(
      fc.property(mixed, (text) => {
        expect(foldLatin(text)).toBe(foldLatin(text.normalize("NFKD")));
        if (/^[\x00-\x7f]*$/.test(text)) expect(foldLatin(text)).toBe(text.toLowerCase());
      }),
      { numRuns: 3000 },
    );
    expect(foldLatin("José MÜLLER Øre Łódź Straße")).toBe("jose muller ore lodz strasse");
  });
});
