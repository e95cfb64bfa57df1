/** `roster report`: the commander adapter, the rendered report (stdout or --out), and the gates' exit code. */
import { z } from "zod";
import { auditArgs } from "../../commands/audit-args.js";
import { type ReportOptions, type ReportResult, runReport, TREND_RUNS } from "../../commands/report.js";
import { InputError, UsageError } from "../../errors.js";
import { count, number } from "../../io/count.js";
import { parseEncodingName } from "../../io/encoding.js";
import { openTextSink } from "../../io/output.js";
import { FORMATS } from "../../io/sniff.js";
import { checkMetricName, describeGate, parseGateFlag, type ReportGate } from "../../stages/report/gates.js";
import { renderMarkdown } from "../../stages/report/render-markdown.js";
import { renderText } from "../../stages/report/render-text.js";
import { failOnGate } from "../gate.js";
import { type Globals, parseOptions, READING_FLAGS, resolveGlobals } from "../globals.js";
import type { CliContext } from "../program.js";
import { workerCount } from "../workers.js";
import { parseDelimiter, parseMapFlags } from "./import.js";
import { perSourceSettings } from "./normalize.js";

export const REPORT_FORMATS = ["text", "json", "markdown", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const ReportFlags = z.object({
  format: z.enum(REPORT_FORMATS).optional(),
  inputFormat: z.enum(FORMATS).optional(),
  ...READING_FLAGS,
  out: z.string().min(1).optional(),
  by: z.array(z.string()).optional(),
  failUnder: z.array(z.string()).optional(),
  failOver: z.array(z.string()).optional(),
  record: z.boolean().optional(),
});

/** `--by country,city` → ["country", "city"]; each name at most once. */
export function parseBy(value: string): string[] {
  const names = value.split(",").map((name) => name.trim());
  if (names.some((name) => name === "")) throw new UsageError(`--by takes FIELD[,FIELD], not ${JSON.stringify(value)}`);
  if (new Set(names).size !== names.length) throw new UsageError(`--by ${value}: a field is named twice`);
  return names;
}

/** roster.yml's report.checks, each limit one gate; unknown metric names are exit 2 naming the key path. */
function configGates(globals: Globals): ReportGate[] {
  const where = globals.configPath ?? "roster.yml";
  return (globals.config.report?.checks ?? []).flatMap((check, i) => {
    checkMetricName(check.metric, `${where}: report.checks.${i}.metric`);
    const gate = (direction: "under" | "over", limit: number | undefined, level: "error" | "warning"): ReportGate[] =>
      limit === undefined
        ? []
        : [
            {
              metric: check.metric,
              direction,
              limit,
              level,
              text: `report.checks[${i}] ${check.metric} ${level === "error" ? "fail" : "warn"}_${direction} ${limit}`,
            },
          ];
    return [
      ...gate("under", check.fail_under, "error"),
      ...gate("over", check.fail_over, "error"),
      ...gate("under", check.warn_under, "warning"),
      ...gate("over", check.warn_over, "warning"),
    ];
  });
}

export function reportOptionsFrom(
  files: string[],
  raw: Record<string, unknown>,
  globals: Globals,
): ReportOptions & { format: ReportFormat; out: string | undefined } {
  const flags = parseOptions(ReportFlags, raw);
  const encoding = parseEncodingName(flags.encoding);
  if (!encoding) throw new UsageError(`--encoding: unsupported encoding ${JSON.stringify(flags.encoding)}`);
  const format = flags.format ?? (globals.json ? "json" : "text");
  if (globals.json && format !== "json" && (flags.out === undefined || flags.out === "-"))
    throw new UsageError(`--json prints its result on stdout: write the --format ${format} report with --out FILE`);
  if (files.length === 0 && flags.source !== undefined)
    throw new UsageError("--source names the rows of files; the store's report covers every source (its by-source section shows each)");
  const gates = [
    ...(flags.failUnder ?? []).map((value) => parseGateFlag(value, "under")),
    ...(flags.failOver ?? []).map((value) => parseGateFlag(value, "over")),
    ...configGates(globals),
  ];
  const { config } = globals;
  return {
    files,
    read: { format: flags.inputFormat, encoding, delimiter: parseDelimiter(flags.delimiter), checksum: false },
    mappings: { ...config.mappings, ...parseMapFlags(flags.map) },
    source: flags.source,
    country: globals.country,
    dateOrder: config.date_order,
    perSource: perSourceSettings(globals),
    storePath: globals.storePath,
    busyTimeoutMs: globals.busyTimeoutMs,
    workers: workerCount(globals.terminal.streams.env.ROSTER_WORKERS),
    by: (flags.by ?? []).map(parseBy),
    gates,
    record: flags.record !== false,
    trendRuns: config.report?.trend_runs ?? TREND_RUNS,
    required: config.required ?? [],
    disabled: config.disabled_rules ?? [],
    custom: config.rules ?? [],
    format,
    out: flags.out,
    auditArgs: auditArgs({
      "--format": flags.format,
      "--out": flags.out,
      "--by": flags.by,
      "--fail-under": flags.failUnder,
      "--fail-over": flags.failOver,
    }),
  };
}

/** The --json result: the report itself under `report`, with the gates and the runs row. */
export function resultJson(result: ReportResult, ok: boolean): Record<string, unknown> {
  return {
    command: "report",
    ok,
    run_id: result.runId,
    gates: result.gates.map((g) => ({
      metric: g.metric,
      direction: g.direction,
      limit: g.limit,
      level: g.level,
      value: g.value,
      passed: g.passed,
      text: g.text,
    })),
    rejects: result.rejects,
    report: result.report,
  };
}

async function render(format: ReportFormat, result: ReportResult, color: Parameters<typeof renderText>[1]): Promise<string> {
  if (format === "json") return `${JSON.stringify(result.report, null, 2)}\n`;
  if (format === "markdown") return renderMarkdown(result.report, result.gates);
  if (format === "html") {
    const { renderHtml } = await import("../../stages/report/render-html.js");
    return renderHtml(result.report);
  }
  return renderText(result.report, color, result.gates);
}

/** Unreadable rows are named as validate names them (file:line: reason); the first few, then a count. */
const REJECTS_SHOWN = 10;

export async function reportCommand(files: string[], raw: Record<string, unknown>, context: CliContext): Promise<void> {
  const globals = resolveGlobals(raw, context);
  const options = reportOptionsFrom(files, raw, globals);
  const { terminal } = globals;
  const result = await runReport(options, { terminal, stdin: context.streams.stdin as AsyncIterable<Uint8Array> });
  for (const reject of result.rejects.slice(0, REJECTS_SHOWN)) terminal.warn(`row not read: ${reject}`);
  if (result.rejects.length > REJECTS_SHOWN) terminal.warn(`… and ${number(result.rejects.length - REJECTS_SHOWN)} more rows not read`);
  const toFile = options.out !== undefined && options.out !== "-";
  const ok = !result.gate.failed && result.failedFiles.length === 0;
  if (globals.json) terminal.result(resultJson(result, ok));
  if (!(globals.json && !toFile)) {
    const sink = openTextSink(options.out, context.streams.stdout);
    try {
      sink.write(await render(options.format, result, toFile ? undefined : terminal.stdoutColor));
      sink.close(); // the report stands whether the gates pass or not
    } catch (error) {
      sink.discard();
      throw error;
    }
  }
  for (const gate of result.gates) if (!gate.passed && gate.level === "warning") terminal.warn(describeGate(gate));
  if (options.by.length > 0 && result.report.profile === null)
    terminal.warn("--by breaks down golden customers, and merge has not run on this store: roster merge first");
  if (toFile)
    terminal.info(
      `report of ${count(result.report.records, "record")} in ${options.out}${result.runId !== null ? ` (run ${result.runId})` : ""}`,
    );
  if (files.length > 0 && result.report.records === 0 && result.failedFiles.length === 0)
    terminal.warn(`no records in ${files.join(", ")}`);
  if (result.failedFiles.length > 0) {
    throw new InputError(
      result.failedFiles.length === files.length
        ? (result.failedFiles[0] as string)
        : `${number(result.failedFiles.length)} of ${count(files.length, "file")} could not be read: ${result.failedFiles.join("; ")}`,
    );
  }
  failOnGate(result.gate);
}
