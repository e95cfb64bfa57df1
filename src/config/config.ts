/**
 * roster.yml: loaded with `yaml`, checked with zod. A bad file is a UsageError (exit 2) naming the key path
 * and what was expected. Later issues extend the schema; unknown keys are errors so typos do not pass silently.
 */
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { z } from "zod";
import { UsageError } from "../errors.js";
import { CANONICAL_FIELDS } from "../fields/canonical.js";
import { DedupeConfigSchema } from "./dedupe.js";
import { MergeConfigSchema } from "./merge.js";
import { ReportConfigSchema } from "./report.js";

const mappingTarget = z.enum([...CANONICAL_FIELDS, "attributes", "-"]);
const countryCode = z.string().regex(/^[A-Za-z]{2}$/, "a two-letter country code such as CN or US");
const dateOrder = z.enum(["dmy", "mdy"]);

const severity = z.enum(["error", "warning", "info"]);
const canonicalField = z.enum(CANONICAL_FIELDS);
const bound = z.union([z.number(), z.string()]);

/** One custom rule: exactly one of required, pattern, enum, length, range, unique. */
const CustomRuleSchema = z
  .strictObject({
    field: canonicalField,
    severity: severity.default("error"),
    source: z.string().min(1).optional(),
    name: z
      .string()
      .regex(/^[\w.-]+$/, "letters, digits, '.', '_' or '-'")
      .optional(),
    required: z.literal(true).optional(),
    pattern: z
      .string()
      .refine((text) => {
        try {
          new RegExp(text, "u");
          return true;
        } catch {
          return false;
        }
      }, "a valid regular expression")
      .optional(),
    enum: z.array(z.string()).min(1).optional(),
    length: z.strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() }).optional(),
    range: z.strictObject({ min: bound.optional(), max: bound.optional() }).optional(),
    unique: z.literal(true).optional(),
  })
  .refine(
    (rule) =>
      ["required", "pattern", "enum", "length", "range", "unique"].filter((k) => rule[k as keyof typeof rule] !== undefined).length === 1,
    {
      message: "give exactly one of required, pattern, enum, length, range, unique",
    },
  )
  .refine((rule) => !rule.length || (rule.length.min ?? 0) <= (rule.length.max ?? Number.POSITIVE_INFINITY), {
    message: "length: min is above max",
    path: ["length"],
  })
  .refine((rule) => !rule.range || rule.range.min === undefined || rule.range.max === undefined || rule.range.min <= rule.range.max, {
    message: "range: min is above max",
    path: ["range"],
  });

/** "> 5%", ">5%" or "5%": the share of records above which a check trips. */
const threshold = z
  .string()
  .regex(/^\s*>?\s*\d+(?:\.\d+)?\s*%\s*$/, 'a percentage such as "> 5%"')
  .transform((text) => Number(text.replace(/[>%\s]/g, "")))
  .refine((percent) => percent <= 100, "a percentage from 0 to 100");

const CheckSchema = z
  .strictObject({ rule: z.string().min(1).optional(), warn_if: threshold.optional(), error_if: threshold.optional() })
  .refine((check) => check.warn_if !== undefined || check.error_if !== undefined, { message: "give warn_if, error_if or both" })
  .refine((check) => check.warn_if === undefined || check.error_if === undefined || check.warn_if <= check.error_if, {
    message: "warn_if is above error_if",
  });

export const ConfigSchema = z.strictObject({
  store: z.string().min(1).optional(),
  /** Default region (ISO 3166-1 alpha-2) for phones and addresses. */
  country: countryCode.optional(),
  /** COLUMN: FIELD, for every input. */
  mappings: z.record(z.string(), mappingTarget).optional(),
  /** Day-first (dmy) or month-first (mdy) for slash dates, when the data cannot tell. */
  date_order: dateOrder.optional(),
  /** validate: fields every record must have. */
  required: z.array(canonicalField).optional(),
  /** validate: custom rules. */
  rules: z.array(CustomRuleSchema).optional(),
  /** validate: thresholds per rule (or over all errors), as dbt's warn_if / error_if. */
  checks: z.array(CheckSchema).optional(),
  /** validate: built-in rule ids switched off. */
  disabled_rules: z.array(z.string()).optional(),
  /** Settings per source name, overriding the global ones. */
  sources: z
    .record(
      z.string(),
      z.strictObject({
        date_order: dateOrder.optional(),
        country: countryCode.optional(),
      }),
    )
    .optional(),
  /** dedupe: thresholds, comparisons and blocking rules (dedupe.ts). */
  dedupe: DedupeConfigSchema.optional(),
  /** merge: source order and survivorship rules per field (merge.ts). */
  merge: MergeConfigSchema.optional(),
  /** report: gates on the report's metrics, and the trend's length (report.ts). */
  report: ReportConfigSchema.optional(),
});

export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(path: string, explicit: boolean): { config: Config; path: string | undefined } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && !explicit) return { config: {}, path: undefined };
    throw new UsageError(`cannot read config ${path}: ${(error as Error).message}`);
  }
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    const first = document.errors[0];
    const where = first?.linePos?.[0] ? `:${first.linePos[0].line}` : "";
    throw new UsageError(`${path}${where}: not valid YAML: ${first?.message.split("\n")[0]}`);
  }
  const result = ConfigSchema.safeParse(document.toJS() ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const keyPath = issue?.path.length ? issue.path.join(".") : "(top level)";
    throw new UsageError(`${path}: ${keyPath}: ${issue?.message}`, "see the README section 'Configuration' for every key");
  }
  return { config: result.data, path };
}
