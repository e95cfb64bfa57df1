/**
 * The customer profile (客户画像) and the duplicate figures, from histograms (value → customers) the store groups
 * by in SQL: bands (age, recency), consent classes and shares are decided here, so SQL only counts.
 */
import { normalizeConsent } from "../normalize/other-fields.js";
import { AGE_BANDS, ageBand, CLUSTER_SIZE_BANDS, clusterSizeBand, PERSON_AGE_BANDS, percent, personAgeBand } from "./bands.js";
import type { CustomerProfile, DuplicateQuality, ProfileBreakdown } from "./types.js";

/** value (null: none) → customers. */
export type Histogram = [value: string | null, customers: number][];

/** A breakdown lists at most this many values, most customers first (a city or `--by email` may have thousands). */
export const PROFILE_ROWS = 100;

export interface ProfileHistograms {
  customers: number;
  country: Histogram;
  region: Histogram;
  city: Histogram;
  birthDate: Histogram;
  consent: Histogram;
  /** Customers with at least one current record from each source (a customer may count under several). */
  source: Histogram;
  /** The sources of each customer's records, sorted and joined with " + ". */
  sources: Histogram;
  /** Days since each customer's newest record (its updated_at, else its import) → customers. */
  recencyDays: [days: number | null, customers: number][];
  /** `--by`: the fields joined by ",", and customers by the combination of their values. */
  by: { name: string; rows: [values: (string | null)[], customers: number][] }[];
}

/** Rows from a histogram, after mapping each value to its class (several values may fall in one). */
function breakdown(
  by: string,
  customers: number,
  histogram: Histogram,
  classify = (value: string | null) => value,
  order?: readonly string[],
) {
  const counts = new Map<string | null, number>();
  for (const [value, n] of histogram) {
    const key = classify(value === "" ? null : value);
    counts.set(key, (counts.get(key) ?? 0) + n);
  }
  if (order) for (const band of order) if (!counts.has(band)) counts.set(band, 0);
  const rank = (value: string | null) => (order && value !== null ? order.indexOf(value) : -1);
  const rows = [...counts]
    .map(([value, n]) => ({ value, customers: n, share: percent(n, customers) ?? 0 }))
    .sort((a, b) =>
      order
        ? (a.value === null ? 1 : 0) - (b.value === null ? 1 : 0) || rank(a.value) - rank(b.value)
        : b.customers - a.customers || (a.value ?? "\uffff").localeCompare(b.value ?? "\uffff"),
    );
  const result: ProfileBreakdown = {
    by,
    rows: order ? rows.filter((r) => r.value !== null || r.customers > 0) : rows.slice(0, PROFILE_ROWS),
  };
  return result;
}

/** "yes" / "no" for the usual forms (是, 否, 1, 0, true, false, …: normalize's reading), else "unrecognized". */
export function consentClass(value: string | null): string | null {
  if (value === null || value.trim() === "") return null;
  const read = normalizeConsent(value.trim()).value;
  return read === "true" ? "yes" : read === "false" ? "no" : "unrecognized";
}

export function buildProfile(h: ProfileHistograms, today: Date): CustomerProfile {
  const recency: Histogram = h.recencyDays.map(([days, n]) => [days === null ? null : ageBand(days), n]);
  const breakdowns: ProfileBreakdown[] = [
    breakdown("country", h.customers, h.country),
    breakdown("region", h.customers, h.region),
    breakdown("city", h.customers, h.city),
    breakdown("age_band", h.customers, h.birthDate, (value) => (value === null ? null : personAgeBand(value, today)), PERSON_AGE_BANDS),
    breakdown("source", h.customers, h.source),
    breakdown("sources", h.customers, h.sources),
    breakdown("consent", h.customers, h.consent, consentClass, ["yes", "no", "unrecognized"]),
    breakdown("recency", h.customers, recency, (value) => value, AGE_BANDS),
    ...h.by.map(({ name, rows }) =>
      breakdown(
        name,
        h.customers,
        rows.map(([values, n]) => [values.every((v) => v === null || v === "") ? null : values.map((v) => v || "unknown").join(", "), n]),
      ),
    ),
  ];
  return { customers: h.customers, breakdowns };
}

export interface DuplicateCounts {
  /** Current records dedupe put in a cluster. */
  records: number;
  /** Cluster size → clusters. */
  clusterSizes: [size: number, clusters: number][];
  /** Active customers; null when merge never ran. */
  customers: number | null;
  splitByGuard: number;
  reviewBacklog: number;
}

export function buildDuplicates(d: DuplicateCounts): DuplicateQuality {
  const bands = new Map<string, { clusters: number; records: number }>(
    CLUSTER_SIZE_BANDS.map((band) => [band, { clusters: 0, records: 0 }]),
  );
  let clusters = 0;
  for (const [size, n] of d.clusterSizes) {
    const band = bands.get(clusterSizeBand(size)) as { clusters: number; records: number };
    band.clusters += n;
    band.records += n * size;
    clusters += n;
  }
  const perWhole = d.customers ?? clusters;
  return {
    records: d.records,
    clusters,
    customers: d.customers,
    rate: percent(d.records - clusters, d.records) ?? 0,
    recordsPerCustomer: perWhole > 0 ? d.records / perWhole : 0,
    clusterSizes: [...bands].map(([size, counts]) => ({ size, ...counts })),
    splitByGuard: d.splitByGuard,
    reviewBacklog: d.reviewBacklog,
  };
}
