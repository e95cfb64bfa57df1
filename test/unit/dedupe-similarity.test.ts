import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { damerauLevenshtein, firstNumber, jaroWinkler, levenshtein, tokenOverlap } from "../../src/stages/dedupe/similarity.js";

/** Textbook optimal string alignment over code points: the full matrix, no band, no early stop. */
function referenceOsa(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  const d = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[x.length]![y.length]!;
}

// Small alphabets make near-misses, repeats and transpositions common; the wide one brings in CJK and astral.
const latin = fc.string({ unit: fc.constantFrom(..."abcde"), maxLength: 12 });
const wide = fc.string({ unit: fc.constantFrom("a", "b", "é", "张", "伟", "𠀀", "𠀁", "😀"), maxLength: 10 });
const anyText = fc.string({ unit: "binary", maxLength: 16 });
const text = fc.oneof(latin, wide, anyText);

describe("jaroWinkler", () => {
  it.each([
    // Winkler's and the usual published examples (rounded to 3 places as they are published)
    ["martha", "marhta", 0.961],
    ["dixon", "dicksonx", 0.813],
    ["dwayne", "duane", 0.84],
    ["jones", "johnson", 0.832],
    ["massey", "massie", 0.933],
    ["abroms", "abrams", 0.922],
    ["jeraldine", "geraldine", 0.926],
    ["michelle", "michael", 0.921],
    ["julies", "julius", 0.933],
  ])("%s / %s ≈ %f", (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 3);
    expect(jaroWinkler(b, a)).toBeCloseTo(expected, 3);
  });

  it("matches DuckDB's jaro_winkler_similarity on pairs where rounding of transpositions matters", () => {
    // Values read from DuckDB 1.5.6: three characters out of order count as one transposition, not 1.5.
    expect(jaroWinkler("theresa", "thesrea")).toBeCloseTo(0.9666666666666667, 12);
    expect(jaroWinkler("rosabella", "agnes")).toBeCloseTo(0.5333333333333333, 12);
    expect(jaroWinkler("jonathan", "ajonatha")).toBeCloseTo(0.7738095238095237, 12);
    expect(jaroWinkler("roland", "randolph")).toBeCloseTo(0.825, 12);
  });

  it("boosts a shared prefix only above Jaro 0.7 and for at most four characters", () => {
    // "abcdxyz" / "abcdpqr": Jaro = (4/7 + 4/7 + 1)/3 = 0.714..., prefix 4 → +0.4 of the gap
    const jaro = (4 / 7 + 4 / 7 + 1) / 3;
    expect(jaroWinkler("abcdxyz", "abcdpqr")).toBeCloseTo(jaro + 0.4 * (1 - jaro), 12);
    expect(jaroWinkler("abcdexyz", "abcdepqr")).toBeCloseTo((5 / 8 + 5 / 8 + 1) / 3 + 0.4 * (1 - (5 / 8 + 5 / 8 + 1) / 3), 12);
    // Jaro 2/3 with a shared first letter: no boost
    expect(jaroWinkler("ab", "ac")).toBeCloseTo(2 / 3, 12);
  });

  it("empty strings: both empty is 1 (identity), one empty is 0, no common character is 0", () => {
    expect(jaroWinkler("", "")).toBe(1);
    expect(jaroWinkler("", "a")).toBe(0);
    expect(jaroWinkler("abc", "")).toBe(0);
    expect(jaroWinkler("abc", "xyz")).toBe(0);
    // one character each: the window is 0, so only the same position matches
    expect(jaroWinkler("a", "b")).toBe(0);
    expect(jaroWinkler("ab", "ba")).toBe(0);
  });

  it("counts code points: an astral character is one character", () => {
    // 𠀀 and 𠀁 share a high surrogate; as code points they are simply different
    expect(jaroWinkler("𠀀", "𠀁")).toBe(0);
    expect(jaroWinkler("𠀀a", "𠀁a")).toBeCloseTo(2 / 3, 12);
    expect(jaroWinkler("张伟", "张玮")).toBeCloseTo(2 / 3, 12);
    expect(jaroWinkler("张𠀀伟", "张𠀀伟")).toBe(1);
    // accented letters are single characters too (composed form)
    const jose = (3 / 4 + 3 / 4 + 1) / 3;
    expect(jaroWinkler("josé", "jose")).toBeCloseTo(jose + 0.3 * (1 - jose), 12);
  });

  it("a lone surrogate is compared as itself", () => {
    expect(jaroWinkler("\ud800", "\ud800")).toBe(1);
    expect(jaroWinkler("\ud800a", "\udc00a")).toBeCloseTo(2 / 3, 12);
  });

  it("is symmetric, in [0, 1], 1 on identity", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const s = jaroWinkler(a, b);
        expect(s).toBe(jaroWinkler(b, a));
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(jaroWinkler(a, a)).toBe(1);
      }),
    );
  });

  it("gives the same answer after a longer string has grown the buffers", () => {
    const before = jaroWinkler("martha", "marhta");
    jaroWinkler("x".repeat(5000), "y".repeat(3000) + "x");
    expect(jaroWinkler("martha", "marhta")).toBe(before);
  });
});

describe("damerauLevenshtein", () => {
  it.each([
    ["", "", 0],
    ["", "abc", 3],
    ["abc", "", 3],
    ["abc", "abc", 0],
    ["ab", "ba", 1],
    ["jonh", "john", 1],
    ["1985-03-12", "1985-03-21", 1],
    ["kitten", "sitting", 3],
    ["ca", "abc", 3], // restricted: the swapped pair is not edited again (unrestricted Damerau says 2)
    ["abcd", "badc", 2],
    ["张伟", "伟张", 1],
    ["𠀀𠀁", "𠀁𠀀", 1],
    ["𠀀", "𠀁", 1],
    ["a𠀀", "𠀀a", 1],
  ])("%s / %s = %i", (a, b, expected) => {
    expect(damerauLevenshtein(a, b)).toBe(expected);
    expect(damerauLevenshtein(b, a)).toBe(expected);
  });

  it("agrees with the textbook matrix on any input", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(damerauLevenshtein(a, b)).toBe(referenceOsa(a, b));
      }),
    );
  });

  it("with max: the exact distance up to max, max + 1 above it", () => {
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 6 }), (a, b, max) => {
        const exact = referenceOsa(a, b);
        expect(damerauLevenshtein(a, b, max)).toBe(exact <= max ? exact : max + 1);
      }),
    );
  });

  it("stops early on far-apart strings and on very different lengths", () => {
    expect(damerauLevenshtein("a".repeat(1000), "b".repeat(1000), 2)).toBe(3);
    expect(damerauLevenshtein("a", "a".repeat(50), 3)).toBe(4);
    expect(damerauLevenshtein("abc", "abd", 0)).toBe(1);
    expect(damerauLevenshtein("abc", "abc", 0)).toBe(0);
    expect(damerauLevenshtein("", "ab", 1)).toBe(2);
    expect(damerauLevenshtein("", "ab", 2)).toBe(2);
  });

  it("treats a fractional or negative max as its floor, not below 0", () => {
    expect(damerauLevenshtein("ab", "ba", 1.9)).toBe(1);
    expect(damerauLevenshtein("ab", "ba", -3)).toBe(1);
    expect(damerauLevenshtein("ab", "ab", -3)).toBe(0);
  });

  it("is symmetric, zero only on equal strings, and never above Levenshtein", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const d = damerauLevenshtein(a, b);
        expect(d).toBe(damerauLevenshtein(b, a));
        expect(d === 0).toBe(a === b);
        // Levenshtein counts UTF-16 units, which never makes it smaller than the code-point distance
        expect(d).toBeLessThanOrEqual(levenshtein(a, b));
      }),
    );
  });

  it("an adjacent swap costs 1", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(..."abcdefgh张𠀀"), { minLength: 2, maxLength: 12 }), fc.nat(), (chars, at) => {
        const i = at % (chars.length - 1);
        fc.pre(chars[i] !== chars[i + 1]);
        const swapped = [...chars];
        [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
        expect(damerauLevenshtein(chars.join(""), swapped.join(""))).toBe(1);
        expect(damerauLevenshtein(chars.join(""), swapped.join(""), 1)).toBe(1);
        expect(damerauLevenshtein(chars.join(""), swapped.join(""), 0)).toBe(1);
      }),
    );
  });
});

describe("levenshtein", () => {
  it("is fastest-levenshtein's distance (UTF-16 units: an astral character is two)", () => {
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("ab", "ba")).toBe(2);
    expect(levenshtein("", "abc")).toBe(3);
    expect(levenshtein("𠀀", "a")).toBe(2);
  });
});

describe("tokenOverlap", () => {
  it.each([
    ["12 main street", "12 main street", 1],
    ["12 main street", "unit 4 12 main street", 1],
    ["12 main street", "14 main street", 2 / 3],
    ["12 main street", "12 high road", 1 / 3],
    ["12 main street", "7 elm avenue", 0],
    ["12 12 main street", "12 main street", 1], // sets: the repeated token counts once
    ["12 12 main", "12 high road", 1 / 2],
    ["  12   main\tstreet ", "12 main street", 1],
    ["main", "mainstreet", 0],
    ["", "12 main street", 0],
    ["12 main street", "", 0],
    ["   ", "12", 0],
    ["", "", 0],
    ["北京市 朝阳区", "朝阳区 北京市", 1],
  ])("%j / %j = %f", (a, b, expected) => {
    expect(tokenOverlap(a, b)).toBeCloseTo(expected, 12);
    expect(tokenOverlap(b, a)).toBeCloseTo(expected, 12);
  });

  it("equals the set formula on any token lists, in [0, 1], symmetric", () => {
    const tokens = fc.array(fc.constantFrom("12", "main", "street", "unit", "4", "north", "街"), { maxLength: 8 });
    fc.assert(
      fc.property(tokens, tokens, (x, y) => {
        const a = new Set(x);
        const b = new Set(y);
        const shared = [...a].filter((t) => b.has(t)).length;
        const expected = a.size === 0 || b.size === 0 ? 0 : shared / Math.min(a.size, b.size);
        const s = tokenOverlap(x.join(" "), y.join(" "));
        expect(s).toBeCloseTo(expected, 12);
        expect(s).toBe(tokenOverlap(y.join(" "), x.join(" ")));
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("handles long keys (buffers grow)", () => {
    const long = Array.from({ length: 500 }, (_, i) => `t${i}`).join(" ");
    expect(tokenOverlap(long, "t3 t499 nope")).toBeCloseTo(2 / 3, 12);
    expect(tokenOverlap("a b", "b c")).toBeCloseTo(1 / 2, 12);
  });
});

describe("firstNumber", () => {
  it.each([
    ["12a miller street", "12"],
    ["12 main street", "12"],
    ["unit 4 12 main street", "4"],
    ["flat 0012 x", "0012"],
    ["po box 77", "77"],
    ["main street", null],
    ["", null],
    ["123", "123"],
    ["a1b2", "1"],
    ["１２ main", null], // full-width digits are not ASCII; normalize has folded them by now
    ["朝阳路88号", "88"],
  ])("%j → %j", (s, expected) => {
    expect(firstNumber(s)).toBe(expected);
  });
});
