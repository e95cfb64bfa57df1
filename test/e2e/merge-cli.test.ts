/**
 * `roster merge` through the built binary: exit codes, what goes to stdout and to stderr, --json's shape,
 * --dry-run, a bad roster.yml, the refusals, and a kill -9 in the middle of writing a plan.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCustomersCsv } from "../../bench/generate-customers.mjs";
import { cli, killWhileWriting, query } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const CRM_CSV = `id,first_name,last_name,email,phone,birth_date,address,city,postcode
c01,William,Turner,william.turner@example.com,+1 415 555 0101,1980-03-14,12 Oak Street,San Francisco,94110
c02,Margaret,Hughes,mhughes@example.org,+1 415 555 0102,1975-07-02,88 Pine Avenue,Oakland,94607
c03,Robert,Nakamura,rob.nakamura@example.net,+1 212 555 0103,1990-11-23,5 Elm Road,New York,10001
c04,Elizabeth,Okafor,e.okafor@example.com,+1 312 555 0104,1988-01-30,401 Lake Shore Drive,Chicago,60611
c05,James,Fitzgerald,jfitz@example.com,+1 617 555 0105,1969-05-05,77 Beacon Street,Boston,02108
c06,Patricia,Lindqvist,pat.lindqvist@example.org,+1 206 555 0106,1992-09-17,230 Maple Lane,Seattle,98101
c07,Michael,Brennan,mbrennan@example.net,+1 503 555 0107,1985-12-01,19 Cedar Court,Portland,97201
c08,Jennifer,Castillo,jcastillo@example.com,+1 305 555 0108,1979-04-12,64 Palm Way,Miami,33101
c09,David,Kowalski,dkowalski@example.org,+1 412 555 0109,1983-08-08,9 River Street,Pittsburgh,15201
c10,Susan,Abernathy,susan.abernathy@example.com,+1 615 555 0110,1971-02-25,350 Broadway,Nashville,37201
c11,Thomas,Moreau,tmoreau@example.net,+1 504 555 0111,1995-06-19,11 Royal Street,New Orleans,70116
c12,Linda,Petrova,lpetrova@example.com,+1 702 555 0112,1966-10-10,808 Desert Road,Las Vegas,89101
c13,Charles,Whitfield,cwhitfield@example.org,+1 404 555 0113,1987-03-03,42 Peachtree Street,Atlanta,30303
c14,Barbara,Yilmaz,byilmaz@example.com,+1 713 555 0114,1993-07-27,15 Bayou Drive,Houston,77002
c15,Richard,Delgado,rdelgado@example.net,+1 602 555 0115,1974-12-12,600 Camelback Road,Phoenix,85004
c16,Karen,Sorensen,ksorensen@example.com,+1 612 555 0116,1981-01-09,27 Lake Street,Minneapolis,55401
c17,Joseph,Adeyemi,jadeyemi@example.org,+1 303 555 0117,1990-05-21,3 Larimer Square,Denver,80202
c18,Nancy,Holloway,nholloway@example.com,+1 919 555 0118,1968-09-30,71 Oak Ridge Road,Raleigh,27601
c19,伟,张,zhangwei@example.cn,+86 138 0013 8000,1986-04-18,朝阳区建国路88号,北京,100022
c20,芳,李,lifang@example.cn,+86 139 1234 5678,1991-08-08,浦东新区世纪大道100号,上海,200120
c21,Paul,Novak,pnovak@example.com,+1 216 555 0123,1977-06-06,500 Euclid Avenue,Cleveland,44114
c22,Sandra,Mbeki,smbeki@example.org,+1 313 555 0124,1989-10-01,44 Woodward Avenue,Detroit,48226
c23,Mark,Olsen,mark.olsen@example.net,+1 414 555 0125,1982-03-29,7 Water Street,Milwaukee,53202
c24,Betty,Harrington,bharrington@example.com,+1 502 555 0126,1964-12-24,90 Main Street,Louisville,40202
`;

const shop = (...values: string[]) => {
  const keys = ["id", "first_name", "last_name", "email", "phone", "birth_date", "address", "city", "postcode"];
  return JSON.stringify(Object.fromEntries(keys.map((key, i) => [key, values[i] ?? ""])));
};

const SHOP_JSONL = `${[
  shop("s01", "Bill", "Turner", "william.turner@example.com", "(415) 555-0101", "1980-03-14", "12 Oak St", "San Francisco", "94110"),
  shop("s02", "Margret", "Hughes", "mhughes@example.org", "415-555-0102", "1975-07-02", "88 Pine Ave", "Oakland", "94607"),
  shop("s03", "Robert", "Nakamura", "rob.nakamura@exmaple.net", "2125550103", "1990-11-23", "5 Elm Rd", "New York", "10001"),
  shop("s04", "Jim", "Fitzgerald", "jfitz@example.com", "617.555.0105", "1969-05-05", "77 Beacon St", "Boston", "02108"),
  shop("s05", "Wei", "Zhang", "zhangwei@example.cn", "+86 138 0013 8000", "1986-04-18", "", "Beijing", "100022"),
  shop("s06", "Michael", "Brenan", "mbrennan@example.net", "+1 503 555 0107", "1985-12-01", "19 Cedar Ct", "Portland", "97201"),
  shop("s07", "Olivia", "Brandt", "obrandt@example.com", "+1 720 555 0201", "1991-03-03", "5 Pearl Street", "Boulder", "80302"),
  shop("s08", "Henry", "Achebe", "hachebe@example.org", "+1 614 555 0202", "1979-09-09", "31 High Street", "Columbus", "43215"),
].join("\n")}\n`;

const US = ["--country", "US"];

/** stdout is one line holding one JSON object. */
function onlyObject(stdout: string): Record<string, unknown> {
  const lines = stdout.split("\n").filter((line) => line !== "");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

const merges = (store: string) =>
  query<{ runs: number; customers: number; audit: number }>(
    store,
    `SELECT (SELECT count(*) FROM merge_runs) AS runs, (SELECT count(*) FROM customers) AS customers,
            (SELECT count(*) FROM audit_log WHERE command = 'merge') AS audit`,
  )[0];

describe("merge on the store", () => {
  let dir: string;
  beforeAll(() => {
    // Imported and deduplicated once, shared by the tests of this block (each works on a copy).
    dir = mkdtempSync(join(tmpdir(), "roster-test-"));
    writeFile(dir, "crm.csv", CRM_CSV);
    writeFile(dir, "shop.jsonl", SHOP_JSONL);
    expect(cli([...US, "import", "crm.csv", "shop.jsonl"], { cwd: dir }).code).toBe(0);
    const before = cli([...US, "merge"], { cwd: dir });
    expect(before.code).toBe(2);
    expect(before.stderr).toBe(
      "error: dedupe has not run on this store: merge builds one customer per dedupe cluster\n  run roster dedupe first\n",
    );
    expect(cli([...US, "dedupe"], { cwd: dir }).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function copy(): { dir: string; store: string } {
    const other = tempDir();
    copyFileSync(join(dir, "roster.db"), join(other, "roster.db"));
    return { dir: other, store: join(other, "roster.db") };
  }

  it("prints its summary on stderr and nothing on stdout; a second run says nothing changed", () => {
    const s = copy();
    const run = cli([...US, "merge"], { cwd: s.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^26 customers from 32 records: 26 created, 0 updated, 0 unchanged, 0 merged into older ones \(ids kept as aliases\), 0 retired$/m,
    );
    expect(run.stderr).toMatch(/^32 records got a customer for the first time$/m);
    expect(run.stderr).toMatch(/^completed by derivation: 2 fields \(country 2\)$/m); // the two +86 customers
    expect(run.stderr).toMatch(/^merge run 1 \(from dedupe run 1\), \d+\.\d s$/m);
    expect(merges(s.store)).toEqual({ runs: 1, customers: 26, audit: 1 });
    const again = cli([...US, "merge"], { cwd: s.dir });
    expect(again).toEqual({
      code: 0,
      stdout: "",
      stderr: "nothing changed since the last merge: 26 customers from 32 records, nothing written\n",
    });
    expect(merges(s.store)).toEqual({ runs: 1, customers: 26, audit: 1 });
  });

  it("--json: one object with the counts, the aliases and retired ids, and examples by id", () => {
    const s = copy();
    const run = cli([...US, "--json", "merge"], { cwd: s.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    const result = onlyObject(run.stdout);
    expect(Object.keys(result).sort()).toEqual(
      [
        "command",
        "ok",
        "store",
        "dry_run",
        "run",
        "changed",
        "merge_run_id",
        "dedupe_run_id",
        "changed_since_dedupe",
        "records",
        "customers",
        "created",
        "updated",
        "unchanged",
        "merged",
        "retired",
        "records_moved",
        "records_assigned",
        "records_carried",
        "changed_fields",
        "derived_fields",
        "aliases",
        "retired_ids",
        "examples",
        "unknown_sources",
        "seconds",
      ].sort(),
    );
    expect(result).toMatchObject({
      command: "merge",
      ok: true,
      store: s.store,
      dry_run: false,
      run: "applied",
      changed: true,
      merge_run_id: 1,
      dedupe_run_id: 1,
      records: 32,
      customers: 26,
      created: 26,
      updated: 0,
      unchanged: 0,
      merged: 0,
      retired: 0,
      records_moved: 0,
      records_assigned: 32,
      records_carried: 0,
      changed_fields: {},
      derived_fields: { country: 2 },
      aliases: [],
      retired_ids: [],
      unknown_sources: [],
    });
    const examples = result.examples as { created: { customer_id: number; records: number[] }[]; updated: unknown[] };
    expect(examples.created).toHaveLength(10);
    expect(examples.updated).toEqual([]);
    // Turner's two records (crm c01 is record 1, shop s01 record 25) make customer 1.
    expect(examples.created[0]).toEqual({ customer_id: 1, records: [1, 25] });
    const again = onlyObject(cli([...US, "--json", "merge"], { cwd: s.dir }).stdout);
    expect(again).toMatchObject({ run: "unchanged", changed: false, merge_run_id: null, created: 0, unchanged: 26 });
  });

  it("--dry-run lists what would be created and writes nothing, --json too", () => {
    const s = copy();
    const run = cli([...US, "merge", "--dry-run"], { cwd: s.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^26 customers from 32 records: 26 would be created, 0 would be updated, 0 unchanged, /m);
    expect(run.stderr).toMatch(/^ {2}would create customer 1 \(records 1, 25\)$/m);
    expect(run.stderr).toMatch(/^ {2}… and 16 more/m);
    expect(run.stderr).toMatch(/^dry run: nothing written$/m);
    const json = onlyObject(cli([...US, "--json", "merge", "--dry-run"], { cwd: s.dir }).stdout);
    expect(json).toMatchObject({ dry_run: true, run: "dry-run", changed: true, created: 26, merge_run_id: null });
    expect(merges(s.store)).toEqual({ runs: 0, customers: 0, audit: 0 });
  });

  it("records imported since the last dedupe: exit 2, the reason on stderr and in --json's error", () => {
    const s = copy();
    writeFile(s.dir, "app.jsonl", `${shop("a01", "Omar", "Haddad", "ohaddad@example.com", "+1 313 555 0404", "1990-02-02")}\n`);
    expect(cli([...US, "import", "app.jsonl"], { cwd: s.dir }).code).toBe(0);
    const run = cli([...US, "--json", "merge"], { cwd: s.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: records are newer than the last dedupe run \(.+\): 1 record imported since; /m);
    expect(run.stderr).toMatch(/^ {2}run roster dedupe first, then roster merge$/m);
    expect(onlyObject(run.stdout)).toMatchObject({ command: "merge", ok: false, error: { exit_code: 2, code: "usage" } });
    expect(merges(s.store)).toEqual({ runs: 0, customers: 0, audit: 0 });
  });

  it("records normalized again since the last dedupe: merged with a warning, which --warn-error turns into exit 1", () => {
    const s = copy();
    expect(cli(["--country", "CN", "normalize"], { cwd: s.dir }).code).toBe(0);
    const run = cli([...US, "merge"], { cwd: s.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /^warning: \d+ records? normalized again since the last dedupe run: merged in the clusters that run made \(roster dedupe matches them again\)$/m,
    );
    expect(merges(s.store)).toEqual({ runs: 1, customers: 26, audit: 1 });
    expect(cli([...US, "--warn-error", "merge"], { cwd: s.dir }).code).toBe(1);
  });

  it("a bad merge: section in roster.yml: exit 2 naming the key path, nothing written", () => {
    const s = copy();
    writeFile(s.dir, "roster.yml", "merge:\n  sources: [crm, shop]\n  rules:\n    email: [valid_over_invalid, newest]\n");
    const run = cli([...US, "merge"], { cwd: s.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: roster\.yml: merge\.rules\.email\.1: unknown rule "newest"; rules: most_recent, most_complete, /m);
    expect(merges(s.store)).toEqual({ runs: 0, customers: 0, audit: 0 });
  });

  it("a good merge: section is used; a listed source no record has is a warning", () => {
    const s = copy();
    writeFile(s.dir, "roster.yml", "merge:\n  sources: [crm, shpo]\n  rules:\n    given_name: [source_priority]\n");
    const run = cli([...US, "merge"], { cwd: s.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^warning: merge\.sources in roster\.yml lists "shpo", which no current record has/m);
    expect(query(s.store, "SELECT given_name FROM customers WHERE id = 1")).toEqual([{ given_name: "William" }]);
    expect(cli([...US, "--warn-error", "merge"], { cwd: s.dir }).code).toBe(1);
  });

  it("no store: exit 4; --help shows examples", () => {
    const empty = tempDir();
    const run = cli(["merge"], { cwd: empty });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^error: no store at /);
    const help = cli(["merge", "--help"], { cwd: empty });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: roster merge \[options\]/m);
    expect(help.stdout).toMatch(/--dry-run/);
    expect(help.stdout).toMatch(/^Examples:$/m);
    expect(help.stdout).toMatch(/roster merge --dry-run/);
  });
});

describe("SIGKILL in the middle of a merge", () => {
  it("killed while writing its plan: the previous customers, aliases and runs are intact", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    // A first merge of a small export, then a large one whose customers the killed merge was writing.
    await writeCustomersCsv(join(dir, "first.csv"), { rows: 2_000, seed: 5, truth: false });
    await writeCustomersCsv(join(dir, "second.csv"), { rows: 30_000, seed: 6, truth: false });
    expect(cli(["import", "first.csv"], { cwd: dir }).code).toBe(0);
    expect(cli(["dedupe"], { cwd: dir }).code).toBe(0);
    const first = cli(["merge"], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(cli(["import", "second.csv"], { cwd: dir }).code).toBe(0);
    const deduped = cli(["dedupe"], { cwd: dir });
    expect(deduped.code, deduped.stderr).toBe(0);
    const state = () => ({
      customers: query(store, "SELECT * FROM customers ORDER BY id"),
      records: query(store, "SELECT * FROM customer_records ORDER BY record_id"),
      aliases: query(store, "SELECT * FROM customer_aliases ORDER BY alias_id"),
      runs: query(store, "SELECT * FROM merge_runs ORDER BY id"),
      audit: query(store, "SELECT id FROM audit_log ORDER BY id"),
    });
    const before = state();
    expect(before.customers.length).toBeGreaterThan(1000);

    // Killed inside the transaction that applies its plan, once it has spilled pages into the WAL: it holds the
    // write lock (a probe's BEGIN IMMEDIATE is refused; merge takes it only to apply) and the WAL has frames no
    // commit covers.
    const { killed, killedAtWal } = await killWhileWriting(["merge"], { cwd: dir, store });
    expect(killedAtWal).toBeGreaterThan(0);
    expect(killed).toMatchObject({ code: null, signal: "SIGKILL" }); // it really died mid-way, not after finishing

    expect(query(store, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
    expect(query(store, "PRAGMA foreign_key_check")).toEqual([]);
    expect(state()).toEqual(before);

    // The next run does the whole job, and the one after has nothing left to do.
    const again = cli(["--json", "merge"], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(onlyObject(again.stdout)).toMatchObject({ run: "applied", merge_run_id: 2, retired: 0 });
    expect(cli(["merge"], { cwd: dir }).stderr).toMatch(/^nothing changed since the last merge/);
  }, 180_000);
});
