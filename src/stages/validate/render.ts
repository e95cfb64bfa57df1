/** Formatting a validation report: table (terminal), JSON, JUnit XML, Markdown, CSV. Pure: report in, text out. */
import { stringify } from "csv-stringify/sync";
import { count, number } from "../../io/count.js";
import type { LocatedFinding } from "../../model/finding.js";
import { percentOf, type RuleSummary, type ValidationReport } from "./report.js";

export const REPORT_FORMATS = ["table", "json", "junit", "markdown", "csv"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

interface Paint {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const plain: Paint = { red: (t) => t, yellow: (t) => t, green: (t) => t, dim: (t) => t, bold: (t) => t };

export function where(finding: LocatedFinding): string {
  return `${finding.source}:${finding.line}${finding.sourceId ? ` (${finding.sourceId})` : ""}`;
}

function exampleLine(finding: LocatedFinding): string {
  return `${where(finding)}: ${finding.message}${finding.suggestion ? ` (${finding.suggestion})` : ""}`;
}

/** "1,234 records: 5 with errors, 1 with warnings, 0 with notes" (table and Markdown). */
function summaryLine(report: ValidationReport): string {
  const { error, warning, info } = report.invalid;
  return `${count(report.records, "record")}: ${number(error)} with errors, ${number(warning)} with warnings, ${number(info)} with notes`;
}

export function renderTable(report: ValidationReport, paint: Paint = plain): string {
  const lines: string[] = [];
  const width = Math.max(10, ...report.rules.map((r) => `${r.field} ${r.rule}`.length));
  lines.push(`${paint.bold("field / rule".padEnd(width))}  ${"severity".padEnd(8)}  ${"records".padStart(8)}  ${"share".padStart(7)}`);
  for (const rule of report.rules) {
    const color = rule.severity === "error" ? paint.red : rule.severity === "warning" ? paint.yellow : paint.dim;
    lines.push(
      `${`${rule.field} ${rule.rule}`.padEnd(width)}  ${color(rule.severity.padEnd(8))}  ${number(rule.records).padStart(8)}  ${percentOf(rule.records, report.records).padStart(7)}`,
    );
    for (const example of rule.examples.slice(0, 3)) lines.push(paint.dim(`    ${exampleLine(example)}`));
  }
  if (report.rules.length === 0) lines.push(paint.green("no findings"));
  lines.push("");
  lines.push(`${summaryLine(report)} (${count(report.findings, "finding")})`);
  for (const gate of report.gates) {
    const mark = gate.passed ? paint.green("pass") : gate.level === "warning" ? paint.yellow("warn") : paint.red("FAIL");
    lines.push(`${mark}  ${gate.gate}: ${gate.detail}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The report as JSON (`--format json`, and validate's `--json` result): snake_case keys like the store's
 * columns. `ok`: the run passes (the gates, and every file could be read).
 */
export function reportJson(report: ValidationReport, ok: boolean): Record<string, unknown> {
  return {
    command: "validate",
    ok,
    records: report.records,
    invalid: report.invalid,
    findings: report.findings,
    rules: report.rules.map((rule) => ({ ...rule, examples: rule.examples.map(findingJson) })),
    gates: report.gates,
    passed: report.passed,
  };
}

function findingJson(finding: LocatedFinding) {
  return {
    source: finding.source,
    source_id: finding.sourceId,
    line: finding.line,
    record_id: finding.recordId ?? null,
    field: finding.field,
    rule: finding.rule,
    severity: finding.severity,
    message: finding.message,
    suggestion: finding.suggestion ?? null,
  };
}

export function renderJson(report: ValidationReport, ok: boolean): string {
  return `${JSON.stringify(reportJson(report, ok))}\n`;
}

/** XML 1.0 text: characters it forbids (controls, U+FFFE/FFFF, lone surrogates) dropped, the rest escaped. */
const xml = (text: string) =>
  text
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      "",
    )
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

/** One testcase per rule and field (what GitLab, Jenkins and Azure read); a failing one carries counts and examples. */
export function renderJunit(
  report: ValidationReport,
  failingSeverities: ReadonlySet<string>,
  catalogue: readonly { rule: string; field: string }[] = [],
  /** When the run started and how long it took: the suite's timestamp and time (the rules have no time of their own). */
  timing?: { started: Date; seconds: number },
): string {
  // Every enabled rule is a testcase: one that stops firing turns green instead of disappearing.
  const found = new Set(report.rules.map((r) => `${r.field}: ${r.rule}`));
  const clean = catalogue
    .filter((entry) => !found.has(`${entry.field}: ${entry.rule}`))
    .map((entry) => `    <testcase classname="roster.validate.${xml(entry.field)}" name="${xml(`${entry.field}: ${entry.rule}`)}"/>`);
  const checked = `    <testcase classname="roster.validate" name="records checked"><system-out>${count(report.records, "record")}</system-out></testcase>`;
  const cases = report.rules.map((rule) => {
    const failed = failingSeverities.has(rule.severity);
    const name = `${rule.field}: ${rule.rule}`;
    const detail = `${number(rule.records)} of ${count(report.records, "record")} (${percentOf(rule.records, report.records)})\n${rule.examples.map(exampleLine).join("\n")}`;
    return failed
      ? `    <testcase classname="roster.validate.${xml(rule.field)}" name="${xml(name)}">\n      <failure message="${xml(`${rule.severity}: ${count(rule.records, "record")}`)}" type="${xml(rule.rule)}">${xml(detail)}</failure>\n    </testcase>`
      : `    <testcase classname="roster.validate.${xml(rule.field)}" name="${xml(name)}">\n      <system-out>${xml(`${rule.severity}: ${detail}`)}</system-out>\n    </testcase>`;
  });
  const gateCases = report.gates.map((gate) =>
    gate.passed || gate.level === "warning"
      ? `    <testcase classname="roster.validate.gates" name="${xml(gate.gate)}"><system-out>${xml(gate.detail)}</system-out></testcase>`
      : `    <testcase classname="roster.validate.gates" name="${xml(gate.gate)}">\n      <failure message="${xml(gate.detail)}" type="gate"/>\n    </testcase>`,
  );
  const failing = [
    ...report.rules.filter((rule) => failingSeverities.has(rule.severity)),
    ...report.gates.filter((g) => !g.passed && g.level === "error"),
  ];
  const all = [checked, ...cases, ...clean, ...gateCases];
  const failures = failing.length;
  const time = timing ? ` time="${timing.seconds.toFixed(3)}"` : "";
  const stamp = timing ? ` timestamp="${timing.started.toISOString().slice(0, 19)}"` : "";
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="roster validate" tests="${all.length}" failures="${failures}"${time}>\n  <testsuite name="roster validate" tests="${all.length}" failures="${failures}" errors="0" skipped="0"${time}${stamp}>\n${all.join("\n")}\n  </testsuite>\n</testsuites>\n`;
}

/** A Markdown table cell: pipes escaped, HTML neutralized (a value must not open a comment or a tag). */
const cell = (text: string) =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/[\r\n]+/g, " ");

/** For CI job summaries ($GITHUB_STEP_SUMMARY). */
export function renderMarkdown(report: ValidationReport): string {
  const lines = [`## roster validate: ${report.passed ? "passed" : "failed"}`, ""];
  lines.push(`${summaryLine(report)}.`, "");
  if (report.rules.length > 0) {
    lines.push("| field | rule | severity | records | share | example |", "|---|---|---|---:|---:|---|");
    for (const rule of report.rules) {
      const example = rule.examples[0] ? cell(exampleLine(rule.examples[0])) : "";
      lines.push(
        `| ${cell(rule.field)} | ${cell(rule.rule)} | ${rule.severity} | ${number(rule.records)} | ${percentOf(rule.records, report.records)} | ${example} |`,
      );
    }
    lines.push("");
  }
  for (const gate of report.gates)
    lines.push(`- ${gate.passed ? "✅" : gate.level === "warning" ? "⚠️" : "❌"} \`${cell(gate.gate)}\`: ${cell(gate.detail)}`);
  return `${lines.join("\n")}\n`;
}

export const CSV_COLUMNS = ["source", "source_id", "line", "field", "rule", "severity", "message", "suggestion"];

/** One row per finding; written as findings stream in, since a million records may have many. */
export function csvRows(findings: readonly LocatedFinding[], header: boolean): string {
  return stringify(
    findings.map((f) => [f.source, f.sourceId ?? "", f.line, f.field, f.rule, f.severity, f.message, f.suggestion ?? ""]),
    { header, columns: CSV_COLUMNS },
  );
}

export type { RuleSummary };
