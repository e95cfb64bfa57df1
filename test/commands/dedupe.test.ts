/**
 * `roster dedupe` as command functions on temporary stores and files: store mode (first, unchanged, incremental
 * and full runs, stable cluster ids, thresholds, retraining), --explain and --show-model, and the file filter.
 * The fixture is a small customer list over two sources whose duplicates are the ones real exports carry: a
 * nickname, a typo, another phone format, a missing email, and a Chinese customer written 张伟 in one source and
 * Zhang Wei in the other.
 */
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { runBatchesRm } from "../../src/commands/batches.js";
import { type DedupeOptions, type DedupeResult, runDedupe } from "../../src/commands/dedupe.js";
import { runExplain, runShowModel } from "../../src/commands/dedupe-explain.js";
import { runNormalize } from "../../src/commands/normalize.js";
import { UsageError } from "../../src/errors.js";
import { recordDecision } from "../../src/store/decisions.js";
import { importOrThrow, normalizeOptions, query, quietTerminal, storeDedupeOptions, TEST_DEDUPE_SETTINGS } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

// ---------------------------------------------------------------------------------------------------------------
// Fixture

type Customer = {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  birth_date: string;
  address: string;
  city: string;
  postcode: string;
};
const COLUMNS = ["id", "first_name", "last_name", "email", "phone", "birth_date", "address", "city", "postcode"] as const;

const customer = (...values: string[]): Customer => Object.fromEntries(COLUMNS.map((column, i) => [column, values[i] ?? ""])) as Customer;

/** The CRM's export: one record per person. */
const CRM: Customer[] = [
  customer(
    "c01",
    "William",
    "Turner",
    "william.turner@example.com",
    "+1 415 555 0101",
    "1980-03-14",
    "12 Oak Street",
    "San Francisco",
    "94110",
  ),
  customer("c02", "Margaret", "Hughes", "mhughes@example.org", "+1 415 555 0102", "1975-07-02", "88 Pine Avenue", "Oakland", "94607"),
  customer("c03", "Robert", "Nakamura", "rob.nakamura@example.net", "+1 212 555 0103", "1990-11-23", "5 Elm Road", "New York", "10001"),
  customer(
    "c04",
    "Elizabeth",
    "Okafor",
    "e.okafor@example.com",
    "+1 312 555 0104",
    "1988-01-30",
    "401 Lake Shore Drive",
    "Chicago",
    "60611",
  ),
  customer("c05", "James", "Fitzgerald", "jfitz@example.com", "+1 617 555 0105", "1969-05-05", "77 Beacon Street", "Boston", "02108"),
  customer(
    "c06",
    "Patricia",
    "Lindqvist",
    "pat.lindqvist@example.org",
    "+1 206 555 0106",
    "1992-09-17",
    "230 Maple Lane",
    "Seattle",
    "98101",
  ),
  customer("c07", "Michael", "Brennan", "mbrennan@example.net", "+1 503 555 0107", "1985-12-01", "19 Cedar Court", "Portland", "97201"),
  customer("c08", "Jennifer", "Castillo", "jcastillo@example.com", "+1 305 555 0108", "1979-04-12", "64 Palm Way", "Miami", "33101"),
  customer("c09", "David", "Kowalski", "dkowalski@example.org", "+1 412 555 0109", "1983-08-08", "9 River Street", "Pittsburgh", "15201"),
  customer(
    "c10",
    "Susan",
    "Abernathy",
    "susan.abernathy@example.com",
    "+1 615 555 0110",
    "1971-02-25",
    "350 Broadway",
    "Nashville",
    "37201",
  ),
  customer("c11", "Thomas", "Moreau", "tmoreau@example.net", "+1 504 555 0111", "1995-06-19", "11 Royal Street", "New Orleans", "70116"),
  customer("c12", "Linda", "Petrova", "lpetrova@example.com", "+1 702 555 0112", "1966-10-10", "808 Desert Road", "Las Vegas", "89101"),
  customer(
    "c13",
    "Charles",
    "Whitfield",
    "cwhitfield@example.org",
    "+1 404 555 0113",
    "1987-03-03",
    "42 Peachtree Street",
    "Atlanta",
    "30303",
  ),
  customer("c14", "Barbara", "Yilmaz", "byilmaz@example.com", "+1 713 555 0114", "1993-07-27", "15 Bayou Drive", "Houston", "77002"),
  customer("c15", "Richard", "Delgado", "rdelgado@example.net", "+1 602 555 0115", "1974-12-12", "600 Camelback Road", "Phoenix", "85004"),
  customer("c16", "Karen", "Sorensen", "ksorensen@example.com", "+1 612 555 0116", "1981-01-09", "27 Lake Street", "Minneapolis", "55401"),
  customer("c17", "Joseph", "Adeyemi", "jadeyemi@example.org", "+1 303 555 0117", "1990-05-21", "3 Larimer Square", "Denver", "80202"),
  customer("c18", "Nancy", "Holloway", "nholloway@example.com", "+1 919 555 0118", "1968-09-30", "71 Oak Ridge Road", "Raleigh", "27601"),
  customer("c19", "Daniel", "Ferreira", "dferreira@example.net", "+1 858 555 0119", "1997-02-14", "250 Harbor Drive", "San Diego", "92101"),
  customer(
    "c20",
    "Lisa",
    "Gallagher",
    "lgallagher@example.com",
    "+1 801 555 0120",
    "1984-11-11",
    "18 Temple Street",
    "Salt Lake City",
    "84101",
  ),
  customer("c21", "伟", "张", "zhangwei@example.cn", "+86 138 0013 8000", "1986-04-18", "朝阳区建国路88号", "北京", "100022"),
  customer("c22", "芳", "李", "lifang@example.cn", "+86 139 1234 5678", "1991-08-08", "浦东新区世纪大道100号", "上海", "200120"),
  customer("c23", "Paul", "Novak", "pnovak@example.com", "+1 216 555 0123", "1977-06-06", "500 Euclid Avenue", "Cleveland", "44114"),
  customer("c24", "Sandra", "Mbeki", "smbeki@example.org", "+1 313 555 0124", "1989-10-01", "44 Woodward Avenue", "Detroit", "48226"),
  customer("c25", "Mark", "Olsen", "mark.olsen@example.net", "+1 414 555 0125", "1982-03-29", "7 Water Street", "Milwaukee", "53202"),
  customer(
    "c26",
    "Betty",
    "Harrington",
    "bharrington@example.com",
    "+1 502 555 0126",
    "1964-12-24",
    "90 Main Street",
    "Louisville",
    "40202",
  ),
  customer(
    "c27",
    "Steven",
    "Quinlan",
    "squinlan@example.org",
    "+1 816 555 0127",
    "1994-04-04",
    "21 Grand Boulevard",
    "Kansas City",
    "64106",
  ),
  customer(
    "c28",
    "Dorothy",
    "Vasquez",
    "dvasquez@example.com",
    "+1 505 555 0128",
    "1973-08-15",
    "13 Central Avenue",
    "Albuquerque",
    "87102",
  ),
  customer("c29", "Andrew", "Lindgren", "alindgren@example.net", "+1 907 555 0129", "1986-01-19", "2 Harbor Road", "Anchorage", "99501"),
  customer(
    "c30",
    "Emily",
    "Rasmussen",
    "erasmussen@example.com",
    "+1 808 555 0130",
    "1998-07-07",
    "60 Kalakaua Avenue",
    "Honolulu",
    "96815",
  ),
  // Katherine Morgan moved: the shop's record of her shares only her name and birth date (not a match alone).
  customer("c31", "Katherine", "Morgan", "kmorgan@example.com", "+1 718 555 0131", "1983-05-17", "14 Birch Lane", "Brooklyn", "11201"),
];

/** The web shop's export: some of the CRM's people again, written the way a shop writes them, and new people. */
const SHOP: Customer[] = [
  customer("s01", "Bill", "Turner", "william.turner@example.com", "(415) 555-0101", "1980-03-14", "12 Oak St", "San Francisco", "94110"),
  customer("s02", "Margret", "Hughes", "mhughes@example.org", "415-555-0102", "1975-07-02", "88 Pine Ave", "Oakland", "94607"),
  customer("s03", "Robert", "Nakamura", "rob.nakamura@exmaple.net", "2125550103", "1990-11-23", "5 Elm Rd", "New York", "10001"),
  customer("s04", "Elizabeth", "Okafor", "", "+13125550104", "1988-01-30", "401 Lake Shore Dr", "Chicago", "60611"),
  customer("s05", "Jim", "Fitzgerald", "jfitz@example.com", "617.555.0105", "1969-05-05", "77 Beacon St", "Boston", "02108"),
  customer("s06", "Wei", "Zhang", "zhangwei@example.cn", "+86 138 0013 8000", "1986-04-18", "", "Beijing", "100022"),
  customer("s07", "Michael", "Brenan", "mbrennan@example.net", "+1 503 555 0107", "1985-12-01", "19 Cedar Ct", "Portland", "97201"),
  customer("s08", "Susan", "Abernathy", "sue.abernathy@example.com", "(615) 555-0110", "1971-02-25", "350 Broadway", "Nashville", "37201"),
  customer("s09", "Daniel", "Ferreira", "dferreira@example.net", "", "1997-02-14", "250 Harbor Dr", "San Diego", "92101"),
  customer("s10", "Emily", "Rasmusen", "erasmussen@example.com", "808-555-0130", "1998-07-07", "60 Kalakaua Ave", "Honolulu", "96815"),
  customer("s11", "Olivia", "Brandt", "obrandt@example.com", "+1 720 555 0201", "1991-03-03", "5 Pearl Street", "Boulder", "80302"),
  customer("s12", "Henry", "Achebe", "hachebe@example.org", "+1 614 555 0202", "1979-09-09", "31 High Street", "Columbus", "43215"),
  customer("s13", "Grace", "Tanaka", "gtanaka@example.net", "+1 503 555 0203", "1996-12-20", "8 Alder Street", "Portland", "97205"),
  customer("s14", "Victor", "Ivanov", "vivanov@example.com", "+1 215 555 0204", "1970-05-15", "100 Market Street", "Philadelphia", "19106"),
  customer(
    "s15",
    "Katherine",
    "Morgan",
    "kate.morgan@mail.example",
    "+1 929 555 0215",
    "1983-05-17",
    "900 Sunset Boulevard",
    "Los Angeles",
    "90028",
  ),
];

/** The shop's duplicates: shop source_id → the CRM record it describes. */
const SHOP_DUPLICATES: Record<string, string> = {
  s01: "c01", // nickname, another phone format, street abbreviated
  s02: "c02", // typo in the given name
  s03: "c03", // typo in the email domain
  s04: "c04", // no email
  s05: "c05", // nickname
  s06: "c21", // 张伟 / Zhang Wei
  s07: "c07", // typo in the family name
  s08: "c10", // another email and phone format
  s09: "c19", // no phone
  s10: "c30", // typo in the family name
};

/** The shop's next export: s07 is now someone else, Kate Morgan links the two Morgan records, Pat is new. */
const SHOP_NEXT: Customer[] = [
  ...SHOP.map((row) =>
    row.id === "s07"
      ? customer("s07", "Oscar", "Whitman", "owhitman@example.com", "+1 971 555 0307", "1959-10-21", "4 Alder Court", "Portland", "97201")
      : row,
  ),
  customer("s16", "Kate", "Morgan", "kmorgan@example.com", "(929) 555-0215", "1983-05-17", "", "", ""),
  customer("s17", "Pat", "Lindqvist", "pat.lindqvist@example.org", "206 555 0106", "1992-09-17", "230 Maple Ln", "Seattle", "98101"),
];

/** A third source, imported after the first dedupe: three more duplicates and someone new. */
const APP: Customer[] = [
  customer("a01", "Bob", "Nakamura", "rob.nakamura@example.net", "212.555.0103", "1990-11-23", "5 Elm Road", "New York", "10001"),
  customer("a02", "Linda", "Petrov", "lpetrova@example.com", "+1 702 555 0112", "1966-10-10", "808 Desert Rd", "Las Vegas", "89101"),
  customer("a03", "Fang", "Li", "lifang@example.cn", "+86 139 1234 5678", "1991-08-08", "", "Shanghai", "200120"),
  customer("a04", "Omar", "Haddad", "ohaddad@example.com", "+1 313 555 0404", "1990-02-02", "12 Fort Street", "Detroit", "48226"),
];
const APP_DUPLICATES: Record<string, string> = { a01: "c03", a02: "c12", a03: "c22" };

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const asCsv = (rows: Customer[]) =>
  `${COLUMNS.join(",")}\n${rows.map((row) => COLUMNS.map((c) => csvCell(row[c])).join(",")).join("\n")}\n`;
const asJsonl = (rows: Customer[]) => `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`;

// ---------------------------------------------------------------------------------------------------------------
// Running dedupe

const SETTINGS = TEST_DEDUPE_SETTINGS;
const dedupeOptions = storeDedupeOptions;

function io(storePath: string) {
  const { terminal, stderr } = quietTerminal();
  return {
    terminal,
    stderr,
    stdout: new PassThrough(),
    normalizeFirst: async () => {
      await runNormalize(normalizeOptions(storePath, { country: "US" }), { terminal, stdout: new PassThrough() });
    },
  };
}

async function dedupe(storePath: string, overrides: Partial<DedupeOptions> = {}): Promise<DedupeResult> {
  return runDedupe(dedupeOptions(storePath, overrides), io(storePath));
}

interface Store {
  dir: string;
  store: string;
}

function newStore(): Store {
  const dir = tempDir();
  return { dir, store: join(dir, "roster.db") };
}

async function importRows({ dir, store }: Store, name: string, rows: Customer[], source: string): Promise<void> {
  const file = writeFile(dir, name, name.endsWith(".csv") ? asCsv(rows) : asJsonl(rows));
  await importOrThrow([file], store, { source });
}

/** A store holding both sources, deduplicated once. */
async function dedupedStore(): Promise<Store & { first: DedupeResult }> {
  const s = newStore();
  await importRows(s, "crm.csv", CRM, "crm");
  await importRows(s, "shop.jsonl", SHOP, "shop");
  return { ...s, first: await dedupe(s.store) };
}

/** A copy of a store (closed, so its WAL is checkpointed into the one file). */
function copyStore(from: Store): Store {
  const to = newStore();
  expect(existsSync(`${from.store}-wal`)).toBe(false);
  copyFileSync(from.store, to.store);
  return to;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the store back

type Current = { id: number; source: string; source_id: string; cluster_id: number | null };

const currentRecords = (store: string) =>
  query<Current>(store, "SELECT id, source, source_id, cluster_id FROM current_records ORDER BY id");

/** source:source_id → cluster id, for the current records. */
function clusterOf(store: string): Map<string, number | null> {
  return new Map(currentRecords(store).map((r) => [`${r.source}:${r.source_id}`, r.cluster_id]));
}

/** The partition: the current records grouped by cluster id, as sorted lists of source:source_id (ids aside). */
function partition(store: string): string[][] {
  const groups = new Map<number | null, string[]>();
  for (const r of currentRecords(store)) {
    const group = groups.get(r.cluster_id) ?? [];
    group.push(`${r.source}:${r.source_id}`);
    groups.set(r.cluster_id, group);
  }
  return [...groups.values()].map((group) => group.sort()).sort((x, y) => (x[0] as string).localeCompare(y[0] as string));
}

/** The groups of more than one record. */
const duplicates = (store: string) => partition(store).filter((group) => group.length > 1);

/** The duplicates the fixture holds after both first exports. */
const EXPECTED_DUPLICATES = Object.entries(SHOP_DUPLICATES)
  .map(([shop, crm]) => [`crm:${crm}`, `shop:${shop}`])
  .sort((x, y) => (x[0] as string).localeCompare(y[0] as string));

type PairRow = {
  record_a: number;
  record_b: number;
  match_weight: number;
  match_probability: number;
  blocking_rule: string;
  explanation: string;
  decision: string;
  model_id: number;
};
const pairs = (store: string) => query<PairRow>(store, "SELECT * FROM pairs ORDER BY record_a, record_b");

/** Everything a dedupe run writes, to compare before and after. */
function dedupeState(store: string) {
  return {
    clusters: query(store, "SELECT id, cluster_id FROM current_records ORDER BY id"),
    pairs: pairs(store),
    models: query(store, "SELECT * FROM dedupe_models ORDER BY id"),
    runs: query(store, "SELECT * FROM dedupe_runs ORDER BY id"),
    fingerprints: query(store, "SELECT * FROM dedupe_records ORDER BY record_id"),
    audit: query(store, "SELECT count(*) AS n FROM audit_log"),
  };
}

const idOf = (store: string, reference: string) => {
  const [source, sourceId] = reference.split(":");
  return query<{ id: number }>(store, "SELECT id FROM current_records WHERE source = ? AND source_id = ?", source, sourceId)[0]
    ?.id as number;
};

// ---------------------------------------------------------------------------------------------------------------

describe("dedupe in the store: the first run", () => {
  it("an empty store ends cleanly: no records, no pairs, no clusters", async () => {
    const { store } = newStore();
    await importOrThrow([writeFile(tempDir(), "empty.csv", "id,first_name,email\n")], store);
    const result = await dedupe(store);
    expect(result).toMatchObject({ mode: "store", records: 0, scored: 0, candidates: 0, matches: 0, review: 0, normalizedFirst: 0 });
    expect(result.clusters).toMatchObject({ count: 0, bySize: {}, largest: 0, split: [] });
    expect(pairs(store)).toEqual([]);
    // A second run has nothing to do either.
    expect((await dedupe(store)).run).toBe("unchanged");
    // The empty run stores no model: records that arrive later train the first one.
    await importRows({ dir: tempDir(), store }, "crm.csv", CRM, "crm");
    await importRows({ dir: tempDir(), store }, "shop.jsonl", SHOP, "shop");
    const later = await dedupe(store);
    expect(later).toMatchObject({ run: "full", trained: true, matches: 10 });
    expect(later.retrainReason).toMatch(/first run/);
  });

  it("records not normalized yet are normalized first; without a way to normalize it is a usage error", async () => {
    const s = newStore();
    await importRows(s, "crm.csv", CRM, "crm");
    expect(query(s.store, "SELECT count(*) AS n FROM current_records WHERE keys IS NULL")).toEqual([{ n: CRM.length }]);
    const { terminal } = quietTerminal();
    const refused = runDedupe(dedupeOptions(s.store), { terminal, stdout: new PassThrough() });
    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(/31 records not normalized yet/);

    const run = io(s.store);
    const result = await runDedupe(dedupeOptions(s.store), run);
    expect(result.normalizedFirst).toBe(CRM.length);
    expect(run.stderr()).toMatch(/31 records not normalized yet: normalizing the store first/);
    expect(query(s.store, "SELECT count(*) AS n FROM current_records WHERE keys IS NULL")).toEqual([{ n: 0 }]);
  });

  it("every current record gets a cluster id; the fixture's duplicates, and only they, share one", async () => {
    const { store, first } = await dedupedStore();
    expect(first).toMatchObject({
      mode: "store",
      run: "full",
      records: CRM.length + SHOP.length,
      trained: true,
      retrainReason: "first run",
    });
    expect(first.scored).toBe(first.records);
    expect(currentRecords(store).filter((r) => r.cluster_id === null)).toEqual([]);
    expect(duplicates(store)).toEqual(EXPECTED_DUPLICATES);
    expect(first.clusters).toMatchObject({ count: CRM.length + SHOP.length - 10, bySize: { "1": 26, "2": 10 }, largest: 2 });
    // A record alone keeps its own id; a cluster is named by its oldest record.
    for (const r of currentRecords(store)) {
      const members = currentRecords(store).filter((other) => other.cluster_id === r.cluster_id);
      expect(r.cluster_id).toBe(Math.min(...members.map((m) => m.id)));
    }
    // The model is stored, with the run that used it.
    expect(query(store, "SELECT count(*) AS n FROM dedupe_models")).toEqual([{ n: 1 }]);
    expect(query(store, "SELECT mode FROM dedupe_runs")).toEqual([{ mode: "full" }]);
    expect(query(store, "SELECT count(*) AS n FROM dedupe_records")).toEqual([{ n: first.records }]);
  });

  it("pairs: record_a < record_b, the decision follows the thresholds, the explanation adds up to the weight", async () => {
    const { store, first } = await dedupedStore();
    const rows = pairs(store);
    expect(rows.length).toBe(first.matches + first.review);
    expect(rows.length).toBeGreaterThanOrEqual(10);
    const model = runShowModel(dedupeOptions(store)).model;
    const prior = Math.log2(model.prior / (1 - model.prior));
    const names = model.comparisons.map((c) => c.name);
    for (const row of rows) {
      expect(row.record_a).toBeLessThan(row.record_b);
      expect(row.match_probability).toBeGreaterThanOrEqual(SETTINGS.reviewThreshold);
      expect(row.decision).toBe(row.match_probability >= SETTINGS.threshold ? "match" : "review");
      expect(row.match_probability).toBeCloseTo(1 / (1 + 2 ** -row.match_weight), 9);
      expect(first.rules.map((r) => r.name)).toContain(row.blocking_rule);
      const explanation = JSON.parse(row.explanation) as Record<string, [number, number]>;
      for (const [name, [level, weight]] of Object.entries(explanation)) {
        expect(names).toContain(name);
        expect(Number.isInteger(level) && level > 0).toBe(true);
        expect(Number.isFinite(weight)).toBe(true);
      }
      // Each weight is rounded to 0.01 in the explanation.
      const total = prior + Object.values(explanation).reduce((sum, [, weight]) => sum + weight, 0);
      expect(Math.abs(total - row.match_weight)).toBeLessThan(0.01 * names.length);
    }
    // A pair is stored once, matched in the order of the blocking rules.
    const keys = rows.map((r) => `${r.record_a}-${r.record_b}`);
    expect(new Set(keys).size).toBe(keys.length);
    const zhang = rows.find((r) => r.record_a === idOf(store, "crm:c21") && r.record_b === idOf(store, "shop:s06"));
    expect(zhang).toMatchObject({ decision: "match" });
  });

  it("dedupe_runs.summary holds the run's counts, not a cluster id per record", async () => {
    const { store, first } = await dedupedStore();
    const keys = ["count", "bySize", "largest", "split", "kept", "created", "joined"].sort();
    expect(Object.keys(first.clusters).sort()).toEqual(keys);
    const [row] = query<{ summary: string }>(store, "SELECT summary FROM dedupe_runs");
    const text = row?.summary ?? "";
    expect(text.length).toBeLessThan(2000);
    const summary = JSON.parse(text) as Record<string, unknown>;
    expect(summary).toMatchObject({ run: "full", records: first.records, clusters: first.clusters.count, matches: first.matches });
    for (const key of Object.keys(summary)) expect(key).toMatch(/^[a-z0-9_]+$/);
  });

  it("a second run with nothing new reports unchanged and writes nothing", async () => {
    const { store, first } = await dedupedStore();
    const before = dedupeState(store);
    const second = await dedupe(store);
    expect(second).toMatchObject({ run: "unchanged", scored: 0, trained: false, candidates: 0, records: first.records });
    expect(second.clusters.count).toBe(first.clusters.count);
    expect(dedupeState(store)).toEqual(before);
  });
});

describe("dedupe in the store: removing a batch", () => {
  it("a batch removed after dedupe takes its pairs and clusters with it; the next run re-clusters what it linked", async () => {
    const s = await dedupedStore();
    const shopBatch = query<{ id: number }>(s.store, "SELECT id FROM batches WHERE source = 'shop'")[0]?.id as number;
    expect(await runBatchesRm({ id: shopBatch, storePath: s.store, busyTimeoutMs: 1000 })).toMatchObject({ kind: "removed" });
    expect(query(s.store, "SELECT count(*) AS n FROM pairs")).toEqual([{ n: 0 }]);
    const again = await dedupe(s.store);
    // The index the last run left is gone with the batch: this run reads every record (and makes it again).
    expect(again).toMatchObject({ run: "incremental", scored: Object.keys(SHOP_DUPLICATES).length, read: CRM.length });
    expect(await dedupe(s.store)).toMatchObject({ run: "unchanged" });
    expect(duplicates(s.store)).toEqual([]);
    expect(currentRecords(s.store).every((r) => r.cluster_id === r.id)).toBe(true);
  });
});

describe("dedupe in the store: incremental runs", () => {
  it("only new records are scored; existing cluster ids are kept and a new duplicate joins its cluster's id", async () => {
    const s = await dedupedStore();
    const before = clusterOf(s.store);
    const modelsBefore = query(s.store, "SELECT id FROM dedupe_models");

    await importRows(s, "app.csv", APP, "app");
    const second = await dedupe(s.store);
    expect(second).toMatchObject({
      run: "incremental",
      scored: APP.length,
      trained: false,
      records: CRM.length + SHOP.length + APP.length,
      // The new batch, found without scanning every record, was normalized first; then only its records and
      // those sharing a blocking key with them were read.
      normalizedFirst: APP.length,
    });
    expect(second.read).toBeLessThan(second.records);
    // The stored model was reused.
    expect(query(s.store, "SELECT id FROM dedupe_models")).toEqual(modelsBefore);
    const after = clusterOf(s.store);
    for (const [reference, id] of before) expect(after.get(reference)).toBe(id);
    for (const [app, crm] of Object.entries(APP_DUPLICATES))
      expect([app, after.get(`app:${app}`)]).toEqual([app, before.get(`crm:${crm}`)]);
    expect(after.get("app:a04")).toBe(idOf(s.store, "app:a04")); // someone new: a cluster of its own, named by its record
    expect(query(s.store, "SELECT mode FROM dedupe_runs ORDER BY id")).toEqual([{ mode: "full" }, { mode: "incremental" }]);
    expect(second.clusters).toMatchObject({ created: 1, joined: 0 });
  });

  it("an index an older roster wrote (whole arrays, key hashes under 'rule:') is not used: that run reads every record, keeping ids", async () => {
    const s = await dedupedStore();
    const before = clusterOf(s.store);
    // The index as an older roster stored it: each array in one row, no manifest.
    const db = new Database(s.store);
    const blocks = db.prepare("SELECT name, run_id, data FROM dedupe_index WHERE name LIKE '%@%' ORDER BY name").all() as {
      name: string;
      run_id: number;
      data: Buffer;
    }[];
    const arrays = new Map<string, { runId: number; parts: [number, Buffer][] }>();
    for (const { name, run_id, data } of blocks) {
      const [array, b] = name.split("@") as [string, string];
      const entry = arrays.get(array) ?? { runId: run_id, parts: [] };
      entry.parts.push([Number(b), data]);
      arrays.set(array, entry);
    }
    expect([...arrays.keys()]).toEqual(expect.arrayContaining(["record_ids", "cluster_ids", "keys:email"]));
    db.prepare("DELETE FROM dedupe_index WHERE name <> 'decisions'").run();
    const insert = db.prepare("INSERT INTO dedupe_index (name, run_id, data) VALUES (?, ?, ?)");
    for (const [array, { runId, parts }] of arrays) {
      const whole = Buffer.concat(parts.sort(([x], [y]) => x - y).map(([, data]) => data));
      insert.run(array.startsWith("keys:") ? `rule:${array.slice(5)}` : array, runId, whole);
    }
    db.close();
    await importRows(s, "app.csv", APP, "app");
    const second = await dedupe(s.store);
    expect(second).toMatchObject({
      run: "incremental",
      scored: APP.length,
      trained: false,
      readWholeBecause: "the last run's index was made by an older roster",
    });
    expect(second.read).toBe(second.records);
    const after = clusterOf(s.store);
    for (const [reference, id] of before) expect(after.get(reference)).toBe(id);
    // The run wrote an index of its own: the next one reads only what it needs again.
    expect(query(s.store, "SELECT count(*) AS n FROM dedupe_index WHERE name LIKE 'rule:%' OR name = 'record_ids'")).toEqual([{ n: 0 }]);
    await importRows(s, "shop-next.jsonl", SHOP_NEXT, "shop");
    const third = await dedupe(s.store);
    expect(third.read).toBeLessThan(third.records);
    expect(third.readWholeBecause).toBeUndefined();
  });

  it("a first run on one clean source, then a second source: its duplicates join the first source's clusters", async () => {
    const s = newStore();
    await importRows(s, "crm.csv", CRM, "crm");
    expect(await dedupe(s.store)).toMatchObject({ run: "full", candidates: 0 });
    const before = clusterOf(s.store);
    await importRows(s, "shop.jsonl", SHOP, "shop");
    await dedupe(s.store);
    const after = clusterOf(s.store);
    for (const [shop, crm] of Object.entries(SHOP_DUPLICATES)) expect(after.get(`shop:${shop}`)).toBe(before.get(`crm:${crm}`));
  });

  it("incremental = full: after new, changed and linking records, --full on a copy ends in the same clusters", async () => {
    const base = await dedupedStore();
    await importRows(base, "shop-next.jsonl", SHOP_NEXT, "shop");
    const copy = copyStore(base);

    const incremental = await dedupe(base.store);
    // s07 changed, s16 and s17 are new: only they are scored.
    expect(incremental).toMatchObject({ run: "incremental", scored: 3, trained: false });
    // Only the changed records and those sharing a blocking key with them were read.
    expect(incremental.read).toBeGreaterThanOrEqual(3);
    expect(incremental.read).toBeLessThan(incremental.records);
    const full = await dedupe(copy.store, { full: true });
    expect(full).toMatchObject({ run: "full", scored: CRM.length + SHOP_NEXT.length, trained: false });

    expect(partition(base.store)).toEqual(partition(copy.store));
    expect(clusterOf(base.store)).toEqual(clusterOf(copy.store));
    const strip = (rows: PairRow[]) => rows.map(({ record_a, record_b, decision }) => ({ record_a, record_b, decision }));
    expect(strip(pairs(base.store))).toEqual(strip(pairs(copy.store)));
  });

  it("a changed record that no longer matches leaves its cluster; the cluster keeps its id", async () => {
    const s = await dedupedStore();
    const before = clusterOf(s.store);
    const brennan = before.get("crm:c07") as number;
    expect(before.get("shop:s07")).toBe(brennan);
    await importRows(s, "shop-next.jsonl", SHOP_NEXT, "shop");
    await dedupe(s.store);
    const after = clusterOf(s.store);
    expect(after.get("crm:c07")).toBe(brennan);
    expect(after.get("shop:s07")).not.toBe(brennan);
    expect(currentRecords(s.store).filter((r) => r.cluster_id === brennan)).toHaveLength(1);
    // The old pair of the replaced record is gone.
    const oldS07 = query<{ id: number }>(s.store, "SELECT id FROM records WHERE source_id = 's07' AND superseded_by IS NOT NULL")[0]?.id;
    expect(oldS07).toBeDefined();
    expect(query(s.store, "SELECT count(*) AS n FROM pairs WHERE record_a = ? OR record_b = ?", oldS07, oldS07)).toEqual([{ n: 0 }]);
  });

  it("when a new record joins two clusters, the older (smaller) id survives and the other names no cluster", async () => {
    const s = await dedupedStore();
    const before = clusterOf(s.store);
    const older = before.get("crm:c31") as number;
    const younger = before.get("shop:s15") as number;
    expect(older).toBeLessThan(younger); // two clusters: same name and birth date is not enough
    await importRows(s, "shop-next.jsonl", SHOP_NEXT, "shop");
    const result = await dedupe(s.store);
    const after = clusterOf(s.store);
    expect([after.get("crm:c31"), after.get("shop:s15"), after.get("shop:s16")]).toEqual([older, older, older]);
    expect([...after.values()]).not.toContain(younger);
    expect(result.clusters.joined).toBeGreaterThanOrEqual(1);
    // Pat Lindqvist (new, nickname) joins Patricia's cluster.
    expect(after.get("shop:s17")).toBe(before.get("crm:c06"));
  });

  it("--retrain trains a new model: dedupe_models gains a row and the run uses it", async () => {
    const s = await dedupedStore();
    const result = await dedupe(s.store, { retrain: true });
    expect(result).toMatchObject({ trained: true, retrainReason: "--retrain", run: "full" });
    expect(query(s.store, "SELECT id FROM dedupe_models ORDER BY id")).toEqual([{ id: 1 }, { id: 2 }]);
    expect(query(s.store, "SELECT DISTINCT model_id FROM pairs")).toEqual([{ model_id: 2 }]);
    expect(query(s.store, "SELECT model_id FROM dedupe_runs ORDER BY id")).toEqual([{ model_id: 1 }, { model_id: 2 }]);
    // Same records, same seed: the same model and clusters.
    const [one, two] = query<{ model: string }>(s.store, "SELECT model FROM dedupe_models ORDER BY id");
    expect(JSON.parse(two?.model as string)).toEqual(JSON.parse(one?.model as string));
    expect(duplicates(s.store)).toEqual(EXPECTED_DUPLICATES);
  });

  it("--threshold and --review-threshold change the decisions stored", async () => {
    const s = await dedupedStore();
    const probabilities = pairs(s.store).map((p) => p.match_probability);
    // A threshold between the stored probabilities sends the weaker matches to review.
    const sorted = [...probabilities].sort((x, y) => x - y);
    const threshold = ((sorted[0] as number) + (sorted.at(-1) as number)) / 2;
    expect(sorted[0]).toBeLessThan(threshold);
    const stricter = await dedupe(s.store, { settings: { ...SETTINGS, threshold } });
    expect(stricter.run).toBe("full"); // the settings changed
    const rows = pairs(s.store);
    expect(rows.some((r) => r.decision === "review")).toBe(true);
    expect(rows.some((r) => r.decision === "match")).toBe(true);
    for (const row of rows) expect(row.decision).toBe(row.match_probability >= threshold ? "match" : "review");
    expect(stricter.review).toBe(rows.filter((r) => r.decision === "review").length);
    // A review pair does not join a cluster.
    const clusters = new Map(currentRecords(s.store).map((r) => [r.id, r.cluster_id]));
    for (const row of rows.filter((r) => r.decision === "review")) {
      expect(clusters.get(row.record_a)).not.toBe(clusters.get(row.record_b));
    }

    // A lower review threshold keeps more pairs, each at or above it.
    const wide = await dedupe(s.store, { settings: { ...SETTINGS, reviewThreshold: 0.01 } });
    const widened = pairs(s.store);
    expect(widened.length).toBeGreaterThan(probabilities.length);
    expect(wide.review).toBe(widened.filter((r) => r.decision === "review").length);
    for (const row of widened) expect(row.match_probability).toBeGreaterThanOrEqual(0.01);
    // Katherine Morgan's two records (name and birth date only) are one of the pairs for review.
    expect(widened.find((r) => r.record_a === idOf(s.store, "crm:c31") && r.record_b === idOf(s.store, "shop:s15"))).toMatchObject({
      decision: "review",
    });
  });
});

describe("dedupe --explain and --show-model", () => {
  it("explains a stored pair by ids and by source:source_id: prior, every comparison, total, probability, rule", async () => {
    const { store } = await dedupedStore();
    const options = dedupeOptions(store);
    const byReference = runExplain(options, ["crm:c01", "shop:s01"]);
    const [a, b] = [idOf(store, "crm:c01"), idOf(store, "shop:s01")];
    expect(runExplain(options, [String(b), String(a)])).toEqual(byReference); // either order, ids or references
    const model = runShowModel(options).model;
    expect(byReference.records).toEqual([a, b]);
    expect(byReference.prior).toBe(model.prior);
    expect(byReference.priorWeight).toBeCloseTo(Math.log2(model.prior / (1 - model.prior)), 12);
    expect(byReference.steps.map((step) => step.comparison)).toEqual(model.comparisons.map((c) => c.name));
    let total = byReference.priorWeight;
    for (const step of byReference.steps) {
      total += step.weight + step.tfAdjustment;
      expect(step.cumulative).toBeCloseTo(total, 9);
    }
    expect(byReference.weight).toBeCloseTo(total, 9);
    expect(byReference.probability).toBeCloseTo(1 / (1 + 2 ** -total), 12);
    const stored = pairs(store).find((p) => p.record_a === a && p.record_b === b) as PairRow;
    expect(byReference.weight).toBeCloseTo(stored.match_weight, 6);
    expect(byReference).toMatchObject({ blockingRule: stored.blocking_rule, decision: "match", whyNot: [], modelId: 1 });
    // William / Bill by the nickname level, the phone in two formats as one number.
    const step = (name: string) => byReference.steps.find((s) => s.comparison === name);
    expect(step("given_name")).toMatchObject({ values: ["william", "bill"], label: expect.stringMatching(/nickname/) });
    expect(step("phone")).toMatchObject({ label: "exact" });
  });

  it("张伟 and Zhang Wei: the names agree by their keys", async () => {
    const { store } = await dedupedStore();
    const explanation = runExplain(dedupeOptions(store), ["crm:c21", "shop:s06"]);
    const names = explanation.steps.filter((s) => s.comparison === "given_name" || s.comparison === "family_name");
    expect(names.map((s) => s.weight)).toEqual([expect.any(Number), expect.any(Number)]);
    for (const s of names) expect(s.weight).toBeGreaterThan(0);
    expect(explanation.probability).toBeGreaterThanOrEqual(SETTINGS.threshold);
  });

  it("two unrelated records: no rule pairs them, and per rule what differs", async () => {
    const { store } = await dedupedStore();
    const explanation = runExplain(dedupeOptions(store), ["crm:c01", "crm:c12"]);
    expect(explanation.blockingRule).toBeUndefined();
    expect(explanation.decision).toBeUndefined();
    expect(explanation.probability).toBeLessThan(0.01);
    const equalityRules = SETTINGS.blockingRules.filter((rule) => !("sorted" in rule)).map((rule) => rule.name);
    expect(explanation.whyNot.map((w) => w.rule)).toEqual(equalityRules);
    for (const rule of explanation.whyNot) expect(rule.differs.length).toBeGreaterThan(0);
    const why = Object.fromEntries(explanation.whyNot.map((w) => [w.rule, w.differs.join("; ")]));
    expect(why.email).toBe('email "william.turner@example.com" vs "lpetrova@example.com"');
    expect(why.phone).toMatch(/^phone "\+?14155550101" vs "\+?17025550112"$/);
    expect(why.national_id).toBe("national_id missing vs missing");
  });

  it("a pair blocking finds but dedupe did not store (below the review band) is explained with its rule", async () => {
    const { store } = await dedupedStore();
    const explanation = runExplain(dedupeOptions(store), ["crm:c31", "shop:s15"]);
    expect(explanation.blockingRule).toBeDefined();
    expect(explanation.decision).toBeUndefined();
    expect(explanation.probability).toBeLessThan(SETTINGS.reviewThreshold);
  });

  it("an unknown record, the same record twice, or a store with no model is a usage error naming it", async () => {
    const { store } = await dedupedStore();
    const options = dedupeOptions(store);
    expect(() => runExplain(options, ["crm:c01", "crm:nope"])).toThrow(UsageError);
    expect(() => runExplain(options, ["crm:c01", "crm:nope"])).toThrow('--explain: no current record "crm:nope"');
    expect(() => runExplain(options, ["99999", "1"])).toThrow('no current record "99999"');
    expect(() => runExplain(options, ["nocolon", "1"])).toThrow('no current record "nocolon"');
    expect(() => runExplain(options, ["crm:c01", String(idOf(store, "crm:c01"))])).toThrow(/two different records/);

    const bare = newStore();
    await importRows(bare, "crm.csv", CRM.slice(0, 2), "crm");
    expect(() => runShowModel(dedupeOptions(bare.store))).toThrow("the store has no dedupe model yet");
    expect(() => runExplain(dedupeOptions(bare.store), ["1", "2"])).toThrow(UsageError);
  });

  it("--show-model: every comparison's levels with m, u and weight = log2(m / u)", async () => {
    const { store, first } = await dedupedStore();
    const shown = runShowModel(dedupeOptions(store));
    expect(shown.modelId).toBe(1);
    expect(shown.model.records).toBe(first.records);
    expect(shown.model.prior).toBeGreaterThan(0);
    expect(shown.model.prior).toBeLessThan(1);
    // national_id is filled by no record: not compared.
    expect(shown.model.comparisons.map((c) => c.name)).toEqual(
      SETTINGS.comparisons.map((c) => c.name).filter((name) => !first.unusedComparisons.includes(name)),
    );
    expect(first.unusedComparisons).toEqual(["national_id"]);
    for (const comparison of shown.model.comparisons) {
      const levels = comparison.levels.slice(1); // level 0: null
      expect(levels.length).toBeGreaterThanOrEqual(2);
      expect(levels.at(-1)?.label).toMatch(/^else/);
      for (const level of levels) {
        expect(level.m).toBeGreaterThan(0);
        expect(level.u).toBeGreaterThan(0);
        expect(level.m).toBeLessThanOrEqual(1);
        expect(level.u).toBeLessThanOrEqual(1);
        expect(level.weight).toBeCloseTo(Math.log2(level.m / level.u), 6);
      }
      // m and u are distributions over the non-null levels.
      expect(levels.reduce((sum, level) => sum + level.m, 0)).toBeCloseTo(1, 3);
      expect(levels.reduce((sum, level) => sum + level.u, 0)).toBeCloseTo(1, 3);
    }
  });
});

describe("dedupe with a model stored by another version of roster", () => {
  it("retrains it (saying why) and --explain names it instead of failing inside", async () => {
    const { store } = await dedupedStore();
    // A model whose address level reads a feature this version no longer has (a development build had one).
    const db = new Database(store);
    const row = db.prepare("SELECT id, model FROM dedupe_models ORDER BY id DESC LIMIT 1").get() as { id: number; model: string };
    const model = JSON.parse(row.model) as { specs: { levels: { feature?: string }[] }[] };
    (model.specs[0]?.levels[0] as { feature?: string }).feature = "address_full";
    db.prepare("UPDATE dedupe_models SET model = ? WHERE id = ?").run(JSON.stringify(model), row.id);
    db.close();
    expect(() => runExplain(dedupeOptions(store), ["crm:c01", "shop:s01"])).toThrow(/another version of roster/);
    const next = await dedupe(store);
    expect(next).toMatchObject({ run: "full", trained: true });
    expect(next.retrainReason).toMatch(/another version of roster/);
    expect(runExplain(dedupeOptions(store), ["crm:c01", "shop:s01"]).probability).toBeGreaterThan(0.95);
  });
});

describe("dedupe files (the filter)", () => {
  it("writes every input row with cluster_id and match_probability; duplicates share cluster_id; no store", async () => {
    const dir = tempDir();
    const crm = writeFile(dir, "crm.csv", asCsv(CRM));
    const shop = writeFile(dir, "shop.jsonl", asJsonl(SHOP));
    const out = join(dir, "out.csv");
    const store = join(dir, "roster.db");
    const result = await dedupe(store, { files: [crm, shop], out });
    expect(result).toMatchObject({ mode: "files", store: undefined, records: CRM.length + SHOP.length, out });
    expect(existsSync(store)).toBe(false);

    const rows = parse(readFileSync(out, "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(CRM.length + SHOP.length);
    expect(rows.map((r) => `${r.source}:${r.source_id}`)).toEqual([...CRM.map((r) => `crm:${r.id}`), ...SHOP.map((r) => `shop:${r.id}`)]);
    const cluster = new Map(rows.map((r) => [`${r.source}:${r.source_id}`, r.cluster_id as string]));
    const groups = new Map<string, string[]>();
    for (const [reference, id] of cluster) groups.set(id, [...(groups.get(id) ?? []), reference]);
    const shared = [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort());
    expect(shared.sort((x, y) => (x[0] as string).localeCompare(y[0] as string))).toEqual(EXPECTED_DUPLICATES);
    for (const row of rows) {
      expect(row.cluster_id).toMatch(/^\d+$/);
      const inPair = (groups.get(row.cluster_id as string)?.length ?? 0) > 1;
      if (inPair) expect(Number(row.match_probability)).toBeGreaterThanOrEqual(SETTINGS.threshold);
      else expect(row.match_probability).toBe("");
    }
    // The rows are normalized in memory: the phone in E.164 whatever format it came in.
    expect(rows.find((r) => r.source_id === "s01")?.phone).toBe("+14155550101");
  });
});

describe("dedupe follows people's decisions (pair_decisions: review, unmerge)", () => {
  const decide = (store: string, x: string, y: string, decision: "same" | "different") => {
    const db = new Database(store);
    try {
      recordDecision(db, idOf(store, x), idOf(store, y), decision, "tester", "review");
    } finally {
      db.close();
    }
  };

  it("records said to be different people leave their cluster at the next run, and stay apart after", async () => {
    const s = await dedupedStore();
    expect(clusterOf(s.store).get("shop:s01")).toBe(clusterOf(s.store).get("crm:c01"));
    decide(s.store, "shop:s01", "crm:c01", "different");
    const next = await dedupe(s.store);
    // Nothing was scored again: only the decision changed the clusters.
    expect(next).toMatchObject({ run: "incremental", scored: 0 });
    const after = clusterOf(s.store);
    expect(after.get("shop:s01")).not.toBe(after.get("crm:c01"));
    expect(after.get("crm:c01")).toBe(idOf(s.store, "crm:c01")); // the older record keeps the cluster's id
    expect(await dedupe(s.store)).toMatchObject({ run: "unchanged" });
    // --explain still shows the model's view, and the person's decision beside it.
    const explained = runExplain(dedupeOptions(s.store), ["shop:s01", "crm:c01"]);
    expect(explained.probability).toBeGreaterThan(0.95);
    expect(explained.personDecision).toMatchObject({ decision: "different", decidedBy: "tester", origin: "review" });
    expect(runExplain(dedupeOptions(s.store), ["shop:s02", "crm:c02"]).personDecision).toBeUndefined();
    // A full run with the stored model keeps them apart too.
    await dedupe(s.store, { full: true });
    expect(clusterOf(s.store).get("shop:s01")).not.toBe(clusterOf(s.store).get("crm:c01"));
    // The decision taken back (review's undo deletes it): the next run joins them again.
    const db = new Database(s.store);
    db.exec("DELETE FROM pair_decisions");
    db.close();
    expect(await dedupe(s.store)).toMatchObject({ run: "incremental", scored: 0 });
    expect(clusterOf(s.store).get("shop:s01")).toBe(clusterOf(s.store).get("crm:c01"));
  });

  it("records said to be the same person share a cluster however little the model thinks of the pair", async () => {
    const s = await dedupedStore();
    const before = clusterOf(s.store);
    expect(before.get("crm:c02")).not.toBe(before.get("crm:c03"));
    decide(s.store, "crm:c03", "crm:c02", "same");
    await dedupe(s.store);
    const after = clusterOf(s.store);
    expect(after.get("crm:c03")).toBe(after.get("crm:c02"));
    // Their duplicates come along: one cluster of four.
    expect(after.get("shop:s02")).toBe(after.get("crm:c02"));
    expect(after.get("shop:s03")).toBe(after.get("crm:c02"));
  });

  it("a decision outlives a new version of a row, and holds on the incremental run that scores it", async () => {
    const s = await dedupedStore();
    decide(s.store, "shop:s01", "crm:c01", "different");
    await dedupe(s.store);
    // The shop sends s01 again with another phone: a new version (new id), scored on an incremental run.
    const s01 = SHOP.find((row) => row.id === "s01") as Customer;
    await importRows(s, "shop-again.jsonl", [{ ...s01, phone: "+1 415 555 0199" }, ...SHOP.filter((row) => row.id !== "s01")], "shop");
    const next = await dedupe(s.store);
    expect(next).toMatchObject({ run: "incremental", scored: 1 });
    expect(clusterOf(s.store).get("shop:s01")).not.toBe(clusterOf(s.store).get("crm:c01"));
  });
});

describe("dedupe near the changes: a block over the limit, counted over the whole store", () => {
  it("a new record sharing a placeholder email with stored ones is not paired by it, as a full run would not pair it", async () => {
    const settings = { ...SETTINGS, maxBlockSize: 3 };
    const placeholder = "noemail@example.com";
    const s = newStore();
    await importRows(s, "crm.csv", [...CRM.slice(0, 6), ...CRM.slice(6, 9).map((row) => ({ ...row, email: placeholder }))], "crm");
    await dedupe(s.store, { settings });
    // A new customer with the shop's placeholder too: its email block now holds 4 records (3 stored + 1 new).
    const newcomer = customer("a99", "Oliver", "Quinn", placeholder, "+1 718 555 0199", "1991-04-04", "3 Quay Street", "Brooklyn", "11201");
    await importRows(s, "app.csv", [newcomer], "app");
    const copy = copyStore(s);
    const near = await dedupe(s.store, { settings });
    expect(near).toMatchObject({ run: "incremental", scored: 1 });
    expect(near.read).toBeLessThan(near.records);
    expect(near.capped).toContainEqual(expect.objectContaining({ rule: "email", value: placeholder, records: 4 }));
    expect(near.rules.find((rule) => rule.name === "email")?.pairs).toBe(0);
    const full = await dedupe(copy.store, { settings, full: true });
    expect(full.capped).toContainEqual(expect.objectContaining({ rule: "email", value: placeholder, records: 4 }));
    expect(clusterOf(s.store)).toEqual(clusterOf(copy.store));
    expect(pairs(s.store).map(({ record_a, record_b, decision }) => [record_a, record_b, decision])).toEqual(
      pairs(copy.store).map(({ record_a, record_b, decision }) => [record_a, record_b, decision]),
    );
  });
});
