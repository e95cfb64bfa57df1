/**
 * Golden records through the store: what the store's times and records make survivorship choose (the batches of
 * one import command tie on most_recent), and the name chosen as one group. Stores built as a user builds them:
 * import → dedupe (→ normalize first) → merge (test/helpers/merge-store.ts); and the demo as `npm run demo` builds
 * it, through the built binary (npm run build first), for its showcase customer 张伟.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CustomerRow, customerOf, customerRow, dedupe, merge, newStore, provenanceOf, recordId } from "../helpers/merge-store.js";
import { cli, importOrThrow, query, ROOT } from "../helpers/run.js";
import { writeFile } from "../helpers/temp.js";

const HEADER = "id,first_name,last_name,email,phone,birth_date,address,city,postcode,updated_at\n";

/** Jonathan Harper in two exports without updated_at: one knows his city only, the other his whole address. */
const CITY_ONLY = `${HEADER}w1,Jonathan,Harper,jon.harper@example.com,+1 503 555 0142,1984-06-09,,Portland,,\n`;
const FULL_ADDRESS = `${HEADER}k1,Jonathan,Harper,jon.harper@example.com,+1 503 555 0142,1984-06-09,12 Oak Street,Portland,97201,\n`;

describe("most_recent over batch times", () => {
  it("the batches of one import command tie, so the most complete address wins whatever order the files came in", async () => {
    for (const order of [
      ["full.csv", "city.csv"],
      ["city.csv", "full.csv"],
    ]) {
      const s = newStore();
      const files = order.map((name) => writeFile(s.dir, name, name === "full.csv" ? FULL_ADDRESS : CITY_ONLY));
      await importOrThrow(files, s.store, { source: "crm" });
      const times = query<{ imported_at: string }>(s.store, "SELECT imported_at FROM batches ORDER BY id");
      expect(times).toHaveLength(2);
      await dedupe(s.store);
      await merge(s.store);
      const full = recordId(s.store, "crm:k1");
      const id = customerOf(s.store).get("crm:k1");
      expect(customerOf(s.store).get("crm:w1")).toBe(id);
      const row = customerRow(s.store, id);
      expect(row, order.join(" ")).toMatchObject({ address_line1: "12 Oak Street", city: "Portland", postal_code: "97201" });
      expect(provenanceOf(row).address_line1).toEqual({ record: full, rule: "most_complete" });
      expect(provenanceOf(row).city).toEqual({ record: full, rule: "most_complete" });
    }
  });

  it("batches of two import commands keep their order: the later command's record is the newer one", async () => {
    const s = newStore();
    await importOrThrow([writeFile(s.dir, "full.csv", FULL_ADDRESS)], s.store, { source: "crm" });
    await importOrThrow([writeFile(s.dir, "city.csv", CITY_ONLY)], s.store, { source: "crm" });
    await dedupe(s.store);
    await merge(s.store);
    const row = customerRow(s.store, customerOf(s.store).get("crm:w1"));
    expect(provenanceOf(row).city).toEqual({ record: recordId(s.store, "crm:w1"), rule: "most_recent" });
    // The older record holds the same address and is the only one with a street and postal code: they are filled.
    expect(row).toMatchObject({ address_line1: "12 Oak Street", postal_code: "97201" });
    expect(provenanceOf(row).postal_code).toEqual({ record: recordId(s.store, "crm:k1"), rule: "same_address" });
  });
});

describe("the demo's showcase customer 张伟 (fixtures/demo/, one import command, the built binary)", () => {
  // Shared by the tests of this block (tempDir's are removed after each test); the last one changes it.
  const dir = mkdtempSync(join(tmpdir(), "roster-merge-demo-"));
  const store = join(dir, "demo.db");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(ROOT, "fixtures", "demo", "roster.yml");
  const roster = (...args: string[]) => cli(["--store", store, "--config", config, ...args], { cwd: ROOT });
  type Golden = Record<string, string | number | null> & { provenance: string };
  const zhang = () =>
    query<Golden>(
      store,
      `SELECT c.* FROM customers c JOIN current_records r ON r.customer_id = c.id
       WHERE r.source = 'china-crm-gbk' AND r.source_id = 'CN0001'`,
    )[0];
  const recordOf = (source: string, sourceId: string) =>
    query<{ id: number }>(store, "SELECT id FROM current_records WHERE source = ? AND source_id = ?", source, sourceId)[0]?.id;

  beforeAll(() => {
    const demo = join("fixtures", "demo");
    const files = readdirSync(join(ROOT, demo))
      .filter((name) => /\.(csv|json|jsonl)$/.test(name))
      .sort()
      .map((name) => join(demo, name));
    for (const args of [["import", ...files], ["normalize"], ["validate", "--fail-on", "never"], ["dedupe"], ["merge"]]) {
      expect(roster(...args).code, args.join(" ")).toBe(0);
    }
  }, 120_000);

  it("is family Zhang, given Wei, as the Chinese CRM's 张伟 and 張偉 say, though three exports split Zhang Wei the other way", () => {
    const latin = query<{ given_name: string }>(
      store,
      "SELECT given_name FROM current_records WHERE name_key = 'wei zhang' AND given_name = 'Zhang'",
    );
    expect(latin.length).toBeGreaterThanOrEqual(3);
    const golden = zhang();
    expect(golden).toMatchObject({ given_name: "Wei", family_name: "Zhang", full_name: "Wei Zhang" });
    const provenance = provenanceOf(golden as unknown as CustomerRow) as Record<string, { record: number | null; rule: string }>;
    expect(provenance.given_name?.record).toBe(provenance.family_name?.record);
    expect(provenance.full_name?.record).toBe(provenance.given_name?.record);
  });

  it("has the most complete address of its six records: street, city, region, postal code 100022 and country from one", () => {
    const golden = zhang();
    expect(golden).toMatchObject({ postal_code: "100022", city: "Beijing", region: "Beijing", country: "CN" });
    expect(golden?.address_line1).toMatch(/Jianguo/);
    const provenance = provenanceOf(golden as unknown as CustomerRow) as Record<string, { record: number | null; rule: string }>;
    const full = recordOf("crm", "C-0006");
    for (const field of ["address_line1", "city", "region", "postal_code", "country"]) {
      expect(provenance[field], field).toEqual({ record: full, rule: "most_complete" });
    }
  });

  it("a person's 'no' on two of its records: merge refuses (exit 2) until dedupe ran, then they are two customers", () => {
    const a = recordOf("china-crm-gbk", "CN0001");
    const b = recordOf("crm", "C-0006");
    const decisions = writeFile(dir, "decisions.csv", `pair_id,decision\n${a}~${b},n\n`);
    expect(roster("review", "--import", decisions).code).toBe(0);
    const refused = roster("merge");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/decisions made since the last dedupe run/);
    expect(refused.stderr).toMatch(/run roster dedupe first/);
    expect(roster("dedupe").code).toBe(0);
    expect(roster("merge").code).toBe(0);
    const customers = query<{ customer_id: number }>(store, "SELECT customer_id FROM current_records WHERE id IN (?, ?)", a, b);
    expect(new Set(customers.map((c) => c.customer_id)).size).toBe(2);
  });
});
