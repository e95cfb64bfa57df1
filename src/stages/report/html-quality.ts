/**
 * The record-quality sections of the HTML report: per field, findings by rule, per source, freshness, and before
 * and after cleaning. Each takes report data and returns a <section>; none computes a figure (types.ts).
 */

import { escapeHtml, formatCount, formatDays, formatPercent, plural } from "./html-format.js";
import { type Cell, noteHtml, sectionHtml, tableHtml, textCell } from "./html-parts.js";
import { barChartSvg, meterSvg } from "./html-svg.js";
import type { FieldQuality, Freshness, QualityReport, SourceQuality } from "./types.js";

/** A percentage cell: its small bar and its printed value, or a sentence when there is nothing to measure. */
function metricCell(name: string, field: string, value: number | null, whenNull: string): Cell {
  if (value === null) return textCell(whenNull, "metric missing");
  const printed = formatPercent(value);
  return { html: `${meterSvg(value, `${field} ${name}: ${printed}`)}${escapeHtml(printed)}`, className: "metric" };
}

function topShape(field: FieldQuality): Cell {
  const top = field.formats[0];
  if (top === undefined) return textCell("none");
  return { html: `<span class="shape">${escapeHtml(top.shape)}</span> (${escapeHtml(formatCount(top.count))})` };
}

export function fieldsSection(report: QualityReport): string {
  if (report.fields.length === 0) return sectionHtml("fields", "Fields", noteHtml("The report lists no fields."));
  const rows = report.fields.map((field): Cell[] => [
    textCell(field.field),
    textCell(`${formatCount(field.filled)} of ${formatCount(report.records)}`),
    metricCell("completeness", field.field, field.completeness, "not measured"),
    metricCell("validity", field.field, field.validity, "no values to check"),
    metricCell("uniqueness", field.field, field.uniqueness, "no values"),
    metricCell("consistency", field.field, field.consistency, "no values"),
    topShape(field),
  ]);
  const table = tableHtml(
    "Per canonical field: completeness is filled ÷ records, validity is filled values without an error finding ÷ filled, uniqueness is distinct ÷ filled, consistency is the share of raw values in the most common shape.",
    [
      { title: "Field" },
      { title: "Filled", numeric: true },
      { title: "Completeness" },
      { title: "Validity" },
      { title: "Uniqueness" },
      { title: "Consistency" },
      { title: "Most common shape" },
    ],
    rows,
  );
  return sectionHtml("fields", "Fields", table);
}

export function findingsSection(report: QualityReport): string {
  const rows: Cell[][] = [];
  let total = 0;
  for (const field of report.fields) {
    for (const finding of field.findings) {
      total += finding.count;
      rows.push([
        textCell(field.field),
        { html: `<code>${escapeHtml(finding.rule)}</code>` },
        { html: `<span class="severity ${escapeHtml(finding.severity)}">${escapeHtml(finding.severity)}</span>` },
        textCell(formatCount(finding.count), "num"),
      ]);
    }
  }
  if (rows.length === 0) return sectionHtml("findings", "Findings by rule", noteHtml("No findings: no validation rule flagged any value."));
  const summary = noteHtml(`${plural(total, "finding")} under ${plural(rows.length, "rule")} (counting a rule once per field).`);
  const table = tableHtml(
    "Findings by field and rule, most first within each field.",
    [{ title: "Field" }, { title: "Rule" }, { title: "Severity" }, { title: "Findings", numeric: true }],
    rows,
  );
  return sectionHtml("findings", "Findings by rule", summary + table);
}

function findingCount(source: SourceQuality): number {
  return source.fields.reduce((sum, field) => sum + field.findings.reduce((inner, finding) => inner + finding.count, 0), 0);
}

function medianAge(freshness: Freshness): string {
  return freshness.medianAgeDays === null ? "no records" : formatDays(freshness.medianAgeDays);
}

/** Completeness (and validity, when there is any) of one field in one source, for the field × source matrix. */
function sourceFieldCell(source: SourceQuality, fieldName: string): Cell {
  const field = source.fields.find((candidate) => candidate.field === fieldName);
  if (field === undefined) return textCell("not reported");
  const completeness = formatPercent(field.completeness);
  const validity = field.validity === null ? "" : ` · ${formatPercent(field.validity)} valid`;
  return {
    html: `${meterSvg(field.completeness, `${fieldName} in ${source.source}: ${completeness} complete`)}${escapeHtml(completeness + validity)}`,
    className: "metric",
  };
}

export function sourcesSection(report: QualityReport): string {
  if (report.bySource.length === 0) return sectionHtml("sources", "Per source", noteHtml("No source has records in this report."));
  const summary = tableHtml(
    "Each source's records, how old they are, and its findings.",
    [
      { title: "Source" },
      { title: "Records", numeric: true },
      { title: "With their own updated_at", numeric: true },
      { title: "Median age", numeric: true },
      { title: "Findings", numeric: true },
    ],
    report.bySource.map((source) => [
      textCell(source.source),
      textCell(formatCount(source.records)),
      textCell(formatCount(source.freshness.dated)),
      textCell(medianAge(source.freshness)),
      textCell(formatCount(findingCount(source))),
    ]),
  );
  const fieldNames =
    report.fields.length > 0 ? report.fields.map((field) => field.field) : (report.bySource[0]?.fields.map((field) => field.field) ?? []);
  const matrix = tableHtml(
    "Completeness per field and source (and validity, where the source fills the field).",
    [{ title: "Field" }, ...report.bySource.map((source) => ({ title: source.source }))],
    fieldNames.map((name) => [textCell(name), ...report.bySource.map((source) => sourceFieldCell(source, name))]),
  );
  return sectionHtml("sources", "Per source", summary + `<h3>Completeness by source</h3>\n` + matrix);
}

export function freshnessSection(report: QualityReport): string {
  const freshness = report.freshness;
  const banded = freshness.bands.reduce((sum, band) => sum + band.records, 0);
  if (banded === 0) return sectionHtml("freshness", "Freshness", noteHtml("No records, so no ages to show."));
  const intro = noteHtml(
    `Median age ${medianAge(freshness)}, from each record's updated_at (${formatCount(freshness.dated)} of ${formatCount(report.records)} records have one), else the time its file was imported.`,
  );
  const chart = barChartSvg(
    "Records by age of their last update",
    freshness.bands.map((band) => ({
      label: band.band,
      value: band.records,
      text: `${formatCount(band.records)} · ${formatPercent((band.records / banded) * 100)}`,
    })),
  );
  return sectionHtml("freshness", "Freshness", intro + chart);
}

export function cleaningSection(report: QualityReport): string {
  if (report.cleaning.length === 0)
    return sectionHtml("cleaning", "Before and after cleaning", noteHtml("Normalize has changed nothing yet."));
  const table = tableHtml(
    "What normalize did to each field's raw values: distinct shapes before and after, values it rewrote, values it could not use.",
    [
      { title: "Field" },
      { title: "Shapes before", numeric: true },
      { title: "Shapes after", numeric: true },
      { title: "Rewritten", numeric: true },
      { title: "Unusable", numeric: true },
    ],
    report.cleaning.map((effect) => [
      textCell(effect.field),
      textCell(formatCount(effect.shapesBefore)),
      textCell(formatCount(effect.shapesAfter)),
      textCell(formatCount(effect.rewritten)),
      textCell(formatCount(effect.unusable)),
    ]),
  );
  return sectionHtml("cleaning", "Before and after cleaning", table);
}
