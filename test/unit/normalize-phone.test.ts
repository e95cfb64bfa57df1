import fc from "fast-check";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { parsePhoneNumberFromString as parseWithFullMetadata } from "libphonenumber-js/max";
import { describe, expect, it } from "vitest";
import { normalizePhone, phoneFacts } from "../../src/stages/normalize/phone.js";
import { normalizeText } from "../../src/stages/normalize/text.js";

type Ok = [input: string, region: string | undefined, phone: string, extension: string | null];
type Bad = [input: string, region: string | undefined];

const parsed: Ok[] = [
  // China, mobile, in every prefix form
  ["13800138000", "CN", "+8613800138000", null],
  ["138 0013 8000", "CN", "+8613800138000", null],
  ["138-0013-8000", "CN", "+8613800138000", null],
  ["+86 138 0013 8000", "CN", "+8613800138000", null],
  ["+8613800138000", undefined, "+8613800138000", null],
  ["+86-138-0013-8000", "US", "+8613800138000", null],
  ["+86 138 0013 8000", "GB", "+8613800138000", null],
  ["0086 138 0013 8000", "CN", "+8613800138000", null],
  ["008613800138000", undefined, "+8613800138000", null],
  ["0086-138-0013-8000", "US", "+8613800138000", null],
  ["86 138 0013 8000", "CN", "+8613800138000", null],
  ["8613800138000", "CN", "+8613800138000", null],
  ["19912345678", "CN", "+8619912345678", null],
  ["17012345678", "CN", "+8617012345678", null],
  // China, landlines
  ["010-12345678", "CN", "+861012345678", null],
  ["(010) 1234 5678", "CN", "+861012345678", null],
  ["1012345678", "CN", "+861012345678", null],
  ["+86 10 1234 5678", "CN", "+861012345678", null],
  ["+86 (0)10 1234 5678", "CN", "+861012345678", null],
  ["0086 10 1234 5678", "CN", "+861012345678", null],
  ["86 10 1234 5678", "CN", "+861012345678", null],
  ["86-10-12345678", "CN", "+861012345678", null],
  ["021-6888 8888", "CN", "+862168888888", null],
  ["+86 21 6888 8888", undefined, "+862168888888", null],
  ["(020) 8888 6666", "CN", "+862088886666", null],
  ["0755-8888 8888", "CN", "+8675588888888", null],
  ["+86 755 8888 8888", undefined, "+8675588888888", null],
  ["0086 755 8888 8888", "CN", "+8675588888888", null],
  ["86 755 8888 8888", "CN", "+8675588888888", null],
  ["0571-8765 4321", "CN", "+8657187654321", null],
  ["86 571 8765 4321", "CN", "+8657187654321", null],
  // United States and Canada (+1)
  ["(415) 555-0132", "US", "+14155550132", null],
  ["415.555.0132", "US", "+14155550132", null],
  ["415-555-0132", "US", "+14155550132", null],
  ["4155550132", "US", "+14155550132", null],
  ["+1 415 555 0132", "US", "+14155550132", null],
  ["+1 (415) 555-0132", undefined, "+14155550132", null],
  ["1-415-555-0132", "US", "+14155550132", null],
  ["1 (415) 555-0132", "US", "+14155550132", null],
  ["+14155550132", "CN", "+14155550132", null],
  ["tel:+1-415-555-0132", undefined, "+14155550132", null],
  ["(212) 736-5000", "US", "+12127365000", null],
  ["212.736.5000", "US", "+12127365000", null],
  ["+1 212 736 5000", undefined, "+12127365000", null],
  ["001 212 736 5000", "CN", "+12127365000", null],
  ["011 1 212 736 5000", "US", "+12127365000", null],
  // Toll-free
  ["1-800-642-7676", "US", "+18006427676", null],
  ["1 800 642 7676", "US", "+18006427676", null],
  ["800-642-7676", "US", "+18006427676", null],
  ["1 (800) 555-0199", "US", "+18005550199", null],
  ["(888) 555-1212", "US", "+18885551212", null],
  ["+1 800 642 7676", undefined, "+18006427676", null],
  // Extensions kept apart, in several spellings
  ["(415) 555-0132 ext. 12", "US", "+14155550132", "12"],
  ["(415) 555-0132 ext 12", "US", "+14155550132", "12"],
  ["(415) 555-0132 EXT 12", "US", "+14155550132", "12"],
  ["415 555 0132 Ext.12", "US", "+14155550132", "12"],
  ["415-555-0132 x12", "US", "+14155550132", "12"],
  ["415-555-0132 x 12", "US", "+14155550132", "12"],
  ["415-555-0132 X 345", "US", "+14155550132", "345"],
  ["415-555-0132 #7", "US", "+14155550132", "7"],
  ["415-555-0132 extension 4021", "US", "+14155550132", "4021"],
  ["+1-800-642-7676 x 100", "US", "+18006427676", "100"],
  ["+1 650-253-0000 ext. 42", "CN", "+16502530000", "42"],
  ["+1 415 555 0132;ext=99", undefined, "+14155550132", "99"],
  ["+1 415 555 0132 ext. 1234567", undefined, "+14155550132", "1234567"],
  ["010-12345678转123", "CN", "+861012345678", "123"],
  ["13800138000 转8888", "CN", "+8613800138000", "8888"],
  ["+86 10 1234 5678 转 66", "CN", "+861012345678", "66"],
  ["010-12345678 分机 8001", "CN", "+861012345678", "8001"],
  ["+86 138 0013 8000 分机 12", "CN", "+8613800138000", "12"],
  ["13800138000#8", "CN", "+8613800138000", "8"],
  ["+86 10 1234 5678 ext 9", "US", "+861012345678", "9"],
  ["+44 20 7946 0958 ext 3", "GB", "+442079460958", "3"],
  // United Kingdom, Australia, Germany, with their regions or a + prefix
  ["020 7946 0958", "GB", "+442079460958", null],
  ["+44 (0)20 7946 0958", undefined, "+442079460958", null],
  ["07911 123456", "GB", "+447911123456", null],
  ["+44 7911 123456", undefined, "+447911123456", null],
  ["(02) 9374 4000", "AU", "+61293744000", null],
  ["02 9374 4000", "AU", "+61293744000", null],
  ["0412 345 678", "AU", "+61412345678", null],
  ["+61 412 345 678", undefined, "+61412345678", null],
  ["030 12345678", "DE", "+493012345678", null],
  ["030 123456", "DE", "+4930123456", null],
  ["+49 (0)30 12345678", "DE", "+493012345678", null],
  ["+49 30 12345678", undefined, "+493012345678", null],
  ["0151 23456789", "DE", "+4915123456789", null],
  ["089 1234567", "DE", "+49891234567", null],
  // A country prefix other than the region's wins
  ["+44 20 7946 0958", "CN", "+442079460958", null],
  ["0044 20 7946 0958", "CN", "+442079460958", null],
  ["+61 2 9374 4000", "US", "+61293744000", null],
  ["0061 412 345 678", "CN", "+61412345678", null],
  ["0049 151 23456789", "CN", "+4915123456789", null],
];

const fullWidth: Ok[] = [
  ["１３８００１３８０００", "CN", "+8613800138000", null],
  ["＋８６ １３８ ００１３ ８０００", "CN", "+8613800138000", null],
  ["００８６１３８００１３８０００", "CN", "+8613800138000", null],
  ["８６１３８００１３８０００", "CN", "+8613800138000", null],
  ["０１０－１２３４５６７８", "CN", "+861012345678", null],
  ["（０１０）１２３４５６７８", "CN", "+861012345678", null],
  ["１３８００１３８０００转１２３", "CN", "+8613800138000", "123"],
  ["（４１５）５５５－０１３２　ｅｘｔ．１２", "US", "+14155550132", "12"],
];

/** Raw full-width forms libphonenumber reads even without text normalization first. */
const fullWidthRaw: Ok[] = fullWidth.filter(([input]) =>
  [
    "１３８００１３８０００",
    "＋８６ １３８ ００１３ ８０００",
    "００８６１３８００１３８０００",
    "８６１３８００１３８０００",
    "０１０－１２３４５６７８",
  ].includes(input),
);

const unparseable: Bad[] = [
  ["", "US"],
  ["abc", "US"],
  ["call me", "US"],
  ["tel: unknown", "US"],
  ["hello world", "CN"],
  ["n/a", "CN"],
  ["abc ext. 12", "US"],
  ["12345", "US"],
  ["555-0132", "US"],
  ["123", "CN"],
  ["+86 1", "CN"],
  ["+86 12345", "CN"],
  ["00000000000", "CN"],
  ["+999 1234 5678", undefined],
  ["+1 555 555 5555", undefined],
  ["+1 415 555 0132 / 415 555 0199", "US"],
  ["138 0013 8000", "US"],
  ["13800138000", "GB"],
  ["8613800138000", "US"],
  ["4155550132", "ZZ"],
  // no region and no plus: nothing to anchor the number to
  ["13800138000", undefined],
  ["8613800138000", undefined],
  ["4155550132", undefined],
  ["(415) 555-0132", undefined],
  ["800 642 7676", undefined],
];

describe("normalizePhone: E.164", () => {
  it.each(parsed)("%j (region %s) → %s ext %s", (input, region, phone, extension) => {
    expect(normalizePhone(input, region)).toEqual({ phone, extension });
  });

  it.each(fullWidth)("full-width %j after normalizeText (region %s) → %s ext %s", (input, region, phone, extension) => {
    expect(normalizePhone(normalizeText(input), region)).toEqual({ phone, extension });
  });

  it.each(fullWidthRaw)("full-width %j passed as is (region %s) → %s", (input, region, phone, extension) => {
    expect(normalizePhone(input, region)).toEqual({ phone, extension });
  });
});

describe("normalizePhone: unparseable numbers keep their value and get a finding", () => {
  it.each(unparseable)("%j (region %s)", (input, region) => {
    const out = normalizePhone(input, region);
    expect(out.phone).toBe(input);
    expect(out.extension).toBeNull();
    expect(out.finding).toMatchObject({ field: "phone", rule: "phone.unparseable", severity: "warning" });
    expect(out.finding?.message).toContain(JSON.stringify(input));
  });
});

const REGIONS = ["CN", "US", undefined] as const;

const phoneFragment = fc.constantFrom(
  "+",
  "+86",
  "0086",
  "86",
  "+1",
  "1",
  "001",
  "011",
  "+44",
  "0",
  "138",
  "0013",
  "8000",
  "13800138000",
  "010",
  "(010)",
  "12345678",
  "(415)",
  "415",
  "555",
  "-",
  ".",
  " ",
  "0132",
  "736",
  "5000",
  "800",
  "642-7676",
  "20 7946 0958",
  " ext. ",
  " x",
  "#",
  "转",
  "分机",
  "１３８",
  "＋８６",
  "０",
  "tel:",
  "abc",
  "٨٦",
  "١٣٨",
);

const phoneInput = fc.oneof(
  fc.array(phoneFragment, { maxLength: 8 }).map((parts) => parts.join("")),
  fc.array(fc.oneof(phoneFragment, fc.string({ unit: "grapheme", maxLength: 4 })), { maxLength: 6 }).map((parts) => parts.join("")),
  fc.string({ unit: "grapheme" }),
  fc.stringMatching(/^\+?[0-9 ()-]{0,18}$/),
);

const region = fc.constantFrom(...REGIONS);

describe("normalizePhone: properties", () => {
  it("never throws, and is idempotent on its value", () => {
    fc.assert(
      fc.property(phoneInput, region, (input, r) => {
        const out = normalizePhone(input, r);
        expect(normalizePhone(out.phone, r).phone).toBe(out.phone);
      }),
      { numRuns: 3000 },
    );
  });

  // normalize feeds phones through normalizeText first (full-width digits are handled after it, per the spec).
  // Decimal digits NFKC does not fold (Arabic-Indic ١٣٨) are left out: the implementation drops them when it
  // builds its "+<digits>" candidates, which splices digits ("12345678١٣٨800", US → +12345678800); reported.
  it("never invents digits: the national number is a contiguous run of the input's digits", () => {
    fc.assert(
      fc.property(phoneInput, region, (raw, r) => {
        const input = normalizeText(raw);
        fc.pre(!/[^\P{Nd}0-9]/u.test(input));
        const out = normalizePhone(input, r);
        if (out.finding) {
          expect(out.phone).toBe(input);
          return;
        }
        const national = parsePhoneNumberFromString(out.phone)?.nationalNumber;
        expect(national).toBeDefined();
        expect(input.replace(/\D/g, "")).toContain(national);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("phoneFacts: what validate asks of a number, answered without parsing it twice", () => {
  // Mobile, fixed line, toll free, premium rate, shared cost, VoIP, and numbers that are not valid.
  const NUMBERS = [
    "+14155550132",
    "+8613800138000",
    "+861012345678",
    "+18005550199",
    "+19005550123",
    "+442079460000",
    "+447700900123",
    "+448081570000",
    "+449098790000",
    "+448431234567",
    "+445612345678",
    "+4915123456789",
    "+12125550000",
    "+861380013800",
    "+999123456789",
    "+10000000000",
  ];

  it.each(NUMBERS)("%s: valid and type as libphonenumber says, before and after normalize parsed it", (e164) => {
    const parsed = parseWithFullMetadata(e164);
    const expected = { valid: parsed?.isValid() ?? false, type: parsed?.getType() };
    expect(phoneFacts(e164)).toEqual(expected);
    normalizePhone(e164.replace(/^\+/, "00"), undefined); // normalize parses it its own way and remembers
    expect(phoneFacts(e164)).toEqual(expected);
  });

  it("numbers normalize wrote are answered from what it learnt", () => {
    const written = normalizePhone("(415) 555-0132 ext. 7", "US");
    expect(written.phone).toBe("+14155550132");
    expect(phoneFacts(written.phone)).toEqual({ valid: true, type: parseWithFullMetadata("+14155550132")?.getType() });
  });
});
