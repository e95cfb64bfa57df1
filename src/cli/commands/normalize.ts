/** `roster normalize`: the commander adapter and the human / JSON output. */
import { z } from "zod";
import { auditArgs } from "../../commands/audit-args.js";
import { type NormalizeOptions, type NormalizeResult, runNormalize } from "../../commands/normalize.js";
import { UsageError } from "../../errors.js";
import { count, number as n } from "../../io/count.js";
import { parseEncodingName } from "../../io/encoding.js";
import { FORMATS } from "../../io/sniff.js";
import type { Terminal } from "../../io/terminal.js";
import { type Globals, parseOptions, READING_FLAGS, resolveGlobals } from "../globals.js";
import type { CliContext } from "../program.js";
import { workerCount } from "../workers.js";
import { parseDelimiter, parseMapFlags } from "./import.js";

const NormalizeFlags = z.object({
  format: z.enum(FORMATS).optional(),
  ...READING_FLAGS,
  out: z.string().optional(),
  dryRun: z.boolean().optional(),
  new: z.boolean().optional(),
});

export function normalizeOptionsFrom(files: string[], raw: Record<string, unknown>, globals: Globals): NormalizeOptions {
  const flags = parseOptions(NormalizeFlags, raw);
  const encoding = parseEncodingName(flags.encoding);
  if (!encoding) throw new UsageError(`--encoding: unsupported encoding ${JSON.stringify(flags.encoding)}`);
  if (files.length > 0 && flags.new) throw new UsageError("--new is for the store: files are normalized whole");
  if (files.length === 0 && flags.out)
    throw new UsageError("-o/--out is for normalizing files; without files, normalize works on the store");
  if (files.length > 0 && globals.json && (!flags.out || flags.out === "-")) {
    throw new UsageError("--json with files needs -o FILE: the normalized rows go to stdout otherwise");
  }
  const perSource = perSourceSettings(globals);
  return {
    files,
    read: { format: flags.format, encoding, delimiter: parseDelimiter(flags.delimiter), checksum: false },
    mappings: { ...globals.config.mappings, ...parseMapFlags(flags.map) },
    source: flags.source,
    out: flags.out,
    dryRun: flags.dryRun === true,
    country: globals.country,
    dateOrder: globals.config.date_order,
    perSource,
    storePath: globals.storePath,
    busyTimeoutMs: globals.busyTimeoutMs,
    workers: workerCount(globals.terminal.streams.env.ROSTER_WORKERS),
    onlyNew: flags.new === true,
    auditArgs: auditArgs({ "--country": globals.country, "--source": flags.source, "--new": flags.new }),
  };
}

/** roster.yml's `sources:` as the normalize settings per source (normalize and dedupe's file mode read them). */
export function perSourceSettings(globals: Globals): NormalizeOptions["perSource"] {
  return Object.fromEntries(
    Object.entries(globals.config.sources ?? {}).map(([name, settings]) => [
      name,
      { dateOrder: settings.date_order, country: settings.country?.toUpperCase() },
    ]),
  );
}

export async function normalizeCommand(files: string[], raw: Record<string, unknown>, context: CliContext): Promise<void> {
  const globals = resolveGlobals(raw, context);
  const options = normalizeOptionsFrom(files, raw, globals);
  const result = await runNormalize(options, {
    terminal: globals.terminal,
    stdin: context.streams.stdin as AsyncIterable<Uint8Array>,
    stdout: context.streams.stdout,
  });
  const { terminal } = globals;
  for (const reject of result.rejects) terminal.warn(`${reject.where}: row not read: ${reject.reason}`);
  if (options.source && files.length === 0 && result.sources.length === 0)
    terminal.warn(`no current records in source "${options.source}"`);
  if (files.length === 0) {
    for (const flag of ["map", "format", "delimiter"] as const)
      if (raw[flag] !== undefined) terminal.warn(`--${flag} applies to files only: ignored for the store`);
  }
  for (const source of result.sources) {
    if (source.dateOrderFrom === "undecided" && source.evidence.dayFirst + source.evidence.monthFirst > 0) {
      terminal.warn(
        `source ${source.source}: slash dates are day-first in ${count(source.evidence.dayFirst, "row")} and month-first in ${n(source.evidence.monthFirst)}; set date_order for it in roster.yml`,
      );
    }
  }
  if (globals.json) terminal.result(toJson(result));
  else printSummary(terminal, result);
}

function printSummary(terminal: Terminal, result: NormalizeResult): void {
  const c = terminal.color;
  const { summary } = result;
  const rows = Object.entries(summary.fields).filter(([, s]) => s.changed + s.unchanged + s.invalid > 0);
  const width = Math.max(5, ...rows.map(([field]) => field.length));
  terminal.info(
    `${c.bold("field".padEnd(width))}  ${"changed".padStart(9)}  ${"unchanged".padStart(9)}  ${"empty".padStart(9)}  ${"invalid".padStart(9)}`,
  );
  for (const [field, s] of rows) {
    const invalid = s.invalid > 0 ? c.yellow(n(s.invalid).padStart(9)) : n(0).padStart(9);
    terminal.info(
      `${field.padEnd(width)}  ${n(s.changed).padStart(9)}  ${n(s.unchanged).padStart(9)}  ${n(s.empty).padStart(9)}  ${invalid}`,
    );
    if (result.dryRun)
      for (const sample of s.samples)
        terminal.info(c.dim(`${"".padEnd(width)}    ${JSON.stringify(sample.before)} → ${JSON.stringify(sample.after)}`));
  }
  for (const { where, finding } of result.findings) terminal.info(`  ${where}: ${finding.field}: ${finding.message}`);
  if (summary.findings > result.findings.length)
    terminal.info(`  … and ${count(summary.findings - result.findings.length, "more finding", "more findings")}`);
  const orders = result.sources.map(
    (s) => `${s.source}: ${s.dateOrder ?? "undecided"}${s.dateOrderFrom === "undecided" ? "" : ` (${s.dateOrderFrom})`}`,
  );
  if (orders.length > 0) terminal.info(c.dim(`date order per source: ${orders.join(", ")}`));
  const verb = result.dryRun ? "would normalize" : "normalized";
  terminal.info(
    `${verb} ${count(summary.records, "record")} with ${count(summary.findings, "finding")}${result.dryRun ? c.dim(" (dry run: nothing written)") : ""}`,
  );
}

function toJson(result: NormalizeResult) {
  return {
    command: "normalize",
    ok: true,
    mode: result.mode,
    store: result.store ?? null,
    dry_run: result.dryRun,
    records: result.summary.records,
    findings: result.summary.findings,
    fields: result.summary.fields,
    sources: result.sources.map((s) => ({
      source: s.source,
      records: s.records,
      date_order: s.dateOrder,
      date_order_from: s.dateOrderFrom,
      evidence: { day_first: s.evidence.dayFirst, month_first: s.evidence.monthFirst },
    })),
    first_findings: result.findings.map(({ where, finding }) => ({ where, ...finding })),
    rejects: result.rejects,
  };
}
