import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import { emptyValues, type RecordValues } from "../../src/model/record.js";
import { comparisonKey, informativeLength, timeOf } from "../../src/stages/merge/compare.js";
import {
  ADDRESS_FIELDS,
  type AddressField,
  checkSurvivorshipRules,
  chooseGolden,
  DEFAULT_SURVIVORSHIP,
  NAME_FIELDS,
  type NameField,
  SURVIVORSHIP_RULES,
  type SurvivorshipRule,
  type SurvivorshipSettings,
  survivorshipSettings,
} from "../../src/stages/merge/survivorship.js";
import type { MergeRecord } from "../../src/stages/merge/types.js";

interface Options {
  source?: string;
  importedAt?: string;
  errors?: string[];
}

function record(
  id: number,
  values: Partial<RecordValues>,
  { source = "crm", importedAt = "2024-01-01T00:00:00.000Z", errors = [] }: Options = {},
) {
  return { id, source, batchImportedAt: importedAt, values: { ...emptyValues(), ...values }, errorFields: errors } satisfies MergeRecord;
}

/** The defaults with one field's rules replaced. */
function withRules(field: keyof SurvivorshipSettings["rules"], rules: SurvivorshipSettings["rules"][typeof field], sources: string[] = []) {
  return survivorshipSettings({ rules: { [field]: rules }, sources });
}

describe("survivorship: blanks and recency", () => {
  it("never chooses a blank over a value, even from the newest record", () => {
    const golden = chooseGolden(
      [
        record(1, { email: "ada@example.com", updated_at: "2021-03-01T10:00:00Z" }),
        record(2, { email: null, phone: "+447700900123", updated_at: "2024-06-01T10:00:00Z" }),
        record(3, { email: "   ", updated_at: "2024-07-01T10:00:00Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.email).toBe("ada@example.com");
    expect(golden.provenance.email).toEqual({ record: 1, rule: "only_value" });
    expect(golden.values.phone).toBe("+447700900123");
    expect(golden.values.company).toBeNull();
    expect(golden.provenance.company).toBeUndefined();
  });

  it("most_recent takes the newest updated_at, and the batch's import time for a record without one", () => {
    const records = [
      record(1, { phone: "+8613800138000", updated_at: "2023-05-01T08:00:00Z" }),
      record(2, { phone: "+8613900139000" }, { importedAt: "2024-02-01T00:00:00.000Z" }),
      record(3, { phone: "+8613700137000", updated_at: "2022-01-01" }),
    ];
    const golden = chooseGolden(records, DEFAULT_SURVIVORSHIP);
    expect(golden.values.phone).toBe("+8613900139000");
    expect(golden.provenance.phone).toEqual({ record: 2, rule: "most_recent" });
  });

  it("most_recent reads an unreadable updated_at as absent and falls back to the batch time", () => {
    const golden = chooseGolden(
      [
        record(1, { email: "old@example.com", updated_at: "last tuesday" }, { importedAt: "2024-03-01T00:00:00.000Z" }),
        record(2, { email: "new@example.com", updated_at: "2023-12-31T23:59:59Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.email).toBe("old@example.com");
  });

  it("most_recent compares instants across time zones", () => {
    // 09:30 in Shanghai is 01:30 UTC: earlier than 02:00 UTC.
    const golden = chooseGolden(
      [
        record(1, { email: "shanghai@example.cn", updated_at: "2024-05-01T09:30:00+08:00" }),
        record(2, { email: "london@example.co.uk", updated_at: "2024-05-01T02:00:00Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.email).toBe("london@example.co.uk");
  });

  it("breaks a tie on every rule by the smallest record id, and says so", () => {
    const same = { updated_at: "2024-01-01T00:00:00Z" };
    const golden = chooseGolden(
      [record(9, { ...same, email: "b@example.com" }), record(4, { ...same, email: "a@example.com" })],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.email).toBe("a@example.com");
    expect(golden.provenance.email).toEqual({ record: 4, rule: "lowest_record_id" });
  });

  it("names all_agree when every record says the same, and credits the record the rules prefer", () => {
    const golden = chooseGolden(
      [
        record(1, { company: "Acme Ltd", updated_at: "2022-01-01T00:00:00Z" }),
        record(2, { company: "Acme Ltd", updated_at: "2024-01-01T00:00:00Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.provenance.company).toEqual({ record: 2, rule: "all_agree" });
  });
});

describe("survivorship: each rule", () => {
  it("most_complete prefers the value with more letters and digits, punctuation counting for nothing", () => {
    const settings = withRules("name", ["most_complete", "most_recent"]);
    const golden = chooseGolden(
      [
        record(1, { given_name: "Rob", updated_at: "2024-01-01T00:00:00Z" }),
        record(2, { given_name: "Robert", updated_at: "2020-01-01T00:00:00Z" }),
        record(3, { given_name: "R. -- .", updated_at: "2025-01-01T00:00:00Z" }),
      ],
      settings,
    );
    expect(golden.values.given_name).toBe("Robert");
    expect(golden.provenance.given_name).toEqual({ record: 2, rule: "most_complete" });
  });

  it("most_frequent counts values by their normalized form and lets the next rule pick the writing", () => {
    const golden = chooseGolden(
      [
        record(1, { family_name: "Smyth", updated_at: "2025-01-01T00:00:00Z" }),
        record(2, { family_name: "SMITH", updated_at: "2022-01-01T00:00:00Z" }),
        record(3, { family_name: "Smith", updated_at: "2023-01-01T00:00:00Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.family_name).toBe("Smith");
    expect(golden.provenance.family_name).toEqual({ record: 3, rule: "most_frequent" });
  });

  it("most_frequent treats traditional and simplified Chinese as one value", () => {
    const golden = chooseGolden(
      [
        record(1, { full_name: "張偉", updated_at: "2021-01-01T00:00:00Z" }),
        record(2, { full_name: "张伟", updated_at: "2022-01-01T00:00:00Z" }),
        record(3, { full_name: "章伟", updated_at: "2024-01-01T00:00:00Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.full_name).toBe("张伟");
    expect(golden.provenance.full_name?.rule).toBe("most_frequent");
  });

  it("a tie under most_frequent goes to the next rule, which is named as the decider", () => {
    const golden = chooseGolden(
      [
        record(1, { given_name: "William", updated_at: "2021-01-01T00:00:00Z" }),
        record(2, { given_name: "Bill", updated_at: "2024-01-01T00:00:00Z" }),
        record(3, { given_name: "william", updated_at: "2019-01-01T00:00:00Z" }),
        record(4, { given_name: "Bill", updated_at: "2018-01-01T00:00:00Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.given_name).toBe("Bill");
    expect(golden.provenance.given_name).toEqual({ record: 2, rule: "most_recent" });
  });

  it("source_priority follows the source list, unlisted sources after every listed one", () => {
    const settings = withRules("email", ["source_priority", "most_recent"], ["crm", "shop"]);
    const records = [
      record(1, { email: "shop@example.com", updated_at: "2024-01-01T00:00:00Z" }, { source: "shop" }),
      record(2, { email: "crm@example.com", updated_at: "2020-01-01T00:00:00Z" }, { source: "crm" }),
      record(3, { email: "support@example.com", updated_at: "2025-01-01T00:00:00Z" }, { source: "support" }),
    ];
    expect(chooseGolden(records, settings).provenance.email).toEqual({ record: 2, rule: "source_priority" });
    // Without the crm record, the listed shop still beats the newer unlisted support.
    expect(chooseGolden([records[0]!, records[2]!], settings).values.email).toBe("shop@example.com");
    // Two unlisted sources tie, and the next rule decides.
    const unlisted = [records[2]!, record(4, { email: "web@example.com", updated_at: "2019-01-01T00:00:00Z" }, { source: "web" })];
    expect(chooseGolden(unlisted, settings).provenance.email).toEqual({ record: 3, rule: "most_recent" });
  });

  it("valid_over_invalid lets a value with an error finding lose to an older valid one", () => {
    const golden = chooseGolden(
      [
        record(1, { email: "li.na@example.cn", updated_at: "2020-01-01T00:00:00Z" }),
        record(2, { email: "li.na@example", updated_at: "2024-01-01T00:00:00Z" }, { errors: ["email"] }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.email).toBe("li.na@example.cn");
    expect(golden.provenance.email).toEqual({ record: 1, rule: "valid_over_invalid" });
  });

  it("valid_over_invalid still keeps an invalid value when it is the only one (never a blank over a value)", () => {
    const golden = chooseGolden(
      [record(1, { phone: "12345" }, { errors: ["phone"] }), record(2, { email: "x@example.com" }, { errors: ["email"] })],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.phone).toBe("12345");
    expect(golden.values.email).toBe("x@example.com");
  });

  it("an error on another field does not count against a value", () => {
    const golden = chooseGolden(
      [
        record(1, { email: "old@example.com", updated_at: "2020-01-01T00:00:00Z" }),
        record(2, { email: "new@example.com", updated_at: "2024-01-01T00:00:00Z" }, { errors: ["phone"] }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.email).toBe("new@example.com");
  });

  it("created_at keeps the earliest and updated_at the latest, an unreadable date losing to readable ones", () => {
    const golden = chooseGolden(
      [
        record(1, { created_at: "2019-04-02T09:00:00Z", updated_at: "2023-01-01T00:00:00Z" }),
        record(2, { created_at: "2017-11-20T16:45:00Z", updated_at: "2024-08-15T12:00:00Z" }),
        record(3, { created_at: "sometime in 2015", updated_at: "2024-99-99" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.created_at).toBe("2017-11-20T16:45:00Z");
    expect(golden.provenance.created_at).toEqual({ record: 2, rule: "earliest" });
    expect(golden.values.updated_at).toBe("2024-08-15T12:00:00Z");
    expect(golden.provenance.updated_at).toEqual({ record: 2, rule: "latest" });
  });

  it("a birth date most records agree on beats a newer typo, and an invalid one loses first", () => {
    const golden = chooseGolden(
      [
        record(1, { birth_date: "1985-04-12", updated_at: "2020-01-01T00:00:00Z" }),
        record(2, { birth_date: "1985-04-12", updated_at: "2021-01-01T00:00:00Z" }),
        record(3, { birth_date: "1985-12-04", updated_at: "2024-01-01T00:00:00Z" }),
        record(4, { birth_date: "1985-02-30", updated_at: "2025-01-01T00:00:00Z" }, { errors: ["birth_date"] }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.birth_date).toBe("1985-04-12");
    expect(golden.provenance.birth_date).toEqual({ record: 2, rule: "most_frequent" });
  });

  it("a consent withdrawn in the newest record wins over older consents, however many", () => {
    const golden = chooseGolden(
      [
        record(1, { marketing_consent: "true", updated_at: "2021-01-01T00:00:00Z" }),
        record(2, { marketing_consent: "true", updated_at: "2022-01-01T00:00:00Z" }),
        record(3, { marketing_consent: "true", updated_at: "2023-01-01T00:00:00Z" }),
        record(4, { marketing_consent: "false", updated_at: "2024-06-30T18:00:00Z" }),
        record(5, { marketing_consent: null, updated_at: "2025-01-01T00:00:00Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.marketing_consent).toBe("false");
    expect(golden.provenance.marketing_consent).toEqual({ record: 4, rule: "most_recent" });
  });
});

describe("survivorship: the address group", () => {
  const boston = {
    address_line1: "12 Beacon Street",
    city: "Boston",
    region: "MA",
    postal_code: "02108",
    country: "US",
  };

  it("takes every address field from one record: never a street of one and the postal code of another", () => {
    const golden = chooseGolden(
      [
        record(1, { ...boston, updated_at: "2020-01-01T00:00:00Z" }),
        // Moved: the newest record has a new street and city but no postal code or region.
        record(2, { address_line1: "88 Harbour Road", city: "Halifax", country: "CA", updated_at: "2024-01-01T00:00:00Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values).toMatchObject({
      address_line1: "88 Harbour Road",
      city: "Halifax",
      country: "CA",
      postal_code: null,
      region: null,
    });
    expect(golden.provenance.address_line1).toEqual({ record: 2, rule: "most_recent" });
    expect(golden.provenance.postal_code).toBeUndefined();
  });

  it("fills the winner's blanks from a record with the same street, however abbreviated", () => {
    const golden = chooseGolden(
      [
        record(1, { ...boston, address_line1: "12 Beacon St", updated_at: "2020-01-01T00:00:00Z" }),
        record(2, { address_line1: "12 Beacon Street", address_line2: "Apt 4B", city: "Boston", updated_at: "2024-01-01T00:00:00Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values).toMatchObject({
      address_line1: "12 Beacon Street",
      address_line2: "Apt 4B",
      city: "Boston",
      region: "MA",
      postal_code: "02108",
      country: "US",
    });
    expect(golden.provenance.address_line1).toEqual({ record: 2, rule: "most_recent" });
    expect(golden.provenance.postal_code).toEqual({ record: 1, rule: "same_address" });
    expect(golden.provenance.region).toEqual({ record: 1, rule: "same_address" });
  });

  it("fills nothing from a record that contradicts the winner, and no street under a winner that only knows the city", () => {
    const golden = chooseGolden(
      [
        record(1, { address_line1: "1 Nanjing East Road", city: "上海", postal_code: "200001", updated_at: "2020-01-01T00:00:00Z" }),
        record(2, { address_line1: "5 Huaihai Road", city: "上海", region: "上海市", updated_at: "2021-01-01T00:00:00Z" }),
        record(3, { city: "上海", country: "CN", updated_at: "2024-01-01T00:00:00Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    // Record 3 (newest) wins with a city only; the region of record 2 (same city) is filled; the two streets
    // differ, so neither is; the one postal code, which no record contradicts, is.
    expect(golden.values).toMatchObject({ city: "上海", country: "CN", region: "上海市", address_line1: null, postal_code: "200001" });
    expect(golden.provenance.region).toEqual({ record: 2, rule: "same_address" });
    expect(golden.provenance.postal_code).toEqual({ record: 1, rule: "same_address" });
  });

  it("a winner that names the city gets the postal code its same-address records agree on, not a street they write apart", () => {
    // The demo's 张伟: the newest record says Beijing only; the others write one street three ways, all 100022.
    const golden = chooseGolden(
      [
        record(1, {
          address_line1: "88 Jianguo Rd, Chaoyang District",
          city: "Beijing",
          region: "Beijing",
          postal_code: "100022",
          country: "CN",
        }),
        record(2, { address_line1: "88 Jianguo Road", city: "Beijing", postal_code: "100022", country: "CN" }),
        record(3, { address_line1: "建国路88号", city: "Beijing", postal_code: "100022", country: "CN" }),
        record(4, { city: "Beijing", country: "CN", updated_at: "2024-05-01T00:00:00Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values).toMatchObject({ city: "Beijing", region: "Beijing", postal_code: "100022", country: "CN", address_line1: null });
    expect(golden.provenance.city).toEqual({ record: 4, rule: "most_recent" });
    expect(golden.provenance.region).toEqual({ record: 1, rule: "same_address" });
    expect(golden.provenance.postal_code).toEqual({ record: 1, rule: "same_address" });
  });

  it("a finer part is left blank when the same-address records disagree on it, and nothing finer goes under a region alone", () => {
    const disagree = chooseGolden(
      [
        record(1, { city: "Boston", postal_code: "02108" }),
        record(2, { city: "Boston", postal_code: "02116" }),
        record(3, { city: "Boston", region: "MA", updated_at: "2024-05-01T00:00:00Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(disagree.values).toMatchObject({ city: "Boston", region: "MA", postal_code: null });
    const regionOnly = chooseGolden(
      [record(1, { ...boston }), record(2, { region: "MA", country: "US", updated_at: "2024-05-01T00:00:00Z" })],
      DEFAULT_SURVIVORSHIP,
    );
    expect(regionOnly.values).toMatchObject({ region: "MA", country: "US", city: null, postal_code: null, address_line1: null });
  });

  it("the apartment comes only with its own street line", () => {
    const golden = chooseGolden(
      [
        record(1, { address_line1: "12 Beacon Street", address_line2: "Apt 4B", city: "Boston", postal_code: "02108" }),
        record(2, { address_line2: "Suite 9", city: "Boston", postal_code: "02108" }),
        record(3, { city: "Boston", updated_at: "2024-05-01T00:00:00Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    // One street line among the donors: it is filled, with its own apartment; record 2's suite has no street.
    expect(golden.values).toMatchObject({ address_line1: "12 Beacon Street", address_line2: "Apt 4B", postal_code: "02108" });
    expect(golden.provenance.address_line2).toEqual({ record: 1, rule: "same_address" });
  });

  it("does not fill from two donors that disagree with each other", () => {
    const golden = chooseGolden(
      [
        record(1, { address_line1: "12 Beacon St", updated_at: "2024-01-01T00:00:00Z" }),
        record(2, { address_line1: "12 Beacon Street", city: "Boston", updated_at: "2023-01-01T00:00:00Z" }),
        record(3, { address_line1: "12 Beacon Street", city: "Chelsea", postal_code: "02150", updated_at: "2022-01-01T00:00:00Z" }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.city).toBe("Boston");
    expect(golden.values.postal_code).toBeNull();
  });

  it("most_complete for the address counts filled parts first", () => {
    const settings = withRules("address", ["most_complete", "most_recent"]);
    const golden = chooseGolden(
      [
        record(1, { address_line1: "Flat 3, 221B Baker Street, Marylebone", updated_at: "2024-01-01T00:00:00Z" }),
        record(2, { address_line1: "221B Baker St", city: "London", postal_code: "NW1 6XE", updated_at: "2020-01-01T00:00:00Z" }),
      ],
      settings,
    );
    expect(golden.values).toMatchObject({ address_line1: "221B Baker St", postal_code: "NW1 6XE" });
    expect(golden.provenance.address_line1).toEqual({ record: 2, rule: "most_complete" });
  });

  it("valid_over_invalid for the address counts errors on any of its parts", () => {
    const golden = chooseGolden(
      [
        record(1, { ...boston, updated_at: "2020-01-01T00:00:00Z" }),
        record(2, { address_line1: "1 Main St", country: "Atlantis", updated_at: "2024-01-01T00:00:00Z" }, { errors: ["country"] }),
      ],
      DEFAULT_SURVIVORSHIP,
    );
    expect(golden.values.address_line1).toBe("12 Beacon Street");
    expect(golden.provenance.country).toEqual({ record: 1, rule: "valid_over_invalid" });
  });
});

describe("how survivorship compares values", () => {
  it("reads ISO dates and timestamps as instants, a time without zone as UTC, and nothing else", () => {
    for (const text of [
      "2024-05-01T10:00:00Z",
      "2024-05-01T10:00:00.123Z",
      "2024-05-01T18:00:00+08:00",
      "1999-12-31T23:59:59-0530",
      "2024-02-29",
    ]) {
      expect(Number.isFinite(timeOf(text))).toBe(true);
      expect([text, timeOf(text)]).toEqual([text, Date.parse(/T|Z$/.test(text) ? text : `${text}T00:00:00Z`)]);
    }
    expect(timeOf("2024-05-01T10:00:00")).toBe(Date.parse("2024-05-01T10:00:00Z"));
    expect(timeOf("2024-05-01 10:00")).toBe(Date.parse("2024-05-01T10:00:00Z"));
    for (const text of ["2023-02-29", "2024-04-31", "2024-13-01", "2024-05-01T24:00:00Z", "2024-05-0x", "05/01/2024", "", "yesterday"]) {
      expect([text, timeOf(text)]).toEqual([text, Number.NaN]);
    }
  });

  it("counts letters and digits as what a value says, in any script", () => {
    expect(informativeLength("J. -- Smith")).toBe(6);
    expect(informativeLength("欧阳娜娜")).toBe(4);
    expect(informativeLength("𠮷野")).toBe(2); // a character outside the BMP counts once
    expect(informativeLength(" .,-")).toBe(0);
  });

  it("compares writings of one value by their normalized form", () => {
    expect(comparisonKey("address_line1", "12 Beacon St.")).toBe(comparisonKey("address_line1", "12 beacon street"));
    expect(comparisonKey("full_name", "José  Núñez")).toBe(comparisonKey("full_name", "jose nunez"));
    expect(comparisonKey("full_name", "張偉")).toBe(comparisonKey("full_name", "张伟"));
    expect(comparisonKey("email", "Ada@Example.com")).toBe("ada@example.com");
    expect(comparisonKey("postal_code", "sw1a 1aa")).toBe("SW1A1AA");
    expect(comparisonKey("full_name", "Ann Lee")).not.toBe(comparisonKey("full_name", "Anne Lee"));
  });
});

describe("survivorship settings", () => {
  it("lays the user's rule lists and sources over the defaults", () => {
    const settings = survivorshipSettings({ rules: { email: ["source_priority"] }, sources: ["crm"] });
    expect(settings.rules.email).toEqual(["source_priority"]);
    expect(settings.rules.phone).toEqual(DEFAULT_SURVIVORSHIP.rules.phone);
    expect(settings.sources).toEqual(["crm"]);
  });

  it("every default rule list is valid, and every field has one", () => {
    expect(checkSurvivorshipRules(DEFAULT_SURVIVORSHIP.rules)).toEqual([]);
    expect(Object.keys(DEFAULT_SURVIVORSHIP.rules).sort()).toEqual(
      [
        ...CANONICAL_FIELDS.filter((f) => !ADDRESS_FIELDS.includes(f as AddressField) && !NAME_FIELDS.includes(f as NameField)),
        "name",
        "address",
      ].sort(),
    );
  });

  it("reports each mistake with its key path", () => {
    const problems = checkSurvivorshipRules({
      email: ["valid_over_invalid", "most_recnet"],
      phone: "most_recent",
      city: ["most_recent"],
      nickname: ["most_recent"],
      company: ["latest"],
      name: ["most_frequent", "most_frequent"],
      family_name: [],
      birth_date: ["earliest", 3],
    });
    const byPath = Object.fromEntries(problems.map((p) => [p.path.join("."), p.message]));
    expect(Object.keys(byPath).sort()).toEqual(
      ["birth_date.1", "city", "company.0", "email.1", "family_name", "name.1", "nickname", "phone"].sort(),
    );
    expect(byPath["email.1"]).toContain('unknown rule "most_recnet"');
    expect(byPath.city).toContain("under address");
    expect(byPath.family_name).toContain("family_name and name set different rules");
    expect(byPath["company.0"]).toContain("compares dates");
    expect(byPath["name.1"]).toContain("twice");
    expect(byPath.nickname).toContain("unknown field");
  });

  it("rejects something that is not a mapping", () => {
    for (const bad of [null, "most_recent", ["email"], 3]) {
      expect(checkSurvivorshipRules(bad)).toEqual([{ path: [], message: expect.stringContaining("must map") }]);
    }
  });
});

describe("survivorship properties", () => {
  const text = fc.oneof(
    fc.constantFrom(
      "Ada",
      "ada",
      "ADA ",
      "Lovelace",
      "张伟",
      "張偉",
      "",
      " ",
      "+8613800138000",
      "2024-01-01",
      "2024-01-01T10:00:00Z",
      "true",
    ),
    fc.string({ maxLength: 12 }),
  );
  const values = fc.record(
    Object.fromEntries(CANONICAL_FIELDS.map((field) => [field, fc.option(text, { nil: null })])) as {
      [K in keyof RecordValues]: fc.Arbitrary<string | null>;
    },
  );
  const cluster = fc.uniqueArray(
    fc.record({
      id: fc.integer({ min: 1, max: 10_000 }),
      source: fc.constantFrom("crm", "shop", "support"),
      batchImportedAt: fc.constantFrom("2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z", "not a time"),
      values,
      errorFields: fc.subarray(["email", "phone", "country", "birth_date", "postal_code"]),
    }),
    { minLength: 1, maxLength: 7, selector: (r) => r.id },
  );
  const rules = fc.record(
    Object.fromEntries(
      Object.keys(DEFAULT_SURVIVORSHIP.rules).map((target) => [
        target,
        fc.shuffledSubarray(
          SURVIVORSHIP_RULES.filter(
            (rule) => (rule !== "earliest" && rule !== "latest") || ["birth_date", "created_at", "updated_at"].includes(target),
          ),
          { minLength: 1 },
        ),
      ]),
    ) as unknown as { [K in keyof SurvivorshipSettings["rules"]]: fc.Arbitrary<SurvivorshipRule[]> },
  );

  it("the golden record does not depend on the order of the records", () => {
    fc.assert(
      fc.property(cluster, rules, fc.integer(), (records, ruleLists, seed) => {
        const settings = survivorshipSettings({ rules: ruleLists, sources: ["shop", "crm"] });
        const shuffled = fc.sample(fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length }), {
          seed,
          numRuns: 1,
        })[0]!;
        expect(chooseGolden(shuffled, settings)).toEqual(chooseGolden(records, settings));
      }),
    );
  });

  it("every golden value is a value some record has, with provenance naming that record", () => {
    fc.assert(
      fc.property(cluster, (records) => {
        const golden = chooseGolden(records, DEFAULT_SURVIVORSHIP);
        const stated = (field: (typeof CANONICAL_FIELDS)[number]) =>
          records.some((r) => r.values[field] !== null && r.values[field]!.trim() !== "");
        const turned: Partial<Record<string, NameField>> = { given_name: "family_name", family_name: "given_name" };
        for (const field of CANONICAL_FIELDS) {
          const value = golden.values[field];
          // An address or name part may stay blank: it is not taken from a record holding another address or name.
          const grouped = ADDRESS_FIELDS.includes(field as AddressField) || NAME_FIELDS.includes(field as NameField);
          if (!grouped) expect(value !== null).toBe(stated(field));
          if (value === null) continue;
          const from = records.find((r) => r.id === golden.provenance[field]?.record);
          // A part read the other way round (han_name_order) is the record's other part.
          const own = golden.provenance[field]?.rule === "han_name_order" ? turned[field]! : field;
          expect(from?.values[own]).toBe(value);
        }
        for (const group of [ADDRESS_FIELDS, NAME_FIELDS] as const) {
          expect(group.some((field) => golden.values[field] !== null)).toBe(group.some(stated));
        }
      }),
    );
  });
});
