/**
 * The customer sections of the HTML report: duplicates (dedupe and merge), the customer profile (客户画像) and the
 * trend across earlier reports. A section whose data does not exist yet says so in a sentence.
 */
import { escapeHtml, formatCount, formatDecimal, formatMetric, formatPercent, plural } from "./html-format.js";
import { type Cell, figuresHtml, noteHtml, sectionHtml, tableHtml, textCell } from "./html-parts.js";
import { barChartSvg, sparklineSvg } from "./html-svg.js";
import type { ProfileBreakdown, QualityReport } from "./types.js";

export function duplicatesSection(report: QualityReport): string {
  const duplicates = report.duplicates;
  if (duplicates === null) {
    return sectionHtml(
      "duplicates",
      "Duplicates",
      noteHtml("Dedupe has not run on these records, so there are no duplicate figures yet (run roster dedupe)."),
    );
  }
  const figures = figuresHtml([
    ["Duplicate rate", formatPercent(duplicates.rate)],
    ["Records", formatCount(duplicates.records)],
    ["Clusters", formatCount(duplicates.clusters)],
    ["Customers", duplicates.customers === null ? "not merged yet" : formatCount(duplicates.customers)],
    [duplicates.customers === null ? "Records per cluster" : "Records per customer", formatDecimal(duplicates.recordsPerCustomer)],
    ["Split by the chaining guard", formatCount(duplicates.splitByGuard)],
    ["Review backlog", plural(duplicates.reviewBacklog, "pair")],
  ]);
  const chart = barChartSvg(
    "Clusters by size (records per cluster)",
    duplicates.clusterSizes.map((band) => ({
      label: band.size === "1" ? "1 record" : `${band.size} records`,
      value: band.clusters,
      text: `${plural(band.clusters, "cluster")} · ${plural(band.records, "record")}`,
    })),
  );
  const explained = noteHtml(
    `The duplicate rate is the share of records that repeat a person already counted: (records − clusters) ÷ records. ` +
      `The chaining guard split ${plural(duplicates.splitByGuard, "cluster")} in the last dedupe run; ` +
      `${plural(duplicates.reviewBacklog, "pair")} in the review band ${duplicates.reviewBacklog === 1 ? "waits" : "wait"} for a person (roster review).`,
  );
  return sectionHtml("duplicates", "Duplicates", figures + `<h3>Cluster sizes</h3>\n` + chart + explained);
}

/** Bars drawn per breakdown; the rest are summed into one "other values" row (a city breakdown can have thousands). */
const PROFILE_ROWS = 15;

const DIMENSION_TITLES: Readonly<Record<string, string>> = {
  country: "By country",
  region: "By region",
  city: "By city",
  age_band: "By age band",
  sources: "By sources (combinations)",
  consent: "By marketing consent",
  recency: "By recency of the last record",
};

function breakdownHtml(breakdown: ProfileBreakdown): string {
  const title = DIMENSION_TITLES[breakdown.by] ?? `By ${breakdown.by}`;
  if (breakdown.rows.length === 0) return `<div><h3>${escapeHtml(title)}</h3>\n${noteHtml("No customers to break down.")}</div>`;
  const shown = breakdown.rows.slice(0, PROFILE_ROWS);
  const rest = breakdown.rows.slice(PROFILE_ROWS);
  const bars = shown.map((row) => ({
    label: row.value ?? "unknown",
    value: row.customers,
    text: `${formatCount(row.customers)} · ${formatPercent(row.share)}`,
  }));
  if (rest.length > 0) {
    const customers = rest.reduce((sum, row) => sum + row.customers, 0);
    const share = rest.reduce((sum, row) => sum + row.share, 0);
    bars.push({
      label: `${formatCount(rest.length)} other values`,
      value: customers,
      text: `${formatCount(customers)} · ${formatPercent(share)}`,
    });
  }
  return `<div><h3>${escapeHtml(title)}</h3>\n${barChartSvg(`Customers ${title.toLowerCase()}`, bars)}</div>`;
}

export function profileSection(report: QualityReport): string {
  const profile = report.profile;
  if (profile === null) {
    return sectionHtml(
      "profile",
      "Customer profile",
      noteHtml("There are no golden customers yet (merge has not run), so there is no customer profile."),
    );
  }
  if (profile.breakdowns.length === 0)
    return sectionHtml("profile", "Customer profile", noteHtml(`${plural(profile.customers, "customer")}, with no breakdown asked for.`));
  const intro = noteHtml(`${plural(profile.customers, "golden customer")}, broken down by each dimension; a share is of all customers.`);
  return sectionHtml(
    "profile",
    "Customer profile",
    intro + `<div class="charts">${profile.breakdowns.map(breakdownHtml).join("\n")}</div>\n`,
  );
}

/** The headline metrics the trend draws, in this order, when any earlier report recorded them. */
const TREND_METRICS: readonly [string, string][] = [
  ["records", "Records"],
  ["customers", "Customers"],
  ["duplicates.rate", "Duplicate rate"],
  ["duplicates.records_per_customer", "Records per customer"],
  ["review.backlog", "Review backlog"],
  ["freshness.median_age_days", "Median age"],
];

export function trendSection(report: QualityReport): string {
  if (report.trend.length === 0) {
    return sectionHtml(
      "trend",
      "Trend across runs",
      noteHtml("No earlier report of these records, so there is no trend yet: it starts with the next report."),
    );
  }
  const first = report.trend[0];
  const rows: Cell[][] = [];
  for (const [metric, title] of TREND_METRICS) {
    const earlier = report.trend.filter((point) => Number.isFinite(point.metrics[metric]));
    if (earlier.length === 0) continue;
    const values = earlier.map((point) => point.metrics[metric] as number);
    const now = report.metrics[metric];
    if (now !== undefined && Number.isFinite(now)) values.push(now);
    const oldest = values[0] as number;
    const newest = values[values.length - 1] as number;
    const line = sparklineSvg(
      `${title} over ${plural(values.length, "report")}: from ${formatMetric(metric, oldest)} to ${formatMetric(metric, newest)}`,
      values,
    );
    rows.push([
      textCell(title),
      { html: line },
      textCell(formatMetric(metric, oldest)),
      textCell(now === undefined ? "not measured" : formatMetric(metric, now)),
    ]);
  }
  if (rows.length === 0)
    return sectionHtml("trend", "Trend across runs", noteHtml("Earlier reports recorded none of the headline metrics."));
  const since = noteHtml(
    `${plural(report.trend.length, "earlier report")} since ${first?.at ?? ""} (run ${formatCount(first?.runId ?? 0)}), then this one.`,
  );
  const table = tableHtml(
    "Each headline metric over the earlier reports and this one, oldest left.",
    [{ title: "Metric" }, { title: "Trend" }, { title: "First", numeric: true }, { title: "Now", numeric: true }],
    rows,
  );
  return sectionHtml("trend", "Trend across runs", since + `<div class="trend">${table}</div>`);
}
