/**
 * What dedupe matches on, as plain data in Splink's vocabulary (DESIGN.md §5): features (the values compared,
 * derived from a record's canonical values and keys: features.ts), blocking rules (which pairs are scored at
 * all) and comparisons (ordered levels, from the most to the least alike). The code that runs them is in
 * blocking.ts and levels.ts; roster.yml can replace or add to every list here (config/dedupe.ts).
 */

/** The features derived from every record (features.ts says how each is made). `attr:COLUMN` is an attribute. */
export const FEATURES = [
  "given",
  "family",
  "given_initial",
  "family_initial",
  "given_metaphone",
  "family_metaphone",
  "name_phonetic",
  "name_key",
  "name_han",
  "email",
  "email_local",
  "email_domain",
  "phone",
  "phone_last8",
  "phone_prefix",
  "birth_date",
  "birth_month",
  "birth_year",
  "address",
  "address_line2",
  "street_number",
  "house_number",
  "postal_code",
  "city",
  "region",
  "national_id",
] as const;

export type BuiltinFeature = (typeof FEATURES)[number];
export type FeatureName = BuiltinFeature | `attr:${string}`;

export function isFeatureName(name: string): name is FeatureName {
  return (FEATURES as readonly string[]).includes(name) || /^attr:.+/.test(name);
}

/**
 * A comparison level. `feature` overrides the comparison's own feature for this level (an email's local part,
 * a phone's last 8 digits). `tf` puts a term-frequency adjustment on the level: agreeing on a common value
 * counts less than agreeing on a rare one.
 */
export type LevelSpec =
  | { kind: "exact"; feature?: FeatureName; tf?: boolean; label?: string }
  | { kind: "jaro_winkler"; threshold: number; feature?: FeatureName; label?: string }
  | { kind: "damerau"; max: number; feature?: FeatureName; label?: string }
  | { kind: "nickname"; label?: string }
  | { kind: "initial"; label?: string }
  /** This feature of one record equals `with` of the other and the other way round. `neutral`: no evidence here (another comparison counts the swap). */
  | { kind: "swapped"; with: FeatureName; neutral?: boolean; label?: string }
  | { kind: "day_month_swapped"; label?: string }
  | { kind: "within_days"; days: number; label?: string }
  /** Share of words in common; `plus`: another feature's words join each side's (an address's second line). */
  | { kind: "token_overlap"; min: number; feature?: FeatureName; plus?: FeatureName; label?: string }
  | { kind: "prefix"; length: number; feature?: FeatureName; label?: string }
  /** Every one of the levels listed holds (postal code and street number both the same). */
  | { kind: "all"; of: LevelSpec[]; label?: string };

export type LevelKind = LevelSpec["kind"];

/**
 * A comparison: a null level first (either value missing: no evidence), then `levels` in order (the first that
 * holds is the pair's level), then "else" (all different). Its level indices, as stored in `pairs`: 0 null,
 * 1..levels.length, levels.length + 1 else.
 */
export interface ComparisonSpec {
  name: string;
  feature: FeatureName;
  /**
   * For a comparison over several features (an address, its postal code and city): the pair is null only when
   * one record has none of them. Default: the comparison's own feature alone.
   */
  features?: FeatureName[];
  levels: LevelSpec[];
}

/** An equality blocking rule: pairs whose records agree on every feature listed. */
export interface EqualityRule {
  name: string;
  on: FeatureName[];
}

/** Sorted neighbourhood: records sorted by a feature, each paired with the next `window - 1` (catches typos). */
export interface SortedRule {
  name: string;
  sorted: FeatureName;
  window: number;
}

export type BlockingRule = EqualityRule | SortedRule;

export const isSortedRule = (rule: BlockingRule): rule is SortedRule => "sorted" in rule;

export function ruleFeatures(rule: BlockingRule): FeatureName[] {
  return isSortedRule(rule) ? [rule.sorted] : rule.on;
}

/**
 * The features a derived feature is made from: a rule on the family name's initial selects pairs by the family
 * name, so training must not estimate the family name's m from that rule's pairs.
 */
export const DERIVED_FROM: Partial<Record<BuiltinFeature, BuiltinFeature[]>> = {
  given_initial: ["given"],
  family_initial: ["family"],
  given_metaphone: ["given"],
  family_metaphone: ["family"],
  name_phonetic: ["given", "family"],
  name_key: ["given", "family", "name_han"],
  name_han: ["given", "family"],
  email_local: ["email"],
  email_domain: ["email"],
  phone_last8: ["phone"],
  phone_prefix: ["phone"],
  birth_month: ["birth_date"],
  birth_year: ["birth_date"],
  street_number: ["address"],
  address_line2: ["address"],
  house_number: ["address"],
};

/** A feature with everything it is derived from and everything derived from it. */
export function relatedFeatures(feature: FeatureName): Set<FeatureName> {
  const related = new Set<FeatureName>([feature]);
  for (const [derived, sources] of Object.entries(DERIVED_FROM) as [BuiltinFeature, BuiltinFeature[]][]) {
    if (derived === feature) for (const source of sources) related.add(source);
    if (sources.includes(feature as BuiltinFeature)) related.add(derived);
  }
  return related;
}

const NAME_LEVELS = (other: FeatureName, neutralSwap: boolean): LevelSpec[] => [
  { kind: "exact", tf: true },
  neutralSwap
    ? { kind: "swapped", with: other, neutral: true, label: "swapped with the given name (counted there)" }
    : { kind: "swapped", with: other, label: "given and family swapped" },
  { kind: "nickname", label: "nickname (Bill / William)" },
  { kind: "jaro_winkler", threshold: 0.92 },
  { kind: "jaro_winkler", threshold: 0.88 },
  { kind: "initial", label: "initial vs full name" },
  { kind: "jaro_winkler", threshold: 0.7 },
];

/**
 * The default comparisons. Chinese names are compared as pinyin (features.ts folds 張偉, 张伟 and Zhang Wei to the
 * same tokens), so the name comparisons serve both scripts (the characters only guard the swap level).
 */
export const DEFAULT_COMPARISONS: ComparisonSpec[] = [
  { name: "given_name", feature: "given", levels: NAME_LEVELS("family", false) },
  {
    name: "family_name",
    feature: "family",
    levels: NAME_LEVELS("given", true).filter((level) => level.kind !== "nickname" && level.kind !== "initial"),
  },
  {
    name: "email",
    feature: "email",
    levels: [
      { kind: "exact", tf: true },
      // A typo: one edit anywhere in the address (the local part, mostly). Local parts that are only alike
      // (j.smith / jsmith1) are left out: they are made from the names, which the name comparisons already
      // count, and counting them again makes namesakes look like one person.
      { kind: "damerau", max: 1, label: "one edit apart" },
      { kind: "exact", feature: "email_local", tf: true, label: "same local part, other domain" },
    ],
  },
  {
    name: "phone",
    feature: "phone",
    levels: [
      { kind: "exact", tf: true },
      { kind: "exact", feature: "phone_last8", label: "same last 8 digits" },
      { kind: "damerau", max: 1, label: "one digit off" },
    ],
  },
  {
    name: "birth_date",
    feature: "birth_date",
    levels: [
      { kind: "exact", tf: true },
      { kind: "day_month_swapped", label: "day and month swapped" },
      { kind: "damerau", max: 1, label: "one digit off" },
      { kind: "exact", feature: "birth_month", label: "same year and month" },
      { kind: "within_days", days: 366, label: "within a year" },
    ],
  },
  {
    // One comparison for where someone lives: address, postal code and city are not independent evidence (the
    // same street implies the same postal code and city), and counting them three times makes every household
    // (same address and family name, different people) look like one person (Fellegi-Sunter assumes the
    // comparisons independent given match status).
    name: "address",
    feature: "address",
    features: ["address", "postal_code", "city"],
    levels: [
      { kind: "exact", tf: true, label: "same street address" },
      { kind: "token_overlap", min: 0.75, plus: "address_line2", label: "most address words shared (both lines)" },
      {
        kind: "all",
        of: [
          { kind: "exact", feature: "postal_code" },
          { kind: "exact", feature: "street_number" },
        ],
        label: "same postal code and street number",
      },
      { kind: "exact", feature: "postal_code", tf: true, label: "same postal code" },
      { kind: "exact", feature: "city", tf: true, label: "same city" },
      { kind: "prefix", length: 3, feature: "postal_code", label: "postal code's first 3 the same" },
      { kind: "jaro_winkler", threshold: 0.88, feature: "city", label: "city spelled alike" },
    ],
  },
  {
    name: "national_id",
    feature: "national_id",
    levels: [
      { kind: "exact", tf: true },
      { kind: "damerau", max: 1, label: "one transposition or digit off" },
    ],
  },
];

/**
 * The default blocking rules, in order: a pair is scored once, under the first rule that finds it. A rule is
 * used only when the records fill its features (blocking.ts). Chosen by each rule's marginal recall and its
 * pairs on the generated 1M set and FEBRL (BENCHMARKS.md, "Dedupe: blocking rules"): every rule finds true pairs no
 * other finds, and the union finds 99.7% of true pairs at about 4 candidate pairs per record. No
 * sorted-neighbourhood rule by default: its pairs depend on which other records sort in between, so an
 * incremental run could not end where a full run does (roster.yml can add one).
 */
export const DEFAULT_BLOCKING_RULES: BlockingRule[] = [
  { name: "email", on: ["email"] },
  { name: "phone", on: ["phone"] },
  { name: "phone_last8", on: ["phone_last8"] },
  { name: "national_id", on: ["national_id"] },
  { name: "birth_date+family_initial", on: ["birth_date", "family_initial"] },
  { name: "postal_code+given+family_initial", on: ["postal_code", "given", "family_initial"] },
  { name: "postal_code+family+given_initial", on: ["postal_code", "family", "given_initial"] },
  { name: "name_key+birth_year", on: ["name_key", "birth_year"] },
  { name: "address+family_initial", on: ["address", "family_initial"] },
  { name: "name_han+phone_prefix", on: ["name_han", "phone_prefix"] },
  { name: "name_han+birth_date", on: ["name_han", "birth_date"] },
  // Typos: a phonetic code (Double Metaphone) survives most misspellings of a name.
  { name: "family_metaphone+birth_date", on: ["family_metaphone", "birth_date"] },
  // Both names' codes in sorted order: also finds given and family swapped.
  { name: "name_phonetic+postal_code", on: ["name_phonetic", "postal_code"] },
  // Married names: the given name and the birth date stay.
  { name: "given+birth_date", on: ["given", "birth_date"] },
  { name: "birth_date+postal_code", on: ["birth_date", "postal_code"] },
];

/** Settings a run starts from: the specs above, the thresholds, the training budget. */
export interface DedupeSettings {
  comparisons: ComparisonSpec[];
  blockingRules: BlockingRule[];
  /** Pairs at or above this probability are matches. */
  threshold: number;
  /** Pairs from here up to the threshold are stored for review. */
  reviewThreshold: number;
  /** Values shared by more records than this are not used to block (a placeholder email, a shop's phone). */
  maxBlockSize: number;
  /** Random pairs sampled at most to estimate u. */
  uPairBudget: number;
  /** Enough random pairs per level: sampling stops once every level has this many (or the budget is spent). */
  uMinPerLevel: number;
  seed: number;
}

export const DEFAULT_SETTINGS: DedupeSettings = {
  comparisons: DEFAULT_COMPARISONS,
  blockingRules: DEFAULT_BLOCKING_RULES,
  threshold: 0.95,
  reviewThreshold: 0.5,
  maxBlockSize: 500,
  uPairBudget: 500_000,
  uMinPerLevel: 100,
  seed: 20261201,
};
