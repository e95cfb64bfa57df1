import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { metaphone } from "../../src/stages/dedupe/phonetic.js";

describe("metaphone", () => {
  it.each([
    ["smith", "smyth"],
    ["catherine", "kathryn"],
    ["muller", "müller"],
    ["mueller", "müller"],
    ["jose", "josé"],
    ["obrien", "o'brien"],
    ["mcdonald", "macdonald"],
    ["philips", "phillips"],
    ["stephen", "steven"],
    ["lee", "li"],
  ])("%s and %s share a code", (a, b) => {
    expect(metaphone(a)).not.toBeNull();
    expect(metaphone(a)).toBe(metaphone(b));
  });

  it.each([
    ["smith", "SM0"],
    ["schmidt", "XMT"],
    ["catherine", "K0RN"],
    ["zhang", "JNK"],
    ["wang", "ANK"],
    ["x", "S"],
  ])("%s → %s (the primary code)", (name, code) => {
    expect(metaphone(name)).toBe(code);
  });

  it("keeps the primary code only: Schmidt does not block with Smith through its secondary SMT", () => {
    expect(metaphone("schmidt")).not.toBe(metaphone("smith"));
  });

  it.each([
    ["smith", "jones"],
    ["catherine", "margaret"],
    ["thompson", "thomson"], // Double Metaphone keeps the P: a typo-tolerant rule must catch these, not this key
  ])("%s and %s have different codes", (a, b) => {
    expect(metaphone(a)).not.toBe(metaphone(b));
  });

  it("upper-case input codes like lower case", () => {
    expect(metaphone("SMITH")).toBe(metaphone("smith"));
  });

  it("drops spaces, hyphens and digits before coding", () => {
    expect(metaphone("van der berg")).toBe(metaphone("vanderberg"));
    expect(metaphone("smith-jones")).toBe(metaphone("smithjones"));
    expect(metaphone("smith2")).toBe(metaphone("smith"));
  });

  it.each([[""], ["   "], ["123"], ["'-."], ["张伟"], ["王"], ["Иванов"], ["محمد"], ["h"]])("%j has no code (null)", (name) => {
    expect(metaphone(name)).toBeNull();
  });

  it("a Latin name with Chinese characters beside it codes the Latin part", () => {
    expect(metaphone("张 zhang")).toBe(metaphone("zhang"));
  });

  it("always returns null or a non-empty upper-case code, never throws", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 20 }), (name) => {
        const code = metaphone(name);
        if (code !== null) expect(code).toMatch(/^[A-Z0]+$/);
      }),
    );
  });
});
