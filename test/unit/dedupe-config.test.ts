/** roster.yml's dedupe section: every mistake names its key path; good sections become the spec's settings. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { attributeColumns, DedupeConfigSchema, dedupeSettings, featureOf } from "../../src/config/dedupe.js";
import { UsageError } from "../../src/errors.js";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import {
  DEFAULT_BLOCKING_RULES,
  DEFAULT_COMPARISONS,
  DEFAULT_SETTINGS,
  type DedupeSettings,
  FEATURES,
  isFeatureName,
} from "../../src/stages/dedupe/spec.js";
import { tempDir, writeFile } from "../helpers/temp.js";

/** roster.yml with this text, loaded as the CLI loads it. */
function load(yaml: string) {
  return loadConfig(writeFile(tempDir(), "roster.yml", yaml), true).config;
}

const settings = (yaml: string): DedupeSettings => dedupeSettings(load(yaml).dedupe);

/** The error loading this text gives, without the file's path in front: "key.path: message". */
function failure(yaml: string): string {
  const path = writeFile(tempDir(), "roster.yml", yaml);
  try {
    loadConfig(path, true);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message.startsWith(`${path}: `)).toBe(true);
    return message.slice(path.length + 2);
  }
  throw new Error("the config loaded");
}

/** A section with one comparison `c` on attribute column `code` having these levels (YAML list lines). */
const withLevels = (...levels: string[]) =>
  `dedupe:\n  comparisons:\n    c:\n      column: code\n      levels:\n${levels.map((l) => `        - ${l}\n`).join("")}`;

describe("a good dedupe section", () => {
  it("is optional: no section, or an empty one, keeps the defaults", () => {
    expect(load("store: x.db\n").dedupe).toBeUndefined();
    expect(dedupeSettings(undefined)).toBe(DEFAULT_SETTINGS);
    expect(settings("dedupe: {}\n")).toEqual(DEFAULT_SETTINGS);
  });

  it("sets the thresholds, block cap and seed", () => {
    const result = settings("dedupe:\n  threshold: 0.9\n  review_threshold: 0.3\n  max_block_size: 2\n  seed: 7\n");
    expect(result).toMatchObject({ threshold: 0.9, reviewThreshold: 0.3, maxBlockSize: 2, seed: 7 });
    expect(result.uPairBudget).toBe(DEFAULT_SETTINGS.uPairBudget);
    expect(settings("dedupe:\n  threshold: 1\n  review_threshold: 1\n")).toMatchObject({ threshold: 1, reviewThreshold: 1 });
    expect(settings("dedupe:\n  review_threshold: 0\n")).toMatchObject({ reviewThreshold: 0 });
  });

  it("cuts the default review band at a threshold set below it", () => {
    expect(settings("dedupe:\n  threshold: 0.4\n")).toMatchObject({ threshold: 0.4, reviewThreshold: 0.4 });
    expect(settings("dedupe:\n  threshold: 0.8\n")).toMatchObject({ threshold: 0.8, reviewThreshold: DEFAULT_SETTINGS.reviewThreshold });
  });

  it("adds a comparison on an attribute column, with every level kind, after the defaults", () => {
    const result = settings(`dedupe:
  comparisons:
    loyalty_number:
      column: loyalty_no
      levels:
        - exact: {tf: true}
        - {exact: {tf: false}, column: loyalty_prefix, label: same prefix column}
        - jaro_winkler: 0.9
        - damerau: 1
        - prefix: 3
        - within_days: 30
        - token_overlap: 0.5
        - nickname
        - initial: true
        - day_month_swapped:
        - swapped: given_name
        - exact
`);
    expect(result.comparisons.slice(0, -1)).toEqual(DEFAULT_COMPARISONS);
    expect(result.comparisons.at(-1)).toEqual({
      name: "loyalty_number",
      feature: "attr:loyalty_no",
      levels: [
        { kind: "exact", tf: true },
        { kind: "exact", feature: "attr:loyalty_prefix", tf: false, label: "same prefix column" },
        { kind: "jaro_winkler", threshold: 0.9 },
        { kind: "damerau", max: 1 },
        { kind: "prefix", length: 3 },
        { kind: "within_days", days: 30 },
        { kind: "token_overlap", min: 0.5 },
        { kind: "nickname" },
        { kind: "initial" },
        { kind: "day_month_swapped" },
        { kind: "swapped", with: "given" },
        { kind: "exact" },
      ],
    });
    expect(result.blockingRules).toEqual(DEFAULT_BLOCKING_RULES);
    expect(attributeColumns(result)).toEqual(["loyalty_no", "loyalty_prefix"]);
  });

  it("replaces a default comparison in place, its column defaulting to its name", () => {
    const levelsBefore = DEFAULT_COMPARISONS.find((comparison) => comparison.name === "email")?.levels.length;
    const result = settings("dedupe:\n  comparisons:\n    email:\n      levels: [exact, {damerau: 2, column: email_local}]\n");
    const at = DEFAULT_COMPARISONS.findIndex((comparison) => comparison.name === "email");
    expect(result.comparisons.map((comparison) => comparison.name)).toEqual(DEFAULT_COMPARISONS.map((comparison) => comparison.name));
    expect(result.comparisons[at]).toEqual({
      name: "email",
      feature: "email",
      levels: [{ kind: "exact" }, { kind: "damerau", max: 2, feature: "email_local" }],
    });
    expect(result.comparisons.filter((_, index) => index !== at)).toEqual(DEFAULT_COMPARISONS.filter((_, index) => index !== at));
    expect(DEFAULT_COMPARISONS[at]?.levels).toHaveLength(levelsBefore as number); // the defaults themselves are untouched
  });

  it("maps canonical fields to their features, keeps feature names and takes anything else as an attribute", () => {
    const result = settings(`dedupe:
  comparisons:
    given_name: {column: given_name, levels: [exact]}
    street: {column: address_line1, levels: [{token_overlap: 0.6}]}
    metaphone: {column: family_metaphone, levels: [exact]}
    tier: {levels: [exact]}
    member: {column: "会员 号", levels: [exact]}
    explicit: {column: "attr:given", levels: [exact]}
`);
    const feature = (name: string) => result.comparisons.find((comparison) => comparison.name === name)?.feature;
    expect([
      feature("given_name"),
      feature("street"),
      feature("metaphone"),
      feature("tier"),
      feature("member"),
      feature("explicit"),
    ]).toEqual(["given", "address", "family_metaphone", "attr:tier", "attr:会员 号", "attr:given"]);
    expect(attributeColumns(result)).toEqual(["tier", "会员 号", "given"]);
  });

  it("drops a default comparison with false, keeping the others in order", () => {
    const result = settings("dedupe:\n  comparisons:\n    national_id: false\n    phone: false\n");
    expect(result.comparisons).toEqual(
      DEFAULT_COMPARISONS.filter((comparison) => comparison.name !== "national_id" && comparison.name !== "phone"),
    );
  });

  it("replaces the blocking rules, naming each by its features", () => {
    const result = settings(`dedupe:
  blocking_rules:
    - [email]
    - [birth_date, family_initial]
    - [given_name, postal_code]
    - [member_no]
    - {sorted: name_key, window: 6}
    - {sorted: family_name}
`);
    expect(result.blockingRules).toEqual([
      { name: "email", on: ["email"] },
      { name: "birth_date+family_initial", on: ["birth_date", "family_initial"] },
      { name: "given+postal_code", on: ["given", "postal_code"] },
      { name: "attr:member_no", on: ["attr:member_no"] },
      { name: "sorted name_key", sorted: "name_key", window: 6 },
      { name: "sorted family", sorted: "family", window: 4 },
    ]);
    expect(result.comparisons).toEqual(DEFAULT_COMPARISONS);
    expect(attributeColumns(result)).toEqual(["member_no"]);
  });

  it("applies the section to the base it is given", () => {
    const base: DedupeSettings = {
      ...DEFAULT_SETTINGS,
      threshold: 0.99,
      reviewThreshold: 0.7,
      seed: 1,
      comparisons: DEFAULT_COMPARISONS.slice(0, 2),
    };
    const config = load("dedupe:\n  seed: 2\n  comparisons:\n    national_id: false\n    tier: {levels: [exact]}\n").dedupe;
    expect(dedupeSettings(config, base)).toEqual({
      ...base,
      seed: 2,
      comparisons: [...base.comparisons, { name: "tier", feature: "attr:tier", levels: [{ kind: "exact" }] }],
    });
  });

  it("finds no attribute columns in the defaults", () => {
    expect(attributeColumns(DEFAULT_SETTINGS)).toEqual([]);
  });
});

describe("a bad dedupe section names the key path", () => {
  it.each([
    ["dedupe: 3\n", /^dedupe: a mapping of dedupe settings$/],
    ["dedupe:\n  treshold: 0.9\n", /^dedupe\.treshold: unknown key: dedupe takes threshold, review_threshold/],
    ["dedupe:\n  threshold: 0\n", /^dedupe\.threshold: a match probability: a number above 0 and at most 1$/],
    ["dedupe:\n  threshold: 1.5\n", /^dedupe\.threshold: /],
    ["dedupe:\n  threshold: high\n", /^dedupe\.threshold: /],
    ["dedupe:\n  threshold: 0.8\n  review_threshold: 0.9\n", /^dedupe\.review_threshold: .*must not be above threshold$/],
    ["dedupe:\n  review_threshold: 0.97\n", /^dedupe\.review_threshold: .*must not be above threshold$/], // the default threshold is 0.95
    ["dedupe:\n  review_threshold: -0.1\n", /^dedupe\.review_threshold: a match probability from 0 to 1$/],
    ["dedupe:\n  max_block_size: 1\n", /^dedupe\.max_block_size: .*a whole number >= 2$/],
    ["dedupe:\n  max_block_size: 10.5\n", /^dedupe\.max_block_size: /],
    ["dedupe:\n  seed: -1\n", /^dedupe\.seed: /],
    ["dedupe:\n  seed: 4294967296\n", /^dedupe\.seed: the seed: a whole number from 0 to 4294967295$/],
    ["dedupe:\n  comparisons: [email]\n", /^dedupe\.comparisons: a mapping of comparison names$/],
  ])("%j", (yaml, expected) => {
    expect(failure(yaml)).toMatch(expected);
  });

  it.each([
    [
      ["exact", "jaro_winkler: 0"],
      /^dedupe\.comparisons\.c\.levels\.1\.jaro_winkler: a Jaro-Winkler similarity: a number above 0 and at most 1$/,
    ],
    [["exact", "jaro_winkler: 1.2"], /^dedupe\.comparisons\.c\.levels\.1\.jaro_winkler: /],
    [["exact", "jaro_winkler: high"], /^dedupe\.comparisons\.c\.levels\.1\.jaro_winkler: /],
    [["jaro_winkler"], /^dedupe\.comparisons\.c\.levels\.0\.jaro_winkler: a Jaro-Winkler similarity/], // needs its threshold
    [["damerau: 0"], /^dedupe\.comparisons\.c\.levels\.0\.damerau: the most edits apart: a whole number >= 1$/],
    [["damerau: 1.5"], /^dedupe\.comparisons\.c\.levels\.0\.damerau: /],
    [["prefix: 0"], /^dedupe\.comparisons\.c\.levels\.0\.prefix: /],
    [["within_days: 0"], /^dedupe\.comparisons\.c\.levels\.0\.within_days: /],
    [["token_overlap: 0"], /^dedupe\.comparisons\.c\.levels\.0\.token_overlap: /],
    [["nickname: 3"], /^dedupe\.comparisons\.c\.levels\.0\.nickname: takes no value$/],
    [["exact", "soundex: 3"], /^dedupe\.comparisons\.c\.levels\.1\.soundex: unknown key: a level is one of exact, jaro_winkler/],
    [["soundex"], /^dedupe\.comparisons\.c\.levels\.0\.soundex: unknown key: a level is one of/],
    [
      ["{exact: {tf: true}, jaro_winkler: 0.9}"],
      /^dedupe\.comparisons\.c\.levels\.0: give exactly one level kind .*, not exact and jaro_winkler$/,
    ],
    [["{label: alike}"], /^dedupe\.comparisons\.c\.levels\.0: give exactly one level kind .*, not none$/],
    [["{nickname: true, column: given_name}"], /^dedupe\.comparisons\.c\.levels\.0\.column: a nickname level has no column of its own/],
    [["exact: {tf: yes}"], /^dedupe\.comparisons\.c\.levels\.0\.exact\.tf: true or false$/],
    [["exact: {tfidf: true}"], /^dedupe\.comparisons\.c\.levels\.0\.exact\.tfidf: unknown key: exact takes tf/],
    [["{exact: {}, column: company}"], /^dedupe\.comparisons\.c\.levels\.0\.column: company is not compared by dedupe/],
    [["swapped: country"], /^dedupe\.comparisons\.c\.levels\.0\.swapped: country is not compared by dedupe/],
    [["{exact: {}, label: ''}"], /^dedupe\.comparisons\.c\.levels\.0\.label: a text$/],
    [["3"], /^dedupe\.comparisons\.c\.levels\.0: a level: a kind/],
    [["[exact]"], /^dedupe\.comparisons\.c\.levels\.0: a level: a kind/],
  ])("level %j", (levels, expected) => {
    expect(failure(withLevels(...levels))).toMatch(expected);
  });

  it.each([
    ["c:\n      column: code\n      levels: []\n", /^dedupe\.comparisons\.c\.levels: give at least one level/],
    ["c:\n      column: code\n", /^dedupe\.comparisons\.c\.levels: a list of levels$/],
    ["c:\n      column: code\n      levels: exact\n", /^dedupe\.comparisons\.c\.levels: a list of levels$/],
    ["c:\n      colum: code\n      levels: [exact]\n", /^dedupe\.comparisons\.c\.colum: unknown key: a comparison takes column and levels/],
    [
      "c:\n      column: company\n      levels: [exact]\n",
      /^dedupe\.comparisons\.c\.column: company is not compared by dedupe; the canonical fields it compares are given_name/,
    ],
    ["c:\n      column: ''\n      levels: [exact]\n", /^dedupe\.comparisons\.c\.column: a column, canonical field or feature name$/],
    ["c:\n      column: 'attr:'\n      levels: [exact]\n", /^dedupe\.comparisons\.c\.column: attr: needs the attribute's column name/],
    ["loyalty: false\n", /^dedupe\.comparisons\.loyalty: no default comparison loyalty to drop \(the defaults: given_name, /],
    ["city: true\n", /^dedupe\.comparisons\.city: a comparison \(column and levels\) or false to drop it$/],
    ["city:\n", /^dedupe\.comparisons\.city: a comparison \(column and levels\) or false to drop it$/],
    ["'my comparison': {levels: [exact]}\n", /^dedupe\.comparisons\.my comparison: a comparison name: letters/],
  ])("comparison %j", (entry, expected) => {
    expect(failure(`dedupe:\n  comparisons:\n    ${entry}`)).toMatch(expected);
  });

  it("refuses dropping every comparison and adding none", () => {
    const all = DEFAULT_COMPARISONS.map((comparison) => `    ${comparison.name}: false\n`).join("");
    expect(failure(`dedupe:\n  comparisons:\n${all}`)).toMatch(/^dedupe\.comparisons: every comparison is dropped/);
    expect(settings(`dedupe:\n  comparisons:\n${all}    tier: {levels: [exact]}\n`).comparisons).toEqual([
      { name: "tier", feature: "attr:tier", levels: [{ kind: "exact" }] },
    ]);
  });

  it.each([
    ["[]", /^dedupe\.blocking_rules: give at least one blocking rule \(leave blocking_rules out for the defaults\)$/],
    ["[[email], []]", /^dedupe\.blocking_rules\.1: a blocking rule needs at least one column or feature$/],
    ["[email]", /^dedupe\.blocking_rules\.0: a blocking rule: a list of columns/],
    ["email", /^dedupe\.blocking_rules: a list of blocking rules$/],
    ["[[email, email]]", /^dedupe\.blocking_rules\.0\.1: email is listed twice in this rule$/],
    ["[[given_name, given]]", /^dedupe\.blocking_rules\.0\.1: given is listed twice in this rule$/],
    ["[[email], [phone], [email]]", /^dedupe\.blocking_rules\.2: the same rule as blocking_rules\.0 \(email\)$/],
    ["[[email, company]]", /^dedupe\.blocking_rules\.0\.1: company is not compared by dedupe/],
    ["[[email, 3]]", /^dedupe\.blocking_rules\.0\.1: a column, canonical field or feature name$/],
    ["[{sorted: name_key, window: 1}]", /^dedupe\.blocking_rules\.0\.window: the window: a whole number >= 2$/],
    [
      "[{sorted: name_key, widow: 4}]",
      /^dedupe\.blocking_rules\.0\.widow: unknown key: a sorted-neighbourhood rule takes sorted and window/,
    ],
    ["[{window: 4}]", /^dedupe\.blocking_rules\.0\.sorted: a column, canonical field or feature name$/],
    [
      "[{sorted: name_key}, {sorted: name_key, window: 9}]",
      /^dedupe\.blocking_rules\.1: the same rule as blocking_rules\.0 \(sorted name_key\)$/,
    ],
  ])("blocking_rules %s", (rules, expected) => {
    expect(failure(`dedupe:\n  blocking_rules: ${rules}\n`)).toMatch(expected);
  });
});

describe("laws", () => {
  const notSpecial = (name: string) =>
    name.length > 0 &&
    !(CANONICAL_FIELDS as readonly string[]).includes(name) &&
    !(FEATURES as readonly string[]).includes(name) &&
    !name.startsWith("attr:");

  it.each(["constructor", "__proto__", "toString", "valueOf"])(
    "%s is an attribute like any other column (found by fast-check)",
    (column) => {
      expect(featureOf(column)).toBe(`attr:${column}`);
    },
  );

  it("any other column is the attribute of that name, and every column names a feature", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (column) => {
        expect(isFeatureName(featureOf(column))).toBe(true);
        if (notSpecial(column)) expect(featureOf(column)).toBe(`attr:${column}`);
        expect(featureOf(featureOf(column))).toBe(featureOf(column)); // a feature name maps to itself
      }),
    );
  });

  it("dropping any defaults keeps the rest in their order", () => {
    const names = DEFAULT_COMPARISONS.map((comparison) => comparison.name);
    fc.assert(
      fc.property(fc.subarray(names, { maxLength: names.length - 1 }), (dropped) => {
        const config = DedupeConfigSchema.parse({ comparisons: Object.fromEntries(dropped.map((name) => [name, false])) });
        expect(dedupeSettings(config).comparisons).toEqual(DEFAULT_COMPARISONS.filter((comparison) => !dropped.includes(comparison.name)));
      }),
    );
  });

  it("the review threshold never ends above the threshold", () => {
    const probability = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(
        probability.filter((p) => p > 0),
        fc.option(probability, { nil: undefined }),
        (threshold, review) => {
          const parsed = DedupeConfigSchema.safeParse({ threshold, review_threshold: review });
          expect(parsed.success).toBe(review === undefined || review <= threshold);
          if (parsed.success) {
            const result = dedupeSettings(parsed.data);
            expect(result.reviewThreshold).toBeLessThanOrEqual(result.threshold);
            expect(result.threshold).toBe(threshold);
          }
        },
      ),
    );
  });
});
