/**
 * `roster report --format html`: the scorecard as one self-contained HTML5 file (issue 11). Pure: a QualityReport
 * in, a string out; the command writes it.
 *
 * Self-contained means it opens from disk, on a machine without network, years later: the CSS is inline, the
 * charts are inline SVG, there is no script, no font, no image file and no link. The Content-Security-Policy
 * makes that a promise the browser keeps (default-src 'none' refuses any fetch, should a future edit add one),
 * and the tests render it in a real Chromium behind a recording proxy to check that nothing was requested.
 */
import { duplicatesSection, profileSection, trendSection } from "./html-customers.js";
import { escapeHtml, formatCount, formatDays, formatPercent, plural } from "./html-format.js";
import { figuresHtml } from "./html-parts.js";
import { cleaningSection, fieldsSection, findingsSection, freshnessSection, sourcesSection } from "./html-quality.js";
import { REPORT_CSS } from "./html-style.js";
import type { QualityReport } from "./types.js";

/** Inline styles only; images only as data: URLs (none today); everything else, including the network, refused. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function scopeText(report: QualityReport): string {
  if (report.scope.kind === "store") return `the store ${report.scope.path}`;
  const files = report.scope.files;
  return files.length === 1 ? `the file ${files[0]}` : `${plural(files.length, "file")}: ${files.join(", ")}`;
}

/** Customers: the golden records of the last merge, when there are any. */
function customersText(report: QualityReport): string {
  const customers = report.profile?.customers ?? report.duplicates?.customers ?? null;
  return customers === null ? "not merged yet" : formatCount(customers);
}

function headline(report: QualityReport): string {
  const duplicates = report.duplicates;
  const figures: [string, string][] = [
    ["Records", formatCount(report.records)],
    ["Customers", customersText(report)],
    ["Duplicate rate", duplicates === null ? "not deduplicated" : formatPercent(duplicates.rate)],
    ["Review backlog", duplicates === null ? "not deduplicated" : plural(duplicates.reviewBacklog, "pair")],
    ["Sources", formatCount(report.sources.length)],
    ["Median age", report.freshness.medianAgeDays === null ? "no records" : formatDays(report.freshness.medianAgeDays)],
  ];
  const sources = report.sources.length === 0 ? "no sources" : `sources: ${report.sources.join(", ")}`;
  return (
    `<header><h1>Customer data quality</h1>\n` +
    `<p class="scope">Of ${escapeHtml(scopeText(report))}, generated <time datetime="${escapeHtml(report.generatedAt)}">${escapeHtml(report.generatedAt)}</time>; ${escapeHtml(sources)}.</p>\n` +
    `${figuresHtml(figures, "Headline figures")}</header>\n`
  );
}

export function renderHtml(report: QualityReport): string {
  const sections = [
    fieldsSection(report),
    findingsSection(report),
    sourcesSection(report),
    freshnessSection(report),
    duplicatesSection(report),
    cleaningSection(report),
    profileSection(report),
    trendSection(report),
  ];
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta name="color-scheme" content="light dark">\n` +
    `<title>Customer data quality · ${escapeHtml(report.generatedAt)}</title>\n` +
    `<style>${REPORT_CSS}</style>\n</head>\n<body>\n` +
    headline(report) +
    `<main>\n${sections.join("")}</main>\n` +
    `<footer>roster report · ${escapeHtml(plural(report.records, "record"))} · ${escapeHtml(report.generatedAt)}</footer>\n` +
    `</body>\n</html>\n`
  );
}
