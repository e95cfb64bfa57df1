/**
 * `roster report` on a real store (CRM, shop and WeChat exports imported, validated, deduplicated and merged
 * twice), every figure cross-checked against plain SQL written here, apart from the report's own queries; the
 * runs trend across reports; the profile broken down by an attribute.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReportOptions, type ReportResult, runReport } from "../../src/commands/report.js";
import { runValidate } from "../../src/commands/validate.js";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import { parseGateFlag } from "../../src/stages/report/gates.js";
import type { QualityReport } from "../../src/stages/report/types.js";
import { CRM, dedupe, importRows, importText, merge, newStore, SHOP, secondRound } from "../helpers/merge-store.js";
import { query, quietTerminal, validateOptions } from "../helpers/run.js";

function reportOptions(storePath: string, overrides: Partial<ReportOptions> = {}): ReportOptions {
  return {
    files: [],
    read: { encoding: "auto" },
    mappings: {},
    source: undefined,
    country: "US",
    dateOrder: undefined,
    perSource: {},
    storePath,
    busyTimeoutMs: 5000,
    by: [],
    gates: [],
    record: true,
    trendRuns: 10,
    required: [],
    disabled: [],
    custom: [],
    ...overrides,
  };
}

const report = (store: string, overrides: Partial<ReportOptions> = {}): Promise<ReportResult> =>
  runReport(reportOptions(store, overrides), { terminal: quietTerminal().terminal });

/** A loyalty programme's export: a member tier (会员等级) no canonical field takes, so it stays an attribute. */
const LOYALTY_CSV = `id,name,email,phone,会员等级,city
L1,Margaret Hughes,mhughes@example.org,+1 415 555 0102,gold,Oakland
L2,李芳,lifang@example.cn,+86 139 1234 5678,gold,上海
L3,Oscar Pike,opike@example.com,+1 212 555 0999,silver,New York
L4,Tess Noor,,not a phone,,Austin
`;

// ---------------------------------------------------------------------------------------------------------------
// The independent side: a value's shape and the raw values, written again here, plainly.

function shapeOf(text: string): string {
  return [...text]
    .map((c) => (/\p{Script=Han}/u.test(c) ? "汉" : /\p{Nd}/u.test(c) ? "9" : /\p{Lu}/u.test(c) ? "A" : /\p{L}/u.test(c) ? "a" : c))
    .join("");
}

type Row = Record<string, unknown>;

function rawValuesByRecord(db: Database.Database): Map<number, Record<string, string>> {
  const mappings = new Map(
    (db.prepare("SELECT id, mapping FROM batches").all() as { id: number; mapping: string | null }[]).map((b) => [
      b.id,
      JSON.parse(b.mapping ?? "{}") as Record<string, string>,
    ]),
  );
  const out = new Map<number, Record<string, string>>();
  for (const r of db.prepare("SELECT id, batch_id, raw FROM current_records").all() as { id: number; batch_id: number; raw: string }[]) {
    const raw = JSON.parse(r.raw) as Record<string, unknown>;
    const values: Record<string, string> = {};
    for (const [column, field] of Object.entries(mappings.get(r.batch_id) ?? {})) {
      const value = raw[column];
      if (value === undefined || value === null || String(value).trim() === "") continue;
      values[field] = String(value).trim();
    }
    out.set(r.id, values);
  }
  return out;
}

function ageBandOf(birth: string | null, today: Date): string | null {
  if (!birth || !/^\d{4}-\d{2}-\d{2}$/.test(birth)) return null;
  const [y, m, d] = birth.split("-").map(Number) as [number, number, number];
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d)) age--;
  const limits: [number, string][] = [
    [18, "under 18"],
    [25, "18-24"],
    [35, "25-34"],
    [45, "35-44"],
    [55, "45-54"],
    [65, "55-64"],
  ];
  return limits.find(([limit]) => age < limit)?.[1] ?? "65+";
}

function timeBand(days: number): string {
  return days <= 30 ? "≤ 30 days" : days <= 90 ? "≤ 90 days" : days <= 365 ? "≤ 1 year" : days <= 1095 ? "≤ 3 years" : "older";
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

// ---------------------------------------------------------------------------------------------------------------

describe("roster report on a merged store", () => {
  let store: string;
  let first: ReportResult;
  let second: ReportResult;
  const now = new Date();

  // Built once for every test here (tempDir's directories go after each test): removed after the last.
  const dir = mkdtempSync(join(tmpdir(), "roster-report-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const s = { dir, store: join(dir, "roster.db") };
    store = s.store;
    await importRows(s, "crm.csv", CRM, "crm");
    await importRows(s, "shop.jsonl", SHOP, "shop");
    await dedupe(store);
    await merge(store);
    await secondRound(s);
    await importText(s, "loyalty.csv", LOYALTY_CSV, "loyalty");
    await dedupe(store);
    await runValidate(validateOptions(store, { country: "US" }), { terminal: quietTerminal().terminal });
    await merge(store);
    first = await report(store, { now });
    second = await report(store, { now, by: [["会员等级"], ["country", "city"]] });
  }, 120_000);

  it("counts every field as plain SQL does: filled, distinct, findings by rule, invalid", () => {
    const db = new Database(store, { readonly: true });
    try {
      const r: QualityReport = first.report;
      const records = db.prepare("SELECT count(*) FROM current_records").pluck().get() as number;
      expect(r.records).toBe(records);
      expect(r.sources).toEqual(["crm", "loyalty", "shop", "wechat"]);
      expect(r.fields.map((f) => f.field)).toEqual([...CANONICAL_FIELDS]);
      const scopes: [string | null, QualityReport["fields"]][] = [
        [null, r.fields],
        ...r.bySource.map((s) => [s.source, s.fields] as [string, QualityReport["fields"]]),
      ];
      for (const [source, fields] of scopes) {
        const where = source === null ? "1" : "source = @source";
        const params = source === null ? {} : { source };
        const scopeRecords = db.prepare(`SELECT count(*) FROM current_records WHERE ${where}`).pluck().get(params) as number;
        for (const f of fields) {
          const column = f.field;
          const sql = (text: string) => db.prepare(text).pluck().get(params) as number;
          const filled = sql(`SELECT count(*) FROM current_records WHERE ${where} AND ${column} IS NOT NULL AND ${column} != ''`);
          expect(f.filled, `${source} ${column} filled`).toBe(filled);
          expect(f.completeness).toBeCloseTo((filled / scopeRecords) * 100, 9);
          const distinct = sql(`SELECT count(*) FROM (SELECT DISTINCT ${column} FROM current_records WHERE ${where} AND ${column} != '')`);
          expect(f.distinct, `${source} ${column} distinct`).toBe(distinct);
          const invalid = sql(
            `SELECT count(*) FROM current_records WHERE ${where} AND ${column} != ''
               AND id IN (SELECT record_id FROM findings WHERE field = '${column}' AND severity = 'error')`,
          );
          expect(f.invalid, `${source} ${column} invalid`).toBe(invalid);
          expect(f.validity).toEqual(filled === 0 ? null : expect.closeTo(((filled - invalid) / filled) * 100, 9));
          const byRule = db
            .prepare(
              `SELECT rule, severity, count(*) AS count FROM findings
               WHERE field = '${column}' AND record_id IN (SELECT id FROM current_records WHERE ${where}) GROUP BY rule, severity`,
            )
            .all(params) as Row[];
          expect([...f.findings].sort((a, b) => a.rule.localeCompare(b.rule))).toEqual(
            byRule.sort((a, b) => String(a.rule).localeCompare(String(b.rule))),
          );
        }
      }
      // The fixture has something to find: the shop's broken email, the loyalty export's phone.
      expect(r.fields.find((f) => f.field === "email")?.invalid).toBeGreaterThan(0);
      expect(r.fields.find((f) => f.field === "phone")?.findings.length).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it("shapes the raw values and counts what cleaning changed, as a plain reading of raw and mapping does", () => {
    const db = new Database(store, { readonly: true });
    try {
      const raw = rawValuesByRecord(db);
      const rows = db.prepare("SELECT * FROM current_records").all() as Row[];
      const errors = new Set(
        db.prepare("SELECT record_id || ':' || field AS k FROM findings WHERE severity = 'error'").pluck().all() as string[],
      );
      for (const field of CANONICAL_FIELDS) {
        const shapes = new Map<string, number>();
        const after = new Set<string>();
        let rewritten = 0;
        let unusable = 0;
        for (const row of rows) {
          const before = raw.get(row.id as number)?.[field] ?? null;
          const canonical = row[field] === "" || row[field] === null ? null : String(row[field]);
          if (before !== null) {
            shapes.set(shapeOf(before), (shapes.get(shapeOf(before)) ?? 0) + 1);
            if (canonical === null || errors.has(`${row.id}:${field}`)) unusable++;
          }
          if (canonical !== null) after.add(shapeOf(canonical));
          if (before !== canonical) rewritten++;
        }
        const cleaning = first.report.cleaning.find((c) => c.field === field);
        expect(cleaning, field).toEqual({ field, shapesBefore: shapes.size, shapesAfter: after.size, rewritten, unusable });
        const quality = first.report.fields.find((f) => f.field === field);
        const sorted = [...shapes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
        expect(quality?.formats).toEqual(sorted.slice(0, 5).map(([shape, count]) => ({ shape, count })));
        const total = sorted.reduce((sum, [, n]) => sum + n, 0);
        expect(quality?.consistency).toEqual(total === 0 ? null : expect.closeTo(((sorted[0]?.[1] ?? 0) / total) * 100, 9));
      }
      // Normalize did rewrite phones into E.164: fewer formats after than before.
      const phone = first.report.cleaning.find((c) => c.field === "phone");
      expect(phone?.rewritten).toBeGreaterThan(0);
      expect(phone?.shapesAfter).toBeLessThan(phone?.shapesBefore ?? 0);
    } finally {
      db.close();
    }
  });

  it("dates records as SQL's julianday does: updated_at, else the batch's import time", () => {
    const rows = query<{ source: string; days: number; dated: number }>(
      store,
      `SELECT r.source, CAST(julianday(?) - coalesce(CASE WHEN r.updated_at LIKE '____-__-__%' THEN julianday(r.updated_at) END, julianday(b.imported_at)) AS INTEGER) AS days,
              (r.updated_at LIKE '____-__-__%' AND julianday(r.updated_at) IS NOT NULL) AS dated
       FROM current_records r JOIN batches b ON b.id = r.batch_id`,
      now.toISOString(),
    );
    const check = (freshness: QualityReport["freshness"], subset: typeof rows) => {
      expect(freshness.dated).toBe(subset.filter((r) => r.dated).length);
      expect(freshness.medianAgeDays).toBe(median(subset.map((r) => Math.max(0, r.days))));
      const bands = ["≤ 30 days", "≤ 90 days", "≤ 1 year", "≤ 3 years", "older"];
      expect(freshness.bands).toEqual(bands.map((band) => ({ band, records: subset.filter((r) => timeBand(r.days) === band).length })));
    };
    check(first.report.freshness, rows);
    for (const source of first.report.bySource)
      check(
        source.freshness,
        rows.filter((r) => r.source === source.source),
      );
    expect(first.report.freshness.dated).toBeGreaterThan(0); // the fixture's updated_at column
  });

  it("counts duplicates: clusters, customers, cluster sizes, the review backlog", () => {
    const d = first.report.duplicates;
    const clustered = query<{ n: number }>(store, "SELECT count(*) AS n FROM current_records WHERE cluster_id IS NOT NULL")[0]?.n ?? 0;
    const sizes = query<{ size: number }>(
      store,
      "SELECT count(*) AS size FROM current_records WHERE cluster_id IS NOT NULL GROUP BY cluster_id",
    );
    const customers = query<{ n: number }>(store, "SELECT count(*) AS n FROM customers WHERE retired_at IS NULL")[0]?.n ?? 0;
    const backlog =
      query<{ n: number }>(
        store,
        `SELECT count(*) AS n FROM pairs p JOIN current_records a ON a.id = p.record_a JOIN current_records b ON b.id = p.record_b
         WHERE p.decision = 'review' AND NOT EXISTS (SELECT 1 FROM pair_decisions x WHERE
           (x.source_a = a.source AND x.key_a = a.record_key AND x.source_b = b.source AND x.key_b = b.record_key) OR
           (x.source_a = b.source AND x.key_a = b.record_key AND x.source_b = a.source AND x.key_b = a.record_key))`,
      )[0]?.n ?? 0;
    const split = query<{ n: number }>(
      store,
      "SELECT json_extract(summary, '$.clusters_split') AS n FROM dedupe_runs ORDER BY id DESC LIMIT 1",
    )[0]?.n;
    expect(d).toMatchObject({
      records: clustered,
      clusters: sizes.length,
      customers,
      reviewBacklog: backlog,
      splitByGuard: split,
    });
    expect(d?.rate).toBeCloseTo(((clustered - sizes.length) / clustered) * 100, 9);
    expect(d?.recordsPerCustomer).toBeCloseTo(clustered / customers, 9);
    const band = (n: number) => (n >= 10 ? "10+" : n >= 5 ? "5-9" : String(n));
    for (const row of d?.clusterSizes ?? []) {
      const inBand = sizes.filter((s) => band(s.size) === row.size);
      expect(row, row.size).toEqual({ size: row.size, clusters: inBand.length, records: inBand.reduce((sum, s) => sum + s.size, 0) });
    }
    expect(d?.rate).toBeGreaterThan(0); // the shop repeats CRM customers
  });

  it("profiles the golden customers (客户画像) as SQL over customers and their records does", () => {
    const profile = second.report.profile;
    const active = query<Row>(store, "SELECT * FROM customers WHERE retired_at IS NULL");
    expect(profile?.customers).toBe(active.length);
    const rowsOf = (by: string) => profile?.breakdowns.find((b) => b.by === by)?.rows ?? [];
    const tally = (values: (string | null)[]) => {
      const counts = new Map<string | null, number>();
      for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
      return counts;
    };
    const asMap = (rows: { value: string | null; customers: number }[]) =>
      new Map(rows.filter((r) => r.customers > 0).map((r) => [r.value, r.customers]));
    for (const field of ["country", "region", "city"]) {
      expect(asMap(rowsOf(field)), field).toEqual(tally(active.map((c) => (c[field] === "" ? null : (c[field] as string | null)))));
    }
    expect(asMap(rowsOf("age_band"))).toEqual(tally(active.map((c) => ageBandOf(c.birth_date as string | null, now))));
    const consent = (v: unknown) => (v === null || v === "" ? null : v === "true" ? "yes" : v === "false" ? "no" : "unrecognized");
    expect(asMap(rowsOf("consent"))).toEqual(tally(active.map((c) => consent(c.marketing_consent))));
    const combos = query<{ id: number; combo: string | null }>(
      store,
      `SELECT c.id, (SELECT group_concat(source, ' + ') FROM (SELECT DISTINCT r.source FROM current_records r WHERE r.customer_id = c.id ORDER BY r.source)) AS combo
       FROM customers c WHERE c.retired_at IS NULL`,
    );
    expect(asMap(rowsOf("sources"))).toEqual(tally(combos.map((c) => c.combo)));
    expect(rowsOf("sources").some((r) => r.value === "crm + shop")).toBe(true);
    const perSource = query<{ source: string; n: number }>(
      store,
      "SELECT r.source, count(DISTINCT r.customer_id) AS n FROM current_records r JOIN customers c ON c.id = r.customer_id WHERE c.retired_at IS NULL GROUP BY r.source",
    );
    expect(asMap(rowsOf("source"))).toEqual(new Map(perSource.map((p) => [p.source, p.n])));
    const recency = query<{ days: number }>(
      store,
      `SELECT min(CAST(julianday(?) - coalesce(CASE WHEN r.updated_at LIKE '____-__-__%' THEN julianday(r.updated_at) END, julianday(b.imported_at)) AS INTEGER)) AS days
       FROM current_records r JOIN batches b ON b.id = r.batch_id JOIN customers c ON c.id = r.customer_id WHERE c.retired_at IS NULL GROUP BY r.customer_id`,
      now.toISOString(),
    );
    expect(asMap(rowsOf("recency"))).toEqual(tally(recency.map((r) => timeBand(r.days))));
    for (const breakdown of profile?.breakdowns ?? []) {
      for (const row of breakdown.rows) expect(row.share).toBeCloseTo((row.customers / active.length) * 100, 9);
    }
  });

  it("breaks customers down by an attribute (--by 会员等级) and by a combination of fields", () => {
    const tiers = query<{ tier: string | null; n: number }>(
      store,
      `SELECT (SELECT json_extract(r.attributes, '$."会员等级"') FROM current_records r WHERE r.customer_id = c.id
                AND json_extract(r.attributes, '$."会员等级"') IS NOT NULL ORDER BY r.id DESC LIMIT 1) AS tier, count(*) AS n
       FROM customers c WHERE c.retired_at IS NULL GROUP BY tier`,
    );
    const rows = second.report.profile?.breakdowns.find((b) => b.by === "会员等级")?.rows;
    expect(new Map(rows?.map((r) => [r.value, r.customers]))).toEqual(new Map(tiers.map((t) => [t.tier, t.n])));
    expect(rows?.find((r) => r.value === "gold")?.customers).toBe(2); // Margaret Hughes and 李芳, merged with their CRM records
    const places = second.report.profile?.breakdowns.find((b) => b.by === "country,city")?.rows ?? [];
    const expected = query<{ place: string | null; n: number }>(
      store,
      `SELECT CASE WHEN nullif(country, '') IS NULL AND nullif(city, '') IS NULL THEN NULL
                   ELSE coalesce(nullif(country, ''), 'unknown') || ', ' || coalesce(nullif(city, ''), 'unknown') END AS place, count(*) AS n
       FROM customers WHERE retired_at IS NULL GROUP BY place`,
    );
    expect(new Map(places.map((r) => [r.value, r.customers]))).toEqual(new Map(expected.map((e) => [e.place, e.n])));
    expect(places.some((p) => p.value === "CN, 上海")).toBe(true);
  });

  it("keeps the flat metrics the gates test, and records one runs row per report: the second shows the first as its trend", () => {
    const m = first.report.metrics;
    const email = first.report.fields.find((f) => f.field === "email");
    expect(m["completeness.email"]).toBe(email?.completeness);
    expect(m["validity.email"]).toBe(email?.validity);
    expect(m["duplicates.rate"]).toBe(first.report.duplicates?.rate);
    expect(m.customers).toBe(first.report.profile?.customers);
    expect(m["validity.national_id"]).toBeDefined(); // WeChat's resident ids
    expect(m["validity.company"]).toBeUndefined(); // nobody fills it: no value, no metric
    const runs = query<{ id: number; command: string; metrics: string }>(store, "SELECT id, command, metrics FROM runs ORDER BY id");
    expect(runs.map((r) => r.id)).toEqual([first.runId, second.runId]);
    expect(JSON.parse(runs[0]?.metrics ?? "{}")).toEqual(first.report.metrics);
    expect(first.report.trend).toEqual([]);
    expect(second.report.trend).toEqual([{ runId: first.runId, at: expect.any(String), metrics: first.report.metrics }]);
  });

  it("writes no runs row with record: false (--no-record), and gates fail on the metrics", async () => {
    const before = query(store, "SELECT id FROM runs").length;
    const result = await report(store, {
      now,
      record: false,
      gates: [parseGateFlag("completeness.email=100", "under"), parseGateFlag("duplicates.rate=99", "over")],
    });
    expect(query(store, "SELECT id FROM runs").length).toBe(before);
    expect(result.runId).toBeNull();
    expect(result.gates.map((g) => g.passed)).toEqual([false, true]);
    expect(result.gate.failed).toBe(true);
    expect(result.gate.reason).toContain("completeness.email is");
    expect(result.gate.reason).not.toContain("duplicates.rate");
  });

  it("refuses a --by name that is neither a field nor an attribute, suggesting close ones (exit 2)", async () => {
    await expect(report(store, { by: [["ctiy"]], record: false })).rejects.toMatchObject({
      exitCode: 2,
      hint: expect.stringContaining("city"),
    });
  });
});

describe("roster report before dedupe and merge", () => {
  it("has no duplicates, no profile, and still every field's figures", async () => {
    const s = newStore();
    await importRows(s, "crm.csv", CRM, "crm");
    const result = await report(s.store, { record: false });
    expect(result.report.records).toBe(CRM.length);
    expect(result.report.duplicates).toBeNull();
    expect(result.report.profile).toBeNull();
    expect(result.report.metrics["duplicates.rate"]).toBeUndefined();
    // Not normalized yet: the canonical values are the raw ones, nothing rewritten.
    expect(result.report.cleaning.every((c) => c.rewritten === 0)).toBe(true);
    const gate = await report(s.store, { record: false, gates: [parseGateFlag("duplicates.rate=5", "over")] });
    expect(gate.gates[0]).toMatchObject({ value: null, passed: false });
  });
});
