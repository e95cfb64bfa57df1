/** Corner cases of every normalizer (names, text, phones, dates, emails, countries, addresses, records), pinned. */
import fc from "fast-check";
import validator from "validator";
import { describe, expect, it } from "vitest";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import type { RecordValues } from "../../src/model/record.js";
import { addressKey, caseAddress, normalizePostalCode } from "../../src/stages/normalize/address.js";
import { countryCode } from "../../src/stages/normalize/country.js";
import { normalizeDate } from "../../src/stages/normalize/dates.js";
import { normalizeEmail } from "../../src/stages/normalize/email.js";
import { normalizeRecord } from "../../src/stages/normalize/index.js";
import { caseName, nameKeys, normalizeNameParts } from "../../src/stages/normalize/names.js";
import { normalizeConsent } from "../../src/stages/normalize/other-fields.js";
import { normalizePhone } from "../../src/stages/normalize/phone.js";
import { normalizeText } from "../../src/stages/normalize/text.js";

const full = (name: string) => normalizeNameParts(name, null, null);

describe("names", () => {
  it.each([
    ["Smith, John, Jr.", "John Smith", "John", "Smith", null, "Jr."],
    ["O'BRIEN, SEAN", "Sean O'Brien", "Sean", "O'Brien", null, null],
    ["D'ANGELO, MARIO", "Mario D'Angelo", "Mario", "D'Angelo", null, null],
    ['ROBERT "BOB" SMITH', 'Robert "Bob" Smith', 'Robert "Bob"', "Smith", null, null],
    ["JOHN (JACK) SMITH", "John (Jack) Smith", "John (Jack)", "Smith", null, null],
    ["Prof. Dr. Hans Müller", "Hans Müller", "Hans", "Müller", "Prof. Dr.", null],
    ["Miguel de Cervantes y Saavedra", "Miguel de Cervantes y Saavedra", "Miguel", "de Cervantes y Saavedra", null, null],
    ["MARINE LE PEN", "Marine Le Pen", "Marine", "Le Pen", null, null],
    ["jean de la fontaine", "Jean de la Fontaine", "Jean", "de la Fontaine", null, null],
    ["MD ABDUL KARIM", "Md Abdul Karim", "Md Abdul", "Karim", null, null],
  ])("%s", (input, fullName, givenName, familyName, title, suffix) => {
    expect(full(input)).toEqual({ fullName, givenName, familyName, title, suffix });
  });

  it.each([
    ["MACEDO", "Macedo"],
    ["MACIEL", "Maciel"],
    ["MACAULAY", "Macaulay"],
    ["MACKEY", "Mackey"],
    ["MACINTYRE", "MacIntyre"],
    ["DELL'ACQUA", "Dell'Acqua"],
    ["ß", "ß"],
  ])("caseName(%s) = %s", (input, expected) => {
    expect(caseName(input)).toBe(expected);
  });

  it("a family name given alone keeps its particle in lower case, as inside a full name", () => {
    expect(normalizeNameParts(null, "VINCENT", "VAN GOGH")).toMatchObject({ fullName: "Vincent van Gogh", familyName: "van Gogh" });
  });

  it("a Chinese given name alone counts once in the key, and spaces inside Chinese names go", () => {
    expect(nameKeys(normalizeNameParts(null, "伟", null)).key).toBe("wei");
    expect(normalizeNameParts(null, "晓 明", "王")).toMatchObject({ fullName: "王晓明", givenName: "晓明", familyName: "王" });
  });
});

describe("text", () => {
  it("line and page breaks become spaces; marks separated by invisible characters still compose", () => {
    expect(normalizeText("a\u000bb\u000cc\u0085d")).toBe("a b c d");
    expect(normalizeText("e\u200b\u0301")).toBe("é");
    expect(normalizeText("a\u0000\u0301")).toBe(normalizeText("á"));
  });
});

describe("phones", () => {
  it.each(["1380013800", "138001380000", "11111111111", "12345678"])("%s is not a valid CN number", (input) => {
    expect(normalizePhone(input, "CN")).toMatchObject({ phone: input, finding: { rule: "phone.unparseable" } });
  });

  it("never drops digits it cannot read (Arabic-Indic), and folds full-width ones itself", () => {
    expect(normalizePhone("12345678١٣٨800", "US")).toMatchObject({ phone: "12345678١٣٨800", finding: { rule: "phone.unparseable" } });
    expect(normalizePhone("１３８００１３８０００", "CN")).toEqual({ phone: "+8613800138000", extension: null });
  });
});

describe("dates", () => {
  it.each([
    ["0001-01-01T00:00+0060", "date.impossible"],
    ["2024-03-01T12:34:56+24:00", "date.impossible"],
    ["00/05/1990", "date.impossible"],
  ])("%s → %s, never a thrown error", (input, rule) => {
    expect(normalizeDate("created_at", input, undefined, true)).toMatchObject({ value: input, finding: { rule } });
  });

  it("an hours-only offset is ISO 8601 too", () => {
    expect(normalizeDate("created_at", "2024-03-01T12:34:56+08", undefined, true)).toEqual({ value: "2024-03-01T04:34:56Z" });
  });
});

describe("emails", () => {
  it.each([
    ["John Smith <John@Example.com>", "john@example.com", undefined],
    [" mailto:foo@example.com", "foo@example.com", undefined],
    ["john smith@example.com", "john smith@example.com", "email.syntax"],
    ["john@example,com", "john@example,com", "email.syntax"],
    ["john@.com", "john@.com", "email.syntax"],
    ["john@example..com", "john@example..com", "email.syntax"],
  ])("%j → %s", (input, email, rule) => {
    const result = normalizeEmail(input);
    expect(result.email).toBe(email);
    expect(result.finding?.rule).toBe(rule);
  });

  it("accepts exactly what validator's isEmail accepts (the fast path for plain addresses agrees)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.emailAddress(),
          fc.string(),
          fc.emailAddress().map((a) => `${a}..x`),
        ),
        (address) => {
          const email = address.trim().toLowerCase();
          fc.pre(!/^mailto:|[<>]/i.test(email));
          expect(normalizeEmail(address).finding === undefined).toBe(validator.isEmail(email, { allow_utf8_local_part: true }));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("a Gmail address with no mailbox before its +tag is reported and keeps its own key (so such addresses never all match)", () => {
    expect(normalizeEmail("+tag@gmail.com")).toMatchObject({ key: "+tag@gmail.com", finding: { rule: "email.syntax" } });
  });

  it("a Chinese name compacted next to combining marks stays a fixed point (found by fast-check)", () => {
    const input = { given_name: "\u{1D15F}\uFC5E", full_name: "张 伟" };
    const context = { country: undefined, dateOrder: undefined };
    const once = normalizeRecord(record(input), context).values;
    expect(normalizeRecord(once, context).values).toEqual(once);
  });
});

describe("countries", () => {
  it.each([
    ["英國", "GB"],
    ["德國", "DE"],
    ["韓國", "KR"],
    ["澳門", "MO"],
    ["台灣", "TW"],
    ["Korea, Democratic People's Republic of", "KP"],
    ["United Kingdom of Great Britain and Northern Ireland", "GB"],
    ["Syria", "SY"],
    ["États-Unis", "US"],
    ["Corea del Sur", "KR"],
    ["Espana", "ES"],
    ["Osterreich", "AT"],
    ["GROSSBRITANNIEN", "GB"],
    ["Trinidad & Tobago", "TT"],
    ["中国香港", "HK"],
    ["Hong Kong SAR", "HK"],
    ["澳洲", "AU"],
  ])("%s → %s", (input, code) => {
    expect(countryCode(input)).toBe(code);
  });
});

describe("addresses", () => {
  it.each([
    ["350 5TH AVE", "350 5th Ave"],
    ["O'CONNELL STREET", "O'Connell Street"],
    ["SPRINGFIELD, IL", "Springfield, IL"],
    ["LOUIS XIV AVE", "Louis XIV Ave"],
    ["MCALLISTER ST", "McAllister St"],
    ["US HIGHWAY 1", "US Highway 1"],
    ["CIVIC CENTRE", "Civic Centre"],
  ])("caseAddress(%s) = %s", (input, expected) => {
    expect(caseAddress(input)).toBe(expected);
  });

  it.each([
    ["APT #3", "unit 3"],
    ["p.o. box 123", "po box 123"],
    ["PO Box 123", "po box 123"],
    ["KING'S ROAD", "kings road"],
    ["APT E", "unit e"],
    ["12 Constructor Way", "12 constructor way"],
    ["__proto__", "__proto__"],
  ])("addressKey(%s) = %s", (input, expected) => {
    expect(addressKey(input)).toBe(expected);
  });

  it("postcodes: GIR 0AA, and the old D-/F- prefixes", () => {
    expect(normalizePostalCode("GIR 0AA", "GB")).toEqual({ value: "GIR 0AA" });
    expect(normalizePostalCode("D-10115", "DE")).toEqual({ value: "10115" });
    expect(normalizePostalCode("F-75001", "FR")).toEqual({ value: "75001" });
  });

  it("consent written with a space, or a heavy check mark", () => {
    expect(["opt in", "opt out", "✔"].map((v) => normalizeConsent(v).value)).toEqual(["true", "false", "true"]);
  });
});

function record(values: Partial<RecordValues>): RecordValues {
  return { ...(Object.fromEntries(CANONICAL_FIELDS.map((f) => [f, null])) as RecordValues), ...values };
}

describe("records", () => {
  const context = { country: undefined, dateOrder: undefined };
  const keysOf = (values: Partial<RecordValues>) => normalizeRecord(record(values), context).keys;

  it("names in separate columns put their title and suffix into the keys, as a full name does", () => {
    const separate = normalizeRecord(record({ given_name: "Dr. Jane", family_name: "Doe PhD" }), context);
    expect(separate.values).toMatchObject({ given_name: "Jane", family_name: "Doe", full_name: "Jane Doe" });
    expect(separate.keys).toEqual(keysOf({ full_name: "Dr. Jane Doe PhD" }));
    expect(separate.keys).toMatchObject({ name_title: "Dr.", name_suffix: "PhD", name_key: "doe jane" });
  });

  it("張偉 in full_name, in given_name alone, as 張 + 偉, as 张伟 and as Zhang Wei get one name key", () => {
    const forms = [
      keysOf({ full_name: "張偉" }),
      keysOf({ given_name: "張偉" }),
      keysOf({ family_name: "張", given_name: "偉" }),
      keysOf({ full_name: "张伟" }),
      keysOf({ full_name: "Zhang Wei" }),
    ];
    expect(forms.map((k) => k.name_key)).toEqual(Array(5).fill("wei zhang"));
    expect(forms.map((k) => k.name_han)).toEqual([...Array(4).fill("张伟"), null]);
  });

  it("a single word in full_name is a given name", () => {
    expect(normalizeRecord(record({ full_name: "MADONNA" }), context).values).toMatchObject({
      full_name: "Madonna",
      given_name: "Madonna",
      family_name: null,
    });
  });

  it("an unrecognised two-letter country is not used as the phone region: the default is", () => {
    const out = normalizeRecord(record({ country: "XX", phone: "(415) 555-0132", postal_code: "2114" }), {
      country: "US",
      dateOrder: undefined,
    });
    expect(out.values).toMatchObject({ country: "XX", phone: "+14155550132", postal_code: "02114" });
    expect(out.findings.map((f) => f.rule)).toEqual(["country.unknown"]);
  });
});
