/**
 * The report for a terminal: aligned tables, small Unicode bar charts, colour through the chalk instance the
 * Terminal decided on (level 0, no colour, when stdout is no TTY or colour is off). Pure: report in, text out.
 */
import { count, number } from "../../io/count.js";
import type { GateResult } from "./gates.js";
import { describeGate } from "./gates.js";
import {
  BREAKDOWN_TITLES,
  bar,
  decimal,
  displayWidth,
  padEnd,
  padStart,
  pct,
  sparkline,
  TREND_METRICS,
  valueLabel,
} from "./render-common.js";
import type { FieldQuality, QualityReport } from "./types.js";

export interface Paint {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  cyan(text: string): string;
}

const same = (text: string) => text;
export const PLAIN: Paint = { red: same, yellow: same, green: same, dim: same, bold: same, cyan: same };

/** Rows of a breakdown shown on a terminal (the JSON has up to PROFILE_ROWS). */
const ROWS_SHOWN = 8;

/** Columns aligned by display width; `right` columns are numbers. Colour is applied after padding. */
function table(
  headers: string[],
  rows: string[][],
  right: ReadonlySet<number>,
  paint: Paint,
  colour?: (row: number, col: number, text: string) => string,
) {
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ""))));
  const line = (cells: string[], row: number) =>
    cells
      .map((cell, i) => {
        // The last column is not padded: trailing spaces inside colour codes would survive trimEnd.
        const last = i === cells.length - 1;
        const padded = right.has(i) ? padStart(cell, widths[i] as number) : last ? cell : padEnd(cell, widths[i] as number);
        return colour && row >= 0 ? colour(row, i, padded) : padded;
      })
      .join("  ")
      .trimEnd();
  return [paint.bold(line(headers, -1)), ...rows.map((r, i) => line(r, i))];
}

/** Green from 95%, yellow from 80%, red below: how a share of good values reads at a glance. */
function shade(paint: Paint, value: number | null, text: string): string {
  if (value === null) return paint.dim(text);
  return value >= 95 ? paint.green(text) : value >= 80 ? paint.yellow(text) : paint.red(text);
}

function fieldsSection(fields: FieldQuality[], records: number, paint: Paint): string[] {
  const shown = fields.filter((f) => f.filled > 0 || f.findings.length > 0);
  const empty = fields.filter((f) => f.filled === 0 && f.findings.length === 0).map((f) => f.field);
  const rows = shown.map((f) => [
    f.field,
    number(f.filled),
    pct(f.completeness),
    bar(f.completeness, 10),
    pct(f.validity),
    pct(f.uniqueness),
    pct(f.consistency),
    f.formats[0]?.shape ?? "",
  ]);
  const values = shown.map((f) => [null, null, f.completeness, null, f.validity, null, f.consistency, null] as (number | null)[]);
  const lines = table(
    ["field", "filled", "complete", "", "valid", "unique", "consistent", "most common format"],
    rows,
    new Set([1, 2, 4, 5, 6]),
    paint,
    (row, col, text) => {
      const value = values[row]?.[col];
      if (col === 3) return paint.cyan(text);
      if (col === 7) return paint.dim(text);
      return value === undefined || value === null ? text : shade(paint, value, text);
    },
  );
  if (records > 0 && empty.length > 0) lines.push(paint.dim(`not filled by any record: ${empty.join(", ")}`));
  return lines;
}

function findingsSection(fields: FieldQuality[], paint: Paint): string[] {
  const all = fields.flatMap((f) => f.findings.map((x) => ({ field: f.field, ...x }))).sort((a, b) => b.count - a.count);
  if (all.length === 0) return [paint.green("no findings")];
  const colour = (severity: string, text: string) =>
    severity === "error" ? paint.red(text) : severity === "warning" ? paint.yellow(text) : paint.dim(text);
  return table(
    ["field", "rule", "severity", "findings"],
    all.map((f) => [f.field, f.rule, f.severity, number(f.count)]),
    new Set([3]),
    paint,
    (row, col, text) => (col === 2 ? colour(all[row]?.severity ?? "", text) : text),
  );
}

function sourcesSection(report: QualityReport, paint: Paint): string[] {
  const filled = report.fields.filter((f) => f.filled > 0).map((f) => f.field);
  const headers = ["field", ...report.bySource.map((s) => s.source)];
  const rows = [
    ["records", ...report.bySource.map((s) => number(s.records))],
    ["median age (days)", ...report.bySource.map((s) => decimal(s.freshness.medianAgeDays))],
    ...filled.map((field) => [
      `${field} complete`,
      ...report.bySource.map((s) => pct(s.fields.find((f) => f.field === field)?.completeness ?? 0)),
    ]),
  ];
  const right = new Set(headers.map((_, i) => i).filter((i) => i > 0));
  return table(headers, rows, right, paint);
}

function bandLines(rows: { label: string; n: number; share: number }[], paint: Paint, noun: string): string[] {
  const width = Math.max(0, ...rows.map((r) => displayWidth(r.label)));
  const counts = rows.map((r) => count(r.n, noun));
  const nWidth = Math.max(0, ...counts.map((c) => c.length));
  return rows.map((r, i) =>
    `${padEnd(r.label, width)}  ${padStart(counts[i] as string, nWidth)}  ${padStart(pct(r.share), 6)}  ${paint.cyan(bar(r.share))}`.trimEnd(),
  );
}

function freshnessSection(report: QualityReport, paint: Paint): string[] {
  const { freshness } = report;
  const lines = [
    `median age ${decimal(freshness.medianAgeDays)} days; ${number(freshness.dated)} of ${count(report.records, "record")} carry an updated_at of their own (the rest: their import time)`,
  ];
  lines.push(
    ...bandLines(
      freshness.bands.map((b) => ({ label: b.band, n: b.records, share: report.records > 0 ? (b.records / report.records) * 100 : 0 })),
      paint,
      "record",
    ),
  );
  return lines;
}

function cleaningSection(report: QualityReport, paint: Paint): string[] {
  const rows = report.cleaning.filter((c) => c.shapesBefore > 0 || c.shapesAfter > 0);
  if (rows.length === 0) return [paint.dim("no values")];
  return table(
    ["field", "formats before", "after", "rewritten", "unusable"],
    rows.map((c) => [c.field, number(c.shapesBefore), number(c.shapesAfter), number(c.rewritten), number(c.unusable)]),
    new Set([1, 2, 3, 4]),
    paint,
    (row, col, text) => (col === 4 && (rows[row]?.unusable ?? 0) > 0 ? paint.yellow(text) : text),
  );
}

function duplicatesSection(report: QualityReport, paint: Paint): string[] {
  const d = report.duplicates;
  if (!d)
    return [
      paint.dim(
        report.scope.kind === "files"
          ? "files are not deduplicated by report: roster dedupe FILES clusters them"
          : "dedupe has not run: roster dedupe",
      ),
    ];
  const lines = [
    `${count(d.records, "record")} in ${count(d.clusters, "cluster")}${d.customers === null ? " (merge has not run)" : `, ${count(d.customers, "customer")}`}`,
    `duplicate rate ${pct(d.rate)}; ${decimal(d.recordsPerCustomer, 2)} records per ${d.customers === null ? "cluster" : "customer"}; ${number(d.splitByGuard)} split by the chaining guard; ${number(d.reviewBacklog)} pairs waiting for review`,
  ];
  lines.push(
    ...bandLines(
      d.clusterSizes.map((s) => ({ label: `size ${s.size}`, n: s.clusters, share: d.clusters > 0 ? (s.clusters / d.clusters) * 100 : 0 })),
      paint,
      "cluster",
    ),
  );
  return lines;
}

function profileSection(report: QualityReport, paint: Paint): string[] {
  const profile = report.profile;
  if (!profile) return [paint.dim(report.scope.kind === "files" ? "files have no golden customers" : "merge has not run: roster merge")];
  const lines = [`${count(profile.customers, "golden customer")}`];
  for (const breakdown of profile.breakdowns) {
    lines.push("", paint.bold(`by ${BREAKDOWN_TITLES[breakdown.by] ?? breakdown.by}`));
    const rows = breakdown.rows.slice(0, ROWS_SHOWN);
    lines.push(
      ...bandLines(
        rows.map((r) => ({ label: valueLabel(r.value), n: r.customers, share: r.share })),
        paint,
        "customer",
      ).map((l) => `  ${l}`),
    );
    const more = breakdown.rows.length - rows.length;
    if (more > 0) lines.push(paint.dim(`  … and ${number(more)} more (--format json lists up to 100)`));
  }
  return lines;
}

function trendSection(report: QualityReport, paint: Paint): string[] {
  if (report.trend.length === 0) return [paint.dim("no earlier report runs recorded yet: this one is the first")];
  const runs = [...report.trend.map((t) => t.metrics), report.metrics];
  const rows = TREND_METRICS.filter((m) => runs.some((r) => r[m] !== undefined)).map((metric) => {
    const previous = report.trend.at(-1)?.metrics[metric];
    const now = report.metrics[metric];
    const change =
      previous === undefined || now === undefined
        ? ""
        : now === previous
          ? "="
          : `${now > previous ? "+" : ""}${decimal(now - previous, 2)}`;
    return [
      metric,
      sparkline(runs.map((r) => r[metric])),
      previous === undefined ? "–" : decimal(previous, 2),
      now === undefined ? "–" : decimal(now, 2),
      change,
    ];
  });
  return [
    paint.dim(`${count(report.trend.length, "earlier run")} (since ${report.trend[0]?.at.slice(0, 10)}) and this one`),
    ...table(["metric", "trend", "last run", "now", "change"], rows, new Set([2, 3, 4]), paint, (_row, col, text) =>
      col === 1 ? paint.cyan(text) : text,
    ),
  ];
}

function gatesSection(gates: readonly GateResult[], paint: Paint): string[] {
  return gates.map(
    (g) => `${g.passed ? paint.green("pass") : g.level === "warning" ? paint.yellow("warn") : paint.red("FAIL")}  ${describeGate(g)}`,
  );
}

export function renderText(report: QualityReport, paint: Paint = PLAIN, gates: readonly GateResult[] = []): string {
  const where = report.scope.kind === "store" ? `store ${report.scope.path}` : report.scope.files.join(", ");
  const sections: [string, string[]][] = [
    ["fields", fieldsSection(report.fields, report.records, paint)],
    ["findings by rule", findingsSection(report.fields, paint)],
  ];
  if (report.bySource.length > 1) sections.push(["by source", sourcesSection(report, paint)]);
  sections.push(
    ["freshness", freshnessSection(report, paint)],
    ["before and after cleaning", cleaningSection(report, paint)],
    ["duplicates", duplicatesSection(report, paint)],
  );
  if (report.scope.kind === "store")
    sections.push(["customers (客户画像)", profileSection(report, paint)], ["trend", trendSection(report, paint)]);
  if (gates.length > 0) sections.push(["gates", gatesSection(gates, paint)]);
  const lines = [
    paint.bold(`roster report: ${where}`),
    paint.dim(
      `${count(report.records, "record")} from ${count(report.sources.length, "source")} (${report.sources.join(", ") || "none"}), ${report.generatedAt}`,
    ),
  ];
  for (const [title, body] of sections) lines.push("", paint.bold(paint.cyan(title)), ...body);
  return `${lines.join("\n")}\n`;
}
