/**
 * roster.yml: loaded with `yaml`, checked with zod. A bad file is a UsageError (exit 2) naming the key path
 * and what was expected. Later issues extend the schema; unknown keys are errors so typos do not pass silently.
 */
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { z } from "zod";
import { UsageError } from "../errors.js";
import { CANONICAL_FIELDS } from "../fields/canonical.js";

const mappingTarget = z.enum([...CANONICAL_FIELDS, "attributes", "-"]);
const countryCode = z.string().regex(/^[A-Za-z]{2}$/, "a two-letter country code such as CN or US");
const dateOrder = z.enum(["dmy", "mdy"]);

export const ConfigSchema = z.strictObject({
  store: z.string().min(1).optional(),
  /** Default region (ISO 3166-1 alpha-2) for phones and addresses. */
  country: countryCode.optional(),
  /** COLUMN: FIELD, for every input. */
  mappings: z.record(z.string(), mappingTarget).optional(),
  /** Day-first (dmy) or month-first (mdy) for slash dates, when the data cannot tell. */
  date_order: dateOrder.optional(),
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
