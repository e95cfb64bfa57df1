/** `roster init`: the adapter and its output (the work is src/commands/init.ts). */
import { type InitResult, runInit } from "../../commands/init.js";
import { resolveGlobals } from "../globals.js";
import type { CliContext } from "../program.js";

export async function initCommand(rawOptions: Record<string, unknown>, context: CliContext): Promise<void> {
  const globals = resolveGlobals(rawOptions, context);
  const result = runInit(
    { storePath: globals.storePath, busyTimeoutMs: globals.busyTimeoutMs, configTemplate: rawOptions.configTemplate === true },
    { terminal: globals.terminal },
  );
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
