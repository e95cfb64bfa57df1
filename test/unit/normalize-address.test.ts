import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addressKey, caseAddress, normalizePostalCode } from "../../src/stages/normalize/address.js";
import { normalizeConsent, normalizeNationalId } from "../../src/stages/normalize/other-fields.js";
import { normalizeText } from "../../src/stages/normalize/text.js";

describe("caseAddress: ALL CAPS and all lower case Latin lines are title-cased", () => {
  it.each([
    ["123 MAIN ST APT 4B", "123 Main St Apt 4B"],
    ["123 main st apt 4b", "123 Main St Apt 4B"],
    ["45 OAK AVENUE", "45 Oak Avenue"],
    ["45 oak avenue", "45 Oak Avenue"],
    ["1600 PENNSYLVANIA AVE NW", "1600 Pennsylvania Ave NW"],
    ["1600 pennsylvania ave nw", "1600 Pennsylvania Ave NW"],
    ["350 FIFTH AVENUE", "350 Fifth Avenue"],
    ["221B BAKER STREET", "221B Baker Street"],
    ["221b baker street", "221B Baker Street"],
    ["10 DOWNING ST", "10 Downing St"],
    ["PO BOX 123", "PO Box 123"],
    ["po box 123", "PO Box 123"],
    ["P.O. BOX 456", "P.O. Box 456"],
    ["p.o. box 123", "P.O. Box 123"],
    ["P O BOX 9", "P O Box 9"],
    ["SUITE 200", "Suite 200"],
    ["STE 200", "Ste 200"],
    ["APT #3", "Apt #3"],
    ["UNIT 7", "Unit 7"],
    ["APT 12A", "Apt 12A"],
    ["apt 12a", "Apt 12A"],
    ["FLAT 3, 10 HIGH ST", "Flat 3, 10 High St"],
    ["UNIT 5/20 GEORGE ST", "Unit 5/20 George St"],
    ["5/20 george st", "5/20 George St"],
    ["LEVEL 3, 100 QUEEN ST", "Level 3, 100 Queen St"],
    ["100 N MAIN ST", "100 N Main St"],
    ["100 n main st", "100 N Main St"],
    ["1 INFINITE LOOP", "1 Infinite Loop"],
    ["KING'S ROAD", "King's Road"],
    ["ST. JAMES'S PLACE", "St. James's Place"],
    ["ROUTE 66", "Route 66"],
    ["HWY 101", "Hwy 101"],
    ["US HIGHWAY 1", "US Highway 1"],
    ["us highway 1", "US Highway 1"],
    ["KING GEORGE VI ST", "King George VI St"],
    ["ONE WORLD TRADE CENTER", "One World Trade Center"],
    ["SOUTH ST", "South St"],
    ["HAUPTSTRASSE 5", "Hauptstrasse 5"],
    ["hauptstraße 5", "Hauptstraße 5"],
    ["MÜNCHENER STR. 12", "Münchener Str. 12"],
    ["münchener str. 12", "Münchener Str. 12"],
    ["CALLE MAYOR 3", "Calle Mayor 3"],
    ["JOSÉ MARTÍ AVE", "José Martí Ave"],
    ["josé martí ave", "José Martí Ave"],
    ["ÉCOLE RD", "École Rd"],
    ["ZOË ST", "Zoë St"],
    ["KEIZERSGRACHT 1", "Keizersgracht 1"],
    ["C/O JOHN SMITH", "C/O John Smith"],
    ["M1 MOTORWAY", "M1 Motorway"],
    ["A1 ROAD", "A1 Road"],
    ["I-95", "I-95"],
    ["b2", "B2"],
    // city lines
    ["SAN FRANCISCO", "San Francisco"],
    ["san francisco", "San Francisco"],
    ["NEW YORK", "New York"],
    ["ST. LOUIS", "St. Louis"],
    ["winston-salem", "Winston-Salem"],
    ["LONDON", "London"],
  ])("%j → %j", (input, expected) => {
    expect(caseAddress(input)).toBe(expected);
  });
});

describe("caseAddress: mixed case, Chinese and letterless lines are left alone", () => {
  it.each([
    ["123 main St"],
    ["123 Main St Apt 4B"],
    ["123 Main Street, Apt. 4B"],
    ["McDonald Road"],
    ["O'Connell Street"],
    ["DeKalb Ave"],
    ["eBay Way"],
    ["10 Downing St"],
    ["5th Ave"],
    ["rue de Rivoli"],
    ["Keizersgracht 1"],
    ["Straße des 17. Juni"],
    ["朝阳区建国路88号"],
    ["北京市朝阳区建国路88号"],
    ["浦东新区世纪大道100号"],
    ["广东省深圳市南山区科技园路1号"],
    ["北京"],
    ["朝阳区 SOHO 3Q"],
    ["台北市信義區信義路五段7號"],
    ["# 5"],
    ["#12"],
    ["123"],
    ["12-34"],
    [""],
  ])("%j unchanged", (input) => {
    expect(caseAddress(input)).toBe(input);
  });
});

describe("caseAddress(normalizeText(x)): whitespace, full-width digits and letters folded first", () => {
  it.each([
    ["  123   MAIN ST  ", "123 Main St"],
    ["123\tMAIN\u00a0ST", "123 Main St"],
    ["123\u200bMain St", "123Main St"],
    ["ＡＰＴ ４Ｂ", "Apt 4B"],
    ["１２３ ＭＡＩＮ ＳＴ", "123 Main St"],
    ["朝阳区建国路８８号", "朝阳区建国路88号"],
    ["上海市浦东新区世纪大道１００号", "上海市浦东新区世纪大道100号"],
    ["广东省深圳市南山区科技园路１号", "广东省深圳市南山区科技园路1号"],
    ["北京市海淀区中关村大街２７号\u3000１号楼", "北京市海淀区中关村大街27号 1号楼"],
    ["浙江省杭州市西湖区文三路４７８号 ", "浙江省杭州市西湖区文三路478号"],
  ])("%j → %j", (input, expected) => {
    expect(caseAddress(normalizeText(input))).toBe(expected);
  });
});

describe("addressKey: folded, abbreviations expanded, punctuation gone", () => {
  it.each([
    ["123 Main St", "123 main street"],
    ["123 MAIN STREET", "123 main street"],
    ["123 Main St.", "123 main street"],
    ["123 main st", "123 main street"],
    ["45 Oak Ave", "45 oak avenue"],
    ["45 Oak Ave.", "45 oak avenue"],
    ["45 OAK AVENUE", "45 oak avenue"],
    ["Av. Paulista 1000", "avenue paulista 1000"],
    ["12 Church Rd", "12 church road"],
    ["12 Church Rd.", "12 church road"],
    ["Münchener Str. 12", "munchener street 12"],
    ["Münchener Str 12", "munchener street 12"],
    ["Straße des 17. Juni", "street des 17 juni"],
    ["Apt 4B", "unit 4b"],
    ["Apartment 5", "unit 5"],
    ["Unit 7", "unit 7"],
    ["#12", "unit 12"],
    ["# 5", "unit 5"],
    ["Main St #5", "main street unit 5"],
    ["Suite 200", "unit 200"],
    ["Ste 200", "unit 200"],
    ["Ste. 100", "unit 100"],
    ["Flat 2", "unit 2"],
    ["123 MAIN ST APT 4B", "123 main street unit 4b"],
    ["123 Main Street, Apt. 4B", "123 main street unit 4b"],
    ["123 Main St, Unit 4B", "123 main street unit 4b"],
    ["123 Main St #4B", "123 main street unit 4b"],
    ["1600 Pennsylvania Ave NW", "1600 pennsylvania avenue nw"],
    ["100 N Main St", "100 north main street"],
    ["42 W 42nd St", "42 west 42nd street"],
    ["350 5th Ave", "350 5th avenue"],
    ["1st Ave", "1st avenue"],
    ["Hwy 101", "highway 101"],
    ["Sunset Blvd", "sunset boulevard"],
    ["Park Ln", "park lane"],
    ["Baker Ct", "baker court"],
    ["Ocean Pkwy", "ocean parkway"],
    ["3rd Fl", "3rd floor"],
    ["PO Box 123", "po box 123"],
    ["PO BOX 123", "po box 123"],
    ["José Martí Ave", "jose marti avenue"],
    ["Zoë St", "zoe street"],
    ["ÉCOLE RD", "ecole road"],
    ["Winston-Salem", "winston salem"],
    ["UNIT 5/20 GEORGE ST", "unit 5 20 george street"],
    ["FLAT 3, 10 HIGH ST", "unit 3 10 high street"],
    ["朝阳区建国路88号", "朝阳区建国路88号"],
    ["朝阳区建国路８８号", "朝阳区建国路88号"],
    ["北京市朝阳区建国路88号", "北京市朝阳区建国路88号"],
    ["浦东新区世纪大道100号", "浦东新区世纪大道100号"],
    ["ＡＰＴ ４Ｂ", "unit 4b"],
  ])("%j → %j", (input, expected) => {
    expect(addressKey(input)).toBe(expected);
  });

  it.each<[(string | null)[], string | null]>([
    [["123 Main St", "Apt 4B"], "123 main street unit 4b"],
    [["123 MAIN ST", "#4B"], "123 main street unit 4b"],
    [["123 Main St", null], "123 main street"],
    [[null, "Apt 4B"], "unit 4b"],
    [["", "Suite 200"], "unit 200"],
    [["北京市朝阳区", "建国路88号"], "北京市朝阳区 建国路88号"],
    [[null, null], null],
    [["", null], null],
    [[], null],
    [["..."], null],
    [[", -"], null],
  ])("lines %j → %j", (lines, expected) => {
    expect(addressKey(...lines)).toBe(expected);
  });

  it("spellings of the same address meet on one key", () => {
    const key = addressKey("123 Main Street", "Unit 4B");
    for (const variant of [
      ["123 MAIN ST APT 4B"],
      ["123 main st. apt. 4b"],
      ["123 Main St", "#4B"],
      ["123 Main St, Apartment 4B"],
      ["123 Main St", "Suite 4B"],
      ["１２３ Ｍａｉｎ Ｓｔ ＃４Ｂ"],
    ]) {
      expect(addressKey(...variant), variant.join(" | ")).toBe(key);
    }
  });
});

const FORMAT = { field: "postal_code", rule: "postal_code.format", severity: "warning" };

describe("normalizePostalCode: valid codes are formatted per country", () => {
  it.each<[string | undefined, string, string]>([
    ["US", "12345", "12345"],
    ["US", "02114", "02114"],
    ["US", "2114", "02114"],
    ["US", "1234", "01234"],
    ["US", "00501", "00501"],
    ["US", "94110", "94110"],
    ["US", " 94110 ", "94110"],
    ["US", "123456789", "12345-6789"],
    ["US", "12345-6789", "12345-6789"],
    ["US", "12345 6789", "12345-6789"],
    ["US", "94110-1234", "94110-1234"],
    ["GB", "SW1A 1AA", "SW1A 1AA"],
    ["GB", "sw1a1aa", "SW1A 1AA"],
    ["GB", "sw1a 1aa", "SW1A 1AA"],
    ["GB", "SW1A1AA", "SW1A 1AA"],
    ["GB", "SW1A-1AA", "SW1A 1AA"],
    ["GB", " SW1A  1AA ", "SW1A 1AA"],
    ["GB", "EC1A 1BB", "EC1A 1BB"],
    ["GB", "W1A 0AX", "W1A 0AX"],
    ["GB", "M1 1AE", "M1 1AE"],
    ["GB", "m11ae", "M1 1AE"],
    ["GB", "B33 8TH", "B33 8TH"],
    ["GB", "CR2 6XH", "CR2 6XH"],
    ["GB", "DN55 1PT", "DN55 1PT"],
    ["CN", "100022", "100022"],
    ["CN", "200120", "200120"],
    ["CN", "518057", "518057"],
    ["CN", "100 022", "100022"],
    ["CN", "100-022", "100022"],
    ["CA", "K1A 0B1", "K1A 0B1"],
    ["CA", "k1a0b1", "K1A 0B1"],
    ["CA", "K1A0B1", "K1A 0B1"],
    ["CA", "k1a-0b1", "K1A 0B1"],
    ["CA", "M5V 3L9", "M5V 3L9"],
    ["CA", "H3Z 2Y7", "H3Z 2Y7"],
    ["CA", "K1A 0B1 ", "K1A 0B1"],
    ["AU", "2000", "2000"],
    ["AU", "0800", "0800"],
    ["AU", " 3000 ", "3000"],
    ["DE", "10115", "10115"],
    ["DE", "01067", "01067"],
    ["DE", "10 115", "10115"],
    ["FR", "75001", "75001"],
    ["FR", "97411", "97411"],
    ["FR", "75 001", "75001"],
    // a country without a format: upper case only
    [undefined, "1015 cj", "1015 CJ"],
    [undefined, "12345", "12345"],
    [undefined, "sw1a 1aa", "SW1A 1AA"],
    ["NL", "1015 cj", "1015 CJ"],
    ["JP", "100-0001", "100-0001"],
    ["IE", "d02 x285", "D02 X285"],
  ])("%s %j → %j", (country, input, expected) => {
    expect(normalizePostalCode(input, country)).toEqual({ value: expected });
  });

  it.each<[string, string, string]>([
    ["US", "１２３４５", "12345"],
    ["CN", "１０００２２", "100022"],
    ["GB", "ＳＷ１Ａ １ＡＡ", "SW1A 1AA"],
  ])("full-width digits are folded by normalizeText first: %s %j → %j", (country, input, expected) => {
    expect(normalizePostalCode(normalizeText(input), country)).toEqual({ value: expected });
  });
});

describe("normalizePostalCode: a code that does not fit its country keeps its value and gets a finding", () => {
  it.each<[string, string]>([
    ["US", "123"],
    ["US", "0"],
    ["US", "123456"],
    ["US", "12345678"],
    ["US", "1234-5678"],
    ["US", "12345-678"],
    ["US", "ABCDE"],
    ["US", "9411O"],
    ["US", "SW1A 1AA"],
    ["GB", "12345"],
    ["GB", "SW1A"],
    ["GB", "SW1A 1A"],
    ["GB", "SW1A 1AAA"],
    ["GB", "ABC 123"],
    ["CN", "10002"],
    ["CN", "1000222"],
    ["CN", "ABCDEF"],
    ["CA", "K1A 0B"],
    ["CA", "123456"],
    ["CA", "90210"],
    ["AU", "200"],
    ["AU", "20000"],
    ["DE", "1067"],
    ["DE", "101150"],
    ["FR", "7500"],
    ["FR", "750011"],
  ])("%s %j", (country, input) => {
    const result = normalizePostalCode(input, country);
    expect(result.value).toBe(input);
    expect(result.finding).toMatchObject(FORMAT);
    expect(result.finding?.message).toContain(JSON.stringify(input));
    expect(result.finding?.message).toContain(country);
  });
});

describe("normalizeConsent", () => {
  it.each([
    ["yes", "true"],
    ["Yes", "true"],
    ["YES", "true"],
    ["y", "true"],
    ["Y", "true"],
    ["true", "true"],
    ["TRUE", "true"],
    ["True", "true"],
    ["t", "true"],
    ["1", "true"],
    ["on", "true"],
    ["opt-in", "true"],
    ["Opt-In", "true"],
    ["optin", "true"],
    ["opted in", "true"],
    ["subscribed", "true"],
    ["Subscribed", "true"],
    ["x", "true"],
    ["✓", "true"],
    ["是", "true"],
    ["同意", "true"],
    ["接受", "true"],
    ["订阅", "true"],
    ["no", "false"],
    ["No", "false"],
    ["NO", "false"],
    ["n", "false"],
    ["N", "false"],
    ["false", "false"],
    ["FALSE", "false"],
    ["f", "false"],
    ["0", "false"],
    ["off", "false"],
    ["opt-out", "false"],
    ["optout", "false"],
    ["opted out", "false"],
    ["unsubscribed", "false"],
    ["否", "false"],
    ["不同意", "false"],
    ["拒绝", "false"],
    ["退订", "false"],
  ])("%j → %s", (input, expected) => {
    expect(normalizeConsent(input)).toEqual({ value: expected });
  });

  it.each([["maybe"], ["unknown"], ["2"], ["-1"], ["yes please"], ["N/A"], ["null"], ["☐"], [""]])("%j is kept and reported", (input) => {
    const result = normalizeConsent(input);
    expect(result.value).toBe(input);
    expect(result.finding).toMatchObject({ field: "marketing_consent", rule: "consent.unrecognized", severity: "info" });
    expect(result.finding?.message).toContain(JSON.stringify(input));
  });
});

describe("normalizeNationalId", () => {
  it.each([
    ["11010519491231002X", "11010519491231002X"],
    ["11010519491231002x", "11010519491231002X"],
    ["110105194912310021", "110105194912310021"],
    ["110105 19491231 002x", "11010519491231002X"],
    ["110105-19491231-002X", "11010519491231002X"],
    ["110105 1949 1231 002X", "11010519491231002X"],
    ["  110105194912310021 ", "110105194912310021"],
    ["44030419900101123x", "44030419900101123X"],
    // other ids are kept as written
    ["1101051949123100", "1101051949123100"],
    ["110105194912310021X", "110105194912310021X"],
    ["11010519491231002Y", "11010519491231002Y"],
    ["123-45-6789", "123-45-6789"],
    ["AB123456C", "AB123456C"],
    ["ab123456c", "ab123456c"],
    ["X1234567", "X1234567"],
    ["A-123 456", "A-123 456"],
    ["X", "X"],
  ])("%j → %j", (input, expected) => {
    expect(normalizeNationalId(input)).toBe(expected);
  });

  it("full-width resident ids are folded by normalizeText first", () => {
    expect(normalizeNationalId(normalizeText("１１０１０５１９４９１２３１００２ｘ"))).toBe("11010519491231002X");
  });
});

describe("properties: never throw; idempotent where asserted", () => {
  const ADDRESS_SAMPLES = ["123 MAIN ST APT 4B", "p.o. box 123", "朝阳区建国路８８号", "#12", "Münchener Str. 12", "42 W 42ND ST"];
  const text = fc.oneof(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme-ascii" }), fc.constantFrom(...ADDRESS_SAMPLES));

  // caseAddress and addressKey are only checked for never throwing: their idempotence fails
  // (caseAddress "ᾐ" → "ἨΙ" → "Ἠι"; addressKey "__proto__" → "[object Object]" → "[object object]").
  it("caseAddress never throws", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(typeof caseAddress(s)).toBe("string");
      }),
      { numRuns: 2000 },
    );
  });

  it("addressKey (one line) never throws", () => {
    fc.assert(
      fc.property(text, (s) => {
        const key = addressKey(s);
        expect(key === null || typeof key === "string").toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("normalizePostalCode", () => {
    const code = fc.oneof(
      fc.string({ unit: "grapheme" }),
      fc.stringMatching(/^[0-9A-Za-z -]{0,12}$/),
      fc.constantFrom("2114", "123456789", "sw1a1aa", "k1a0b1", "100 022"),
    );
    fc.assert(
      fc.property(code, fc.constantFrom<string | undefined>("US", "GB", "CN", "CA", undefined), (s, country) => {
        const once = normalizePostalCode(s, country).value;
        expect(normalizePostalCode(once, country).value).toBe(once);
      }),
      { numRuns: 3000 },
    );
  });

  it("normalizeConsent", () => {
    const consent = fc.oneof(fc.string({ unit: "grapheme" }), fc.constantFrom("yes", "NO", "是", "否", "opt-in", "maybe", "1", "0"));
    fc.assert(
      fc.property(consent, (s) => {
        const once = normalizeConsent(s).value;
        expect(normalizeConsent(once).value).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it("normalizeNationalId", () => {
    const id = fc.oneof(
      fc.string({ unit: "grapheme" }),
      fc.stringMatching(/^[0-9xX -]{0,24}$/),
      fc.constantFrom("110105 19491231 002x", "110105-19491231-002X", "AB123456C"),
    );
    fc.assert(
      fc.property(id, (s) => {
        const once = normalizeNationalId(s);
        expect(normalizeNationalId(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });
});
