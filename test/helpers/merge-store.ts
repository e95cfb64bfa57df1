/**
 * Temporary stores for the merge tests, built as a user builds them (import → dedupe, and validate), and ways to
 * read what merge wrote back. The fixture is dedupe's: a CRM and a shop export whose duplicates are the ones real
 * exports carry (a nickname, a typo, another phone format, a missing email, 张伟 in one source and Zhang Wei in the
 * other), here with the records' updated_at, a shop email that is no email at all, and a WeChat export with
 * Chinese headers and resident ids instead of birth dates.
 */
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { runDedupe } from "../../src/commands/dedupe.js";
import { type MergeOptions, type MergeResult, runMerge } from "../../src/commands/merge.js";
import { runNormalize } from "../../src/commands/normalize.js";
import { DEFAULT_SURVIVORSHIP } from "../../src/stages/merge/settings.js";
import type { Provenance } from "../../src/stages/merge/types.js";
import { readStoredProvenance } from "../../src/store/provenance-json.js";
import { importOrThrow, normalizeOptions, query, quietTerminal, storeDedupeOptions } from "./run.js";
import { tempDir, writeFile } from "./temp.js";

// ---------------------------------------------------------------------------------------------------------------
// Fixture

const COLUMNS = ["id", "first_name", "last_name", "email", "phone", "birth_date", "address", "city", "postcode", "updated_at"] as const;
type Customer = Record<(typeof COLUMNS)[number], string>;
const customer = (...values: string[]): Customer => Object.fromEntries(COLUMNS.map((column, i) => [column, values[i] ?? ""])) as Customer;

export const CRM: Customer[] = [
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

export const SHOP: Customer[] = [
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
export const SHOP_DUPLICATES: Record<string, string> = {
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
export const WECHAT_CSV = `客户编号,姓名,手机,邮箱,身份证号
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

export function newStore(): Store {
  const dir = tempDir();
  return { dir, store: join(dir, "roster.db") };
}

export async function importText({ dir, store }: Store, name: string, text: string, source: string): Promise<void> {
  await importOrThrow([writeFile(dir, name, text)], store, { source });
}
export const importRows = (s: Store, name: string, rows: Customer[], source: string) =>
  importText(s, name, name.endsWith(".csv") ? asCsv(rows) : asJsonl(rows), source);

/** dedupe with a small random-pair budget for u (a few dozen records cannot fill the default's); US phones. */
export async function dedupe(store: string): Promise<void> {
  const { terminal } = quietTerminal();
  await runDedupe(storeDedupeOptions(store), {
    terminal,
    stdout: new PassThrough(),
    normalizeFirst: async () => {
      await runNormalize(normalizeOptions(store, { country: "US", onlyNew: true }), { terminal, stdout: new PassThrough() });
    },
  });
}

function mergeOptions(store: string, overrides: Partial<MergeOptions> = {}): MergeOptions {
  return { storePath: store, busyTimeoutMs: 5000, settings: DEFAULT_SURVIVORSHIP, dryRun: false, auditArgs: [], ...overrides };
}

export const merge = (store: string, overrides: Partial<MergeOptions> = {}): Promise<MergeResult> =>
  runMerge(mergeOptions(store, overrides), { terminal: quietTerminal().terminal });

/** Both first exports imported and deduplicated: what the first merge sees. */
export async function dedupedStore(): Promise<Store> {
  const s = newStore();
  await importRows(s, "crm.csv", CRM, "crm");
  await importRows(s, "shop.jsonl", SHOP, "shop");
  await dedupe(s.store);
  return s;
}

/** The shop's next export and the WeChat export imported and deduplicated after a first merge. */
export async function secondRound(s: Store): Promise<void> {
  await importRows(s, "shop-next.jsonl", SHOP_NEXT, "shop");
  await importText(s, "wechat.csv", WECHAT_CSV, "wechat");
  await dedupe(s.store);
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the store back

type CurrentRow = { id: number; source: string; source_id: string; cluster_id: number | null; customer_id: number | null };
export const currentRows = (store: string) =>
  query<CurrentRow>(store, "SELECT id, source, source_id, cluster_id, customer_id FROM current_records ORDER BY id");

/** source:source_id → customer id, for the current records. */
export const customerOf = (store: string) => new Map(currentRows(store).map((r) => [`${r.source}:${r.source_id}`, r.customer_id]));
export const recordId = (store: string, reference: string) =>
  currentRows(store).find((r) => `${r.source}:${r.source_id}` === reference)?.id;

export type CustomerRow = Record<string, string | number | null> & { id: number; provenance: string; retired_at: string | null };
export const customerRows = (store: string) => query<CustomerRow>(store, "SELECT * FROM customers ORDER BY id");
export const customerRow = (store: string, id: number | null | undefined) => customerRows(store).find((c) => c.id === id);
/** A customer's provenance as every reader sees it: expanded from the stored text (compact or full). */
export const provenanceOf = (row: CustomerRow | undefined): Provenance =>
  row === undefined ? {} : readStoredProvenance(row.provenance, (field) => row[field] !== null && row[field] !== undefined);

/** An id as a user would look it up: a customer's own id, or an alias resolved to the customer it joined. */
export const resolve = (store: string, id: number) =>
  query<{ id: number }>(store, "SELECT coalesce((SELECT customer_id FROM customer_aliases WHERE alias_id = ?), ?) AS id", id, id)[0]?.id;

/** Everything a merge writes, to compare before and after. */
export function mergeState(store: string) {
  return {
    customers: customerRows(store),
    records: query(store, "SELECT * FROM customer_records ORDER BY record_id"),
    aliases: query(store, "SELECT * FROM customer_aliases ORDER BY alias_id"),
    runs: query(store, "SELECT * FROM merge_runs ORDER BY id"),
    audit: query(store, "SELECT * FROM audit_log WHERE command = 'merge' ORDER BY id"),
  };
}
