// Every level of every default comparison, reached by a pair of real records (normalized as the store holds them)
// and asserted by its label, so reordering or relabelling a spec's levels shows up here as a named change.
import { describe, expect, it } from "vitest";
import { compileComparison, levelLabel } from "../../src/stages/dedupe/levels.js";
import { jaroWinkler } from "../../src/stages/dedupe/similarity.js";
import { type ComparisonSpec, DEFAULT_COMPARISONS } from "../../src/stages/dedupe/spec.js";
import { dedupeTable, featureValue, type PlainRecord, pairLevel } from "../helpers/dedupe-table.js";

const spec = (name: string): ComparisonSpec => {
  const found = DEFAULT_COMPARISONS.find((comparison) => comparison.name === name);
  if (!found) throw new Error(`no default comparison ${name}`);
  return found;
};

const ELSE = "else (all different)";

/** Every label a comparison can report: null, its levels except neutral ones (they report null), else. */
function reachableLabels(comparison: ComparisonSpec): string[] {
  const labels = ["null"];
  comparison.levels.forEach((level, index) => {
    if (!(level.kind === "swapped" && level.neutral)) labels.push(levelLabel(comparison, index + 1));
  });
  labels.push(ELSE);
  return labels;
}

type Case = [label: string, a: PlainRecord, b: PlainRecord];

/** Which labels the cases of each comparison reached: checked against reachableLabels at the end. */
const reached = new Map<string, Set<string>>();
function levelCases(name: string, cases: Case[]): void {
  const comparison = spec(name);
  describe(`${name} levels`, () => {
    it.each(cases)("%s: %j vs %j", (label, a, b) => {
      expect(pairLevel(comparison, a, b)).toBe(label);
      // Symmetric: the order of the two records does not change the level.
      expect(pairLevel(comparison, b, a)).toBe(label);
      const labels = reached.get(name) ?? new Set<string>();
      labels.add(label);
      reached.set(name, labels);
    });
  });
}

const name = (given: string | null, family: string | null): PlainRecord => ({ given_name: given, family_name: family });

/** The Jaro-Winkler band a pair of folded names falls in, computed rather than copied from the spec. */
function band(a: string, b: string): string {
  const similarity = jaroWinkler(a, b);
  for (const threshold of [0.92, 0.88, 0.7]) if (similarity >= threshold) return `Jaro-Winkler >= ${threshold}`;
  return ELSE;
}

levelCases("given_name", [
  ["exact", name("John", "Smith"), name("JOHN", "Smith")],
  ["exact", name("Jürgen", "Müller"), name("Jurgen", "Mueller")],
  ["exact", name("François", "Dupont"), name("Francois", "Dupont")],
  ["given and family swapped", name("John", "Smith"), name("Smith", "John")],
  ["nickname (Bill / William)", name("Bill", "Smith"), name("William", "Smith")],
  ["nickname (Bill / William)", name("Peggy", "Jones"), name("Margaret", "Jones")],
  ["Jaro-Winkler >= 0.92", name("Gérard", "Martin"), name("Gerhard", "Martin")],
  ["Jaro-Winkler >= 0.92", name("Xiaoming", "Wang"), name("Xiaomin", "Wang")],
  ["Jaro-Winkler >= 0.88", name("Stephen", "King"), name("Steven", "King")],
  ["Jaro-Winkler >= 0.88", name("Lukas", "Weber"), name("Lucas", "Weber")],
  ["initial vs full name", name("J", "Smith"), name("John", "Smith")],
  ["initial vs full name", name("J.", "Smith"), name("John", "Smith")],
  ["Jaro-Winkler >= 0.7", name("Jürgen", "Schulz"), name("Jörg", "Schulz")],
  ["Jaro-Winkler >= 0.7", name("Jiahao", "Li"), name("Jiahui", "Li")],
  [ELSE, name("John", "Smith"), name("Mary", "Smith")],
  [ELSE, name("Zhiwei", "Chen"), name("Zhihao", "Chen")],
  [ELSE, name("J", "Smith"), name("Mary", "Smith")],
  ["null", name(null, "Smith"), name("John", "Smith")],
  ["null", name("", "Smith"), name("John", "Smith")],
  ["null", name(null, "Smith"), name(null, "Smith")],
]);

levelCases("family_name", [
  ["exact", name("Anna", "Müller"), name("Anna", "MÜLLER")],
  ["exact", name("Marie", "Lefèvre"), name("Marie", "Lefevre")],
  ["Jaro-Winkler >= 0.92", name("Marie", "Lefèvre"), name("Marie", "Lefebvre")],
  ["Jaro-Winkler >= 0.92", name("Hans", "Schmidt"), name("Hans", "Schmitt")],
  ["Jaro-Winkler >= 0.88", name("Anna", "Meier"), name("Anna", "Meyer")],
  ["Jaro-Winkler >= 0.88", name("Anna", "Müller"), name("Anna", "Mueller")],
  ["Jaro-Winkler >= 0.7", name("Ming", "Wang"), name("Ming", "Wong")],
  [ELSE, name("John", "Smith"), name("John", "Zolnay")],
  // The swap is evidence of the given-name comparison alone: here it is no evidence either way.
  ["null", name("John", "Smith"), name("Smith", "John")],
  ["null", name("John", null), name("John", "Smith")],
  ["null", name("John", ""), name("John", "Smith")],
]);

describe("Jaro-Winkler bands, computed", () => {
  // The bands of the cases above follow from the similarity itself, not from a number copied into the test.
  it.each([
    ["gerard", "gerhard", "Jaro-Winkler >= 0.92"],
    ["xiaoming", "xiaomin", "Jaro-Winkler >= 0.92"],
    ["stephen", "steven", "Jaro-Winkler >= 0.88"],
    ["lukas", "lucas", "Jaro-Winkler >= 0.88"],
    ["jurgen", "jorg", "Jaro-Winkler >= 0.7"],
    ["jiahao", "jiahui", "Jaro-Winkler >= 0.7"],
    ["zhiwei", "zhihao", ELSE],
    ["lefevre", "lefebvre", "Jaro-Winkler >= 0.92"],
    ["meier", "meyer", "Jaro-Winkler >= 0.88"],
    ["muller", "mueller", "Jaro-Winkler >= 0.88"],
    ["wang", "wong", "Jaro-Winkler >= 0.7"],
  ])("%s / %s is in band %s", (a, b, expected) => {
    expect(band(a, b)).toBe(expected);
  });

  it("the folded features are what the bands were computed on", () => {
    const table = dedupeTable([name("Gérard", "Lefèvre"), name("Jürgen", "Müller"), { full_name: "張偉" }]);
    expect([featureValue(table, "given", 0), featureValue(table, "family", 0)]).toEqual(["gerard", "lefevre"]);
    expect([featureValue(table, "given", 1), featureValue(table, "family", 1)]).toEqual(["jurgen", "muller"]);
    expect([featureValue(table, "given", 2), featureValue(table, "family", 2)]).toEqual(["wei", "zhang"]);
  });
});

describe("Chinese names", () => {
  const given = spec("given_name");
  const family = spec("family_name");
  const simplified: PlainRecord = { full_name: "张伟" };

  it.each([
    ["張偉 (traditional)", { full_name: "張偉" }],
    ["Wei Zhang (pinyin, given first)", { full_name: "Wei Zhang" }],
    ["given Wei, family Zhang (pinyin columns)", name("Wei", "Zhang")],
    ["given 伟, family 张 (columns)", name("伟", "张")],
  ])("张伟 and %s agree exactly on both names", (_, other) => {
    expect(pairLevel(given, simplified, other)).toBe("exact");
    expect(pairLevel(family, simplified, other)).toBe("exact");
  });

  it("Zhang Wei (pinyin in Chinese order, read as given Zhang) is a swap of 张伟, counted once", () => {
    expect(pairLevel(given, simplified, { full_name: "Zhang Wei" })).toBe("given and family swapped");
    expect(pairLevel(family, simplified, { full_name: "Zhang Wei" })).toBe("null");
  });

  it("李伟 and 魏丽 look swapped in pinyin (li wei / wei li) but are other characters: not swapped", () => {
    const table = dedupeTable([{ full_name: "李伟" }, { full_name: "魏丽" }]);
    expect([featureValue(table, "given", 0), featureValue(table, "family", 0)]).toEqual(["wei", "li"]);
    expect([featureValue(table, "given", 1), featureValue(table, "family", 1)]).toEqual(["li", "wei"]);
    const level = levelLabel(given, compileComparison(given, table).level(0, 1));
    expect(level).not.toBe("given and family swapped");
    expect(level).toBe(ELSE);
    // And the family comparison is not silenced by a neutral swap: it counts the difference.
    expect(levelLabel(family, compileComparison(family, table).level(0, 1))).toBe(ELSE);
  });

  it("W. vs 伟 (pinyin wei) is an initial", () => {
    expect(pairLevel(given, name("W.", "Zhang"), simplified)).toBe("initial vs full name");
  });

  it("given 张, family 伟 (columns swapped) vs 张伟 is a swap", () => {
    expect(pairLevel(given, name("张", "伟"), simplified)).toBe("given and family swapped");
    expect(pairLevel(family, name("张", "伟"), simplified)).toBe("null");
  });
});

levelCases("email", [
  ["exact", { email: "John.Smith@Example.com" }, { email: "john.smith@example.com" }],
  ["exact", { email: "j.mueller+shop@gmail.com" }, { email: "JMueller@gmail.com" }],
  ["one edit apart", { email: "john.smith@example.com" }, { email: "jhon.smith@example.com" }],
  ["one edit apart", { email: "zhang.wei@163.com" }, { email: "zhangwei@163.com" }],
  ["same local part, other domain", { email: "francois.dupont@orange.fr" }, { email: "francois.dupont@free.fr" }],
  [ELSE, { email: "john.smith@example.com" }, { email: "mary.jones@example.com" }],
  ["null", { email: "john.smith@example.com" }, { email: null }],
  ["null", { email: "john.smith@example.com" }, { email: "" }],
]);

levelCases("phone", [
  ["exact", { phone: "(415) 555-0134" }, { phone: "+1 415 555 0134" }],
  ["exact", { phone: "+86 138 0013 8000" }, { phone: "13800138000", country: "CN" }],
  // A German and a French number with the same last 8 digits (one written nationally, one with the code).
  ["same last 8 digits", { phone: "+49 30 12345678" }, { phone: "06 12 34 56 78", country: "FR" }],
  ["one digit off", { phone: "(415) 555-0134" }, { phone: "(415) 555-0135" }],
  [ELSE, { phone: "(415) 555-0134" }, { phone: "(212) 555-0199" }],
  ["null", { phone: "(415) 555-0134" }, { phone: null }],
  ["null", { phone: "" }, { phone: "(415) 555-0134" }],
]);

levelCases("birth_date", [
  ["exact", { birth_date: "1990-03-04" }, { birth_date: "03/04/1990" }],
  ["exact", { birth_date: "1990-03-04" }, { birth_date: "1990年3月4日" }],
  ["day and month swapped", { birth_date: "1990-03-04" }, { birth_date: "1990-04-03" }],
  ["one digit off", { birth_date: "1990-03-04" }, { birth_date: "1990-03-05" }],
  // A typo in the year is one digit, though ten years apart.
  ["one digit off", { birth_date: "1990-03-04" }, { birth_date: "1980-03-04" }],
  ["same year and month", { birth_date: "1990-03-04" }, { birth_date: "1990-03-28" }],
  ["within a year", { birth_date: "1990-03-04" }, { birth_date: "1990-11-20" }],
  // 366 days is within (the spec's bound, inclusive); 367 is not.
  ["within a year", { birth_date: "1990-03-04" }, { birth_date: "1991-03-05" }],
  [ELSE, { birth_date: "1990-03-04" }, { birth_date: "1991-03-06" }],
  [ELSE, { birth_date: "1990-03-04" }, { birth_date: "1975-12-25" }],
  ["null", { birth_date: "1990-03-04" }, { birth_date: null }],
  // Not a date at all: normalize keeps the text with a finding, features leave it out.
  ["null", { birth_date: "1990-03-04" }, { birth_date: "unknown" }],
]);

const place = (line1: string | null, postal: string | null, city: string | null, country = "US"): PlainRecord => ({
  address_line1: line1,
  postal_code: postal,
  city,
  country,
});

levelCases("address", [
  ["same street address", place("12 Main St", "94105", "San Francisco"), place("12 Main Street", "94105", "San Francisco")],
  ["same street address", place("12, Rue De La Paix", "75 002", "PARIS", "FR"), place("12 rue de la Paix", "75002", "Paris", "FR")],
  // Line 2 differs but line 1 is the street: still the same street address.
  ["same street address", place("12 Main St", "94105", null), { ...place("12 Main St", "94105", null), address_line2: "Apt 4" }],
  [
    "most address words shared (both lines)",
    place("12 Main St", "94105", "San Francisco"),
    place("Apt 4, 12 Main St", "94110", "San Francisco"),
  ],
  ["same postal code and street number", place("12 Main St", "94105", "San Francisco"), place("12 Market St", "94105", "San Francisco")],
  ["same postal code", place("Hauptstraße 12", "10115", "Berlin", "DE"), place("Gartenweg 3", "10115", "Berlin", "DE")],
  ["same postal code", place(null, "10115", null, "DE"), place("Gartenweg 3", "10115", "Berlin", "DE")],
  ["same city", place("12 rue de la Paix", "75002", "Paris", "FR"), place("3 avenue Foch", "75116", "Paris", "FR")],
  ["same city", place("北京市朝阳区建国路88号", "100022", "北京", "CN"), place("北京市海淀区中关村大街1号", "100080", "北京", "CN")],
  ["postal code's first 3 the same", place("12 Main St", "94105", "San Francisco"), place("9 Oak Ave", "94110", "Daly City")],
  ["city spelled alike", place("12 Main St", "94105", "San Francisco"), place("9 Oak Ave", "10001", "San Fransisco")],
  ["city spelled alike", place(null, null, "München", "DE"), place(null, null, "Muenchen", "DE")],
  [ELSE, place("12 Main St", "94105", "San Francisco"), place("9 Oak Ave", "10001", "New York")],
  // Null only when no feature of the three is on both records.
  ["null", place(null, null, null), place("12 Main St", "94105", "San Francisco")],
  ["null", place("12 Main St", null, null), place(null, "94105", "San Francisco")],
]);

describe("address null rule", () => {
  const address = spec("address");
  it("a pair sharing only the city is compared (not null), on the city", () => {
    expect(pairLevel(address, place("12 Main St", null, "Paris", "FR"), place(null, null, "Paris", "FR"))).toBe("same city");
    expect(pairLevel(address, place(null, null, "Lyon", "FR"), place("12 Main St", null, "Paris", "FR"))).toBe(ELSE);
  });
  it("a pair sharing only the postal code is compared, on the postal code", () => {
    expect(pairLevel(address, place(null, "10115", null, "DE"), place(null, "10117", null, "DE"))).toBe("postal code's first 3 the same");
  });
  it("address and nothing else on one side, postal code and nothing else on the other: null", () => {
    expect(pairLevel(address, place("Hauptstraße 12", null, null, "DE"), place(null, "10115", null, "DE"))).toBe("null");
  });

  it("Hauptstr. 12 and Hauptstraße 12 are the same street address", () => {
    expect(pairLevel(address, place("Hauptstr. 12", "10115", "Berlin", "DE"), place("Hauptstraße 12", "10115", "Berlin", "DE"))).toBe(
      "same street address",
    );
  });
});

levelCases("national_id", [
  ["exact", { national_id: "123-45-6789" }, { national_id: "123456789" }],
  ["exact", { national_id: "AB 12 34 56 C" }, { national_id: "ab123456c" }],
  ["one transposition or digit off", { national_id: "123-45-6789" }, { national_id: "123-45-6798" }],
  ["one transposition or digit off", { national_id: "123-45-6789" }, { national_id: "123-45-6780" }],
  [ELSE, { national_id: "123-45-6789" }, { national_id: "987-65-4321" }],
  ["null", { national_id: "123-45-6789" }, { national_id: null }],
]);

describe("coverage", () => {
  it("every default comparison is exercised above", () => {
    expect([...reached.keys()].sort()).toEqual(DEFAULT_COMPARISONS.map((comparison) => comparison.name).sort());
  });
  it.each(DEFAULT_COMPARISONS.map((comparison) => [comparison.name, comparison] as const))(
    "every level of %s is reached",
    (comparisonName, comparison) => {
      expect([...(reached.get(comparisonName) ?? [])].sort()).toEqual(reachableLabels(comparison).sort());
    },
  );
  it("the neutral swap is the only level a pair never reports (family_name's, counted by given_name)", () => {
    const neutral = DEFAULT_COMPARISONS.flatMap((comparison) =>
      comparison.levels.filter((level) => level.kind === "swapped" && level.neutral).map(() => comparison.name),
    );
    expect(neutral).toEqual(["family_name"]);
  });
});
