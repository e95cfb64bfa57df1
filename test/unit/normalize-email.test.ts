import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeEmail } from "../../src/stages/normalize/email.js";
import { normalizeText } from "../../src/stages/normalize/text.js";

type Ok = [input: string, email: string, key: string];

const valid: Ok[] = [
  // case and surrounding whitespace
  ["John.Smith@Example.com", "john.smith@example.com", "john.smith@example.com"],
  ["JANE@EXAMPLE.COM", "jane@example.com", "jane@example.com"],
  ["  jane@example.com  ", "jane@example.com", "jane@example.com"],
  ["\tjane@example.com\n", "jane@example.com", "jane@example.com"],
  ["Zhang.San@163.COM", "zhang.san@163.com", "zhang.san@163.com"],
  ["1234567890@qq.com", "1234567890@qq.com", "1234567890@qq.com"],
  ["first.last@company.co.uk", "first.last@company.co.uk", "first.last@company.co.uk"],
  ["John_Smith-99@Example-Mail.org", "john_smith-99@example-mail.org", "john_smith-99@example-mail.org"],
  ["o'brien@example.ie", "o'brien@example.ie", "o'brien@example.ie"],
  ["user%example.com@example.org", "user%example.com@example.org", "user%example.com@example.org"],
  // Gmail: the key drops dots and +tags; the address keeps them
  ["jsmith@gmail.com", "jsmith@gmail.com", "jsmith@gmail.com"],
  ["j.smith@gmail.com", "j.smith@gmail.com", "jsmith@gmail.com"],
  ["J.SMITH@GMAIL.COM", "j.smith@gmail.com", "jsmith@gmail.com"],
  ["J.Smith+shop@Gmail.com", "j.smith+shop@gmail.com", "jsmith@gmail.com"],
  ["jsmith+a+b@gmail.com", "jsmith+a+b@gmail.com", "jsmith@gmail.com"],
  ["jsmith+a.b@gmail.com", "jsmith+a.b@gmail.com", "jsmith@gmail.com"],
  ["  J.Smith@Gmail.com ", "j.smith@gmail.com", "jsmith@gmail.com"],
  // Googlemail is Gmail
  ["jsmith@googlemail.com", "jsmith@googlemail.com", "jsmith@gmail.com"],
  ["jsmith@GoogleMail.COM", "jsmith@googlemail.com", "jsmith@gmail.com"],
  ["j.s.m.i.t.h@googlemail.com", "j.s.m.i.t.h@googlemail.com", "jsmith@gmail.com"],
  ["John.Smith+Newsletter@GoogleMail.com", "john.smith+newsletter@googlemail.com", "johnsmith@gmail.com"],
  // other providers: dots and +tags are part of the address, and of the key
  ["john+news@outlook.com", "john+news@outlook.com", "john+news@outlook.com"],
  ["john.doe+news@yahoo.com", "john.doe+news@yahoo.com", "john.doe+news@yahoo.com"],
  ["Zhang.San+VIP@163.com", "zhang.san+vip@163.com", "zhang.san+vip@163.com"],
  ["j.smith+work@fastmail.com", "j.smith+work@fastmail.com", "j.smith+work@fastmail.com"],
  ["user+tag@sub.gmail.com", "user+tag@sub.gmail.com", "user+tag@sub.gmail.com"],
  ["user.name@gmail.com.cn", "user.name@gmail.com.cn", "user.name@gmail.com.cn"],
  ["j.smith@gmail.con", "j.smith@gmail.con", "j.smith@gmail.con"],
  ["j.smith+x@mail.google.com", "j.smith+x@mail.google.com", "j.smith+x@mail.google.com"],
  // mailto:
  ["mailto:foo@example.com", "foo@example.com", "foo@example.com"],
  ["MAILTO:Foo@Example.com", "foo@example.com", "foo@example.com"],
  ["mailto: foo@example.com", "foo@example.com", "foo@example.com"],
  ["mailto:J.Smith+x@gmail.com", "j.smith+x@gmail.com", "jsmith@gmail.com"],
  // internationalized local parts and domains: lower-cased, not transcoded
  ["用户@例子.广告", "用户@例子.广告", "用户@例子.广告"],
  ["info@例え.jp", "info@例え.jp", "info@例え.jp"],
  ["Jörg.Müller@Müller.de", "jörg.müller@müller.de", "jörg.müller@müller.de"],
  ["ÄÖÜ@BEISPIEL.DE", "äöü@beispiel.de", "äöü@beispiel.de"],
  ["Pelé@Exemplo.com.br", "pelé@exemplo.com.br", "pelé@exemplo.com.br"],
  ["δοκιμή@παράδειγμα.δοκιμή", "δοκιμή@παράδειγμα.δοκιμή", "δοκιμή@παράδειγμα.δοκιμή"],
  ["ΔΟΚΙΜΉ@ΠΑΡΆΔΕΙΓΜΑ.ΔΟΚΙΜΉ", "δοκιμή@παράδειγμα.δοκιμή", "δοκιμή@παράδειγμα.δοκιμή"],
  ["Иван.Петров@Почта.рф", "иван.петров@почта.рф", "иван.петров@почта.рф"],
  ["user@xn--mller-kva.de", "user@xn--mller-kva.de", "user@xn--mller-kva.de"],
];

/** Full-width and invisible characters are text normalization's job (NFKC), which runs first in normalize. */
const afterText: Ok[] = [
  ["ｆｏｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "foo@example.com", "foo@example.com"],
  ["foo＠example.com", "foo@example.com", "foo@example.com"],
  ["Ｊ．Ｓｍｉｔｈ＠ｇｍａｉｌ．ｃｏｍ", "j.smith@gmail.com", "jsmith@gmail.com"],
  ["\u200bjohn@example.com\ufeff", "john@example.com", "john@example.com"],
  ["　jane@example.com　", "jane@example.com", "jane@example.com"],
];

/** Not an address: reported; the value is kept, trimmed and lower-cased. */
const invalid: [input: string, email: string][] = [
  ["", ""],
  ["   ", ""],
  ["johnexample.com", "johnexample.com"],
  ["JOHN@", "john@"],
  ["john@", "john@"],
  ["@example.com", "@example.com"],
  ["@", "@"],
  ["n/a", "n/a"],
  ["None", "none"],
  ["-", "-"],
  ["john@@example.com", "john@@example.com"],
  ["a@b@example.com", "a@b@example.com"],
  ["John@Example.com;Jane@Example.com", "john@example.com;jane@example.com"],
  ["john@example.com,jane@example.com", "john@example.com,jane@example.com"],
  ["  @gmail.com  ", "@gmail.com"],
];

describe("normalizeEmail", () => {
  it.each(valid)("%j → %s (key %s)", (input, email, key) => {
    expect(normalizeEmail(input)).toEqual({ email, key });
  });

  it.each(afterText)("%j after normalizeText → %s (key %s)", (input, email, key) => {
    expect(normalizeEmail(normalizeText(input))).toEqual({ email, key });
  });

  it.each(invalid)("%j → email.syntax, kept as %j", (input, email) => {
    const out = normalizeEmail(input);
    expect(out.email).toBe(email);
    expect(out.key).toBe(email);
    expect(out.finding).toMatchObject({ field: "email", rule: "email.syntax", severity: "warning" });
    expect(out.finding?.message).toContain(JSON.stringify(input));
  });

  it("lets Gmail spellings of one mailbox meet on the key, and nothing else", () => {
    const keys = ["j.smith+shop@gmail.com", "JSmith@googlemail.com", "j.s.mith@Gmail.com"].map((e) => normalizeEmail(e).key);
    expect(new Set(keys)).toEqual(new Set(["jsmith@gmail.com"]));
    expect(normalizeEmail("j.smith@outlook.com").key).not.toBe(normalizeEmail("jsmith@outlook.com").key);
  });
});

// Properties

const emailFragment = fc.constantFrom(
  "john",
  "J.Smith",
  "jane.doe",
  ".",
  "+",
  "+shop",
  "_",
  "-",
  "@",
  "gmail.com",
  "GoogleMail.com",
  "example.com",
  "Outlook.COM",
  "163.com",
  "例子.广告",
  "Müller.de",
  "Jörg",
  "用户",
  "ΔΟΚΙΜΉ",
  "İ",
  "ß",
  " ",
  "\t",
  ";",
  ",",
  "<",
  ">",
);
// "mailto:" only as a leading prefix: a second one, or whitespace before it, is the reported non-idempotent case.
const emailInput = fc
  .tuple(
    fc.constantFrom("", "mailto:", "MAILTO:"),
    fc.oneof(
      fc.array(emailFragment, { maxLength: 8 }).map((parts) => parts.join("")),
      fc.array(fc.oneof(emailFragment, fc.string({ unit: "grapheme", maxLength: 3 })), { maxLength: 6 }).map((parts) => parts.join("")),
      fc.string({ unit: "grapheme" }),
    ),
  )
  .map(([prefix, rest]) => prefix + rest)
  .filter((input) => !/^mailto:\s*mailto:/i.test(input));

describe("normalizeEmail: properties", () => {
  it("never throws, and is idempotent on the address and the key", () => {
    fc.assert(
      fc.property(emailInput, (input) => {
        const out = normalizeEmail(input);
        const again = normalizeEmail(out.email);
        expect(again.email).toBe(out.email);
        expect(again.key).toBe(out.key);
        expect(Boolean(again.finding)).toBe(Boolean(out.finding));
      }),
      { numRuns: 3000 },
    );
  });

  it("rewrites an address only by case (and a leading mailto:), and keys Gmail without dots or +tags", () => {
    fc.assert(
      fc.property(emailInput, (input) => {
        const bare = input.replace(/^mailto:/i, "").trim();
        fc.pre(!/\s/.test(bare)); // inner whitespace: see the report
        fc.pre(!/[<>]/.test(bare)); // "Name <address>" gives the address: tested in normalize-review-fixes
        const out = normalizeEmail(input);
        expect(out.email).toBe(bare.toLowerCase());
        if (out.finding) return;
        const at = out.key.lastIndexOf("@");
        const domain = out.key.slice(at + 1);
        if (/^(gmail|googlemail)\.com$/.test(out.email.slice(out.email.lastIndexOf("@") + 1))) {
          expect(domain).toBe("gmail.com");
          expect(out.key.slice(0, at)).not.toMatch(/[.+]/);
        } else {
          expect(out.key).toBe(out.email);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
