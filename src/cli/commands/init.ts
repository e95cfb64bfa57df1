/** `roster init`: create (or migrate) the store, and optionally a commented roster.yml. */
import { existsSync, writeFileSync } from "node:fs";
import { writeAudit } from "../../store/audit.js";
import { openStore } from "../../store/open.js";
import { SCHEMA_VERSION } from "../../store/schema.js";
import { type Globals, resolveGlobals } from "../globals.js";
import type { CliContext } from "../program.js";

export interface InitResult {
  store: string;
  created: boolean;
  schemaVersion: number;
  migratedFrom: number;
  configWritten: string | undefined;
}

const CONFIG_TEMPLATE = `# roster.yml: settings shared by every roster command run in this directory.
# Every key is optional. See the README, section "Configuration".

# Store file (overridden by --store and $ROSTER_STORE).
# store: ./roster.db

# Default country (ISO 3166-1 alpha-2) for phones and addresses without one.
# country: CN

# Column -> canonical field, for columns the built-in synonyms do not recognise.
# Fields: source_id given_name family_name full_name email phone birth_date company address_line1
#         address_line2 city region postal_code country national_id marketing_consent created_at updated_at
# Use "attributes" to keep a column out of every canonical field.
# mappings:
#   Handynummer: phone
#   Kundennummer: source_id
`;

export function runInit(globals: Globals, options: { configTemplate?: boolean }): InitResult {
  const opened = openStore(globals.storePath, { create: true, busyTimeoutMs: globals.busyTimeoutMs });
  try {
    writeAudit(opened.db, "init", [], "ok", { created: opened.created, migratedFrom: opened.migratedFrom });
  } finally {
    opened.db.close();
  }
  let configWritten: string | undefined;
  if (options.configTemplate) {
    if (existsSync("roster.yml")) globals.terminal.warn("roster.yml already exists: left as it is");
    else {
      writeFileSync("roster.yml", CONFIG_TEMPLATE, { flag: "wx" });
      configWritten = "roster.yml";
    }
  }
  return { store: opened.path, created: opened.created, schemaVersion: SCHEMA_VERSION, migratedFrom: opened.migratedFrom, configWritten };
}

export async function initCommand(rawOptions: Record<string, unknown>, context: CliContext): Promise<void> {
  const globals = resolveGlobals(rawOptions, context);
  const result = runInit(globals, { configTemplate: rawOptions.configTemplate === true });
  const { terminal } = globals;
  if (globals.json) return terminal.result(toJson(result));
  if (result.created) terminal.info(`${terminal.color.green("created")} store ${result.store} (schema version ${result.schemaVersion})`);
  else if (result.migratedFrom < result.schemaVersion)
    terminal.info(`migrated store ${result.store} from schema ${result.migratedFrom} to ${result.schemaVersion}`);
  else terminal.info(`store ${result.store} is ready (schema version ${result.schemaVersion})`);
  if (result.configWritten) terminal.info(`wrote ${result.configWritten}`);
}

/** The --json result: snake_case keys like the store's columns. */
function toJson(result: InitResult) {
  return {
    command: "init",
    ok: true,
    store: result.store,
    created: result.created,
    schema_version: result.schemaVersion,
    migrated_from: result.migratedFrom,
    config_written: result.configWritten ?? null,
  };
}
