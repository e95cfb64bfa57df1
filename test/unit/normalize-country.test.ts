import { createRequire } from "node:module";
import fc from "fast-check";
import countries from "i18n-iso-countries";
import { describe, expect, it } from "vitest";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import type { RecordValues } from "../../src/model/record.js";
import { countryCode } from "../../src/stages/normalize/country.js";
import { type NormalizeContext, normalizeRecord } from "../../src/stages/normalize/index.js";

const require = createRequire(import.meta.url);
const LANGUAGES = ["en", "zh", "de", "fr", "es"] as const;
for (const lang of LANGUAGES) countries.registerLocale(require(`i18n-iso-countries/langs/${lang}.json`));
const ALPHA2 = Object.keys(countries.getAlpha2Codes());
const ALPHA3 = Object.entries(countries.getAlpha3Codes());

describe("countryCode: English names and common variants", () => {
  it.each([
    ["United States", "US"],
    ["United States of America", "US"],
    ["the United States", "US"],
    ["The United States of America", "US"],
    ["USA", "US"],
    ["usa", "US"],
    ["U.S.A.", "US"],
    ["U.S.A", "US"],
    ["U.S.", "US"],
    ["U S A", "US"],
    ["(USA)", "US"],
    ["usa.", "US"],
    ["united-states", "US"],
    ["united  states", "US"],
    [" USA ", "US"],
    ["United Kingdom", "GB"],
    ["UK", "GB"],
    ["U.K.", "GB"],
    ["the uk", "GB"],
    ["Great Britain", "GB"],
    ["Britain", "GB"],
    ["England", "GB"],
    ["Scotland", "GB"],
    ["Wales", "GB"],
    ["Northern Ireland", "GB"],
    ["China", "CN"],
    ["PRC", "CN"],
    ["P.R.C.", "CN"],
    ["People's Republic of China", "CN"],
    ["Mainland China", "CN"],
    ["China (Mainland)", "CN"],
    ["Germany", "DE"],
    ["GERMANY", "DE"],
    ["germany", "DE"],
    ["gErMaNy", "DE"],
    ["France", "FR"],
    ["Spain", "ES"],
    ["Japan", "JP"],
    ["Japan ", "JP"],
    ["South Korea", "KR"],
    ["Republic of Korea", "KR"],
    ["Korea, Republic of", "KR"],
    ["North Korea", "KP"],
    ["the Netherlands", "NL"],
    ["The Netherlands", "NL"],
    ["Netherlands", "NL"],
    ["Holland", "NL"],
    ["Hong Kong", "HK"],
    ["Macau", "MO"],
    ["Macao", "MO"],
    ["Taiwan", "TW"],
    ["Taiwan, Province of China", "TW"],
    ["Canada", "CA"],
    ["Australia", "AU"],
    ["Russia", "RU"],
    ["Russian Federation", "RU"],
    ["Vietnam", "VN"],
    ["Viet Nam", "VN"],
    ["UAE", "AE"],
    ["U.A.E.", "AE"],
    ["United Arab Emirates", "AE"],
    ["Switzerland", "CH"],
    ["Italy", "IT"],
    ["Mexico", "MX"],
    ["Brazil", "BR"],
    ["India", "IN"],
    ["Ireland", "IE"],
    ["New Zealand", "NZ"],
    ["Singapore", "SG"],
    ["Côte d'Ivoire", "CI"],
    ["Cote d'Ivoire", "CI"],
    ["Ivory Coast", "CI"],
    ["Czech Republic", "CZ"],
    ["Czechia", "CZ"],
    ["Turkey", "TR"],
    ["Türkiye", "TR"],
    ["The Gambia", "GM"],
    ["the Bahamas", "BS"],
    ["Iran", "IR"],
    ["Moldova, Republic of", "MD"],
    ["Syrian Arab Republic", "SY"],
    ["Holy See (Vatican City State)", "VA"],
    ["Saint Lucia", "LC"],
    ["St. Lucia", "LC"],
    ["Trinidad and Tobago", "TT"],
    ["Republic of the Congo", "CG"],
    ["Democratic Republic of the Congo", "CD"],
    ["Niger", "NE"],
    ["Nigeria", "NG"],
    ["Dominica", "DM"],
    ["Dominican Republic", "DO"],
  ])("%j → %s", (input, expected) => {
    expect(countryCode(input)).toBe(expected);
  });
});

describe("countryCode: Chinese names (simplified and traditional)", () => {
  it.each([
    ["美国", "US"],
    ["美國", "US"],
    ["中国", "CN"],
    ["中國", "CN"],
    ["中华人民共和国", "CN"],
    ["中華人民共和國", "CN"],
    ["中国大陆", "CN"],
    ["大陆", "CN"],
    ["英国", "GB"],
    ["德国", "DE"],
    ["法国", "FR"],
    ["西班牙", "ES"],
    ["日本", "JP"],
    ["韩国", "KR"],
    ["朝鲜", "KP"],
    ["荷兰", "NL"],
    ["香港", "HK"],
    ["澳门", "MO"],
    ["台湾", "TW"],
    ["臺灣", "TW"],
    ["中国台湾省", "TW"],
    ["加拿大", "CA"],
    ["澳大利亚", "AU"],
    ["俄罗斯", "RU"],
    ["越南", "VN"],
    ["新加坡", "SG"],
    ["瑞士", "CH"],
    ["意大利", "IT"],
    ["墨西哥", "MX"],
    ["巴西", "BR"],
    ["印度", "IN"],
    ["阿联酋", "AE"],
    ["新西兰", "NZ"],
    ["爱尔兰", "IE"],
  ])("%s → %s", (input, expected) => {
    expect(countryCode(input)).toBe(expected);
  });
});

describe("countryCode: German, French and Spanish names", () => {
  it.each([
    // German
    ["Deutschland", "DE"],
    ["Vereinigte Staaten", "US"],
    ["Vereinigte Staaten von Amerika", "US"],
    ["Vereinigtes Königreich", "GB"],
    ["Großbritannien", "GB"],
    ["Niederlande", "NL"],
    ["Frankreich", "FR"],
    ["Spanien", "ES"],
    ["Südkorea", "KR"],
    ["Schweiz", "CH"],
    ["Österreich", "AT"],
    ["Italien", "IT"],
    ["Russland", "RU"],
    ["Türkei", "TR"],
    ["Hongkong", "HK"],
    ["Kanada", "CA"],
    ["Australien", "AU"],
    ["Indien", "IN"],
    // French
    ["Allemagne", "DE"],
    ["États-Unis d'Amérique", "US"],
    ["Royaume-Uni", "GB"],
    ["Pays-Bas", "NL"],
    ["Chine", "CN"],
    ["Espagne", "ES"],
    ["Suisse", "CH"],
    ["Corée du Sud", "KR"],
    ["Japon", "JP"],
    ["Mexique", "MX"],
    ["Brésil", "BR"],
    ["Inde", "IN"],
    ["Taïwan", "TW"],
    // Spanish
    ["Alemania", "DE"],
    ["Estados Unidos", "US"],
    ["Reino Unido", "GB"],
    ["Países Bajos", "NL"],
    ["España", "ES"],
    ["Francia", "FR"],
    ["Japón", "JP"],
    ["México", "MX"],
    ["Suiza", "CH"],
    ["Rusia", "RU"],
    ["Brasil", "BR"],
    ["Taiwán", "TW"],
  ])("%s → %s", (input, expected) => {
    expect(countryCode(input)).toBe(expected);
  });
});

describe("countryCode: ISO codes in any case, full-width forms", () => {
  it.each([
    ["US", "US"],
    ["us", "US"],
    ["Us", "US"],
    ["CN", "CN"],
    ["cn", "CN"],
    ["DE", "DE"],
    ["GB", "GB"],
    ["gb", "GB"],
    ["FR", "FR"],
    ["JP", "JP"],
    ["KR", "KR"],
    ["NL", "NL"],
    ["CA", "CA"],
    ["ca", "CA"],
    ["Ca", "CA"],
    ["HK", "HK"],
    ["TW", "TW"],
    ["AU", "AU"],
    ["XK", "XK"],
    ["USA", "US"],
    ["CHN", "CN"],
    ["chn", "CN"],
    ["DEU", "DE"],
    ["Deu", "DE"],
    ["GBR", "GB"],
    ["FRA", "FR"],
    ["JPN", "JP"],
    ["KOR", "KR"],
    ["kor", "KR"],
    ["NLD", "NL"],
    ["CAN", "CA"],
    ["AUS", "AU"],
    ["HKG", "HK"],
    ["RUS", "RU"],
    ["VNM", "VN"],
    ["CHE", "CH"],
    ["ESP", "ES"],
    ["ITA", "IT"],
    ["MEX", "MX"],
    ["IND", "IN"],
    ["ＵＳＡ", "US"],
    ["ｕｓａ", "US"],
    ["Ｕ．Ｓ．Ａ．", "US"],
    ["ｃｈｉｎａ", "CN"],
  ])("%j → %s", (input, expected) => {
    expect(countryCode(input)).toBe(expected);
  });

  it("knows every ISO 3166-1 alpha-2 code, upper and lower case", () => {
    expect(ALPHA2.length).toBeGreaterThan(240);
    for (const code of ALPHA2) {
      expect(countryCode(code), code).toBe(code);
      expect(countryCode(code.toLowerCase()), code.toLowerCase()).toBe(code);
    }
  });

  it("maps every ISO 3166-1 alpha-3 code to its alpha-2 code, upper and lower case", () => {
    expect(ALPHA3.length).toBeGreaterThan(240);
    for (const [code3, code2] of ALPHA3) {
      expect(countryCode(code3), code3).toBe(code2);
      expect(countryCode(code3.toLowerCase()), code3.toLowerCase()).toBe(code2);
    }
  });

  it("maps every unambiguous en/zh/de/fr/es name of i18n-iso-countries to its code", () => {
    const owners = new Map<string, Set<string>>();
    for (const lang of LANGUAGES) {
      for (const [code, names] of Object.entries(countries.getNames(lang, { select: "all" }))) {
        for (const name of names) owners.set(name, (owners.get(name) ?? new Set()).add(code));
      }
    }
    let checked = 0;
    for (const [name, codes] of owners) {
      if (codes.size !== 1) continue; // e.g. "Congo" names both CG and CD
      expect(countryCode(name), name).toBe([...codes][0]);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe("countryCode: unknown values", () => {
  it.each([
    ["Narnia"],
    ["Atlantis"],
    [""],
    ["   "],
    ["XX"],
    ["ZZZ"],
    ["Unknown"],
    ["N/A"],
    ["-"],
    ["none"],
    ["null"],
    ["other"],
    ["tbd"],
    ["Not specified"],
    ["Europe"],
    ["Asia"],
    ["EU"],
    ["UN"],
  ])("%j → undefined", (input) => {
    expect(countryCode(input)).toBeUndefined();
  });
});

describe("countryCode: properties", () => {
  const KNOWN = ["USA", "U.S.A.", "中国", "PRC", "Deutschland", "the Netherlands", "Korea, Republic of", "gb", "chn", "香港"];
  const anyText = fc.oneof(
    fc.string({ unit: "grapheme" }),
    fc.string({ unit: "grapheme-ascii", maxLength: 4 }),
    fc.constantFrom(...KNOWN, ...ALPHA2, ...ALPHA3.map(([c]) => c)),
    fc
      .tuple(fc.constantFrom("", " ", "the ", "The ", "(", "."), fc.constantFrom(...KNOWN), fc.constantFrom("", " ", ".", ")"))
      .map((p) => p.join("")),
  );

  it("never throws, and every code it returns is an alpha-2 code that maps to itself", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const code = countryCode(text);
        if (code === undefined) return;
        expect(code).toMatch(/^[A-Z]{2}$/);
        expect(ALPHA2).toContain(code);
        expect(countryCode(code)).toBe(code);
      }),
      { numRuns: 2000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// normalizeRecord: the country is resolved first and drives phone region and postal code format.

type Values = RecordValues;
const blank = (): Values => Object.fromEntries(CANONICAL_FIELDS.map((field) => [field, null])) as Values;
const record = (values: Partial<Values>): Values => ({ ...blank(), ...values });
const ctx = (country: string | undefined, dateOrder: NormalizeContext["dateOrder"] = undefined): NormalizeContext => ({
  country,
  dateOrder,
});
const nonNull = <T extends Record<string, string | null>>(values: T) =>
  Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null));

describe("normalizeRecord", () => {
  it("Chinese country name → CN; it sets the phone region over the default country", () => {
    const result = normalizeRecord(record({ country: "中国", phone: "13800138000" }), ctx("US"));
    expect(nonNull(result.values)).toEqual({ country: "CN", phone: "+8613800138000" });
    expect(result.findings).toEqual([]);
  });

  it("USA → US; a 4-digit ZIP gets its leading zero back", () => {
    const result = normalizeRecord(record({ country: "USA", postal_code: "2114" }), ctx(undefined));
    expect(nonNull(result.values)).toEqual({ country: "US", postal_code: "02114" });
    expect(result.findings).toEqual([]);
  });

  it("the record's country formats its postal code, not the default country", () => {
    const uk = normalizeRecord(record({ country: "UK", phone: "07911 123456", postal_code: "ec1a1bb" }), ctx("US"));
    expect(nonNull(uk.values)).toEqual({ country: "GB", phone: "+447911123456", postal_code: "EC1A 1BB" });
    const ca = normalizeRecord(record({ country: "Canada", postal_code: "k1a0b1" }), ctx("US"));
    expect(nonNull(ca.values)).toEqual({ country: "CA", postal_code: "K1A 0B1" });
    const de = normalizeRecord(record({ country: "Germany", phone: "030 901820", postal_code: "10115" }), ctx("US"));
    expect(nonNull(de.values)).toEqual({ country: "DE", phone: "+4930901820", postal_code: "10115" });
    const au = normalizeRecord(record({ country: "Australia", phone: "0412 345 678", postal_code: "2000" }), ctx("US"));
    expect(nonNull(au.values)).toEqual({ country: "AU", phone: "+61412345678", postal_code: "2000" });
    const hk = normalizeRecord(record({ country: "香港", phone: "9123 4567" }), ctx("US"));
    expect(nonNull(hk.values)).toEqual({ country: "HK", phone: "+85291234567" });
  });

  it("an unknown country is kept, reported, and the default country is used instead", () => {
    const result = normalizeRecord(record({ country: "Narnia", phone: "(415) 555-0132", postal_code: "2114" }), ctx("US"));
    expect(nonNull(result.values)).toEqual({ country: "Narnia", phone: "+14155550132", postal_code: "02114" });
    expect(result.findings).toEqual([expect.objectContaining({ field: "country", rule: "country.unknown", severity: "warning" })]);
  });

  it("an unknown country without a default country: the phone cannot be read", () => {
    const result = normalizeRecord(record({ country: "Narnia", phone: "13800138000" }), ctx(undefined));
    expect(nonNull(result.values)).toEqual({ country: "Narnia", phone: "13800138000" });
    expect(result.findings.map((f) => [f.field, f.rule])).toEqual([
      ["country", "country.unknown"],
      ["phone", "phone.unparseable"],
    ]);
  });

  it("no country: the default country is the region; without one a 4-digit code is only kept", () => {
    expect(normalizeRecord(record({ postal_code: "2114", phone: "(415) 555-0132" }), ctx("US")).values).toEqual(
      record({ postal_code: "02114", phone: "+14155550132" }),
    );
    const none = normalizeRecord(record({ postal_code: "2114" }), ctx(undefined));
    expect(none.values).toEqual(record({ postal_code: "2114" }));
    expect(none.findings).toEqual([]);
  });

  it("a postal code that does not fit the record's country keeps its value and is reported", () => {
    const us = normalizeRecord(record({ country: "USA", postal_code: "ABCDE" }), ctx("CN"));
    expect(nonNull(us.values)).toEqual({ country: "US", postal_code: "ABCDE" });
    expect(us.findings).toEqual([expect.objectContaining({ field: "postal_code", rule: "postal_code.format", severity: "warning" })]);
    const de = normalizeRecord(record({ country: "Deutschland", postal_code: "1067" }), ctx(undefined));
    expect(nonNull(de.values)).toEqual({ country: "DE", postal_code: "1067" });
    expect(de.findings.map((f) => f.rule)).toEqual(["postal_code.format"]);
  });

  it("an English record: every field and key", () => {
    const result = normalizeRecord(
      record({
        source_id: "M1",
        full_name: "JOHN MCDONALD",
        email: "John.McDonald@Example.COM",
        phone: "415.555.0199 ext. 12",
        birth_date: "13/04/1985",
        address_line1: "123 MAIN ST APT 4B",
        city: "SAN FRANCISCO",
        postal_code: "94110",
        country: "United States",
        marketing_consent: "yes",
      }),
      ctx(undefined, "dmy"),
    );
    expect(result.values).toEqual(
      record({
        source_id: "M1",
        full_name: "John McDonald",
        given_name: "John",
        family_name: "McDonald",
        email: "john.mcdonald@example.com",
        phone: "+14155550199",
        birth_date: "1985-04-13",
        address_line1: "123 Main St Apt 4B",
        city: "San Francisco",
        postal_code: "94110",
        country: "US",
        marketing_consent: "true",
      }),
    );
    expect(result.keys).toEqual({
      phone_ext: "12",
      name_title: null,
      name_suffix: null,
      name_han: null,
      name_key: "john mcdonald",
      email_key: "john.mcdonald@example.com",
      address_key: "123 main street unit 4b",
    });
    expect(result.findings).toEqual([]);
  });

  it("a Chinese record: traditional country name, full-width characters folded, Chinese address kept", () => {
    const result = normalizeRecord(
      record({
        full_name: "張偉",
        email: "ＺＨＡＮＧＷＥＩ＠ＥＸＡＭＰＬＥ．ＣＮ",
        phone: "+86 138-0013-8000",
        address_line1: "朝阳区建国路８８号",
        city: "北京",
        postal_code: "１０００２２",
        country: "中華人民共和國",
        national_id: "１１０１０５１９４９１２３１００２ｘ",
        marketing_consent: "是",
      }),
      ctx("US"),
    );
    expect(result.values).toEqual(
      record({
        full_name: "張偉",
        given_name: "偉",
        family_name: "張",
        email: "zhangwei@example.cn",
        phone: "+8613800138000",
        address_line1: "朝阳区建国路88号",
        city: "北京",
        postal_code: "100022",
        country: "CN",
        national_id: "11010519491231002X",
        marketing_consent: "true",
      }),
    );
    expect(result.keys).toEqual({
      phone_ext: null,
      name_title: null,
      name_suffix: null,
      name_han: "张伟",
      name_key: "wei zhang",
      email_key: "zhangwei@example.cn",
      address_key: "朝阳区建国路88号",
    });
    expect(result.findings).toEqual([]);
  });

  it("PRC / cn with 0086 and 86 prefixes", () => {
    const prc = normalizeRecord(
      record({ country: "PRC", phone: "0086 13912345678", address_line1: "浦东新区世纪大道100号", postal_code: "200120" }),
      ctx("US"),
    );
    expect(nonNull(prc.values)).toEqual({
      country: "CN",
      phone: "+8613912345678",
      address_line1: "浦东新区世纪大道100号",
      postal_code: "200120",
    });
    expect(prc.keys.address_key).toBe("浦东新区世纪大道100号");
    const cn = normalizeRecord(record({ country: "cn", phone: "86 13800138000" }), ctx(undefined));
    expect(nonNull(cn.values)).toEqual({ country: "CN", phone: "+8613800138000" });
  });

  it("findings of several fields are all listed; values are kept", () => {
    const result = normalizeRecord(
      record({ email: "not-an-email", marketing_consent: "maybe", country: "Narnia", postal_code: "ABC" }),
      ctx("US"),
    );
    expect(nonNull(result.values)).toEqual({ email: "not-an-email", marketing_consent: "maybe", country: "Narnia", postal_code: "ABC" });
    expect(result.findings.map((f) => [f.field, f.rule])).toEqual([
      ["country", "country.unknown"],
      ["email", "email.syntax"],
      ["postal_code", "postal_code.format"],
      ["marketing_consent", "consent.unrecognized"],
    ]);
  });

  it("name and email keys; address lines cased and keyed together; blank values become null", () => {
    const result = normalizeRecord(
      record({
        given_name: "wei",
        family_name: "zhang",
        email: "j.smith+shop@googlemail.com",
        address_line1: "  123   MAIN ST  ",
        address_line2: "APT 4B",
        company: "ACME CORP",
        region: "  ",
        phone: "",
      }),
      ctx("CN"),
    );
    expect(result.values).toEqual(
      record({
        given_name: "Wei",
        family_name: "Zhang",
        full_name: "Wei Zhang",
        email: "j.smith+shop@googlemail.com",
        address_line1: "123 Main St",
        address_line2: "Apt 4B",
        company: "ACME CORP",
      }),
    );
    expect(result.keys).toMatchObject({ name_key: "wei zhang", email_key: "jsmith@gmail.com", address_key: "123 main street unit 4b" });
    expect(result.findings).toEqual([]);
  });

  it("a title and suffix are kept apart in keys", () => {
    const result = normalizeRecord(
      record({ full_name: "Dr. Pieter van der Berg Jr.", country: "Netherlands", postal_code: "1015 cj" }),
      ctx("US"),
    );
    expect(nonNull(result.values)).toEqual({
      full_name: "Pieter van der Berg",
      given_name: "Pieter",
      family_name: "van der Berg",
      country: "NL",
      postal_code: "1015 CJ",
    });
    expect(result.keys).toMatchObject({ name_title: "Dr.", name_suffix: "Jr.", name_key: "berg der pieter van" });
  });
});

describe("normalizeRecord: properties", () => {
  const SAMPLES = [
    "USA",
    "中国",
    "Narnia",
    "13800138000",
    "(415) 555-0132",
    "2114",
    "sw1a1aa",
    "123 MAIN ST APT 4B",
    "朝阳区建国路８８号",
    "JOHN MCDONALD",
    "O'Brien, Mary",
    "張偉",
    "yes",
    "否",
    "13/04/1985",
    "1988年3月15日",
    "John.McDonald@Example.COM",
    "110105 19491231 002x",
  ];
  const value = fc.option(fc.oneof(fc.string({ unit: "grapheme" }), fc.constantFrom(...SAMPLES)), { nil: null });
  const values = fc.record(Object.fromEntries(CANONICAL_FIELDS.map((field) => [field, value])) as Record<keyof Values, typeof value>);
  const context = fc.record({
    country: fc.constantFrom<string | undefined>("US", "CN", "GB", "DE", undefined),
    dateOrder: fc.constantFrom<NormalizeContext["dateOrder"]>("dmy", "mdy", undefined),
  });

  // Idempotence on values (normalizeRecord(normalizeRecord(x).values).values == normalizeRecord(x).values) is not
  // asserted: it fails (e.g. given_name "晓 明" + family_name "王" → full_name "王晓 明", then "王晓明").
  it("never throws on records of random strings", () => {
    fc.assert(
      fc.property(values, context, (input, c) => {
        const result = normalizeRecord(input as Values, c);
        expect(Object.keys(result.values).sort()).toEqual([...CANONICAL_FIELDS].sort());
      }),
      { numRuns: 1000 },
    );
  });
});
