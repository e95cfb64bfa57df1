/** `roster merge`: the commander adapter, and the summary (terminal) or result object (--json). */
import { z } from "zod";
import { auditArgs } from "../../commands/audit-args.js";
import { EXAMPLES, type MergeOptions, type MergeResult, mergeCounts, runMerge } from "../../commands/merge.js";
import { mergeSettings } from "../../config/merge.js";
import { count, number as n } from "../../io/count.js";
import type { Terminal } from "../../io/terminal.js";
import { type Globals, parseOptions, resolveGlobals } from "../globals.js";
import type { CliContext } from "../program.js";
import { workerCount } from "../workers.js";

const MergeFlags = z.object({ dryRun: z.boolean().optional(), full: z.boolean().optional() });

export function mergeOptionsFrom(raw: Record<string, unknown>, globals: Globals): MergeOptions {
  const flags = parseOptions(MergeFlags, raw);
  return {
    storePath: globals.storePath,
    busyTimeoutMs: globals.busyTimeoutMs,
    settings: mergeSettings(globals.config.merge),
    dryRun: flags.dryRun === true,
    full: flags.full === true,
    auditArgs: auditArgs({ "--dry-run": flags.dryRun, "--full": flags.full }),
    workers: workerCount(globals.terminal.streams.env.ROSTER_WORKERS),
  };
}

export async function mergeCommand(raw: Record<string, unknown>, context: CliContext): Promise<void> {
  const globals = resolveGlobals(raw, context);
  const { terminal } = globals;
  const result = await runMerge(mergeOptionsFrom(raw, globals), { terminal });
  if (result.changedSinceDedupe > 0) {
    terminal.warn(
      `${count(result.changedSinceDedupe, "record")} normalized again since the last dedupe run: merged in the clusters that run made (roster dedupe matches them again)`,
    );
  }
  for (const source of result.unknownSources) {
    terminal.warn(`merge.sources in roster.yml lists ${JSON.stringify(source)}, which no current record has: is it spelled as imported?`);
  }
  if (globals.json) terminal.result(resultJson(result));
  else printSummary(terminal, result);
}

/** "country 2, birth_date 1", most first. */
function byField(counts: Record<string, number | undefined>): string {
  return Object.entries(counts)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0) || a[0].localeCompare(b[0]))
    .map(([field, times]) => `${field} ${n(times ?? 0)}`)
    .join(", ");
}

function printSummary(terminal: Terminal, result: MergeResult): void {
  const c = terminal.color;
  const { counts } = result;
  if (result.records === 0 && counts.retired === 0) {
    terminal.info("no current records to merge: roster import and roster dedupe some first");
    return;
  }
  if (!result.changed) {
    terminal.info(
      `nothing changed since the last merge: ${count(counts.customers, "customer")} from ${count(result.records, "record")}, nothing written`,
    );
    return;
  }
  const would = result.dryRun ? "would be " : "";
  terminal.info(
    `${count(counts.customers, "customer")} from ${count(result.records, "record")}: ${n(counts.created)} ${would}created, ${n(counts.updated)} ${would}updated, ${n(counts.unchanged)} unchanged, ${n(counts.aliased)} ${would}merged into older ones (ids kept as aliases), ${n(counts.retired)} ${would}retired`,
  );
  const reassigned = counts.moved - result.assigned;
  if (reassigned > 0) terminal.info(`${count(reassigned, "record")} ${result.dryRun ? "would move" : "moved"} to another customer`);
  if (result.assigned > 0)
    terminal.info(c.dim(`${count(result.assigned, "record")} ${result.dryRun ? "would get" : "got"} a customer for the first time`));
  if (result.carried > 0)
    terminal.info(c.dim(`${count(result.carried, "re-imported record")} (a new version) kept the customer of the version before`));
  const derivedTotal = Object.values(result.derived).reduce((sum: number, times) => sum + (times ?? 0), 0);
  if (derivedTotal > 0) terminal.info(`completed by derivation: ${count(derivedTotal, "field")} (${byField(result.derived)})`);
  if (counts.updated > 0) terminal.info(c.dim(`fields changed (value or provenance): ${byField(result.changedFields)}`));
  if (result.dryRun) {
    for (const created of result.examples.created) {
      terminal.info(`  would create customer ${created.customerId} (records ${created.recordIds.join(", ")})`);
    }
    for (const updated of result.examples.updated) {
      terminal.info(`  would update customer ${updated.customerId}: ${updated.changedFields.join(", ")}`);
    }
    for (const alias of result.aliases.slice(0, EXAMPLES)) terminal.info(`  would merge customer ${alias.from} into ${alias.to}`);
    for (const id of result.retired.slice(0, EXAMPLES)) terminal.info(`  would retire customer ${id}`);
    const listed = Math.min(counts.created, EXAMPLES) + Math.min(counts.updated, EXAMPLES);
    const more = counts.created + counts.updated - listed + Math.max(0, counts.aliased - EXAMPLES) + Math.max(0, counts.retired - EXAMPLES);
    if (more > 0) terminal.info(`  … and ${n(more)} more (--json lists every alias and retired id)`);
    terminal.info(c.dim("dry run: nothing written"));
    return;
  }
  for (const alias of result.aliases.slice(0, EXAMPLES)) terminal.info(c.dim(`  customer ${alias.from} now resolves to ${alias.to}`));
  if (result.aliases.length > EXAMPLES) terminal.info(c.dim(`  … and ${n(result.aliases.length - EXAMPLES)} more aliases`));
  terminal.info(c.dim(`merge run ${result.mergeRunId} (from dedupe run ${result.dedupeRunId}), ${result.seconds.toFixed(1)} s`));
}

function resultJson(result: MergeResult) {
  return {
    command: "merge",
    ok: true,
    store: result.store,
    dry_run: result.dryRun,
    run: result.run,
    mode: result.mode,
    full_because: result.fullBecause,
    planned_clusters: result.planned,
    phases: result.phases,
    writing_thread: result.writingThread,
    changed: result.changed,
    merge_run_id: result.mergeRunId,
    dedupe_run_id: result.dedupeRunId,
    changed_since_dedupe: result.changedSinceDedupe,
    ...mergeCounts(result),
    aliases: result.aliases,
    retired_ids: result.retired,
    examples: {
      created: result.examples.created.map((c) => ({ customer_id: c.customerId, records: c.recordIds })),
      updated: result.examples.updated.map((c) => ({ customer_id: c.customerId, changed_fields: c.changedFields })),
    },
    unknown_sources: result.unknownSources,
    seconds: result.seconds,
  };
}
