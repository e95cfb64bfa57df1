/** Masks and pseudonyms for `roster export --mask / --pseudonymize` (pure functions, no store). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskDate, maskEmail, maskNationalId, maskPhone, maskText, maskValue } from "../../src/stages/export/mask.js";
import { pseudonymize } from "../../src/stages/export/pseudonymize.js";

describe("masks", () => {
  it("an email keeps its first character and its whole domain", () => {
    expect(maskEmail("john.mcdonald@example.com")).toBe("j***@example.com");
    expect(maskEmail("zhangwei@example.cn")).toBe("z***@example.cn");
    expect(maskEmail("王芳@例子.中国")).toBe("王***@例子.中国");
    // the last @ separates the domain: a quoted local part with an @ keeps only its first character
    expect(maskEmail('"a@b"@example.org')).toBe('"***@example.org');
  });

  it("an email that is no email (no local part, no @) is masked as text, not shown", () => {
    expect(maskEmail("rob.nakamura(at)example.net")).toBe("r**.n*******(a*)e******.n**");
    expect(maskEmail("@example.com")).toBe("@e******.c**");
    expect(maskEmail("")).toBe("");
  });

  it("an E.164 phone keeps its calling code, the first 3 and the last 4 digits of the national number", () => {
    expect(maskPhone("+8613800138000")).toBe("+86 138****8000");
    expect(maskPhone("+14155550101")).toBe("+1 415***0101");
    expect(maskPhone("+447700900123")).toBe("+44 770***0123");
  });

  it("a phone normalize could not read is masked in place, its punctuation kept", () => {
    expect(maskPhone("(415) 555-0101")).toBe("(415) ***-0101");
    expect(maskPhone("555-0101")).toBe("555-0101".replace(/^555-01/, "***-**"));
    expect(maskPhone("ext 12")).toBe("ext 12");
    expect(maskPhone("123")).toBe("*23");
  });

  it("a resident id keeps its first and last 4 characters; a short id only its last 2", () => {
    expect(maskNationalId("110101199003071234")).toBe("1101**********1234");
    expect(maskNationalId("11010119900307123X")).toBe("1101**********123X");
    expect(maskNationalId("AB123456")).toBe("******56");
    expect(maskNationalId("7")).toBe("*");
  });

  it("names keep the first character of each word, Chinese names included", () => {
    expect(maskText("William Turner")).toBe("W****** T*****");
    expect(maskText("张伟")).toBe("张*");
    expect(maskText("欧阳娜娜")).toBe("欧***");
    expect(maskText("Mary O'Brien")).toBe("M*** O'B****");
    expect(maskText("朝阳区建国路88号")).toBe("朝********");
  });

  it("dates keep the year", () => {
    expect(maskDate("1986-04-18")).toBe("1986-**-**");
    expect(maskDate("2024-09-01T10:00:00Z")).toBe("2024-**-**");
    expect(maskDate("04/12/1985")).toBe("0*/1*/1***");
  });

  it("maskValue picks the mask by field", () => {
    expect(maskValue("email", "li.na@example.cn")).toBe("l***@example.cn");
    expect(maskValue("phone", "+8613912345678")).toBe("+86 139****5678");
    expect(maskValue("national_id", "310101199208080042")).toBe("3101**********0042");
    expect(maskValue("birth_date", "1992-08-08")).toBe("1992-**-**");
    expect(maskValue("full_name", "李娜")).toBe("李*");
    expect(maskValue("city", "San Francisco")).toBe("S** F********");
  });

  const fields = fc.constantFrom("email", "phone", "national_id", "birth_date", "full_name", "given_name", "city", "attr.vip");
  it("never throw, are deterministic, and keep the length of what they mask (but email and phone)", () => {
    fc.assert(
      fc.property(fields, fc.string({ unit: "binary" }), (field, text) => {
        const once = maskValue(field, text);
        expect(maskValue(field, text)).toBe(once);
        const length = Array.from(once).length;
        if (field !== "phone" && field !== "email") expect(length).toBe(Array.from(text).length);
      }),
    );
  });

  it("an email's mask keeps its domain and never shows the rest of the local part", () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const at = email.lastIndexOf("@");
        const masked = maskEmail(email);
        expect(masked.endsWith(email.slice(at))).toBe(true);
        expect(masked.slice(0, masked.lastIndexOf("@"))).toBe(`${Array.from(email)[0]}***`);
      }),
    );
  });

  it("a masked text shows no letter or digit but the first of each word", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        const masked = Array.from(maskText(text));
        const original = Array.from(text);
        for (let i = 1; i < original.length; i++) {
          const wordGoesOn = /[\p{L}\p{N}\p{M}]/u.test(original[i] as string) && /[\p{L}\p{N}\p{M}]/u.test(original[i - 1] as string);
          if (wordGoesOn) expect(masked[i]).toBe("*");
        }
      }),
    );
  });
});

describe("pseudonyms", () => {
  it("are HMAC-SHA256 in hex: the same value and key, the same pseudonym; another key, another one", () => {
    // RFC 4231 test case 2
    expect(pseudonymize("what do ya want for nothing?", "Jefe")).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    const a = pseudonymize("+8613800138000", "k1");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(pseudonymize("+8613800138000", "k1")).toBe(a);
    expect(pseudonymize("+8613800138000", "k2")).not.toBe(a);
    expect(pseudonymize("+8613800138001", "k1")).not.toBe(a);
  });

  it("never throw and are deterministic for any text and key", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ minLength: 1 }), (value, key) => {
        const once = pseudonymize(value, key);
        expect(once).toMatch(/^[0-9a-f]{64}$/);
        expect(pseudonymize(value, key)).toBe(once);
      }),
    );
  });
});
