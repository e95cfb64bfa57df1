/**
 * roster.yml's `dedupe:` section: thresholds, comparisons (replace, add or drop by name) and blocking rules, in the
 * user's words (columns, snake_case), and `dedupeSettings` turning it into the spec types of stages/dedupe/spec.ts.
 * Every mistake names the key path of the bad entry, since a typo in a matching spec would otherwise pass silently
 * and only show up as worse clusters.
 */
import { z } from "zod";
import { type CanonicalField, isCanonicalField } from "../fields/canonical.js";
import {
  type BlockingRule,
  type BuiltinFeature,
  type ComparisonSpec,
  DEFAULT_COMPARISONS,
  DEFAULT_SETTINGS,
  type DedupeSettings,
  FEATURES,
  type FeatureName,
  type LevelSpec,
  ruleFeatures,
} from "../stages/dedupe/spec.js";

/**
 * The canonical fields dedupe compares, and the feature each becomes. Other canonical fields have no feature. A Map,
 * so a column named "constructor" or "__proto__" is not found on Object.prototype.
 */
const FIELD_FEATURES: ReadonlyMap<string, BuiltinFeature> = new Map<CanonicalField, BuiltinFeature>([
  ["given_name", "given"],
  ["family_name", "family"],
  ["email", "email"],
  ["phone", "phone"],
  ["birth_date", "birth_date"],
  ["postal_code", "postal_code"],
  ["city", "city"],
  ["region", "region"],
  ["national_id", "national_id"],
  ["address_line1", "address"],
]);

const isBuiltinFeature = (name: string): name is BuiltinFeature => (FEATURES as readonly string[]).includes(name);

/**
 * The feature a column names: a canonical field's feature, a feature by its own name, `attr:NAME` as written, and
 * any other column as the attribute of that name (an unmapped input column).
 */
export function featureOf(column: string): FeatureName {
  const field = FIELD_FEATURES.get(column);
  if (field) return field;
  if (isBuiltinFeature(column) || column.startsWith("attr:")) return column as FeatureName;
  return `attr:${column}`;
}

const FIELDS_WITH_FEATURES = [...FIELD_FEATURES.keys()].join(", ");

/** A column, canonical field or feature name. A canonical field with no feature would read nothing: refused. */
const column = z
  .string({ error: "a column, canonical field or feature name" })
  .min(1, "a column, canonical field or feature name")
  .refine((name) => name !== "attr:", "attr: needs the attribute's column name after it")
  .superRefine((name, ctx) => {
    if (isCanonicalField(name) && !FIELD_FEATURES.has(name) && !isBuiltinFeature(name)) {
      ctx.addIssue({
        code: "custom",
        message: `${name} is not compared by dedupe; the canonical fields it compares are ${FIELDS_WITH_FEATURES}`,
      });
    }
  });

/**
 * An object whose unknown keys are reported at the key itself (`levels.1.jaro`), not at the object around it as
 * zod's strictObject does; `what` explains what the object takes instead.
 */
function strictKeys<Shape extends z.ZodRawShape>(shape: Shape, what: string, expected = "a mapping of keys") {
  return z.preprocess(
    (value, ctx) => {
      if (value && typeof value === "object" && !Array.isArray(value)) {
        for (const key of Object.keys(value)) {
          if (!Object.hasOwn(shape, key)) ctx.addIssue({ code: "custom", path: [key], message: `unknown key: ${what}`, input: value });
        }
      }
      return value;
    },
    z.object(shape, { error: expected }),
  );
}

/**
 * One of two schemas, chosen by the value's shape, so errors come from the schema meant (zod's unions report
 * "Invalid input" at the union when a deep entry is wrong).
 */
function byShape<A extends z.ZodType, B extends z.ZodType>(pick: (value: unknown) => boolean, first: A, second: B) {
  return z.unknown().transform((value, ctx): z.output<A> | z.output<B> => {
    const result = (pick(value) ? first : second).safeParse(value);
    if (result.success) return result.data as z.output<A> | z.output<B>;
    for (const issue of result.error.issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message, input: value });
    return z.NEVER;
  });
}

const similarity = (what: string) => {
  const message = `${what}: a number above 0 and at most 1`;
  return z.number({ error: message }).gt(0, message).max(1, message);
};
const atLeast = (min: number, what: string) => {
  const message = `${what}: a whole number >= ${min}`;
  return z.number({ error: message }).int(message).min(min, message);
};
/** A kind with no parameter: `- nickname`, `nickname:` or `nickname: true`. */
const bare = z.literal([true, null], { error: "takes no value" });
const exact = z.preprocess(
  (value) => (value === null || value === true ? {} : value),
  strictKeys({ tf: z.boolean({ error: "true or false" }).optional() }, "exact takes tf (a term-frequency adjustment)"),
);

export const LEVEL_KINDS = [
  "exact",
  "jaro_winkler",
  "damerau",
  "prefix",
  "within_days",
  "token_overlap",
  "nickname",
  "initial",
  "day_month_swapped",
  "swapped",
] as const;
type LevelKindKey = (typeof LEVEL_KINDS)[number];

/** The kinds whose level may compare another column than its comparison's (an email's local part). */
const TAKES_COLUMN: readonly LevelKindKey[] = ["exact", "jaro_winkler", "damerau", "prefix", "token_overlap"];

const levelObject = strictKeys(
  {
    exact: exact.optional(),
    jaro_winkler: similarity("a Jaro-Winkler similarity").optional(),
    damerau: atLeast(1, "the most edits apart").optional(),
    prefix: atLeast(1, "the length of the shared prefix").optional(),
    within_days: atLeast(1, "the most days apart").optional(),
    token_overlap: similarity("the share of words in common").optional(),
    nickname: bare.optional(),
    initial: bare.optional(),
    day_month_swapped: bare.optional(),
    swapped: column.optional(),
    column: column.optional(),
    label: z.string({ error: "a text" }).min(1, "a text").optional(),
  },
  `a level is one of ${LEVEL_KINDS.join(", ")} (with an optional column and label)`,
  "a level: a kind (- exact) or one kind with its value (- jaro_winkler: 0.9)",
).superRefine((level, ctx) => {
  const kinds = LEVEL_KINDS.filter((kind) => level[kind] !== undefined);
  if (kinds.length !== 1) {
    const found = kinds.length === 0 ? "none" : kinds.join(" and ");
    ctx.addIssue({ code: "custom", message: `give exactly one level kind (${LEVEL_KINDS.join(", ")}), not ${found}` });
  } else if (level.column !== undefined && !TAKES_COLUMN.includes(kinds[0]!)) {
    ctx.addIssue({
      code: "custom",
      path: ["column"],
      message: `a ${kinds[0]} level has no column of its own (only ${TAKES_COLUMN.join(", ")})`,
    });
  }
});

/** A level: a bare kind (`- exact`) or a one-kind object (`- jaro_winkler: 0.9`). */
const LevelSchema = z.preprocess((value) => (typeof value === "string" ? { [value]: null } : value), levelObject);

const ComparisonSchema = strictKeys(
  {
    /** Defaults to the comparison's name, so `email: {levels: …}` replaces the email comparison's levels. */
    column: column.optional(),
    levels: z.array(LevelSchema, { error: "a list of levels" }).min(1, "give at least one level, from the most to the least alike"),
  },
  "a comparison takes column and levels (or false to drop it)",
  "a comparison (column and levels) or false to drop it",
);

const DEFAULT_NAMES = DEFAULT_COMPARISONS.map((comparison) => comparison.name);

const ComparisonEntrySchema = byShape((value) => value === false, z.literal(false), ComparisonSchema);

const NAME_MESSAGE = "a comparison name: letters, digits, '.', '_' or '-'";

const ComparisonsSchema = z
  .record(z.string().regex(/^[\w.-]+$/, NAME_MESSAGE), ComparisonEntrySchema, {
    // zod's own message for a bad record key ("Invalid key in record") does not say what a name may hold.
    error: (issue) =>
      issue.code === "invalid_key" ? NAME_MESSAGE : issue.code === "invalid_type" ? "a mapping of comparison names" : undefined,
  })
  .superRefine((comparisons, ctx) => {
    for (const [key, entry] of Object.entries(comparisons)) {
      if (entry === false && !DEFAULT_NAMES.includes(key)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `no default comparison ${key} to drop (the defaults: ${DEFAULT_NAMES.join(", ")})`,
        });
      }
    }
    const kept = DEFAULT_NAMES.filter((key) => comparisons[key] !== false).length;
    const added = Object.entries(comparisons).filter(([key, entry]) => entry !== false && !DEFAULT_NAMES.includes(key)).length;
    if (kept + added === 0) ctx.addIssue({ code: "custom", message: "every comparison is dropped: keep or add at least one" });
  });

const EqualityRuleSchema = z
  .array(column, { error: "a list of columns" })
  .min(1, "a blocking rule needs at least one column or feature")
  .superRefine((columns, ctx) => {
    const features = columns.map(featureOf);
    features.forEach((feature, index) => {
      if (features.indexOf(feature) < index)
        ctx.addIssue({ code: "custom", path: [index], message: `${columns[index]} is listed twice in this rule` });
    });
  });

const SortedRuleSchema = strictKeys(
  {
    sorted: column,
    /** Each record is paired with the next window - 1 in sort order. */
    window: atLeast(2, "the window").default(4),
  },
  "a sorted-neighbourhood rule takes sorted and window (an equality rule is a list: [email])",
  "a blocking rule: a list of columns ([email]) or a sorted rule ({sorted: name_key, window: 4})",
);

const BlockingRulesSchema = z
  .array(
    byShape((value) => Array.isArray(value), EqualityRuleSchema, SortedRuleSchema),
    { error: "a list of blocking rules" },
  )
  .min(1, "give at least one blocking rule (leave blocking_rules out for the defaults)")
  .superRefine((rules, ctx) => {
    const names = rules.map((rule) => blockingRule(rule).name);
    names.forEach((ruleName, index) => {
      const first = names.indexOf(ruleName);
      if (first < index) ctx.addIssue({ code: "custom", path: [index], message: `the same rule as blocking_rules.${first} (${ruleName})` });
    });
  });

export const DedupeConfigSchema = strictKeys(
  {
    /** Pairs at or above this match probability are matches. */
    threshold: similarity("a match probability").optional(),
    /** Pairs from here up to the threshold are kept for review. */
    review_threshold: z
      .number({ error: "a match probability from 0 to 1" })
      .min(0, "a match probability from 0 to 1")
      .max(1, "a match probability from 0 to 1")
      .optional(),
    max_block_size: atLeast(2, "the most records sharing a blocking value").optional(),
    seed: atLeast(0, "the seed")
      .max(2 ** 32 - 1, "the seed: a whole number from 0 to 4294967295")
      .optional(),
    comparisons: ComparisonsSchema.optional(),
    blocking_rules: BlockingRulesSchema.optional(),
  },
  "dedupe takes threshold, review_threshold, max_block_size, seed, comparisons and blocking_rules",
  "a mapping of dedupe settings",
).refine((config) => config.review_threshold === undefined || config.review_threshold <= (config.threshold ?? DEFAULT_SETTINGS.threshold), {
  message: "the review band starts above the threshold: review_threshold must not be above threshold",
  path: ["review_threshold"],
});

export type DedupeConfig = z.output<typeof DedupeConfigSchema>;
type LevelConfig = z.output<typeof LevelSchema>;
type RuleConfig = z.output<typeof EqualityRuleSchema> | z.output<typeof SortedRuleSchema>;

function levelSpec(level: LevelConfig): LevelSpec {
  const label = level.label === undefined ? {} : { label: level.label };
  const feature = level.column === undefined ? {} : { feature: featureOf(level.column) };
  if (level.exact !== undefined)
    return { kind: "exact", ...feature, ...(level.exact.tf === undefined ? {} : { tf: level.exact.tf }), ...label };
  if (level.jaro_winkler !== undefined) return { kind: "jaro_winkler", threshold: level.jaro_winkler, ...feature, ...label };
  if (level.damerau !== undefined) return { kind: "damerau", max: level.damerau, ...feature, ...label };
  if (level.prefix !== undefined) return { kind: "prefix", length: level.prefix, ...feature, ...label };
  if (level.token_overlap !== undefined) return { kind: "token_overlap", min: level.token_overlap, ...feature, ...label };
  if (level.within_days !== undefined) return { kind: "within_days", days: level.within_days, ...label };
  if (level.swapped !== undefined) return { kind: "swapped", with: featureOf(level.swapped), ...label };
  if (level.nickname !== undefined) return { kind: "nickname", ...label };
  if (level.initial !== undefined) return { kind: "initial", ...label };
  if (level.day_month_swapped !== undefined) return { kind: "day_month_swapped", ...label };
  throw new Error("a level passed the schema without a kind"); // the schema refuses this
}

function blockingRule(rule: RuleConfig): BlockingRule {
  if (Array.isArray(rule)) {
    const on = rule.map(featureOf);
    return { name: on.join("+"), on };
  }
  const sorted = featureOf(rule.sorted);
  return { name: `sorted ${sorted}`, sorted, window: rule.window };
}

/**
 * The settings a run uses: `base` with the section applied. A comparison given by name replaces the base's one in
 * place (the defaults keep their order), a new one is appended, `false` drops it; blocking rules, when
 * given, replace the base's. Without a review_threshold the band is cut at a threshold set below it.
 */
export function dedupeSettings(config: DedupeConfig | undefined, base: DedupeSettings = DEFAULT_SETTINGS): DedupeSettings {
  if (!config) return base;
  const comparisons = [...base.comparisons];
  for (const [comparisonName, entry] of Object.entries(config.comparisons ?? {})) {
    const at = comparisons.findIndex((comparison) => comparison.name === comparisonName);
    if (entry === false) {
      if (at >= 0) comparisons.splice(at, 1);
      continue;
    }
    const spec: ComparisonSpec = {
      name: comparisonName,
      feature: featureOf(entry.column ?? comparisonName),
      levels: entry.levels.map(levelSpec),
    };
    if (at >= 0) comparisons[at] = spec;
    else comparisons.push(spec);
  }
  const threshold = config.threshold ?? base.threshold;
  return {
    ...base,
    comparisons,
    blockingRules: config.blocking_rules ? config.blocking_rules.map(blockingRule) : base.blockingRules,
    threshold,
    reviewThreshold: Math.min(config.review_threshold ?? base.reviewThreshold, threshold),
    maxBlockSize: config.max_block_size ?? base.maxBlockSize,
    seed: config.seed ?? base.seed,
  };
}

/** The attribute columns (without `attr:`) that the settings' comparisons, levels and rules read, first use first. */
export function attributeColumns(settings: DedupeSettings): string[] {
  const features: FeatureName[] = [];
  for (const comparison of settings.comparisons) {
    features.push(comparison.feature);
    for (const level of comparison.levels) {
      if ("feature" in level && level.feature) features.push(level.feature);
      if (level.kind === "swapped") features.push(level.with);
    }
  }
  for (const rule of settings.blockingRules) features.push(...ruleFeatures(rule));
  const columns = features.filter((feature) => feature.startsWith("attr:")).map((feature) => feature.slice("attr:".length));
  return [...new Set(columns)];
}
