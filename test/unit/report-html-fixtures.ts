/**
 * QualityReports for the HTML renderer's tests, shaped like what `roster report` builds for a real store: a CRM
 * export in English and a Tmall shop export in Chinese, deduplicated and merged, with three earlier reports. The
 * percentages are computed from the counts here (as the report's figures do), so every figure is consistent.
 */
import type { FieldQuality, Freshness, QualityReport, SourceQuality } from "../../src/stages/report/types.js";

type Finding = FieldQuality["findings"][number];

/** One field's figures from its counts; nothing filled gives the null validity, uniqueness and consistency. */
export function fieldQuality(
  field: string,
  records: number,
  counts: { filled: number; invalid?: number; distinct?: number; formats?: [string, number][]; findings?: Finding[] },
): FieldQuality {
  const { filled, invalid = 0, distinct = filled, formats = [], findings = [] } = counts;
  const top = formats[0]?.[1] ?? 0;
  return {
    field,
    filled,
    completeness: records === 0 ? 0 : (filled / records) * 100,
    invalid,
    validity: filled === 0 ? null : ((filled - invalid) / filled) * 100,
    findings,
    distinct,
    uniqueness: filled === 0 ? null : (distinct / filled) * 100,
    formats: formats.map(([shape, count]) => ({ shape, count })),
    consistency: filled === 0 ? null : (top / filled) * 100,
  };
}

function freshness(dated: number, medianAgeDays: number | null, bands: number[]): Freshness {
  const names = ["≤ 30 days", "≤ 90 days", "≤ 1 year", "≤ 3 years", "older"];
  return { dated, medianAgeDays, bands: names.map((band, index) => ({ band, records: bands[index] ?? 0 })) };
}

export const CRM = "salesforce-crm";
export const TMALL = "天猫旗舰店";

const CRM_RECORDS = 7210;
const TMALL_RECORDS = 5270;
const RECORDS = CRM_RECORDS + TMALL_RECORDS;

function crmFields(): FieldQuality[] {
  const r = CRM_RECORDS;
  return [
    fieldQuality("full_name", r, {
      filled: 7198,
      distinct: 6804,
      formats: [
        ["Aaaa Aaaaaa", 5120],
        ["Aaaaa Aaaaa", 1702],
      ],
    }),
    fieldQuality("email", r, {
      filled: 6902,
      invalid: 88,
      distinct: 6511,
      formats: [["aaaa.aaaaa@aaaaaaa.aaa", 3310]],
      findings: [
        { rule: "email.syntax", severity: "error", count: 88 },
        { rule: "email.disposable", severity: "warning", count: 41 },
      ],
    }),
    fieldQuality("phone", r, {
      filled: 6480,
      invalid: 12,
      distinct: 6221,
      formats: [
        ["+9 999-999-9999", 4810],
        ["(999) 999-9999", 1503],
      ],
      findings: [{ rule: "phone.invalid", severity: "error", count: 12 }],
    }),
    fieldQuality("city", r, { filled: 7004, distinct: 612, formats: [["Aaaaaaa", 4012]] }),
    fieldQuality("country", r, { filled: 7210, distinct: 9, formats: [["AA", 7210]] }),
    fieldQuality("national_id", r, { filled: 0 }),
  ];
}

function tmallFields(): FieldQuality[] {
  const r = TMALL_RECORDS;
  return [
    fieldQuality("full_name", r, {
      filled: 5270,
      distinct: 5013,
      formats: [
        ["汉汉汉", 3904],
        ["汉汉", 1201],
      ],
    }),
    fieldQuality("email", r, {
      filled: 5000,
      invalid: 400,
      distinct: 4890,
      formats: [["9999999999@aa.aaa", 4400]],
      findings: [{ rule: "email.syntax", severity: "error", count: 400 }],
    }),
    fieldQuality("phone", r, {
      filled: 5265,
      invalid: 3,
      distinct: 5199,
      formats: [["999 9999 9999", 5011]],
      findings: [{ rule: "phone.invalid", severity: "error", count: 3 }],
    }),
    fieldQuality("city", r, { filled: 5140, distinct: 188, formats: [["汉汉市", 4300]] }),
    fieldQuality("country", r, { filled: 5270, distinct: 1, formats: [["AA", 5270]] }),
    fieldQuality("national_id", r, {
      filled: 4980,
      invalid: 37,
      distinct: 4978,
      formats: [
        ["999999999999999999", 4801],
        ["99999999999999999A", 179],
      ],
      findings: [
        { rule: "national_id.checksum", severity: "error", count: 37 },
        { rule: "national_id.age", severity: "info", count: 2 },
      ],
    }),
  ];
}

/** Both sources together: counts summed (distinct values are the union's, as a store would count them). */
function storeFields(): FieldQuality[] {
  const r = RECORDS;
  return [
    fieldQuality("full_name", r, {
      filled: 12468,
      distinct: 11790,
      formats: [
        ["Aaaa Aaaaaa", 5120],
        ["汉汉汉", 3904],
        ["Aaaaa Aaaaa", 1702],
      ],
    }),
    fieldQuality("email", r, {
      filled: 11902,
      invalid: 488,
      distinct: 11350,
      formats: [
        ["9999999999@aa.aaa", 4400],
        ["aaaa.aaaaa@aaaaaaa.aaa", 3310],
      ],
      findings: [
        { rule: "email.syntax", severity: "error", count: 488 },
        { rule: "email.disposable", severity: "warning", count: 41 },
      ],
    }),
    fieldQuality("phone", r, {
      filled: 11745,
      invalid: 15,
      distinct: 11402,
      formats: [
        ["999 9999 9999", 5011],
        ["+9 999-999-9999", 4810],
      ],
      findings: [{ rule: "phone.invalid", severity: "error", count: 15 }],
    }),
    fieldQuality("city", r, {
      filled: 12144,
      distinct: 800,
      formats: [
        ["汉汉市", 4300],
        ["Aaaaaaa", 4012],
      ],
    }),
    fieldQuality("country", r, { filled: 12480, distinct: 9, formats: [["AA", 12480]] }),
    fieldQuality("national_id", r, {
      filled: 4980,
      invalid: 37,
      distinct: 4978,
      formats: [["999999999999999999", 4801]],
      findings: [
        { rule: "national_id.checksum", severity: "error", count: 37 },
        { rule: "national_id.age", severity: "info", count: 2 },
      ],
    }),
  ];
}

const bySource: SourceQuality[] = [
  { source: CRM, records: CRM_RECORDS, fields: crmFields(), freshness: freshness(6950, 212, [640, 1180, 2890, 1900, 600]) },
  { source: TMALL, records: TMALL_RECORDS, fields: tmallFields(), freshness: freshness(5270, 41, [2400, 1650, 1020, 200, 0]) },
];

/** A store that went through import, validate, normalize, dedupe, merge and three earlier reports. */
export function storeReport(): QualityReport {
  const fields = storeFields();
  const metrics: Record<string, number> = { records: RECORDS, customers: 10412, "duplicates.rate": 15.785256410256411 };
  for (const field of fields) {
    metrics[`completeness.${field.field}`] = field.completeness;
    if (field.validity !== null) metrics[`validity.${field.field}`] = field.validity;
  }
  Object.assign(metrics, { "duplicates.records_per_customer": RECORDS / 10412, "review.backlog": 37, "freshness.median_age_days": 118 });
  return {
    generatedAt: "2026-12-02T03:40:00.000Z",
    scope: { kind: "store", path: "/srv/roster/customers.db" },
    records: RECORDS,
    sources: [CRM, TMALL],
    fields,
    bySource,
    freshness: freshness(12220, 118, [3040, 2830, 3910, 2100, 600]),
    duplicates: {
      records: RECORDS,
      clusters: 10510,
      customers: 10412,
      rate: ((RECORDS - 10510) / RECORDS) * 100,
      recordsPerCustomer: RECORDS / 10412,
      clusterSizes: [
        { size: "1", clusters: 8790, records: 8790 },
        { size: "2", clusters: 1510, records: 3020 },
        { size: "3", clusters: 170, records: 510 },
        { size: "4", clusters: 28, records: 112 },
        { size: "5-9", clusters: 12, records: 48 },
        { size: "10+", clusters: 0, records: 0 },
      ],
      splitByGuard: 4,
      reviewBacklog: 37,
    },
    cleaning: [
      { field: "phone", shapesBefore: 41, shapesAfter: 1, rewritten: 11020, unusable: 15 },
      { field: "email", shapesBefore: 212, shapesAfter: 198, rewritten: 1804, unusable: 488 },
      { field: "country", shapesBefore: 23, shapesAfter: 1, rewritten: 6950, unusable: 0 },
    ],
    profile: {
      customers: 10412,
      breakdowns: [
        {
          by: "country",
          rows: [
            { value: "CN", customers: 4630, share: (4630 / 10412) * 100 },
            { value: "US", customers: 4120, share: (4120 / 10412) * 100 },
            { value: "GB", customers: 1402, share: (1402 / 10412) * 100 },
            { value: null, customers: 260, share: (260 / 10412) * 100 },
          ],
        },
        {
          by: "city",
          rows: [
            { value: "上海市", customers: 1210, share: (1210 / 10412) * 100 },
            { value: "北京市", customers: 1104, share: (1104 / 10412) * 100 },
            { value: "New York", customers: 980, share: (980 / 10412) * 100 },
            ...Array.from({ length: 20 }, (_, index) => ({
              value: `Town ${index + 1}`,
              customers: 300 - index,
              share: ((300 - index) / 10412) * 100,
            })),
          ],
        },
        {
          by: "consent",
          rows: [
            { value: "yes", customers: 6001, share: (6001 / 10412) * 100 },
            { value: "no", customers: 3100, share: (3100 / 10412) * 100 },
            { value: null, customers: 1311, share: (1311 / 10412) * 100 },
          ],
        },
      ],
    },
    trend: [
      {
        runId: 3,
        at: "2026-09-01T02:00:00.000Z",
        metrics: { records: 9800, customers: 8200, "duplicates.rate": 17.2, "review.backlog": 140 },
      },
      {
        runId: 7,
        at: "2026-10-01T02:00:00.000Z",
        metrics: { records: 11020, customers: 9300, "duplicates.rate": 16.4, "review.backlog": 88 },
      },
      {
        runId: 12,
        at: "2026-11-01T02:00:00.000Z",
        metrics: { records: 12010, customers: 10050, "duplicates.rate": 16.0, "review.backlog": 52 },
      },
    ],
    metrics,
  };
}

/** Two files read statelessly: never deduplicated or merged, no earlier report, one field nobody fills. */
export function filesReport(): QualityReport {
  const records = 3;
  return {
    generatedAt: "2026-12-02T03:41:00.000Z",
    scope: { kind: "files", files: ["exports/会员名单.csv", "exports/crm & partners.jsonl"] },
    records,
    sources: ["会员名单", "crm & partners"],
    fields: [
      fieldQuality("email", records, { filled: 2, distinct: 2, formats: [["aaaa@aaaaaaa.aaa", 2]] }),
      fieldQuality("national_id", records, { filled: 0 }),
    ],
    bySource: [],
    freshness: freshness(0, 2, [3, 0, 0, 0, 0]),
    duplicates: null,
    cleaning: [],
    profile: null,
    trend: [],
    metrics: { records, "completeness.email": (2 / 3) * 100, "completeness.national_id": 0 },
  };
}

/** A store with nothing in it at all. */
export function emptyReport(): QualityReport {
  return {
    generatedAt: "2026-12-02T03:42:00.000Z",
    scope: { kind: "store", path: "roster.db" },
    records: 0,
    sources: [],
    fields: [fieldQuality("email", 0, { filled: 0 })],
    bySource: [],
    freshness: freshness(0, null, []),
    duplicates: null,
    cleaning: [],
    profile: null,
    trend: [],
    metrics: { records: 0 },
  };
}
