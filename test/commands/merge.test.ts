/**
 * `roster merge` as command functions on temporary stores built through import → dedupe (→ validate): one golden
 * customer per cluster, provenance per field read back from the store, survivorship over the store's times and
 * findings, completion, stable ids across runs (records added, changed, removed; clusters joined and split),
 * aliases, --dry-run, the refusals, and roster.yml's merge: section.
 *
 * The fixture is dedupe's: a CRM and a shop export whose duplicates are the ones real exports carry (a nickname,
 * a typo, another phone format, a missing email, 张伟 in one source and Zhang Wei in the other), here with the
 * records' updated_at, a shop email that is no email at all, and a WeChat export with Chinese headers and
 * resident ids instead of birth dates.
 */
import { join } from "node:path";
import { PassThrough } from "node:stream";
import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runBatchesRm } from "../../src/commands/batches.js";
import { runDedupe } from "../../src/commands/dedupe.js";
import { type MergeOptions, type MergeResult, runMerge } from "../../src/commands/merge.js";
import { runNormalize } from "../../src/commands/normalize.js";
import { runValidate } from "../../src/commands/validate.js";
import { loadConfig } from "../../src/config/config.js";
import { type MergeConfig, MergeConfigSchema, mergeSettings } from "../../src/config/merge.js";
import { StoreError, UsageError } from "../../src/errors.js";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import { DEFAULT_SETTINGS } from "../../src/stages/dedupe/spec.js";
import { checkSurvivorshipRules, DEFAULT_SURVIVORSHIP, SURVIVORSHIP_RULES, SURVIVORSHIP_TARGETS } from "../../src/stages/merge/settings.js";
import type { Provenance } from "../../src/stages/merge/types.js";
import { applyMergePlan } from "../../src/store/merge.js";
import { openStore } from "../../src/store/open.js";
import { importOrThrow, normalizeOptions, query, quietTerminal, validateOptions } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

// ---------------------------------------------------------------------------------------------------------------
// Fixture

const COLUMNS = ["id", "first_name", "last_name", "email", "phone", "birth_date", "address", "city", "postcode", "updated_at"] as const;
type Customer = Record<(typeof COLUMNS)[number], string>;
const customer = (...values: string[]): Customer => Object.fromEntries(COLUMNS.map((column, i) => [column, values[i] ?? ""])) as Customer;

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
    "2024-03-01",
  ),
  customer(
    "c02",
    "Margaret",
    "Hughes",
    "mhughes@example.org",
    "+1 415 555 0102",
    "1975-07-02",
    "88 Pine Avenue",
    "Oakland",
    "94607",
    "2024-03-01",
  ),
  customer(
    "c03",
    "Robert",
    "Nakamura",
    "rob.nakamura@example.net",
    "+1 212 555 0103",
    "1990-11-23",
    "5 Elm Road",
    "New York",
    "10001",
    "2024-01-10",
  ),
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
    "2024-01-10",
  ),
  // Updated in the CRM after the shop last saw him: the CRM's writing of his name is the newest.
  customer(
    "c05",
    "James",
    "Fitzgerald",
    "jfitz@example.com",
    "+1 617 555 0105",
    "1969-05-05",
    "77 Beacon Street",
    "Boston",
    "02108",
    "2025-06-01",
  ),
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
  customer("c21", "伟", "张", "zhangwei@example.cn", "+86 138 0013 8000", "1986-04-18", "朝阳区建国路88号", "北京", "100022", "2023-05-01"),
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

const SHOP: Customer[] = [
  customer(
    "s01",
    "Bill",
    "Turner",
    "william.turner@example.com",
    "(415) 555-0101",
    "1980-03-14",
    "12 Oak St",
    "San Francisco",
    "94110",
    "2024-09-01",
  ),
  customer(
    "s02",
    "Margret",
    "Hughes",
    "mhughes@example.org",
    "415-555-0102",
    "1975-07-02",
    "88 Pine Ave",
    "Oakland",
    "94607",
    "2024-09-01",
  ),
  // The newest record of Robert, and its email is no email: validate finds an error in it.
  customer(
    "s03",
    "Robert",
    "Nakamura",
    "rob.nakamura(at)example.net",
    "2125550103",
    "1990-11-23",
    "5 Elm Rd",
    "New York",
    "10001",
    "2024-09-01",
  ),
  customer("s04", "Elizabeth", "Okafor", "", "+13125550104", "1988-01-30", "401 Lake Shore Dr", "Chicago", "60611"),
  customer("s05", "Jim", "Fitzgerald", "jfitz@example.com", "617.555.0105", "1969-05-05", "77 Beacon St", "Boston", "02108", "2024-02-01"),
  customer("s06", "Wei", "Zhang", "zhangwei@example.cn", "+86 138 0013 8000", "1986-04-18", "", "Beijing", "100022", "2024-09-01"),
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
  s01: "c01",
  s02: "c02",
  s03: "c03",
  s04: "c04",
  s05: "c05",
  s06: "c21",
  s07: "c07",
  s08: "c10",
  s09: "c19",
  s10: "c30",
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

/**
 * A WeChat mini-shop export: Chinese headers, a resident id and no birth date. 李芳 is the CRM's 李芳 again;
 * 王芳 is new, and her id says she was born on 1990-03-07 in Beijing (110108…).
 */
const WECHAT_CSV = `客户编号,姓名,手机,邮箱,身份证号
w01,王芳,+86 135 0000 1111,wangfang@example.cn,110108199003071238
w02,李芳,+86 139 1234 5678,lifang@example.cn,310115199108080027
`;

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const asCsv = (rows: Customer[]) =>
  `${COLUMNS.join(",")}\n${rows.map((row) => COLUMNS.map((c) => csvCell(row[c])).join(",")).join("\n")}\n`;
const asJsonl = (rows: Customer[]) => `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`;

// ---------------------------------------------------------------------------------------------------------------
// Running the commands

interface Store {
  dir: string;
  store: string;
}

function newStore(): Store {
  const dir = tempDir();
  return { dir, store: join(dir, "roster.db") };
}

async function importText({ dir, store }: Store, name: string, text: string, source: string): Promise<void> {
  await importOrThrow([writeFile(dir, name, text)], store, { source });
}
const importRows = (s: Store, name: string, rows: Customer[], source: string) =>
  importText(s, name, name.endsWith(".csv") ? asCsv(rows) : asJsonl(rows), source);

/** dedupe with a small random-pair budget for u (a few dozen records cannot fill the default's); US phones. */
async function dedupe(store: string): Promise<void> {
  const { terminal } = quietTerminal();
  await runDedupe(
    {
      files: [],
      read: { encoding: "auto" },
      mappings: {},
      source: undefined,
      out: undefined,
      country: "US",
      dateOrder: undefined,
      perSource: {},
      storePath: store,
      busyTimeoutMs: 5000,
      settings: { ...DEFAULT_SETTINGS, uPairBudget: 40_000 },
      attributeColumns: [],
      retrain: false,
      full: false,
      auditArgs: [],
    },
    {
      terminal,
      stdout: new PassThrough(),
      normalizeFirst: async () => {
        await runNormalize(normalizeOptions(store, { country: "US", onlyNew: true }), { terminal, stdout: new PassThrough() });
      },
    },
  );
}

function mergeOptions(store: string, overrides: Partial<MergeOptions> = {}): MergeOptions {
  return { storePath: store, busyTimeoutMs: 5000, settings: DEFAULT_SURVIVORSHIP, dryRun: false, auditArgs: [], ...overrides };
}

const merge = (store: string, overrides: Partial<MergeOptions> = {}): Promise<MergeResult> =>
  runMerge(mergeOptions(store, overrides), { terminal: quietTerminal().terminal });

/** Both first exports imported and deduplicated: what the first merge sees. */
async function dedupedStore(): Promise<Store> {
  const s = newStore();
  await importRows(s, "crm.csv", CRM, "crm");
  await importRows(s, "shop.jsonl", SHOP, "shop");
  await dedupe(s.store);
  return s;
}

/** The shop's next export and the WeChat export imported and deduplicated after a first merge. */
async function secondRound(s: Store): Promise<void> {
  await importRows(s, "shop-next.jsonl", SHOP_NEXT, "shop");
  await importText(s, "wechat.csv", WECHAT_CSV, "wechat");
  await dedupe(s.store);
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the store back

type CurrentRow = { id: number; source: string; source_id: string; cluster_id: number | null; customer_id: number | null };
const currentRows = (store: string) =>
  query<CurrentRow>(store, "SELECT id, source, source_id, cluster_id, customer_id FROM current_records ORDER BY id");

/** source:source_id → customer id, for the current records. */
const customerOf = (store: string) => new Map(currentRows(store).map((r) => [`${r.source}:${r.source_id}`, r.customer_id]));
const recordId = (store: string, reference: string) => currentRows(store).find((r) => `${r.source}:${r.source_id}` === reference)?.id;

type CustomerRow = Record<string, string | number | null> & { id: number; provenance: string; retired_at: string | null };
const customerRows = (store: string) => query<CustomerRow>(store, "SELECT * FROM customers ORDER BY id");
const customerRow = (store: string, id: number | null | undefined) => customerRows(store).find((c) => c.id === id);
const provenanceOf = (row: CustomerRow | undefined) => JSON.parse(row?.provenance ?? "{}") as Provenance;

/** An id as a user would look it up: a customer's own id, or an alias resolved to the customer it joined. */
const resolve = (store: string, id: number) =>
  query<{ id: number }>(store, "SELECT coalesce((SELECT customer_id FROM customer_aliases WHERE alias_id = ?), ?) AS id", id, id)[0]?.id;

/** Everything a merge writes, to compare before and after. */
function mergeState(store: string) {
  return {
    customers: customerRows(store),
    records: query(store, "SELECT * FROM customer_records ORDER BY record_id"),
    aliases: query(store, "SELECT * FROM customer_aliases ORDER BY alias_id"),
    runs: query(store, "SELECT * FROM merge_runs ORDER BY id"),
    audit: query(store, "SELECT * FROM audit_log WHERE command = 'merge' ORDER BY id"),
  };
}

// ---------------------------------------------------------------------------------------------------------------

describe("merge refuses what it cannot merge", () => {
  it("before the first dedupe: a usage error that says to run dedupe first, and nothing written", async () => {
    const s = newStore();
    await importRows(s, "crm.csv", CRM, "crm");
    const refused = merge(s.store);
    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(/dedupe has not run on this store/);
    await expect(refused).rejects.toMatchObject({ exitCode: 2, hint: expect.stringMatching(/roster dedupe first/) });
    expect(mergeState(s.store)).toMatchObject({ customers: [], records: [], runs: [], audit: [] });
  });

  it("records imported since the last dedupe run: refused with how many, the previous customers untouched", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const before = mergeState(s.store);
    await importText(s, "wechat.csv", WECHAT_CSV, "wechat");
    const refused = merge(s.store);
    await expect(refused).rejects.toThrow(/records are newer than the last dedupe run \(.+\): 2 records imported since/);
    await expect(refused).rejects.toMatchObject({ exitCode: 2, hint: expect.stringMatching(/roster dedupe first/) });
    expect(mergeState(s.store)).toEqual(before);
    await dedupe(s.store);
    expect((await merge(s.store)).counts.customers).toBe(before.customers.length + 1); // 王芳; 李芳 joins her CRM record
  });

  it("records normalized again since the last dedupe run: merged in that run's clusters and counted (the CLI warns)", async () => {
    const s = await dedupedStore();
    const clusters = currentRows(s.store).map((r) => [r.id, r.cluster_id]);
    // Read as Chinese numbers, the shop's national-format US phones change: dedupe compared the old values.
    await runNormalize(normalizeOptions(s.store, { country: "CN" }), { terminal: quietTerminal().terminal, stdout: new PassThrough() });
    const result = await merge(s.store);
    expect(result.changedSinceDedupe).toBeGreaterThan(0);
    expect(result.counts.customers).toBe(new Set(clusters.map(([, cluster]) => cluster)).size);
    expect(currentRows(s.store).map((r) => [r.id, r.cluster_id])).toEqual(clusters);
    // Refusing would be a dead end when dedupe finds the values it compares unchanged: it records no run then.
    await dedupe(s.store);
    expect((await merge(s.store)).changedSinceDedupe).toBe(0);
  });

  it("an empty store that dedupe never ran on: nothing to merge, not a refusal", async () => {
    const s = newStore();
    await importText(s, "empty.csv", "id,first_name,email\n", "crm");
    expect(await merge(s.store)).toMatchObject({ run: "unchanged", changed: false, records: 0, dedupeRunId: null });
    expect(mergeState(s.store)).toMatchObject({ customers: [], runs: [] });
  });
});

describe("the first merge: one golden customer per cluster", () => {
  it("every cluster, a record alone too, becomes one customer, and every current record names it", async () => {
    const s = await dedupedStore();
    const result = await merge(s.store);
    const rows = currentRows(s.store);
    const clusters = new Set(rows.map((r) => r.cluster_id));
    expect(rows.every((r) => r.cluster_id !== null && r.customer_id !== null)).toBe(true);
    expect(customerRows(s.store)).toHaveLength(clusters.size);
    expect(result).toMatchObject({ run: "applied", changed: true, records: CRM.length + SHOP.length, carried: 0 });
    expect(result.counts).toMatchObject({ customers: clusters.size, created: clusters.size, updated: 0, aliased: 0, retired: 0 });
    expect(result.assigned).toBe(rows.length);
    // Cluster and customer are one to one.
    const customerOfCluster = new Map<number | null, number | null>();
    for (const r of rows) {
      if (customerOfCluster.has(r.cluster_id)) expect(customerOfCluster.get(r.cluster_id)).toBe(r.customer_id);
      customerOfCluster.set(r.cluster_id, r.customer_id);
    }
    expect(new Set(customerOfCluster.values()).size).toBe(clusters.size);
    // The fixture's duplicates share their customer; the people only one source knows have one of their own.
    const of = customerOf(s.store);
    for (const [shop, crm] of Object.entries(SHOP_DUPLICATES)) expect(of.get(`shop:${shop}`), shop).toBe(of.get(`crm:${crm}`));
    for (const alone of ["crm:c08", "crm:c22", "shop:s11", "shop:s14"]) {
      expect(
        rows.filter((r) => r.customer_id === of.get(alone)),
        alone,
      ).toHaveLength(1);
    }
    expect(of.get("crm:c31")).not.toBe(of.get("shop:s15"));
  });

  it("every golden value names the record it came from and the rule, and is that record's value", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const records = new Map(
      query<Record<string, string | number | null>>(s.store, "SELECT * FROM current_records").map((r) => [r.id as number, r]),
    );
    const named = new Set<string>([...SURVIVORSHIP_RULES, "only_value", "all_agree", "lowest_record_id", "same_address"]);
    const membersOf = new Map<number, number[]>();
    for (const r of currentRows(s.store)) membersOf.set(r.customer_id as number, [...(membersOf.get(r.customer_id as number) ?? []), r.id]);
    let derived = 0;
    for (const row of customerRows(s.store)) {
      const provenance = provenanceOf(row);
      for (const field of CANONICAL_FIELDS) {
        const from = provenance[field];
        expect(from === undefined, `customer ${row.id} ${field}`).toBe(row[field] === null);
        if (!from) continue;
        if (from.derived) {
          derived++;
          continue;
        }
        expect(named.has(from.rule), from.rule).toBe(true);
        expect(membersOf.get(row.id)).toContain(from.record);
        expect(row[field], `customer ${row.id} ${field}`).toBe(records.get(from.record as number)?.[field]);
      }
    }
    // The Chinese customers' country is derived from their +86 numbers: no record states it.
    expect(derived).toBeGreaterThanOrEqual(2);
  });

  it("most recent is read from the records' updated_at before their batch times", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const of = customerOf(s.store);
    // The shop (imported later) has the newer Bill Turner; the CRM updated James Fitzgerald after the shop's Jim.
    const turner = customerRow(s.store, of.get("crm:c01"));
    expect(turner).toMatchObject({ given_name: "Bill", family_name: "Turner" });
    expect(provenanceOf(turner).given_name).toEqual({ record: recordId(s.store, "shop:s01"), rule: "most_recent" });
    const fitzgerald = customerRow(s.store, of.get("crm:c05"));
    expect(fitzgerald).toMatchObject({ given_name: "James" });
    expect(provenanceOf(fitzgerald).given_name).toEqual({ record: recordId(s.store, "crm:c05"), rule: "most_recent" });
    // Values both records agree on say so.
    expect(provenanceOf(fitzgerald).birth_date).toMatchObject({ rule: "all_agree" });
  });

  it("valid over invalid: once validate finds the shop's email broken, the CRM's valid one wins", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const nakamura = customerOf(s.store).get("crm:c03");
    // No findings yet: the newest writing wins, broken or not.
    expect(customerRow(s.store, nakamura)?.email).toBe("rob.nakamura(at)example.net");
    await runValidate(validateOptions(s.store, { failOn: "never" }), { terminal: quietTerminal().terminal });
    const shopRecord = recordId(s.store, "shop:s03");
    expect(
      query(s.store, "SELECT rule FROM findings WHERE record_id = ? AND field = 'email' AND severity = 'error'", shopRecord),
    ).not.toEqual([]);

    const result = await merge(s.store);
    expect(result.counts).toMatchObject({ created: 0, aliased: 0, retired: 0 });
    expect(result.counts.updated).toBeGreaterThanOrEqual(1);
    expect(result.examples.updated.find((u) => u.customerId === nakamura)?.changedFields).toContain("email");
    const row = customerRow(s.store, nakamura);
    expect(row?.email).toBe("rob.nakamura@example.net");
    expect(provenanceOf(row).email).toEqual({ record: recordId(s.store, "crm:c03"), rule: "valid_over_invalid" });
  });

  it("merge_runs and audit_log get one line each, with ids and counts and no personal data", async () => {
    const s = await dedupedStore();
    const result = await merge(s.store, { auditArgs: [] });
    const [run] = query<{ id: number; dedupe_run_id: number; counts: string; settings: string }>(s.store, "SELECT * FROM merge_runs");
    expect(run).toMatchObject({ id: result.mergeRunId, dedupe_run_id: result.dedupeRunId });
    expect(JSON.parse(run?.counts ?? "{}")).toMatchObject({ customers: result.counts.customers, created: result.counts.created });
    expect(JSON.parse(run?.settings ?? "{}")).toEqual(JSON.parse(JSON.stringify(DEFAULT_SURVIVORSHIP)));
    const audit = query<{ details: string; outcome: string }>(s.store, "SELECT details, outcome FROM audit_log WHERE command = 'merge'");
    expect(audit).toHaveLength(1);
    expect(audit[0]?.outcome).toBe("ok");
    const details = audit[0]?.details ?? "";
    expect(JSON.parse(details)).toMatchObject({ merge_run: result.mergeRunId, customers: result.counts.customers });
    for (const person of [...CRM, ...SHOP]) {
      for (const value of [person.email, person.last_name, person.phone].filter((v) => v !== "")) expect(details).not.toContain(value);
    }
    expect(details).not.toMatch(/@|\+\d/);
  });
});

describe("later merges: stable ids, aliases, nothing changed", () => {
  it("a re-run with nothing new changes nothing, writes nothing, and says so", async () => {
    const s = await dedupedStore();
    const first = await merge(s.store);
    const before = mergeState(s.store);
    const again = await merge(s.store);
    expect(again).toMatchObject({ run: "unchanged", changed: false, mergeRunId: null, carried: 0 });
    expect(again.counts).toMatchObject({ customers: first.counts.customers, created: 0, updated: 0, moved: 0, aliased: 0, retired: 0 });
    expect(again.counts.unchanged).toBe(first.counts.customers);
    expect(mergeState(s.store)).toEqual(before);
  });

  it("records added, changed and joining clusters: ids stay, the younger of two joined customers becomes an alias", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const before = customerOf(s.store);
    const ids = new Set(customerRows(s.store).map((c) => c.id));
    const older = before.get("crm:c31") as number;
    const younger = before.get("shop:s15") as number;
    expect(older).toBeLessThan(younger);

    await secondRound(s);
    const result = await merge(s.store);
    const after = customerOf(s.store);
    // Kate Morgan joins the two Morgan customers: the older id survives, the younger resolves to it.
    expect([after.get("crm:c31"), after.get("shop:s15"), after.get("shop:s16")]).toEqual([older, older, older]);
    expect(result.aliases).toEqual([{ from: younger, to: older }]);
    expect(customerRow(s.store, younger)).toBeUndefined();
    expect(resolve(s.store, younger)).toBe(older);
    expect(resolve(s.store, older)).toBe(older);
    // s07 is now someone else: Michael Brennan keeps his id, Oscar Whitman is a new customer with an id never used.
    expect(after.get("crm:c07")).toBe(before.get("crm:c07"));
    const oscar = after.get("shop:s07") as number;
    expect(oscar).not.toBe(before.get("crm:c07"));
    expect(ids.has(oscar)).toBe(false);
    // Pat Lindqvist joins Patricia's customer; 李芳's WeChat record joins hers; everyone else keeps their id.
    expect(after.get("shop:s17")).toBe(before.get("crm:c06"));
    expect(after.get("wechat:w02")).toBe(before.get("crm:c22"));
    for (const [reference, id] of before) {
      if (reference === "shop:s07" || reference === "shop:s15") continue;
      expect(after.get(reference), reference).toBe(id);
    }
    expect(result.counts).toMatchObject({ aliased: 1, retired: 0 });
    expect(result.counts.created).toBe(2); // Oscar Whitman, 王芳
    // Once merged, nothing more to do.
    expect((await merge(s.store)).run).toBe("unchanged");
  });

  it("a record re-imported with other values keeps its customer, which takes the new values", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const before = customerOf(s.store);
    const oldVersion = recordId(s.store, "crm:c09") as number;
    const changed = CRM.map((row) =>
      row.id === "c09"
        ? { ...row, phone: "+1 412 555 0999", updated_at: "2025-01-01" }
        : row.id === "c20"
          ? { ...row, city: "Provo" }
          : row,
    );
    await importRows(s, "crm-next.csv", changed, "crm");
    await dedupe(s.store);
    const result = await merge(s.store);
    const after = customerOf(s.store);
    expect(after).toEqual(before);
    expect(result.carried).toBe(2);
    expect(result.counts).toMatchObject({ created: 0, aliased: 0, retired: 0, updated: 2 });
    const kowalski = customerRow(s.store, before.get("crm:c09"));
    expect(kowalski?.phone).toBe("+14125550999");
    expect(provenanceOf(kowalski).phone?.record).toBe(recordId(s.store, "crm:c09"));
    expect(recordId(s.store, "crm:c09")).not.toBe(oldVersion);
    // The old version keeps its row: the customer it had, should it be current again.
    expect(query(s.store, "SELECT customer_id FROM customer_records WHERE record_id = ?", oldVersion)).toEqual([
      { customer_id: before.get("crm:c09") },
    ]);
  });

  it("batches rm: the versions a removed batch superseded get their customer back; a customer left with no records is retired", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const first = customerOf(s.store);
    await secondRound(s);
    await merge(s.store);
    const second = customerOf(s.store);
    const oscar = second.get("shop:s07") as number;
    const morgan = first.get("crm:c31") as number;
    const alias = first.get("shop:s15") as number;
    const shopNext = query<{ id: number }>(s.store, "SELECT id FROM batches WHERE path LIKE '%shop-next.jsonl'")[0]?.id as number;

    expect(await runBatchesRm({ id: shopNext, storePath: s.store, busyTimeoutMs: 5000 })).toMatchObject({ kind: "removed" });
    await dedupe(s.store);
    const result = await merge(s.store);
    const third = customerOf(s.store);
    // Michael Brenan's shop record is current again, with his customer; Oscar's customer has no record left.
    expect(third.get("shop:s07")).toBe(first.get("crm:c07"));
    expect(result.retired).toEqual([oscar]);
    expect(customerRow(s.store, oscar)?.retired_at).not.toBeNull();
    // Without Kate, the Morgans part again: Katherine of the CRM keeps the id, the shop's gets a new one (the
    // alias stays hers, never reused).
    expect(third.get("crm:c31")).toBe(morgan);
    const shopMorgan = third.get("shop:s15") as number;
    expect([morgan, alias, oscar]).not.toContain(shopMorgan);
    expect(resolve(s.store, alias)).toBe(morgan);
    expect(third.get("shop:s17")).toBeUndefined();
    expect(customerRows(s.store).filter((c) => c.retired_at === null)).toHaveLength(new Set(third.values()).size);
  });
});

describe("completion through the store", () => {
  it("what no record states is derived and marked so; a stated value is never overwritten", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    await secondRound(s);
    const result = await merge(s.store);
    const of = customerOf(s.store);
    const wang = customerRow(s.store, of.get("wechat:w01"));
    const wangRecord = recordId(s.store, "wechat:w01");
    expect(wang).toMatchObject({ full_name: "王芳", national_id: "110108199003071238", birth_date: "1990-03-07", country: "CN" });
    const wangFrom = provenanceOf(wang);
    expect(wangFrom.birth_date).toMatchObject({ record: wangRecord, derived: true });
    expect(wangFrom.country).toMatchObject({ derived: true });
    expect(wangFrom.national_id).toEqual({ record: wangRecord, rule: "only_value" });
    // 李芳's CRM record states her birth date: her WeChat id agrees, and the stated value stays, not derived.
    const li = customerRow(s.store, of.get("crm:c22"));
    expect(li).toMatchObject({ birth_date: "1991-08-08", national_id: "310115199108080027", city: "上海" });
    expect(provenanceOf(li).birth_date).toMatchObject({ record: recordId(s.store, "crm:c22") });
    expect(provenanceOf(li).birth_date?.derived).toBeUndefined();
    expect(result.derived.birth_date).toBeGreaterThanOrEqual(1);
  });
});

describe("--dry-run", () => {
  it("reports what the real run then does, and writes nothing", async () => {
    const s = await dedupedStore();
    const dry = await merge(s.store, { dryRun: true });
    expect(dry).toMatchObject({ run: "dry-run", changed: true, dryRun: true, mergeRunId: null });
    expect(mergeState(s.store)).toEqual({ customers: [], records: [], aliases: [], runs: [], audit: [] });
    expect(currentRows(s.store).every((r) => r.customer_id === null)).toBe(true);
    const real = await merge(s.store);
    expect(real.counts).toEqual(dry.counts);
    expect(real.examples).toEqual(dry.examples);

    await secondRound(s);
    const before = mergeState(s.store);
    const dryAgain = await merge(s.store, { dryRun: true });
    expect(mergeState(s.store)).toEqual(before);
    const realAgain = await merge(s.store);
    expect(dryAgain.aliases).toEqual(realAgain.aliases);
    expect(dryAgain.counts).toEqual(realAgain.counts);
    expect(dryAgain.derived).toEqual(realAgain.derived);
    // With nothing new, a dry run says so too.
    expect(await merge(s.store, { dryRun: true })).toMatchObject({ run: "dry-run", changed: false });
  });
});

describe("applying a plan made before another run finished", () => {
  it("another merge or dedupe since the plan was read: a store error, and nothing written", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const before = mergeState(s.store);
    const { db } = openStore(s.store, { create: false, busyTimeoutMs: 1000 });
    const dedupeRun = db.prepare("SELECT max(id) FROM dedupe_runs").pluck().get() as number;
    const plan = {
      create: [{ customerId: 999, clusterId: 999, recordIds: [], values: {} as never, provenance: {} }],
      update: [],
      unchanged: [],
      moves: { recordIds: [], customerIds: [] },
      aliases: [],
      retired: [],
      changed: true,
      counts: { customers: 1, created: 1, updated: 0, unchanged: 0, moved: 0, aliased: 0, retired: 0 },
    };
    const write = (basedOn: { mergeRun: number | null; dedupeRun: number }) => () =>
      applyMergePlan(db, {
        plan,
        basedOn,
        carried: { recordIds: [], customerIds: [] },
        startedAt: "",
        settings: "{}",
        counts: {},
        auditArgs: [],
      });
    try {
      expect(write({ mergeRun: null, dedupeRun })).toThrow(StoreError);
      expect(write({ mergeRun: null, dedupeRun })).toThrow(/another merge run finished while this one was working: nothing was written/);
      expect(write({ mergeRun: 1, dedupeRun: dedupeRun - 1 })).toThrow(/a dedupe run finished while merge was working/);
    } finally {
      db.close();
    }
    expect(mergeState(s.store)).toEqual(before);
  });
});

describe("aliases of aliases", () => {
  it("a customer that joins another takes its own aliases and its records' older rows along: every old id resolves in one step", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const [x, y, z] = customerRows(s.store).map((c) => c.id) as [number, number, number];
    const { db } = openStore(s.store, { create: false, busyTimeoutMs: 1000 });
    const recordsOf = (id: number) =>
      db.prepare("SELECT record_id FROM customer_records WHERE customer_id = ?").pluck().all(id) as number[];
    const join = (from: number, to: number, mergeRun: number) => {
      const moved = recordsOf(from);
      const plan = {
        create: [],
        update: [],
        unchanged: [],
        moves: { recordIds: moved, customerIds: moved.map(() => to) },
        aliases: [{ from, to }],
        retired: [],
        changed: true,
        counts: { customers: 0, created: 0, updated: 0, unchanged: 0, moved: moved.length, aliased: 1, retired: 0 },
      };
      const dedupeRun = db.prepare("SELECT max(id) FROM dedupe_runs").pluck().get() as number;
      applyMergePlan(db, {
        plan,
        basedOn: { mergeRun, dedupeRun },
        carried: { recordIds: [], customerIds: [] },
        startedAt: "",
        settings: "{}",
        counts: {},
        auditArgs: [],
      });
    };
    try {
      join(z, y, 1);
      join(y, x, 2);
    } finally {
      db.close();
    }
    expect(query(s.store, "SELECT alias_id, customer_id FROM customer_aliases ORDER BY alias_id")).toEqual([
      { alias_id: y, customer_id: x },
      { alias_id: z, customer_id: x },
    ]);
    expect(query(s.store, "SELECT count(*) AS n FROM customer_records WHERE customer_id IN (?, ?)", y, z)).toEqual([{ n: 0 }]);
    expect(query(s.store, "PRAGMA foreign_key_check")).toEqual([]);
  });
});

describe("roster.yml's merge: section", () => {
  const configFile = (text: string) => writeFile(tempDir(), "roster.yml", text);
  const settingsFrom = (text: string) => mergeSettings(loadConfig(configFile(text), true).config.merge);

  it("sources in order of trust, and a field's rules, choose the golden value", async () => {
    const s = await dedupedStore();
    const crmFirst = settingsFrom("merge:\n  sources: [crm, shop]\n  rules:\n    given_name: [source_priority, most_recent]\n");
    expect(crmFirst.rules.given_name).toEqual(["source_priority", "most_recent"]);
    expect(crmFirst.rules.email).toEqual(DEFAULT_SURVIVORSHIP.rules.email); // the rest keeps the defaults
    await merge(s.store, { settings: crmFirst });
    const turner = customerOf(s.store).get("crm:c01");
    expect(customerRow(s.store, turner)?.given_name).toBe("William");
    expect(provenanceOf(customerRow(s.store, turner)).given_name).toEqual({
      record: recordId(s.store, "crm:c01"),
      rule: "source_priority",
    });

    // The other order: every customer whose name the shop writes otherwise is updated; ids stay.
    const result = await merge(s.store, {
      settings: settingsFrom("merge:\n  sources: [shop, crm]\n  rules:\n    given_name: [source_priority]\n"),
    });
    expect(customerRow(s.store, turner)?.given_name).toBe("Bill");
    expect(result.changedFields.given_name).toBeGreaterThanOrEqual(2); // Bill Turner, Jim Fitzgerald
    expect(result.counts).toMatchObject({ created: 0, aliased: 0, retired: 0 });
  });

  it.each([
    ["rules:\n    email: [most_recent, newest]", /roster\.yml: merge\.rules\.email\.1: unknown rule "newest"; rules: most_recent, /],
    [
      "rules:\n    city: [most_recent]",
      /merge\.rules\.city: city is chosen with the rest of the address, from one record: set its rules under address/,
    ],
    ["rules:\n    nickname: [most_recent]", /merge\.rules\.nickname: unknown field "nickname"; fields: source_id, /],
    ["rules:\n    email: []", /merge\.rules\.email: must be a non-empty list of rules/],
    ["rules:\n    email: most_recent", /merge\.rules\.email: must be a non-empty list of rules/],
    ["rules:\n    given_name: [earliest]", /merge\.rules\.given_name\.0: earliest compares dates/],
    ["rules:\n    phone: [most_recent, most_recent]", /merge\.rules\.phone\.1: most_recent is listed twice/],
    ["rules:\n    email: [most_recent, source_priority]", /merge\.rules\.email\.1: source_priority ranks records by merge\.sources/],
    ["sources: [crm, shop, crm]", /merge\.sources\.2: crm is listed twice/],
    ["sources: crm", /merge\.sources: a list of source names/],
    ["sources: [crm, '']", /merge\.sources\.1: a source name/],
    ["survivorship: {}", /merge\.survivorship: unknown key: merge takes sources and rules/],
  ])("a bad entry is a usage error (exit 2) naming its key path: %s", (section, message) => {
    const load = () => loadConfig(configFile(`merge:\n  ${section}\n`), true);
    expect(load).toThrow(UsageError);
    expect(load).toThrow(message);
    try {
      load();
    } catch (error) {
      expect((error as UsageError).exitCode).toBe(2);
    }
  });

  it("a section that is no mapping, and an empty one", () => {
    expect(() => loadConfig(configFile("merge: [crm, shop]\n"), true)).toThrow(/roster\.yml: merge: a mapping with sources and rules/);
    expect(mergeSettings(loadConfig(configFile("merge: {}\n"), true).config.merge)).toEqual(DEFAULT_SURVIVORSHIP);
    expect(mergeSettings(loadConfig(configFile("country: CN\n"), true).config.merge)).toEqual(DEFAULT_SURVIVORSHIP);
  });

  it("never throws on any input, and accepts a section exactly when its rule lists pass the stage's check", () => {
    const target = fc.constantFrom(...SURVIVORSHIP_TARGETS, "city", "colour");
    const rule = fc.constantFrom(...SURVIVORSHIP_RULES, "newest");
    const section = fc.oneof(
      fc.anything(),
      fc.record(
        {
          sources: fc.oneof(fc.array(fc.constantFrom("crm", "shop", "app", "")), fc.anything()),
          rules: fc.oneof(fc.dictionary(target, fc.array(rule, { maxLength: 4 })), fc.anything()),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(section, (value) => {
        const parsed = MergeConfigSchema.safeParse(value);
        const rules = (value as { rules?: unknown } | null)?.rules;
        if (value !== null && typeof value === "object" && rules !== undefined && checkSurvivorshipRules(rules).length > 0) {
          expect(parsed.success).toBe(false);
        }
        if (parsed.success) {
          const settings = mergeSettings(parsed.data as MergeConfig);
          expect(checkSurvivorshipRules(settings.rules)).toEqual([]);
          expect(new Set(settings.sources).size).toBe(settings.sources.length);
        }
      }),
    );
  });
});

describe("merge_runs.dedupe_run_id keeps the store's history readable", () => {
  it("each merge names the dedupe run it merged", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    await secondRound(s);
    await merge(s.store);
    const db = new Database(s.store, { readonly: true });
    try {
      expect(db.prepare("SELECT dedupe_run_id FROM merge_runs ORDER BY id").pluck().all()).toEqual(
        db.prepare("SELECT id FROM dedupe_runs ORDER BY id").pluck().all(),
      );
    } finally {
      db.close();
    }
  });
});
