import fc from "fast-check";
import validator from "validator";
import { describe, expect, it } from "vitest";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import { emptyValues, type RecordValues } from "../../src/model/record.js";
import { chineseIdProvince, GB_T_2260_PROVINCES } from "../../src/stages/merge/china-regions.js";
import { completeGolden, joinName, splitFullName } from "../../src/stages/merge/completion.js";
import { countryOfPhone, countryOfPostalCode } from "../../src/stages/merge/country-evidence.js";
import { chooseGolden, DEFAULT_SURVIVORSHIP } from "../../src/stages/merge/survivorship.js";
import type { MergeRecord } from "../../src/stages/merge/types.js";
import { chineseIdCheckCharacter } from "../../src/stages/validate/chinese-id.js";

function record(id: number, values: Partial<RecordValues>, errors: string[] = []): MergeRecord {
  return { id, source: "crm", batchImportedAt: "2024-01-01T00:00:00.000Z", values: { ...emptyValues(), ...values }, errorFields: errors };
}

/** Survivorship then completion, as planMerge runs them. */
function complete(...records: MergeRecord[]) {
  return completeGolden(chooseGolden(records, DEFAULT_SURVIVORSHIP), records);
}

/** A resident id with a correct check character. */
function residentId(first17: string): string {
  return first17 + chineseIdCheckCharacter(first17);
}

describe("completion: country", () => {
  it("derives CN from a +86 phone when there is no address to contradict it", () => {
    const golden = complete(record(7, { phone: "+8613800138000", full_name: "王芳" }));
    expect(golden.values.country).toBe("CN");
    expect(golden.provenance.country).toEqual({ record: 7, rule: "phone_country", derived: true });
  });

  it("leaves calling codes shared by several countries alone (+1, +7, +44)", () => {
    for (const phone of ["+12125550123", "+14165550123", "+74951234567", "+447700900123"]) {
      expect(complete(record(1, { phone })).values.country).toBeNull();
    }
    expect(countryOfPhone("+12125550123")).toBeUndefined();
    expect(countryOfPhone("+4915123456789")).toBe("DE");
    expect(countryOfPhone("+85291234567")).toBe("HK");
    expect(countryOfPhone("+33612345678")).toBe("FR");
    expect(countryOfPhone("0086 138")).toBeUndefined();
  });

  it("does not use a phone that has an error finding", () => {
    expect(complete(record(1, { phone: "+8612345" }, ["phone"])).values.country).toBeNull();
  });

  it("accepts the phone's country beside a postal code only when the code is valid there", () => {
    expect(complete(record(1, { phone: "+8613800138000", postal_code: "200001", city: "Shanghai" })).values.country).toBe("CN");
    // A US ZIP beside a Chinese mobile: the customer may live in the US and keep the number.
    expect(complete(record(1, { phone: "+8613800138000", postal_code: "62701", city: "Springfield" })).values.country).toBeNull();
  });

  it("accepts the phone's country beside a Han-script address, not beside a Latin-script one without postal code", () => {
    expect(complete(record(1, { phone: "+8613800138000", address_line1: "浦东新区世纪大道100号", city: "上海" })).values.country).toBe(
      "CN",
    );
    expect(complete(record(1, { phone: "+8613800138000", address_line1: "12 Beacon St", city: "Boston" })).values.country).toBeNull();
  });

  it("derives the country from a postal code format only one country uses", () => {
    const cases: [string, string | undefined][] = [
      ["K1A 0B1", "CA"],
      ["SW1A 1AA", "GB"],
      ["EC1A1BB", "GB"],
      ["1012 AB", "NL"],
      ["100-0001", "JP"],
      ["01310-100", "BR"],
      ["00-950", "PL"],
      ["1000-001", "PT"],
      ["JE2 3AB", undefined], // Jersey writes British-style codes
      ["GY1 1AA", undefined],
      ["10115", undefined], // five digits: Germany, France, the US, Mexico, …
      ["200001", undefined],
      ["2000", undefined],
      ["1000001", undefined], // Japan's code without its hyphen is just seven digits
    ];
    for (const [code, country] of cases) expect([code, countryOfPostalCode(code)]).toEqual([code, country]);
    const golden = complete(record(3, { address_line1: "24 Sussex Drive", city: "Ottawa", postal_code: "K1M 1M4" }));
    expect(golden.values.country).toBe("CA");
    expect(golden.provenance.country).toEqual({ record: 3, rule: "postal_code_country", derived: true });
  });

  it("every format roster reads as one country's is accepted by that country alone among validator's formats", () => {
    const examples = ["K1A 0B1", "SW1A 1AA", "1012 AB", "100-0001", "01310-100", "00-950", "1000-001"];
    for (const code of examples) {
      const accepting = validator.isPostalCodeLocales.filter((locale) => validator.isPostalCode(code, locale));
      expect(accepting).toEqual([countryOfPostalCode(code)]);
    }
  });

  it("derives nothing when postal code and phone point to different countries", () => {
    expect(complete(record(1, { phone: "+8613800138000", postal_code: "K1A 0B1" })).values.country).toBeNull();
  });

  it("never overwrites a stated country", () => {
    const golden = complete(record(1, { phone: "+8613800138000", country: "SG", postal_code: "K1A 0B1" }));
    expect(golden.values.country).toBe("SG");
    expect(golden.provenance.country).toEqual({ record: 1, rule: "only_value" });
  });
});

describe("completion: Chinese resident ids", () => {
  const guangdong = residentId("44030519900307123"); // Shenzhen, born 1990-03-07

  it("derives the birth date and the province of issue", () => {
    const golden = complete(record(5, { full_name: "李娜", national_id: guangdong }));
    expect(golden.values.birth_date).toBe("1990-03-07");
    expect(golden.provenance.birth_date).toEqual({ record: 5, rule: "national_id_birth_date", derived: true });
    expect(golden.values.region).toBe("广东省");
    expect(golden.provenance.region).toEqual({ record: 5, rule: "national_id_region", derived: true });
  });

  it("never overwrites a stated birth date, even one the id contradicts", () => {
    const golden = complete(record(1, { national_id: guangdong, birth_date: "1990-07-03" }));
    expect(golden.values.birth_date).toBe("1990-07-03");
    expect(golden.provenance.birth_date?.derived).toBeUndefined();
  });

  it("uses no id with a wrong check character, a first-generation id, or one with an error finding", () => {
    const wrongCheck = guangdong.slice(0, 17) + (guangdong[17] === "0" ? "1" : "0");
    for (const id of [wrongCheck, "440305900307123"]) {
      const golden = complete(record(1, { national_id: id }));
      expect(golden.values.birth_date).toBeNull();
      expect(golden.values.region).toBeNull();
    }
    expect(complete(record(1, { national_id: guangdong }, ["national_id"])).values.birth_date).toBeNull();
  });

  it("puts the province of issue in the region only when the golden record has no address beyond the country CN", () => {
    expect(complete(record(1, { national_id: guangdong, city: "杭州" })).values.region).toBeNull();
    expect(complete(record(1, { national_id: guangdong, country: "US" })).values.region).toBeNull();
    expect(complete(record(1, { national_id: guangdong, country: "CN" })).values.region).toBe("广东省");
    // The country derived from a +86 phone comes first and allows it.
    expect(complete(record(1, { national_id: guangdong, phone: "+8613800138000" })).values).toMatchObject({
      country: "CN",
      region: "广东省",
    });
    // Hong Kong residence permits (81…) name no mainland province.
    const hongKong = complete(record(1, { national_id: residentId("81000019850101123") }));
    expect(hongKong.values.birth_date).toBe("1985-01-01");
    expect(hongKong.values.region).toBeNull();
  });

  it("knows the 34 province-level codes of GB/T 2260", () => {
    expect(Object.keys(GB_T_2260_PROVINCES)).toHaveLength(34);
    expect(chineseIdProvince("110101199003071234")).toBe("北京市");
    expect(chineseIdProvince("310115199003071234")).toBe("上海市");
    expect(chineseIdProvince("650102199003071234")).toBe("新疆维吾尔自治区");
    expect(chineseIdProvince("990102199003071234")).toBeUndefined();
    expect(chineseIdProvince("toString")).toBeUndefined();
  });
});

describe("completion: names", () => {
  it("splits Latin full names in both orders", () => {
    expect(splitFullName("Ada Lovelace")).toEqual({ given: "Ada", family: "Lovelace" });
    expect(splitFullName("Lovelace, Ada")).toEqual({ given: "Ada", family: "Lovelace" });
    expect(splitFullName("Mary Ann Evans")).toEqual({ given: "Mary Ann", family: "Evans" });
    expect(splitFullName("Ludwig van Beethoven")).toEqual({ given: "Ludwig", family: "van Beethoven" });
  });

  it("splits Chinese names of 2-4 characters, compound surnames included", () => {
    expect(splitFullName("张伟")).toEqual({ given: "伟", family: "张" });
    expect(splitFullName("王小明")).toEqual({ given: "小明", family: "王" });
    expect(splitFullName("欧阳娜娜")).toEqual({ given: "娜娜", family: "欧阳" });
    expect(splitFullName("司马相如")).toEqual({ given: "相如", family: "司马" });
    expect(splitFullName("诸葛亮")).toEqual({ given: "亮", family: "诸葛" });
  });

  it("leaves names whose form does not say which part is which", () => {
    for (const name of ["Cher", "张", "爱新觉罗溥仪", "Zhang Wei 张伟", "Иван Петров", "R2-D2", "  "]) {
      expect([name, splitFullName(name)]).toEqual([name, undefined]);
    }
  });

  it("fills given and family name from the full name, marked as derived", () => {
    const golden = complete(record(4, { full_name: "欧阳娜娜" }));
    expect(golden.values).toMatchObject({ given_name: "娜娜", family_name: "欧阳" });
    expect(golden.provenance.given_name).toEqual({ record: 4, rule: "full_name_split", derived: true });
    expect(golden.provenance.family_name).toEqual({ record: 4, rule: "full_name_split", derived: true });
  });

  it("fills the missing part only when the stated part is what the full name says", () => {
    const agrees = complete(record(1, { full_name: "Grace Hopper", family_name: "hopper" }));
    expect(agrees.values).toMatchObject({ given_name: "Grace", family_name: "hopper" });
    expect(agrees.provenance.family_name?.derived).toBeUndefined();
    const disagrees = complete(record(1, { full_name: "Grace Hopper", family_name: "Murray" }));
    expect(disagrees.values.given_name).toBeNull();
  });

  it("writes the full name from the parts: Chinese family first without space, Latin given first", () => {
    expect(joinName("伟", "张")).toBe("张伟");
    expect(joinName("Ada", "Lovelace")).toBe("Ada Lovelace");
    expect(joinName("Wei", "张")).toBeUndefined();
    expect(complete(record(2, { given_name: "娜娜", family_name: "欧阳" })).values.full_name).toBe("欧阳娜娜");
    // Parts of two records are two names (the name is chosen from one record): nothing is joined across them.
    const apart = complete(record(2, { given_name: "娜娜" }), record(3, { family_name: "欧阳" }));
    expect(apart.values).toMatchObject({ given_name: "娜娜", family_name: null, full_name: null });
    expect(complete(record(2, { given_name: "Ada", family_name: "Lovelace" })).provenance.full_name).toEqual({
      record: 2,
      rule: "name_join",
      derived: true,
    });
  });

  it("derives nothing from one part alone", () => {
    const golden = complete(record(1, { given_name: "Ada" }));
    expect(golden.values.full_name).toBeNull();
    expect(golden.values.family_name).toBeNull();
  });
});

describe("completion properties", () => {
  const text = fc.oneof(
    fc.constantFrom(
      "Ada Lovelace",
      "欧阳娜娜",
      "+8613800138000",
      "+12125550123",
      "K1A 0B1",
      "200001",
      "CN",
      "上海",
      residentId("31011519881122001"),
    ),
    fc.string({ maxLength: 10 }),
  );
  const values = fc.record(
    Object.fromEntries(CANONICAL_FIELDS.map((field) => [field, fc.option(text, { nil: null })])) as {
      [K in keyof RecordValues]: fc.Arbitrary<string | null>;
    },
  );
  const records = fc.uniqueArray(
    fc.record({
      id: fc.integer({ min: 1, max: 1000 }),
      source: fc.constant("crm"),
      batchImportedAt: fc.constant("2024-01-01T00:00:00.000Z"),
      values,
      errorFields: fc.subarray(["phone", "national_id", "postal_code"]),
    }),
    { minLength: 1, maxLength: 4, selector: (r) => r.id },
  );

  it("never overwrites a value, marks every filled field derived, and leaves its input alone", () => {
    fc.assert(
      fc.property(records, (cluster) => {
        const golden = chooseGolden(cluster, DEFAULT_SURVIVORSHIP);
        const before = structuredClone(golden);
        const completed = completeGolden(golden, cluster);
        expect(golden).toEqual(before);
        for (const field of CANONICAL_FIELDS) {
          if (golden.values[field] !== null) {
            expect(completed.values[field]).toBe(golden.values[field]);
            expect(completed.provenance[field]).toEqual(golden.provenance[field]);
          } else if (completed.values[field] !== null) {
            expect(completed.provenance[field]?.derived).toBe(true);
          }
        }
      }),
    );
  });
});
