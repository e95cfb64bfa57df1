/**
 * Resolving the global options every command shares: store path, config, terminal output, busy timeout.
 */
import { existsSync } from "node:fs";
import countries from "i18n-iso-countries";
import { z } from "zod";
import { type Config, loadConfig } from "../config/config.js";
import { UsageError } from "../errors.js";
import { Terminal } from "../io/terminal.js";
import { DEFAULT_BUSY_TIMEOUT_MS } from "../store/open.js";
import type { CliContext } from "./program.js";

const GlobalOptionsSchema = z.object({
  store: z.string().optional(),
  config: z.string().optional(),
  json: z.boolean().optional(),
  quiet: z.boolean().optional(),
  verbose: z.boolean().optional(),
  color: z.boolean().optional(),
  warnError: z.boolean().optional(),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, "--country takes a two-letter code such as CN or US")
    .refine((code) => countries.isValid(code.toUpperCase()), "not an ISO 3166-1 country code")
    .optional(),
});

/**
 * The reading options normalize, validate, dedupe and report share (DESIGN.md §1), as each command's flag schema
 * spreads them; import has its own (its --source names a new source, with stricter rules).
 */
export const READING_FLAGS = {
  encoding: z.string().default("auto"),
  delimiter: z.string().optional(),
  map: z.array(z.string()).optional(),
  source: z.string().trim().min(1, "must not be empty").optional(),
};

export interface Globals {
  terminal: Terminal;
  storePath: string;
  config: Config;
  configPath: string | undefined;
  json: boolean;
  busyTimeoutMs: number;
  country: string | undefined;
}

/** Parse a command's options with a zod schema; a failure is a usage error naming the option. */
export function parseOptions<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue?.path.length ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ` : "";
  throw new UsageError(`${name}${issue?.message}`);
}

export function resolveGlobals(raw: Record<string, unknown>, context: CliContext): Globals {
  const options = parseOptions(GlobalOptionsSchema, raw);
  const { env } = context.streams;
  const configPath = options.config ?? "roster.yml";
  const { config, path } =
    options.config !== undefined || existsSync(configPath)
      ? loadConfig(configPath, options.config !== undefined)
      : { config: {}, path: undefined };
  const storePath = options.store ?? (env.ROSTER_STORE || undefined) ?? config.store ?? "roster.db";
  context.storePath = storePath;
  const terminal = new Terminal(context.streams, {
    color: options.color,
    quiet: options.quiet,
    verbose: options.verbose,
    json: options.json,
  });
  context.terminal = terminal;
  return {
    terminal,
    storePath,
    config,
    configPath: path,
    json: options.json === true,
    busyTimeoutMs: busyTimeout(env.ROSTER_BUSY_TIMEOUT),
    country: (options.country ?? config.country)?.toUpperCase(),
  };
}

function busyTimeout(value: string | undefined): number {
  if (value === undefined || value === "") return DEFAULT_BUSY_TIMEOUT_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0)
    throw new UsageError(`ROSTER_BUSY_TIMEOUT must be a whole number of milliseconds, not ${JSON.stringify(value)}`);
  return ms;
}
