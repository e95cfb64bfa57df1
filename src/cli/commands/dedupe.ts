/** `roster dedupe`: the commander adapter, and the summary, --explain and --show-model output (terminal / JSON). */
import { z } from "zod";
import { auditArgs } from "../../commands/audit-args.js";
import { type DedupeOptions, type DedupeResult, runDedupe } from "../../commands/dedupe.js";
import { runExplain, runShowModel } from "../../commands/dedupe-explain.js";
import { dedupeSettings, attributeColumns as settingsAttributeColumns } from "../../config/dedupe.js";
import { UsageError } from "../../errors.js";
import { count, number as n } from "../../io/count.js";
import { parseEncodingName } from "../../io/encoding.js";
import { FORMATS } from "../../io/sniff.js";
import type { Terminal } from "../../io/terminal.js";
import { type Globals, parseOptions, READING_FLAGS, resolveGlobals } from "../globals.js";
import type { CliContext } from "../program.js";
import { workerCount } from "../workers.js";
import { explanationJson, modelJson, printExplanation, printModel } from "./dedupe-output.js";
import { parseDelimiter, parseMapFlags } from "./import.js";
import { normalizeOptionsFrom, perSourceSettings } from "./normalize.js";

const probability = z.coerce.number().gt(0, "must be above 0").max(1, "must be at most 1");

const DedupeFlags = z.object({
  format: z.enum(FORMATS).optional(),
  ...READING_FLAGS,
  out: z.string().optional(),
  threshold: probability.optional(),
  reviewThreshold: z.coerce.number().min(0, "must be at least 0").max(1, "must be at most 1").optional(),
  retrain: z.boolean().optional(),
  full: z.boolean().optional(),
  explain: z.array(z.string()).optional(),
  showModel: z.boolean().optional(),
});

export function dedupeOptionsFrom(files: string[], raw: Record<string, unknown>, globals: Globals): DedupeOptions {
  const flags = parseOptions(DedupeFlags, raw);
  const encoding = parseEncodingName(flags.encoding);
  if (!encoding) throw new UsageError(`--encoding: unsupported encoding ${JSON.stringify(flags.encoding)}`);
  if (files.length === 0 && flags.out)
    throw new UsageError("-o/--out is for deduplicating files; without files, dedupe works on the store");
  if (files.length > 0 && globals.json && (!flags.out || flags.out === "-")) {
    throw new UsageError("--json with files needs -o FILE: the rows go to stdout otherwise");
  }
  if (files.length > 0 && (flags.explain || flags.showModel || flags.retrain || flags.full)) {
    throw new UsageError("--explain, --show-model, --retrain and --full work on the store: give no files");
  }
  if (flags.explain && flags.explain.length !== 2) {
    throw new UsageError("--explain takes two records: --explain A B (record ids or source:source_id)");
  }
  const base = dedupeSettings(globals.config.dedupe);
  const settings = {
    ...base,
    ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
    ...(flags.reviewThreshold !== undefined ? { reviewThreshold: flags.reviewThreshold } : {}),
  };
  // --threshold alone below the review threshold takes the review band down with it (as roster.yml does).
  if (flags.threshold !== undefined && flags.reviewThreshold === undefined && settings.reviewThreshold > settings.threshold) {
    settings.reviewThreshold = settings.threshold;
  }
  if (settings.reviewThreshold > settings.threshold) {
    throw new UsageError(`--review-threshold ${settings.reviewThreshold} is above the threshold ${settings.threshold}`);
  }
  const perSource = perSourceSettings(globals);
  return {
    files,
    read: { format: flags.format, encoding, delimiter: parseDelimiter(flags.delimiter), checksum: false },
    mappings: { ...globals.config.mappings, ...parseMapFlags(flags.map) },
    source: flags.source,
    out: flags.out,
    country: globals.country,
    dateOrder: globals.config.date_order,
    perSource,
    storePath: globals.storePath,
    busyTimeoutMs: globals.busyTimeoutMs,
    settings,
    attributeColumns: settingsAttributeColumns(settings),
    retrain: flags.retrain === true,
    full: flags.full === true,
    workers: workerCount(globals.terminal.streams.env.ROSTER_WORKERS),
    auditArgs: auditArgs({
      "--threshold": flags.threshold === undefined ? undefined : String(flags.threshold),
      "--review-threshold": flags.reviewThreshold === undefined ? undefined : String(flags.reviewThreshold),
      "--retrain": flags.retrain,
      "--full": flags.full,
    }),
  };
}

export async function dedupeCommand(files: string[], raw: Record<string, unknown>, context: CliContext): Promise<void> {
  const globals = resolveGlobals(raw, context);
  const options = dedupeOptionsFrom(files, raw, globals);
  const { terminal } = globals;
  const flags = raw as { explain?: string[]; showModel?: boolean };
  if (flags.showModel) {
    const shown = runShowModel(options);
    if (globals.json)
      terminal.result({ command: "dedupe", ok: true, model_id: shown.modelId, trained_at: shown.trainedAt, ...modelJson(shown.model) });
    else printModel(terminal, shown.model, shown.modelId, shown.trainedAt);
    return;
  }
  if (flags.explain) {
    const explanation = runExplain(options, flags.explain as [string, string]);
    if (globals.json) terminal.result({ command: "dedupe", ok: true, explain: explanationJson(explanation) });
    else printExplanation(terminal, explanation);
    return;
  }
  const { runNormalize } = await import("../../commands/normalize.js");
  const result = await runDedupe(options, {
    terminal,
    stdin: context.streams.stdin as AsyncIterable<Uint8Array>,
    stdout: context.streams.stdout,
    normalizeFirst: async () => {
      await runNormalize(normalizeOptionsFrom([], { new: true }, globals), { terminal, stdout: context.streams.stdout });
    },
  });
  for (const capped of result.capped) {
    terminal.warn(
      `blocking rule ${capped.rule}: ${count(capped.values, "value")} shared by more than the block limit left out, the largest ${JSON.stringify(capped.value)} held by ${count(capped.records, "record")} (${capped.features}); set dedupe.max_block_size in roster.yml to change the limit`,
    );
  }
  if (globals.json) terminal.result(resultJson(result));
  else printSummary(terminal, result);
}

function printSummary(terminal: Terminal, result: DedupeResult): void {
  const c = terminal.color;
  if (result.records === 0) {
    terminal.info("no current records to deduplicate: roster import some first");
    return;
  }
  if (result.run === "unchanged") {
    terminal.info(
      `nothing new since the last dedupe: ${count(result.records, "record")} in ${count(result.clusters.count, "cluster")}, nothing written`,
    );
    return;
  }
  if (result.trained && result.mode === "files") terminal.info(c.dim("trained a model on these files (files mode: not stored)"));
  else if (result.trained) terminal.info(c.dim(`trained a new model (${result.retrainReason}): roster dedupe --show-model prints it`));
  // A run after the first that read every record although only some changed: say why (it took longer).
  if (result.run === "incremental" && result.readWholeBecause) terminal.info(c.dim(`read every record: ${result.readWholeBecause}`));
  if (result.unusedComparisons.length > 0)
    terminal.info(c.dim(`not compared (no record fills them): ${result.unusedComparisons.join(", ")}`));
  const rules = result.rules.filter((rule) => rule.used);
  const width = Math.max(14, ...rules.map((rule) => rule.name.length));
  terminal.info(`${c.bold("blocking rule".padEnd(width))}  ${"pairs".padStart(11)}`);
  for (const rule of rules) terminal.info(`${rule.name.padEnd(width)}  ${n(rule.pairs).padStart(11)}`);
  const skipped = result.rules.filter((rule) => !rule.used);
  if (skipped.length > 0) terminal.info(c.dim(`rules not used (fields not filled): ${skipped.map((rule) => rule.name).join(", ")}`));
  const scope =
    result.run === "incremental"
      ? ` (incremental: ${count(result.scored, "new or changed record")}; ${n(result.read)} of ${n(result.records)} records read)`
      : "";
  terminal.info(`${count(result.candidates, "candidate pair")} scored${scope}`);
  terminal.info(
    `${c.green(count(result.matches, "match", "matches"))} at p >= ${result.threshold}, ${count(result.review, "pair")} for review (p >= ${result.reviewThreshold})`,
  );
  const sizes = Object.entries(result.clusters.bySize)
    .map(([size, clusters]) => `${size}: ${n(clusters)}`)
    .join(", ");
  terminal.info(
    `${count(result.records, "record")} in ${count(result.clusters.count, "cluster")} (by size ${sizes}; largest ${n(result.clusters.largest)})`,
  );
  if (result.clusters.split.length > 0) {
    terminal.info(c.yellow(`${count(result.clusters.split.length, "cluster")} split by the chaining guard:`));
    for (const split of result.clusters.split.slice(0, 5))
      terminal.info(`  ${split.members} records → ${split.parts.join(" + ")}: ${split.reason}`);
    if (result.clusters.split.length > 5) terminal.info(`  … and ${n(result.clusters.split.length - 5)} more`);
  }
  const phases = Object.entries(result.phases)
    .map(([phase, seconds]) => `${phase} ${seconds.toFixed(1)} s`)
    .join(", ");
  terminal.info(c.dim(`${result.seconds.toFixed(1)} s (${phases})${result.out ? `; wrote ${result.out}` : ""}`));
}

function resultJson(result: DedupeResult) {
  return {
    command: "dedupe",
    ok: true,
    mode: result.mode,
    store: result.store ?? null,
    run: result.run,
    records: result.records,
    scored: result.scored,
    read: result.read,
    normalized_first: result.normalizedFirst,
    trained: result.trained,
    retrain_reason: result.retrainReason ?? null,
    read_whole_because: result.readWholeBecause ?? null,
    unused_comparisons: result.unusedComparisons,
    threshold: result.threshold,
    review_threshold: result.reviewThreshold,
    blocking_rules: result.rules.map((rule) => ({ name: rule.name, used: rule.used, pairs: rule.pairs, reason: rule.reason ?? null })),
    capped_blocks: result.capped.map((capped) => ({
      rule: capped.rule,
      features: capped.features,
      values: capped.values,
      largest_records: capped.records,
    })),
    candidate_pairs: result.candidates,
    matches: result.matches,
    review_pairs: result.review,
    clusters: {
      count: result.clusters.count,
      by_size: result.clusters.bySize,
      largest: result.clusters.largest,
      split: result.clusters.split,
      ids_kept: result.clusters.kept,
      ids_created: result.clusters.created,
      ids_joined: result.clusters.joined,
    },
    seconds: result.seconds,
    phases: result.phases,
    out: result.out ?? null,
  };
}
