/**
 * Turning counted figures (figures.ts) into the report's data model (types.ts): every percentage, band and flat
 * metric is computed here, once, for the store and for files alike.
 */
import { CANONICAL_FIELDS } from "../../fields/canonical.js";
import { AGE_BANDS, ageBand, histogramMedian, percent } from "./bands.js";
import type { CountedField, CountedScope, QualityFigures, ShapedField } from "./figures.js";
import type {
  CleaningEffect,
  CustomerProfile,
  DuplicateQuality,
  FieldQuality,
  Freshness,
  QualityReport,
  SourceQuality,
  TrendPoint,
} from "./types.js";

const NO_COUNTS: CountedField = { filled: 0, invalid: 0, distinct: 0, findings: [] };
const NO_SHAPES: ShapedField = { rawShapes: new Map(), canonicalShapes: 0, rewritten: 0, unusable: 0 };
const FORMATS_SHOWN = 5;

const byCountThenName =
  <T extends { count: number }>(name: (item: T) => string) =>
  (a: T, b: T) =>
    b.count - a.count || name(a).localeCompare(name(b));

function fieldQuality(field: string, records: number, counted: CountedField, shaped: ShapedField): FieldQuality {
  const shapes = [...shaped.rawShapes].map(([shape, count]) => ({ shape, count })).sort(byCountThenName((s) => s.shape));
  const shapedValues = shapes.reduce((sum, s) => sum + s.count, 0);
  return {
    field,
    filled: counted.filled,
    completeness: percent(counted.filled, records) ?? 0,
    invalid: counted.invalid,
    validity: percent(counted.filled - counted.invalid, counted.filled),
    findings: [...counted.findings].sort(byCountThenName((f) => `${f.rule}\t${f.severity}`)),
    distinct: counted.distinct,
    uniqueness: percent(counted.distinct, counted.filled),
    formats: shapes.slice(0, FORMATS_SHOWN),
    consistency: percent(shapes[0]?.count ?? 0, shapedValues),
  };
}

function fieldsOf(scope: CountedScope, shaped: QualityFigures["all"]["shaped"]): FieldQuality[] {
  return CANONICAL_FIELDS.map((field) => fieldQuality(field, scope.records, scope.fields[field] ?? NO_COUNTS, shaped[field] ?? NO_SHAPES));
}

export function freshnessOf(scope: CountedScope): Freshness {
  const bands = new Map<string, number>(AGE_BANDS.map((band) => [band, 0]));
  for (const [days, records] of scope.ages) {
    const band = ageBand(days);
    bands.set(band, (bands.get(band) ?? 0) + records);
  }
  return {
    dated: scope.dated,
    medianAgeDays: histogramMedian(scope.ages.map(([days, n]) => [Math.max(0, days), n] as const)),
    bands: [...bands].map(([band, records]) => ({ band, records })),
  };
}

function cleaningOf(figures: QualityFigures): CleaningEffect[] {
  return CANONICAL_FIELDS.map((field) => {
    const shaped = figures.all.shaped[field] ?? NO_SHAPES;
    return {
      field,
      shapesBefore: shaped.rawShapes.size,
      shapesAfter: shaped.canonicalShapes,
      rewritten: shaped.rewritten,
      unusable: shaped.unusable,
    };
  });
}

/** The flat metrics gates test and the runs table keeps (types.ts QualityReport.metrics); no-value metrics absent. */
export function flatMetrics(report: Omit<QualityReport, "metrics">): Record<string, number> {
  const metrics: Record<string, number> = { records: report.records };
  const put = (name: string, value: number | null | undefined) => {
    if (value !== null && value !== undefined && Number.isFinite(value)) metrics[name] = value;
  };
  for (const field of report.fields) {
    put(`completeness.${field.field}`, field.completeness);
    put(`validity.${field.field}`, field.validity);
    put(`uniqueness.${field.field}`, field.uniqueness);
    put(`consistency.${field.field}`, field.consistency);
  }
  if (report.duplicates) {
    put("duplicates.rate", report.duplicates.rate);
    put("duplicates.records_per_customer", report.duplicates.recordsPerCustomer);
    put("review.backlog", report.duplicates.reviewBacklog);
  }
  put("customers", report.profile?.customers ?? report.duplicates?.customers);
  put("freshness.median_age_days", report.freshness.medianAgeDays);
  return metrics;
}

/** Every metric name a gate may test, whether or not this report has a value for it. */
export const METRIC_NAMES: readonly string[] = [
  "records",
  ...["completeness", "validity", "uniqueness", "consistency"].flatMap((kind) => CANONICAL_FIELDS.map((field) => `${kind}.${field}`)),
  "duplicates.rate",
  "duplicates.records_per_customer",
  "review.backlog",
  "customers",
  "freshness.median_age_days",
];

export interface ReportParts {
  generatedAt: string;
  scope: QualityReport["scope"];
  figures: QualityFigures;
  duplicates: DuplicateQuality | null;
  profile: CustomerProfile | null;
  trend: TrendPoint[];
}

export function assembleReport(parts: ReportParts): QualityReport {
  const { figures } = parts;
  const sources = [...figures.bySource.keys()].sort((a, b) => a.localeCompare(b));
  const bySource: SourceQuality[] = sources.map((source) => {
    const scope = figures.bySource.get(source) as QualityFigures["all"];
    return { source, records: scope.counted.records, fields: fieldsOf(scope.counted, scope.shaped), freshness: freshnessOf(scope.counted) };
  });
  const report: Omit<QualityReport, "metrics"> = {
    generatedAt: parts.generatedAt,
    scope: parts.scope,
    records: figures.all.counted.records,
    sources,
    fields: fieldsOf(figures.all.counted, figures.all.shaped),
    bySource,
    freshness: freshnessOf(figures.all.counted),
    duplicates: parts.duplicates,
    cleaning: cleaningOf(figures),
    profile: parts.profile,
    trend: parts.trend,
  };
  return { ...report, metrics: flatMetrics(report) };
}
