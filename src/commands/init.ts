/** `roster init`: create (or migrate) the store, and optionally a commented roster.yml in the current directory. */
import { existsSync, writeFileSync } from "node:fs";
import type { Terminal } from "../io/terminal.js";
import { writeAudit } from "../store/audit.js";
import { openStore } from "../store/open.js";
import { SCHEMA_VERSION } from "../store/schema.js";

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
#   KdNr: source_id
`;

export interface InitOptions {
  storePath: string;
  busyTimeoutMs: number;
  configTemplate?: boolean | undefined;
}

export function runInit(options: InitOptions, io: { terminal: Terminal }): InitResult {
  const opened = openStore(options.storePath, { create: true, busyTimeoutMs: options.busyTimeoutMs });
  try {
    writeAudit(opened.db, "init", [], "ok", { created: opened.created, migratedFrom: opened.migratedFrom });
  } finally {
    opened.db.close();
  }
  let configWritten: string | undefined;
  if (options.configTemplate) {
    if (existsSync("roster.yml")) io.terminal.warn("roster.yml already exists: left as it is");
    else {
      writeFileSync("roster.yml", CONFIG_TEMPLATE, { flag: "wx" });
      configWritten = "roster.yml";
    }
  }
  return { store: opened.path, created: opened.created, schemaVersion: SCHEMA_VERSION, migratedFrom: opened.migratedFrom, configWritten };
}
