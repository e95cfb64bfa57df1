/** `roster validate`: the commander adapter, report output (stdout or --out) and the gates' exit code. */
import { z } from "zod";
import { auditArgs } from "../../commands/audit-args.js";
import { runValidate, type ValidateOptions, type ValidateResult } from "../../commands/validate.js";
import { InputError, UsageError } from "../../errors.js";
import { count, number } from "../../io/count.js";
import { parseEncodingName } from "../../io/encoding.js";
import { openTextSink } from "../../io/output.js";
import { FORMATS } from "../../io/sniff.js";
import { compileCustomRule } from "../../stages/validate/custom.js";
import { BUILT_IN_RULES } from "../../stages/validate/index.js";
import {
  csvRows,
  REPORT_FORMATS,
  type ReportFormat,
  renderJson,
  renderJunit,
  renderMarkdown,
  renderTable,
  reportJson,
} from "../../stages/validate/render.js";
import type { FailOn, Threshold } from "../../stages/validate/report.js";
import { KNOWN_RULE_IDS } from "../../stages/validate/rules.js";
import { failOnGate } from "../gate.js";
import { type Globals, parseOptions, READING_FLAGS, resolveGlobals } from "../globals.js";
import type { CliContext } from "../program.js";
import { workerCount } from "../workers.js";
import { parseDelimiter, parseMapFlags } from "./import.js";
import { perSourceSettings } from "./normalize.js";

const ValidateFlags = z.object({
  format: z.enum(REPORT_FORMATS).optional(),
  inputFormat: z.enum(FORMATS).optional(),
  ...READING_FLAGS,
  out: z.string().min(1).optional(),
  failOn: z.enum(["error", "warning", "never"]).optional(),
  maxInvalid: z.array(z.string()).optional(),
});

/** `--max-invalid 5%` or `--max-invalid email.syntax=2%`. */
export function parseMaxInvalid(value: string): Threshold {
  const match = /^\s*(?:([\w.-]+)\s*=\s*)?(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
  if (!match || Number(match[2]) > 100) {
    throw new UsageError(`--max-invalid takes PCT% (0 to 100) or RULE=PCT% (e.g. 2% or email.syntax=0.5%), not ${JSON.stringify(value)}`);
  }
  return { rule: match[1], percent: Number(match[2]), level: "error", text: `--max-invalid ${value.trim()}` };
}

export function validateOptionsFrom(
  files: string[],
  raw: Record<string, unknown>,
  globals: Globals,
): ValidateOptions & { format: ReportFormat; out: string | undefined; ruleCatalogue: { rule: string; field: string }[] } {
  const flags = parseOptions(ValidateFlags, raw);
  const encoding = parseEncodingName(flags.encoding);
  if (!encoding) throw new UsageError(`--encoding: unsupported encoding ${JSON.stringify(flags.encoding)}`);
  const format = flags.format ?? (globals.json ? "json" : "table");
  // --json's one object goes to stdout: another report format needs a file of its own.
  if (globals.json && format !== "json" && (flags.out === undefined || flags.out === "-"))
    throw new UsageError(`--json prints its result on stdout: write the --format ${format} report with --out FILE`);
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
  // With error thresholds, they decide: any single error no longer fails unless --fail-on says so.
  // (A warn_if alone changes nothing: it only prints.)
  const failOn: FailOn = flags.failOn ?? (thresholds.some((t) => t.level === "error") ? "never" : "error");
  // Rule names in configuration must exist: a typo would otherwise switch nothing off or gate on nothing.
  const customIds = (config.rules ?? []).map((rule) => compileCustomRule(rule).id);
  const known = new Set([...KNOWN_RULE_IDS, ...customIds]);
  const unknown = (id: string | undefined, where: string) => {
    if (id !== undefined && !known.has(id))
      throw new UsageError(`${where}: unknown rule "${id}"`, `rules: ${[...known].sort().join(", ")}`);
  };
  for (const [i, id] of (config.disabled_rules ?? []).entries()) unknown(id, `${globals.configPath ?? "roster.yml"}: disabled_rules.${i}`);
  for (const [i, check] of (config.checks ?? []).entries()) unknown(check.rule, `${globals.configPath ?? "roster.yml"}: checks.${i}.rule`);
  for (const threshold of thresholds) if (threshold.text.startsWith("--max-invalid")) unknown(threshold.rule, threshold.text);
  const ruleCatalogue = [
    ...BUILT_IN_RULES.filter((rule) => !(config.disabled_rules ?? []).includes(rule.id)).map((rule) => ({
      rule: rule.id,
      field: rule.field,
    })),
    ...(config.rules ?? []).map((rule) => ({ rule: compileCustomRule(rule).id, field: rule.field })),
  ];
  const perSource = perSourceSettings(globals);
  return {
    files,
    read: { format: flags.inputFormat, encoding, delimiter: parseDelimiter(flags.delimiter), checksum: false },
    mappings: { ...config.mappings, ...parseMapFlags(flags.map) },
    source: flags.source,
    out: flags.out,
    dryRun: false,
    country: globals.country,
    dateOrder: config.date_order,
    perSource,
    storePath: globals.storePath,
    busyTimeoutMs: globals.busyTimeoutMs,
    workers: workerCount(globals.terminal.streams.env.ROSTER_WORKERS),
    required: config.required ?? [],
    disabled: config.disabled_rules ?? [],
    custom: config.rules ?? [],
    failOn,
    thresholds,
    format,
    ruleCatalogue,
    // The store is checked with no reading options; files are read with them.
    auditArgs: auditArgs({
      "--country": globals.country,
      "--source": flags.source,
      "--format": flags.format,
      "--out": flags.out,
      "--fail-on": failOn,
      "--max-invalid": flags.maxInvalid,
    }),
  };
}

export async function validateCommand(files: string[], raw: Record<string, unknown>, context: CliContext): Promise<void> {
  const globals = resolveGlobals(raw, context);
  const options = validateOptionsFrom(files, raw, globals);
  const { terminal } = globals;
  const sink = openTextSink(options.out, context.streams.stdout);
  let csvHeader = true;
  let result: ValidateResult;
  const started = new Date();
  try {
    result = await runValidate(options, {
      terminal,
      stdin: context.streams.stdin as AsyncIterable<Uint8Array>,
      onFindings:
        options.format === "csv"
          ? (findings) => {
              if (findings.length === 0) return;
              sink.write(csvRows(findings, csvHeader));
              csvHeader = false;
            }
          : undefined,
    });
    const { report } = result;
    const failing = new Set(options.failOn === "never" ? [] : options.failOn === "warning" ? ["error", "warning"] : ["error"]);
    if (options.format === "csv" && csvHeader) sink.write(csvRows([], true));
    if (options.format === "table") sink.write(renderTable(report, options.out && options.out !== "-" ? undefined : terminal.stdoutColor));
    const ok = report.passed && (result.failedFiles ?? []).length === 0;
    // Under --json the report is the result main prints on stdout; a --out FILE gets it (or its --format) too.
    if (globals.json) terminal.result(reportJson(report, ok));
    const toStdout = options.out === undefined || options.out === "-";
    if (options.format === "json" && !(globals.json && toStdout)) sink.write(renderJson(report, ok));
    if (options.format === "junit")
      sink.write(renderJunit(report, failing, options.ruleCatalogue, { started, seconds: (Date.now() - started.getTime()) / 1000 }));
    if (options.format === "markdown") sink.write(renderMarkdown(report));
    sink.close(); // the report stands whether the gates pass or not
  } catch (error) {
    sink.discard();
    throw error;
  }
  const { report } = result;
  const unreadable = result.failedFiles;
  for (const gate of report.gates) if (!gate.passed && gate.level === "warning") terminal.warn(`${gate.gate}: ${gate.detail}`);
  if (options.source && files.length === 0 && report.records === 0) terminal.warn(`no current records in source "${options.source}"`);
  // An empty export passing a gate is usually a broken export upstream: say so, without failing the gate for it.
  if (files.length > 0 && report.records === 0 && unreadable.length === 0) {
    terminal.warn(`no records in ${files.map((f) => (f === "-" ? "stdin" : f)).join(", ")}: nothing was checked`);
  }
  if ((options.out && options.out !== "-") || options.format !== "table") {
    const where = options.out && options.out !== "-" ? `; report in ${options.out}` : "";
    terminal.info(
      `${count(report.records, "record")} checked: ${number(report.invalid.error)} with errors, ${number(report.invalid.warning)} with warnings${where}`,
    );
  }
  if (unreadable.length > 0) {
    throw new InputError(
      unreadable.length === files.length
        ? (unreadable[0] as string)
        : `${number(unreadable.length)} of ${count(files.length, "file")} could not be read: ${unreadable.join("; ")}`,
    );
  }
  failOnGate(result.gate);
}
