/**
 * The data-quality scorecard `roster report` prints (issue 11): plain data, built from the store (SQL aggregates
 * in store/report.ts) or from files (in memory), and printed by one renderer per format (text, json, markdown,
 * html). Renderers only format: every figure is computed once, here, so that the test that cross-checks the
 * report against plain SQL checks what every format shows.
 *
 * Percentages are numbers from 0 to 100 (not rounded: renderers round); a percentage of nothing (a field no
 * record fills has no validity) is null, never NaN.
 */

/** One canonical field's quality over a set of records. */
export interface FieldQuality {
  field: string;
  /** Records with a (canonical) value. */
  filled: number;
  /** filled / records. */
  completeness: number;
  /** Filled records with an error finding on this field. */
  invalid: number;
  /** (filled - invalid) / filled; null when nothing is filled. */
  validity: number | null;
  /** Findings on this field by rule, most first. */
  findings: { rule: string; severity: "error" | "warning" | "info"; count: number }[];
  /** Distinct canonical values. */
  distinct: number;
  /** distinct / filled; null when nothing is filled. */
  uniqueness: number | null;
  /**
   * The most common shapes of the raw values (digits → 9, letters → a / A, Chinese characters → 汉, the rest
   * kept: `+86 138-0013-8000` → `+99 999-9999-9999`), at most five, most first.
   */
  formats: { shape: string; count: number }[];
  /** Share of filled raw values in the most common shape; null when nothing is filled. */
  consistency: number | null;
}

/** The same figures for the records of one source. */
export interface SourceQuality {
  source: string;
  records: number;
  fields: FieldQuality[];
  freshness: Freshness;
}

/** How old the records' `updated_at` is (else their batch's import time), at `QualityReport.generatedAt`. */
export interface Freshness {
  /** Records with an updated_at of their own. */
  dated: number;
  /** Median age in days over every record (its updated_at, else its import time); null with no records. */
  medianAgeDays: number | null;
  /** Ages in bands: "≤ 30 days", "≤ 90 days", "≤ 1 year", "≤ 3 years", "older"; every band listed, even empty. */
  bands: { band: string; records: number }[];
}

/** What dedupe and merge found; null in a report when dedupe never ran (and for files, when not deduplicated). */
export interface DuplicateQuality {
  records: number;
  clusters: number;
  /** Customers of the last merge; null when merge never ran. */
  customers: number | null;
  /** (records - clusters) / records: the share of records that repeat a person already counted. */
  rate: number;
  /** records / customers (else / clusters when merge never ran). */
  recordsPerCustomer: number;
  /** Clusters by size: "1", "2", "3", "4", "5-9", "10+"; every band listed. */
  clusterSizes: { size: string; clusters: number; records: number }[];
  /** Clusters the chaining guard split in the last dedupe run. */
  splitByGuard: number;
  /** Pairs in the review band no person has decided yet. */
  reviewBacklog: number;
}

/** Before and after cleaning, per field: what normalize did to the raw values. */
export interface CleaningEffect {
  field: string;
  /** Raw values in how many distinct shapes, before; canonical values' shapes, after. */
  shapesBefore: number;
  shapesAfter: number;
  /** Records whose canonical value differs from their raw one (normalize rewrote it). */
  rewritten: number;
  /** Raw values normalize could not use (now empty or with an error finding). */
  unusable: number;
}

/** One breakdown of the golden customers (客户画像): by country, age band, sources, consent, … or `--by`. */
export interface ProfileBreakdown {
  /** The dimension: "country", "age_band", "sources", "consent", "recency", or the `--by` fields joined by ",". */
  by: string;
  /** Most customers first; `value` null for customers without one ("unknown" in print). */
  rows: { value: string | null; customers: number; share: number }[];
}

export interface CustomerProfile {
  customers: number;
  breakdowns: ProfileBreakdown[];
}

/** A previous report's headline metrics (the `runs` table), oldest first, for the trend. */
export interface TrendPoint {
  runId: number;
  at: string;
  metrics: Record<string, number>;
}

export interface QualityReport {
  generatedAt: string;
  scope: { kind: "store"; path: string } | { kind: "files"; files: string[] };
  records: number;
  sources: string[];
  /** Every canonical field, in canonical order. */
  fields: FieldQuality[];
  bySource: SourceQuality[];
  freshness: Freshness;
  duplicates: DuplicateQuality | null;
  cleaning: CleaningEffect[];
  /** Null when merge never ran (no golden customers yet) and for files. */
  profile: CustomerProfile | null;
  trend: TrendPoint[];
  /**
   * The flat metrics gates test and the `runs` table keeps: `records`, `completeness.<field>`,
   * `validity.<field>`, `uniqueness.<field>`, `consistency.<field>`, `duplicates.rate`,
   * `duplicates.records_per_customer`, `review.backlog`, `customers`, `freshness.median_age_days`. A metric
   * with no value (validity of an empty field) is absent.
   */
  metrics: Record<string, number>;
}
