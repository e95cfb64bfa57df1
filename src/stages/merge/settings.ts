/**
 * Survivorship settings: per field (or the address group) an ordered list of named rules, and the sources in
 * order of trust. Plain data, so that roster.yml's `merge:` section (its zod schema lives in src/config/) can
 * be read into it, and checked here with the key path of every mistake.
 */
import { CANONICAL_FIELDS, type CanonicalField } from "../../fields/canonical.js";

/**
 * The rules, each a way of ranking a field's candidate values (every rule ranks only records that have a value:
 * never a blank over a value). The first rule decides, later ones break its ties, and the smallest record id
 * breaks the last tie, so that the result never depends on record order.
 */
export const SURVIVORSHIP_RULES = [
  /** The record's updated_at, else its batch's import time: the newest wins. */
  "most_recent",
  /** The value with the most letters and digits (all the address group's fields filled first). */
  "most_complete",
  /** The value most records agree on, compared by its normalized form (compare.ts). */
  "most_frequent",
  /** The record whose source comes first in `sources`; unlisted sources after every listed one. */
  "source_priority",
  /** A value without an error finding on its field beats one with. */
  "valid_over_invalid",
  /** The earliest date or time (created_at); only for date fields. */
  "earliest",
  /** The latest date or time (updated_at); only for date fields. */
  "latest",
] as const;

export type SurvivorshipRule = (typeof SURVIVORSHIP_RULES)[number];

/**
 * Address fields are chosen together, from one record: a golden address is never stitched from two different
 * addresses (a street of one and the postal code of another).
 */
export const ADDRESS_FIELDS = ["address_line1", "address_line2", "city", "region", "postal_code", "country"] as const;

export type AddressField = (typeof ADDRESS_FIELDS)[number];

/**
 * The name fields are chosen together too, from one record: given, family and full name of one golden customer
 * never come from three records (Jonathan from one, Harper from another, "Jonathan Harpar" from a third).
 */
export const NAME_FIELDS = ["given_name", "family_name", "full_name"] as const;

export type NameField = (typeof NAME_FIELDS)[number];

/** A field whose rules are set for its group: the address's or the name's. */
type GroupedField = AddressField | NameField;

/** What a rule list is set for: each canonical field outside the groups, the name and the address as wholes. */
export type SurvivorshipTarget = Exclude<CanonicalField, GroupedField> | "name" | "address";

const ADDRESS_SET: ReadonlySet<string> = new Set(ADDRESS_FIELDS);
const NAME_SET: ReadonlySet<string> = new Set(NAME_FIELDS);

/** In the canonical order, the name where its first field is, the address last. */
export const SURVIVORSHIP_TARGETS: readonly SurvivorshipTarget[] = [
  ...CANONICAL_FIELDS.flatMap((field): SurvivorshipTarget[] => {
    if (field === NAME_FIELDS[0]) return ["name"];
    return ADDRESS_SET.has(field) || NAME_SET.has(field) ? [] : [field as Exclude<CanonicalField, GroupedField>];
  }),
  "address",
];

/** Fields whose values are dates or times: the only ones `earliest` and `latest` can compare. */
const DATE_TARGETS: ReadonlySet<string> = new Set(["birth_date", "created_at", "updated_at"]);

export interface SurvivorshipSettings {
  readonly rules: Readonly<Record<SurvivorshipTarget, readonly SurvivorshipRule[]>>;
  /** Source names, most trusted first, for `source_priority`. */
  readonly sources: readonly string[];
}

/**
 * The defaults, for a user who has not thought about it yet. The name: what most records say, then the newest
 * writing. Contact fields: a valid address or number before an invalid one, then the newest (people change
 * them). Birth date and national id: valid, then what most records say (a typo in one record loses). Address:
 * valid, newest (people move), then the most complete. Consent: only the newest counts, so that a withdrawal
 * in the newest record wins. created_at the earliest, updated_at the latest.
 */
export const DEFAULT_SURVIVORSHIP: SurvivorshipSettings = {
  rules: {
    source_id: ["source_priority", "most_recent"],
    name: ["most_frequent", "most_recent"],
    email: ["valid_over_invalid", "most_recent"],
    phone: ["valid_over_invalid", "most_recent"],
    birth_date: ["valid_over_invalid", "most_frequent", "most_recent"],
    company: ["most_frequent", "most_recent"],
    national_id: ["valid_over_invalid", "most_frequent", "most_recent"],
    marketing_consent: ["most_recent"],
    created_at: ["earliest"],
    updated_at: ["latest"],
    address: ["valid_over_invalid", "most_recent", "most_complete"],
  },
  sources: [],
};

/**
 * The defaults with the user's rule lists and sources laid over them. A list under given_name, family_name or
 * full_name (checkSurvivorshipRules: they agree) is the name group's, when `name` itself has none.
 */
export function survivorshipSettings(overrides: {
  rules?: Partial<Record<SurvivorshipTarget | NameField, readonly SurvivorshipRule[]>>;
  sources?: readonly string[];
}): SurvivorshipSettings {
  const { given_name, family_name, full_name, ...targets } = overrides.rules ?? {};
  const name = targets.name ?? given_name ?? family_name ?? full_name;
  return {
    rules: { ...DEFAULT_SURVIVORSHIP.rules, ...targets, ...(name === undefined ? {} : { name }) },
    sources: overrides.sources ?? DEFAULT_SURVIVORSHIP.sources,
  };
}

export interface SettingsProblem {
  /** Where, relative to the object checked: ["email", 1] is the second rule listed for email. */
  path: (string | number)[];
  message: string;
}

const RULE_SET: ReadonlySet<string> = new Set(SURVIVORSHIP_RULES);
const TARGET_SET: ReadonlySet<string> = new Set(SURVIVORSHIP_TARGETS);

/**
 * Checks a `rules:` mapping as written in roster.yml (field or `address` → list of rule names) and returns every
 * problem with its key path, none when it is usable. Types are checked too, so it can run before or inside a
 * zod schema (superRefine).
 */
export function checkSurvivorshipRules(rules: unknown): SettingsProblem[] {
  if (rules === null || typeof rules !== "object" || Array.isArray(rules)) {
    return [{ path: [], message: "must map fields (or address) to lists of rules" }];
  }
  const problems: SettingsProblem[] = [];
  for (const [target, list] of Object.entries(rules)) {
    if (ADDRESS_SET.has(target)) {
      problems.push({
        path: [target],
        message: `${target} is chosen with the rest of the address, from one record: set its rules under address`,
      });
      continue;
    }

    if (!TARGET_SET.has(target) && !NAME_SET.has(target)) {
      problems.push({ path: [target], message: `unknown field ${JSON.stringify(target)}; fields: ${SURVIVORSHIP_TARGETS.join(", ")}` });
      continue;
    }
    if (!Array.isArray(list) || list.length === 0) {
      problems.push({ path: [target], message: "must be a non-empty list of rules" });
      continue;
    }
    const seen = new Set<string>();
    list.forEach((rule: unknown, i) => {
      if (typeof rule !== "string" || !RULE_SET.has(rule)) {
        problems.push({ path: [target, i], message: `unknown rule ${JSON.stringify(rule)}; rules: ${SURVIVORSHIP_RULES.join(", ")}` });
      } else if ((rule === "earliest" || rule === "latest") && !DATE_TARGETS.has(target)) {
        problems.push({ path: [target, i], message: `${rule} compares dates: it applies to birth_date, created_at and updated_at` });
      } else if (seen.has(rule)) {
        problems.push({ path: [target, i], message: `${rule} is listed twice` });
      }
      if (typeof rule === "string") seen.add(rule);
    });
  }
  problems.push(...nameListProblems(rules as Record<string, unknown>));
  return problems;
}

/**
 * A rule list under given_name, family_name or full_name (as roster.yml set them before the name was chosen as
 * one group) ranks the whole name; two that differ cannot both, and are a mistake rather than a silent choice.
 */
function nameListProblems(rules: Record<string, unknown>): SettingsProblem[] {
  const keys = ["name", ...NAME_FIELDS].filter((key) => Array.isArray(rules[key]));
  const first = keys[0];
  if (first === undefined) return [];
  const problems: SettingsProblem[] = [];
  for (const key of keys.slice(1)) {
    if (JSON.stringify(rules[key]) === JSON.stringify(rules[first])) continue;
    problems.push({
      path: [key],
      message: `${key} and ${first} set different rules, but the name (given, family and full) is chosen as one group, from one record: set its rules once, under name`,
    });
  }
  return problems;
}
