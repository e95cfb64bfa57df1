/** `roster validate`: the commander adapter, report output (stdout or --out) and the gates' exit code. */
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { QualityGateError, UsageError } from "../../errors.js";
import { parseEncodingName } from "../../io/encoding.js";
import { FORMATS } from "../../io/sniff.js";
import {
  csvRows,
  REPORT_FORMATS,
  type ReportFormat,
  renderJson,
  renderJunit,
  renderMarkdown,
  renderTable,
} from "../../stages/validate/render.js";
import type { FailOn, Threshold } from "../../stages/validate/report.js";
import { type Globals, parseOptions, resolveGlobals } from "../globals.js";
import type { CliContext } from "../program.js";
import { parseDelimiter, parseMapFlags } from "./import.js";
import { runValidate, type ValidateOptions } from "./validate-run.js";

const ValidateFlags = z.object({
  format: z.enum(REPORT_FORMATS).optional(),
  inputFormat: z.enum(FORMATS).optional(),
  encoding: z.string().default("auto"),
  delimiter: z.string().optional(),
  map: z.array(z.string()).optional(),
  source: z.string().trim().min(1, "must not be empty").optional(),
  out: z.string().min(1).optional(),
  failOn: z.enum(["error", "warning", "never"]).optional(),
  maxInvalid: z.array(z.string()).optional(),
});

/** `--max-invalid 5%` or `--max-invalid email.syntax=2%`. */
export function parseMaxInvalid(value: string): Threshold {
  const match = /^\s*(?:([\w.-]+)\s*=\s*)?(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
  if (!match) throw new UsageError(`--max-invalid takes PCT% or RULE=PCT% (e.g. 2% or email.syntax=0.5%), not ${JSON.stringify(value)}`);
  return { rule: match[1], percent: Number(match[2]), level: "error", text: `--max-invalid ${value.trim()}` };
}

export function validateOptionsFrom(
  files: string[],
  raw: Record<string, unknown>,
  globals: Globals,
): ValidateOptions & { format: ReportFormat; out: string | undefined } {
  const flags = parseOptions(ValidateFlags, raw);
  const encoding = parseEncodingName(flags.encoding);
  if (!encoding) throw new UsageError(`--encoding: unsupported encoding ${JSON.stringify(flags.encoding)}`);
  const { config } = globals;
  const thresholds: Threshold[] = [...(flags.maxInvalid ?? []).map(parseMaxInvalid)];
  for (const [i, check] of (config.checks ?? []).entries()) {
    const name = check.rule ?? "any error";
    if (check.warn_if !== undefined)
      thresholds.push({
        rule: check.rule,
        percent: check.warn_if,
        level: "warning",
        text: `checks[${i}] ${name} warn_if > ${check.warn_if}%`,
      });
    if (check.error_if !== undefined)
      thresholds.push({
        rule: check.rule,
        percent: check.error_if,
        level: "error",
        text: `checks[${i}] ${name} error_if > ${check.error_if}%`,
      });
  }
  // With thresholds, they decide: any single error no longer fails unless --fail-on says so.
  const failOn: FailOn = flags.failOn ?? (thresholds.length > 0 ? "never" : "error");
  const perSource = Object.fromEntries(
    Object.entries(config.sources ?? {}).map(([name, settings]) => [
      name,
      { dateOrder: settings.date_order, country: settings.country?.toUpperCase() },
    ]),
  );
  return {
    files,
    read: { format: flags.inputFormat, encoding, delimiter: parseDelimiter(flags.delimiter) },
    mappings: { ...config.mappings, ...parseMapFlags(flags.map) },
    source: flags.source,
    out: flags.out,
    dryRun: false,
    country: globals.country,
    dateOrder: config.date_order,
    perSource,
    storePath: globals.storePath,
    busyTimeoutMs: globals.busyTimeoutMs,
    required: config.required ?? [],
    disabled: config.disabled_rules ?? [],
    custom: config.rules ?? [],
    failOn,
    thresholds,
    format: globals.json ? "json" : (flags.format ?? "table"),
  };
}

export async function validateCommand(files: string[], raw: Record<string, unknown>, context: CliContext): Promise<void> {
  const globals = resolveGlobals(raw, context);
  const options = validateOptionsFrom(files, raw, globals);
  const { terminal } = globals;
  // The report goes to --out (via a temporary name, so a half-written file never stands) or to stdout.
  const partial = options.out ? `${options.out}.partial-${process.pid}` : undefined;
  const chunks: string[] = [];
  const emit = (text: string) => {
    if (partial) chunks.push(text);
    else context.streams.stdout.write(text);
  };
  let csvHeader = true;
  try {
    const result = await runValidate(options, {
      terminal,
      stdin: context.streams.stdin as AsyncIterable<Uint8Array>,
      onFindings:
        options.format === "csv"
          ? (findings) => {
              if (findings.length === 0) return;
              emit(csvRows(findings, csvHeader));
              csvHeader = false;
            }
          : undefined,
    });
    const { report } = result;
    for (const reject of result.rejects) terminal.warn(`${reject.where}: row not read: ${reject.reason}`);
    const failing = new Set(options.failOn === "never" ? [] : options.failOn === "warning" ? ["error", "warning"] : ["error"]);
    if (options.format === "csv" && csvHeader) emit(csvRows([], true));
    if (options.format === "table") emit(renderTable(report, partial ? undefined : terminal.color));
    if (options.format === "json") emit(renderJson(report));
    if (options.format === "junit") emit(renderJunit(report, failing));
    if (options.format === "markdown") emit(renderMarkdown(report));
    if (partial && options.out) {
      writeFileSync(partial, chunks.join(""), { mode: 0o644 });
      renameSync(partial, options.out);
    }
    for (const gate of report.gates) if (!gate.passed && gate.level === "warning") terminal.warn(`${gate.gate}: ${gate.detail}`);
    if (partial || options.format !== "table") {
      terminal.info(
        `${report.records} records checked: ${report.invalid.error} with errors, ${report.invalid.warning} with warnings${partial ? `; report in ${options.out}` : ""}`,
      );
    }
    if (!report.passed) {
      const failed = report.gates.filter((g) => !g.passed && g.level === "error");
      throw new QualityGateError(`validation failed: ${failed.map((g) => `${g.gate} (${g.detail})`).join("; ")}`);
    }
  } catch (error) {
    if (partial && !(error instanceof QualityGateError)) rmSync(partial, { force: true });
    throw error;
  }
}
