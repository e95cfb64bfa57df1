/** `roster unmerge`: the commander adapter, and what happened (terminal) or the result object (--json). */
import { z } from "zod";
import { auditArgs } from "../../commands/audit-args.js";
import { type CustomerPart, recordName, runUnmerge, type UnmergeOptions, type UnmergeResult } from "../../commands/unmerge.js";
import { count, number as n } from "../../io/count.js";
import type { Terminal } from "../../io/terminal.js";
import type { CustomerRecordRef } from "../../store/unmerge.js";
import { type Globals, parseOptions, resolveGlobals } from "../globals.js";
import type { CliContext } from "../program.js";
import { whoAmI } from "../who-am-i.js";
import { dedupeOptionsFrom } from "./dedupe.js";
import { mergeOptionsFrom } from "./merge.js";
import { normalizeOptionsFrom } from "./normalize.js";

const UnmergeFlags = z.object({
  record: z.string().trim().min(1, "name a record: its id or source:source_id").optional(),
  dryRun: z.boolean().optional(),
});

/** How many decisions a dry run lists on the terminal (--json lists them all). */
const SHOWN = 10;

export function unmergeOptionsFrom(
  customer: string,
  raw: Record<string, unknown>,
  globals: Globals,
  env: NodeJS.ProcessEnv,
): UnmergeOptions {
  const flags = parseOptions(UnmergeFlags, raw);
  return {
    storePath: globals.storePath,
    busyTimeoutMs: globals.busyTimeoutMs,
    customer,
    record: flags.record,
    dryRun: flags.dryRun === true,
    decidedBy: whoAmI(env),
    auditArgs: auditArgs({ "--record": flags.record, "--dry-run": flags.dryRun }, [customer]),
    // The split runs dedupe and merge as `roster dedupe` and `roster merge` would, with the same roster.yml.
    dedupe: dedupeOptionsFrom([], {}, globals),
    merge: mergeOptionsFrom({}, globals),
  };
}

export async function unmergeCommand(customer: string, raw: Record<string, unknown>, context: CliContext): Promise<void> {
  const globals = resolveGlobals(raw, context);
  const { terminal } = globals;
  const options = unmergeOptionsFrom(customer, raw, globals, context.streams.env);
  const { runNormalize } = await import("../../commands/normalize.js");
  const result = await runUnmerge(options, {
    terminal,
    stdout: context.streams.stdout,
    // Records imported and not normalized yet are normalized first, as `roster dedupe` does.
    normalizeFirst: async () => {
      await runNormalize(normalizeOptionsFrom([], { new: true }, globals), { terminal, stdout: context.streams.stdout });
    },
  });
  if (globals.json) terminal.result(resultJson(result));
  else printSummary(terminal, result);
}

const names = (records: readonly CustomerRecordRef[]) => records.map((record) => `${record.id} ${recordName(record)}`).join(", ");

function printSummary(terminal: Terminal, result: UnmergeResult): void {
  const c = terminal.color;
  if (result.aliasOf !== undefined)
    terminal.info(`customer ${result.aliasOf} was merged into customer ${result.customerId}: unmerging that`);
  if (result.run === "nothing-to-split") {
    terminal.info(`customer ${result.customerId} has one record (${names(result.records)}): nothing to split, nothing written`);
    return;
  }
  const what = result.taken
    ? `record ${result.taken.id} (${recordName(result.taken)}) out of customer ${result.customerId}`
    : `customer ${result.customerId} into its ${count(result.records.length, "record")}`;
  const replaced = result.replaced.same > 0 ? ` (${count(result.replaced.same, "earlier 'same' decision")} replaced)` : "";
  if (result.run === "dry-run") {
    terminal.info(`would split ${what}: ${count(result.decisions.length, "pair")} would be decided different people${replaced}`);
    for (const decision of result.decisions.slice(0, SHOWN)) {
      terminal.info(`  ${decision.a} ≠ ${decision.b}${decision.before ? c.dim(` (was: ${decision.before})`) : ""}`);
    }
    if (result.decisions.length > SHOWN) terminal.info(`  … and ${n(result.decisions.length - SHOWN)} more (--json lists every pair)`);
    terminal.info(c.dim("dry run: nothing written (the split runs dedupe and merge on the store)"));
    return;
  }
  terminal.info(`split ${what}: ${count(result.written, "pair")} decided different people${replaced}`);
  for (const part of result.parts) terminal.info(`  ${partLine(result, part)}: ${names(part.records)}`);
  if (result.keptId === null) terminal.info(c.yellow(`customer ${result.customerId} holds none of these records any more`));
  terminal.info(
    c.dim(`dedupe (${result.dedupeRun}) and merge run ${result.mergeRunId ?? "(nothing changed)"}, ${result.seconds.toFixed(1)} s`),
  );
}

function partLine(result: UnmergeResult, part: CustomerPart): string {
  if (part.customerId === result.customerId) return `customer ${part.customerId} keeps`;
  return part.created ? `new customer ${part.customerId}` : `joined customer ${part.customerId}`;
}

const recordJson = (record: CustomerRecordRef) => ({ id: record.id, source: record.source, source_id: record.sourceId });

function resultJson(result: UnmergeResult) {
  return {
    command: "unmerge",
    ok: true,
    store: result.store,
    dry_run: result.run === "dry-run",
    run: result.run,
    customer_id: result.customerId,
    requested_id: result.aliasOf ?? result.customerId,
    via_alias: result.aliasOf !== undefined,
    records: result.records.map(recordJson),
    record: result.taken ? recordJson(result.taken) : null,
    decisions: result.decisions.map((d) => ({ record_a: d.a, record_b: d.b, decision: "different", replaces: d.before })),
    decisions_written: result.written,
    replaced_same: result.replaced.same,
    dedupe_run: result.dedupeRun,
    merge_run_id: result.mergeRunId,
    kept_id: result.keptId,
    customers: result.parts.map((part) => ({
      customer_id: part.customerId,
      kept: part.customerId === result.customerId,
      created: part.created,
      records: part.records.map(recordJson),
    })),
    seconds: result.seconds,
  };
}
