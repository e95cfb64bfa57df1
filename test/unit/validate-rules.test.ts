/** The validate stage's built-in rules on good, bad and edge values (normalized input, as validate sees it). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import type { RecordValues } from "../../src/model/record.js";
import { normalizeRecord } from "../../src/stages/normalize/index.js";
import { checkChineseId, chineseIdCheckCharacter } from "../../src/stages/validate/chinese-id.js";
import { domainTypo } from "../../src/stages/validate/email-rules.js";
import { BUILT_IN_RULES, localToday, type RecordToCheck, Validator } from "../../src/stages/validate/index.js";

const TODAY = "2026-11-23";

function record(values: Partial<RecordValues>, extra: Partial<RecordToCheck> = {}): RecordToCheck {
  const all = { ...(Object.fromEntries(CANONICAL_FIELDS.map((f) => [f, null])) as RecordValues), ...values };
  return { source: "crm", sourceId: all.source_id, line: 2, values: all, normalizeFindings: [], ...extra };
}

/** Rules (id) that fire on a record, in rule order. */
function rulesFor(values: Partial<RecordValues>, required: (keyof RecordValues)[] = []): string[] {
  return new Validator({ required, today: TODAY }).check(record(values)).map((f) => f.rule);
}

/** A real-looking Chinese resident id for a birth date, with the correct check character. */
function chineseId(birth: string, serial = "123"): string {
  const first17 = `110105${birth.replace(/-/g, "")}${serial}`;
  return first17 + chineseIdCheckCharacter(first17);
}

describe("email", () => {
  it.each([
    ["ann@example.com", []],
    ["josé@例え.jp", []],
    ["ann@example", ["email.syntax"]],
    ["ann smith@example.com", ["email.syntax"]],
    ["ann@gmial.com", ["email.domain_typo", "email.disposable"]], // also a typo-squatting throw-away domain
    ["ann@hotmial.com", ["email.domain_typo", "email.disposable"]],
    ["ann@yaho.com", ["email.domain_typo"]],
    ["ann@gmail.com", []],
    ["ann@mail.com", []],
    ["ann@mailinator.com", ["email.disposable"]],
    ["info@example.com", ["email.role_account"]],
    ["sales+eu@example.com", ["email.role_account"]],
    ["information@example.com", []],
  ])("%s → %j", (email, rules) => {
    expect(rulesFor({ email })).toEqual(rules);
  });

  it("a typo comes with the address meant", () => {
    const [finding] = new Validator({ required: [], today: TODAY }).check(record({ email: "ann@gmial.com" }));
    expect(finding).toMatchObject({ field: "email", severity: "warning", suggestion: "did you mean ann@gmail.com?" });
  });

  it("typos are one edit away for short domains and two for long ones, never a different real domain", () => {
    expect(domainTypo("gmal.com")).toBe("gmail.com");
    expect(domainTypo("outlok.com")).toBe("outlook.com");
    expect(domainTypo("hotmali.com")).toBe("hotmail.com");
    expect(domainTypo("example.com")).toBeUndefined();
    expect(domainTypo("qq.com")).toBeUndefined();
  });

  it.each([
    ["gmail.con", "gmail.com"],
    ["gmail.cmo", "gmail.com"],
    ["gmail.ocm", "gmail.com"],
    ["gmail.comm", "gmail.com"],
    ["gmail.om", "gmail.com"],
    ["gmail.cm", "gmail.com"],
    ["gmail.co", "gmail.com"], // gmail is .com only
    ["gmail.c.om", "gmail.com"],
    ["yahoo.con", "yahoo.com"],
    ["yahoo.cm", "yahoo.com"],
    ["hotmail.cmo", "hotmail.com"],
    ["hotmail.con", "hotmail.com"],
    ["outlook.om", "outlook.com"],
    ["outlook.cpm", "outlook.com"],
    ["live.xom", "live.com"],
    ["icloud.co", "icloud.com"],
    ["aol.con", "aol.com"],
    ["qq.con", "qq.com"],
    ["qq.co", "qq.com"],
    ["163.con", "163.com"],
    ["foxmail.cm", "foxmail.com"],
    ["gmial.com", "gmail.com"],
  ])("a mistyped top-level domain of a .com provider: %s → %s", (domain, meant) => {
    expect(domainTypo(domain)).toBe(meant);
  });

  it.each([
    // Real top-level domains (.co Colombia, .om Oman, .cm Cameroon) of names that are not such providers.
    "example.co",
    "company.om",
    "omantel.om",
    "x.cm",
    "orange.cm",
    "camtel.cm",
    "startup.co",
    "t.co",
    // The providers' own regional domains, and ".co" where it may be a cut-off ".co.uk".
    "yahoo.co.jp",
    "yahoo.co.uk",
    "yahoo.fr",
    "yahoo.com.br",
    "yahoo.co",
    "hotmail.co.uk",
    "hotmail.co",
    "hotmail.cl",
    "outlook.de",
    "outlook.co.th",
    "live.cn",
    "live.ca",
    "aol.de",
    "sina.cn",
    "sina.com.cn",
    "protonmail.ch",
    // Providers that are not .com, and similar real ones.
    "web.de",
    "gmx.net",
    "gmx.de",
    "yeah.net",
    "proton.me",
    "mail.com",
    "email.com",
    "gmail.com",
    "gmail.company",
  ])("%s is left alone", (domain) => {
    expect(domainTypo(domain)).toBeUndefined();
  });

  it("never throws; a suggestion is another domain, and one with no typo of its own", () => {
    const label = fc.constantFrom("gmail", "yahoo", "hotmail", "outlook", "qq", "163", "example", "x", "company", "");
    const tld = fc.oneof(fc.constantFrom("com", "con", "cmo", "co", "cm", "om", "co.uk", "c.om", "fr", ""), fc.string({ maxLength: 5 }));
    fc.assert(
      fc.property(label, tld, (name, top) => {
        const domain = `${name}.${top}`;
        const meant = domainTypo(domain);
        if (meant === undefined) return;
        expect(meant).not.toBe(domain);
        expect(domainTypo(meant)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it("a mistyped top-level domain gets the warning with the address meant", () => {
    const findings = new Validator({ required: [], today: TODAY }).check(record({ email: "ann.lee@hotmail.cmo" }));
    expect(findings).toEqual([
      expect.objectContaining({
        rule: "email.domain_typo",
        severity: "warning",
        message: "hotmail.cmo looks like a typo",
        suggestion: "did you mean ann.lee@hotmail.com?",
      }),
    ]);
    expect(rulesFor({ email: "zhang.wei@qq.con" })).toContain("email.domain_typo");
    expect(rulesFor({ email: "müller@gmail.con" })).toContain("email.domain_typo");
    expect(rulesFor({ email: "ana@empresa.co" })).toEqual([]);
    expect(rulesFor({ email: "ahmed@company.om" })).toEqual([]);
  });
});

describe("phone", () => {
  it.each([
    ["+8613800138000", []],
    ["+14155550132", []],
    ["+18002345678", ["phone.type"]],
    ["+19005550199", ["phone.type"]],
    ["13800138000", ["phone.invalid"]],
    ["+861380013800", ["phone.invalid"]],
    ["n/a", ["phone.invalid"]],
  ])("%s → %j", (phone, rules) => {
    expect(rulesFor({ phone })).toEqual(rules);
  });

  it("says why normalize could not read a number", () => {
    const [finding] = new Validator({ required: [], today: TODAY }).check(
      record(
        { phone: "12345" },
        {
          normalizeFindings: [
            { field: "phone", rule: "phone.unparseable", severity: "warning", message: '"12345": not a valid phone number for US' },
          ],
        },
      ),
    );
    expect(finding?.message).toBe('"12345": not a valid phone number for US');
  });
});

describe("birth date", () => {
  it.each([
    ["1985-04-12", []],
    ["2026-11-23", []],
    ["2026-11-24", ["birth_date.future"]],
    ["1900-01-01", ["birth_date.age"]],
    ["1905-11-24", []], // exactly 120 today
    ["1905-11-23", ["birth_date.age"]],
    ["04/12/1985", ["birth_date.invalid"]],
    ["30/02/1990", ["birth_date.invalid"]],
  ])("%s → %j", (birth_date, rules) => {
    expect(rulesFor({ birth_date })).toEqual(rules);
  });
});

describe("postal code and country", () => {
  it.each([
    [{ postal_code: "94110", country: "US" }, []],
    [{ postal_code: "94110-1234", country: "US" }, []],
    [{ postal_code: "9411", country: "US" }, ["postal_code.invalid"]],
    [{ postal_code: "100022", country: "CN" }, []],
    [{ postal_code: "10002", country: "CN" }, ["postal_code.invalid"]],
    [{ postal_code: "SW1A 1AA", country: "GB" }, []],
    [{ postal_code: "anything", country: null }, []],
    [{ postal_code: "anything", country: "VA" }, []],
    [{ country: "Narnia" }, ["country.unknown"]],
    [{ country: "us" }, ["country.unknown"]],
  ])("%j → %j", (values, rules) => {
    expect(rulesFor(values)).toEqual(rules);
  });
});

describe("Chinese resident ids", () => {
  const good = chineseId("1990-05-03");

  it("computes the ISO 7064 MOD 11-2 check character, including X", () => {
    expect(checkChineseId("11010519491231002X")).toBeUndefined();
    expect(checkChineseId("110105194912310021")).toEqual({ kind: "checksum", expected: "X" });
    expect(checkChineseId(good)).toBeUndefined();
  });

  it.each([
    [{ national_id: good, birth_date: "1990-05-03" }, []],
    [{ national_id: good, birth_date: "1990-05-04" }, ["national_id.birth_date"]],
    [{ national_id: `${good.slice(0, 17)}${good[17] === "0" ? "1" : "0"}` }, ["national_id.invalid"]],
    [{ national_id: "11010519900230123X" }, ["national_id.invalid"]],
    [{ national_id: "1101051990", country: "CN" }, ["national_id.invalid"]],
    [{ national_id: "AB123456C", country: "GB" }, []],
    [{ national_id: "110105900503123", country: "CN" }, ["national_id.invalid"]],
  ])("%j → %j", (values, rules) => {
    expect(rulesFor(values)).toEqual(rules);
  });

  it("a 15-digit first-generation id is named as such, not as a malformed one", () => {
    expect(checkChineseId("110105900503123")).toEqual({ kind: "first_generation" });
    const [finding] = new Validator({ required: [], today: TODAY }).check(record({ national_id: "110105900503123", country: "CN" }));
    expect(finding?.message).toMatch(/15-digit first-generation id, void since 2013/);
    expect(checkChineseId("11010519900503123")).toEqual({ kind: "format" }); // 17 digits: no such id
  });
});

describe("today", () => {
  it("is the date where roster runs, not UTC's", () => {
    expect(localToday(new Date(2026, 0, 2, 0, 30))).toBe("2026-01-02"); // half past midnight, local time
    expect(localToday(new Date(2026, 11, 31, 23, 59))).toBe("2026-12-31");
  });
});

describe("names", () => {
  it.each([
    [{ full_name: "Ann Lee", given_name: "Ann", family_name: "Lee" }, []],
    [{ full_name: "张伟" }, []],
    [{ full_name: "test" }, ["name.placeholder"]],
    [{ full_name: "N/A" }, ["name.placeholder"]],
    [{ given_name: "Na", family_name: "Li" }, []],
    [{ given_name: "无" }, ["name.placeholder"]],
    [{ family_name: "Smith2" }, ["name.digits"]],
    [{ full_name: "Ann ３" }, ["name.digits"]],
  ])("%j → %j", (values, rules) => {
    expect(rulesFor(values)).toEqual(rules);
  });
});

describe("names made only of placeholders, as validate sees them (normalized: the parts joined into full_name)", () => {
  const normalized = (values: Partial<RecordValues>) =>
    normalizeRecord(record(values).values, { country: undefined, dateOrder: undefined }).values;
  const nameRules = (values: Partial<RecordValues>) => rulesFor(normalized(values)).filter((rule) => rule.startsWith("name."));

  it.each([
    ["Test", "Test"],
    ["TEST", "test"],
    ["N/A", "N/A"],
    ["n/a", "none"],
    ["x", "x"],
    ["X", "x"],
    ["xx", "xx"],
    ["asdf", "asdf"],
    ["-", "-"],
    ["?", "?"],
    ["Unknown", "Customer"],
    ["测试", "测试"],
    ["无", "无"],
    ["未知", "匿名"],
  ])("given %j, family %j → name.placeholder once", (given_name, family_name) => {
    expect(nameRules({ given_name, family_name })).toEqual(["name.placeholder"]);
  });

  it.each(["Test Test", "N/A N/A", "x x", "asdf asdf", "- -", "Customer Name", "Anonymous Unknown", "TEST", "asdf"])(
    "full_name %j → name.placeholder",
    (full_name) => {
      expect(nameRules({ full_name })).toEqual(["name.placeholder"]);
    },
  );

  it("says which name it means", () => {
    const [finding] = new Validator({ required: [], today: TODAY }).check(record(normalized({ given_name: "Test", family_name: "Test" })));
    expect(finding).toMatchObject({ field: "full_name", rule: "name.placeholder", message: '"Test Test" is a placeholder, not a name' });
  });

  it.each([
    // Real people: an initial, 娜 (Na), 丽 (Li) twice, Nil, a placeholder word beside a real name.
    [{ given_name: "X", family_name: "Smith" }],
    [{ given_name: "Jane", family_name: "X" }],
    [{ given_name: "Na", family_name: "Na" }],
    [{ given_name: "Li", family_name: "Li" }],
    [{ given_name: "Nil", family_name: "Moliner" }],
    [{ given_name: "Test", family_name: "Smith" }],
    [{ given_name: "J", family_name: "K" }],
    [{ given_name: "丽", family_name: "李" }],
    [{ given_name: "丽丽", family_name: "王" }],
    [{ full_name: "Li Li" }],
    [{ full_name: "Ng Ng" }],
    [{ full_name: "A. A. Milne" }],
    [{ full_name: "Jane Doe", given_name: "Test", family_name: "Test" }],
    [{ full_name: "张伟" }],
  ])("%j → no name finding", (values) => {
    expect(nameRules(values)).toEqual([]);
  });
});

describe("required and unique", () => {
  it("required fields, whitespace-only counting as missing once normalized", () => {
    expect(rulesFor({ email: "a@x.com" }, ["email", "phone"])).toEqual(["required"]);
    const blank = normalizeRecord(record({ email: "   " }).values, { country: undefined, dateOrder: undefined }).values;
    expect(new Validator({ required: ["email"], today: TODAY }).check(record(blank)).map((f) => f.rule)).toEqual(["required"]);
  });

  it("source_id unique within a source: later rows name the first one's line", () => {
    const validator = new Validator({ required: [], today: TODAY });
    expect(validator.check(record({ source_id: "C1" }, { line: 2 }))).toEqual([]);
    expect(validator.check(record({ source_id: "C1" }, { line: 9 }))).toEqual([
      {
        source: "crm",
        sourceId: "C1",
        line: 9,
        field: "source_id",
        rule: "source_id.duplicate",
        severity: "error",
        message: "C1 is already used on line 2",
      },
    ]);
    expect(validator.check(record({ source_id: "C1" }, { source: "shop", line: 3 }))).toEqual([]);
  });

  it("rules can be switched off by id", () => {
    expect(new Validator({ required: [], disabled: ["email.role_account"], today: TODAY }).check(record({ email: "info@x.com" }))).toEqual(
      [],
    );
  });

  it("every rule id names its field first (email.syntax), so reports group cleanly", () => {
    for (const rule of BUILT_IN_RULES)
      expect(rule.id.split(".")[0]).toBe(
        rule.field.split("_")[0] === "full" || rule.field.endsWith("_name") ? "name" : rule.id.split(".")[0],
      );
  });
});

describe("never throws", () => {
  it("on any values", () => {
    const value = fc.option(fc.string({ unit: "grapheme", maxLength: 24 }), { nil: null });
    fc.assert(
      fc.property(
        fc.record(Object.fromEntries(CANONICAL_FIELDS.map((f) => [f, value])) as Record<string, fc.Arbitrary<string | null>>),
        (values) => {
          new Validator({ required: ["email"], today: TODAY }).check(record(values as Partial<RecordValues>));
        },
      ),
      { numRuns: 500 },
    );
  });
});
