/**
 * The report as Markdown, for CI job summaries ($GITHUB_STEP_SUMMARY): headings and tables, every cell escaped
 * as validate's Markdown escapes it (a value must not close a cell, open a tag or start a comment). Pure.
 */
import { count, number } from "../../io/count.js";
import { describeGate, type GateResult } from "./gates.js";
import { BREAKDOWN_TITLES, decimal, pct, sparkline, TREND_METRICS, valueLabel } from "./render-common.js";
import type { QualityReport } from "./types.js";

/** A Markdown table cell: pipes escaped, HTML neutralized, line breaks folded. */
export const cell = (text: string): string =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/`/g, "\\`")
    .replace(/[\r\n]+/g, " ");

function mdTable(headers: string[], rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  return [
    `| ${headers.map(cell).join(" | ")} |`,
    `|${headers.map((_, i) => (rightAligned.has(i) ? "---:" : "---")).join("|")}|`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
}

/** Rows per breakdown in a job summary. */
const ROWS_SHOWN = 10;

export function renderMarkdown(report: QualityReport, gates: readonly GateResult[] = []): string {
  const failed = gates.some((g) => !g.passed && g.level === "error");
  const where = report.scope.kind === "store" ? `store ${report.scope.path}` : report.scope.files.join(", ");
  const out: string[] = [`## roster report${gates.length > 0 ? `: ${failed ? "failed" : "passed"}` : ""}`, ""];
  out.push(
    `${cell(`${count(report.records, "record")} from ${count(report.sources.length, "source")} (${report.sources.join(", ") || "none"}) in ${where}, ${report.generatedAt}`)}.`,
    "",
  );
  if (gates.length > 0) {
    for (const g of gates) out.push(`- ${g.passed ? "✅" : g.level === "warning" ? "⚠️" : "❌"} ${cell(describeGate(g))}`);
    out.push("");
  }
  out.push("### Fields", "");
  const fields = report.fields.filter((f) => f.filled > 0 || f.findings.length > 0);
  out.push(
    ...mdTable(
      ["field", "filled", "complete", "valid", "unique", "consistent", "most common format"],
      fields.map((f) => [
        f.field,
        number(f.filled),
        pct(f.completeness),
        pct(f.validity),
        pct(f.uniqueness),
        pct(f.consistency),
        f.formats[0]?.shape ?? "",
      ]),
      new Set([1, 2, 3, 4, 5]),
    ),
    "",
  );
  const findings = report.fields.flatMap((f) => f.findings.map((x) => ({ field: f.field, ...x }))).sort((a, b) => b.count - a.count);
  if (findings.length > 0) {
    out.push(
      "### Findings by rule",
      "",
      ...mdTable(
        ["field", "rule", "severity", "findings"],
        findings.map((f) => [f.field, f.rule, f.severity, number(f.count)]),
        new Set([3]),
      ),
      "",
    );
  }
  if (report.bySource.length > 1) {
    out.push("### By source", "");
    out.push(
      ...mdTable(
        ["source", "records", "median age (days)", ...fields.map((f) => `${f.field} complete`)],
        report.bySource.map((s) => [
          s.source,
          number(s.records),
          decimal(s.freshness.medianAgeDays),
          ...fields.map((f) => pct(s.fields.find((x) => x.field === f.field)?.completeness ?? 0)),
        ]),
        new Set(fields.map((_, i) => i + 3).concat([1, 2])),
      ),
      "",
    );
  }
  out.push(
    "### Freshness",
    "",
    `Median age ${decimal(report.freshness.medianAgeDays)} days; ${number(report.freshness.dated)} records carry an updated_at of their own.`,
    "",
  );
  out.push(
    ...mdTable(
      ["age", "records"],
      report.freshness.bands.map((b) => [b.band, number(b.records)]),
      new Set([1]),
    ),
    "",
  );
  const cleaning = report.cleaning.filter((c) => c.shapesBefore > 0 || c.shapesAfter > 0);
  if (cleaning.length > 0) {
    out.push(
      "### Before and after cleaning",
      "",
      ...mdTable(
        ["field", "formats before", "formats after", "rewritten", "unusable"],
        cleaning.map((c) => [c.field, number(c.shapesBefore), number(c.shapesAfter), number(c.rewritten), number(c.unusable)]),
        new Set([1, 2, 3, 4]),
      ),
      "",
    );
  }
  const d = report.duplicates;
  out.push("### Duplicates", "");
  if (!d) out.push(report.scope.kind === "files" ? "Files are not deduplicated by report." : "dedupe has not run on this store.", "");
  else {
    out.push(
      `Duplicate rate ${pct(d.rate)}: ${count(d.records, "record")} in ${count(d.clusters, "cluster")}${d.customers === null ? "" : `, ${count(d.customers, "customer")}`}; ${decimal(d.recordsPerCustomer, 2)} records per ${d.customers === null ? "cluster" : "customer"}; ${number(d.splitByGuard)} split by the chaining guard; ${number(d.reviewBacklog)} pairs waiting for review.`,
      "",
      ...mdTable(
        ["cluster size", "clusters", "records"],
        d.clusterSizes.map((s) => [s.size, number(s.clusters), number(s.records)]),
        new Set([1, 2]),
      ),
      "",
    );
  }
  if (report.profile) {
    out.push("### Customers (客户画像)", "", `${count(report.profile.customers, "golden customer")}.`, "");
    for (const b of report.profile.breakdowns) {
      out.push(`#### By ${cell(BREAKDOWN_TITLES[b.by] ?? b.by)}`, "");
      out.push(
        ...mdTable(
          [b.by, "customers", "share"],
          b.rows.slice(0, ROWS_SHOWN).map((r) => [valueLabel(r.value), number(r.customers), pct(r.share)]),
          new Set([1, 2]),
        ),
      );
      if (b.rows.length > ROWS_SHOWN) out.push("", `… and ${number(b.rows.length - ROWS_SHOWN)} more.`);
      out.push("");
    }
  }
  if (report.trend.length > 0) {
    const runs = [...report.trend.map((t) => t.metrics), report.metrics];
    const last = report.trend.at(-1)?.metrics ?? {};
    out.push("### Trend", "", `${count(report.trend.length, "earlier run")} and this one.`, "");
    out.push(
      ...mdTable(
        ["metric", "trend", "last run", "now"],
        TREND_METRICS.filter((m) => runs.some((r) => r[m] !== undefined)).map((m) => [
          m,
          sparkline(runs.map((r) => r[m])),
          last[m] === undefined ? "–" : decimal(last[m] as number, 2),
          report.metrics[m] === undefined ? "–" : decimal(report.metrics[m] as number, 2),
        ]),
        new Set([2, 3]),
      ),
      "",
    );
  }
  return `${out.join("\n").trimEnd()}\n`;
}
