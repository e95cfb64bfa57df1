// The benchmark generator's realism: the figures in BENCHMARKS.md and the dedupe benchmark's ground truth are only
// as honest as these properties.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import * as OpenCC from "opencc-js";
import { describe, expect, it } from "vitest";
import {
  COLUMNS,
  COUNTRY_OF,
  customerRecords,
  type GeneratedRecord,
  truthPath,
  writeCustomersCsv,
} from "../../bench/generate-customers.mjs";
import { normalizePhone } from "../../src/stages/normalize/phone.js";
import { tempDir } from "../helpers/temp.js";

const ROWS = 20_000;
const records: GeneratedRecord[] = [...customerRecords({ rows: ROWS, seed: 42 })];
const col = (name: string) => COLUMNS.indexOf(name);
const byPerson = new Map<string, GeneratedRecord[]>();
for (const r of records) byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), r]);
const people = byPerson.size;

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("benchmark generator", () => {
  it("gives every person their own phone, valid for their country in the form written", () => {
    const owners = new Map<string, Set<string>>();
    let withPhone = 0;
    let valid = 0;
    for (const r of records) {
      const text = r.fields[col("phone")] as string;
      const region = COUNTRY_OF[(r.fields[col("country")] as string).toLowerCase()];
      if (!text || !region) continue;
      withPhone++;
      const result = normalizePhone(text, region);
      if (result.finding) continue;
      valid++;
      if (r.copy === 0) owners.set(result.phone, (owners.get(result.phone) ?? new Set()).add(r.personId));
    }
    expect(owners.size).toBeGreaterThanOrEqual(0.95 * people);
    const shared = [...owners.values()].filter((s) => s.size > 1);
    expect(shared.length).toBeLessThanOrEqual(0.01 * people); // households share a landline at most
    expect(valid / withPhone).toBeGreaterThan(0.99); // the rest: deliberate junk ("n/a", "123")
    // and in the mixed forms exports have
    const forms = new Set(records.map((r) => (r.fields[col("phone")] as string).replace(/\d/g, "9")));
    expect(forms.size).toBeGreaterThan(40);
  });

  it("gives every person their own email, derived from their name", () => {
    const owners = new Map<string, Set<string>>();
    for (const r of records) {
      const email = (r.fields[col("email")] as string).toLowerCase();
      if (email) owners.set(email, (owners.get(email) ?? new Set()).add(r.personId));
    }
    expect([...owners.values()].filter((s) => s.size > 1)).toEqual([]);
    const persons = [...byPerson.values()].map((rs) => rs[0] as GeneratedRecord).filter((r) => !r.person.cn);
    const fromName = persons.filter((r) => {
      const local = r.person.email.split("@")[0] as string;
      const family = r.person.family
        .normalize("NFD")
        .replace(/[^a-zA-Z]/g, "")
        .toLowerCase();
      const given = r.person.given
        .normalize("NFD")
        .replace(/[^a-zA-Z]/g, "")
        .toLowerCase();
      return local.includes(family) || local.includes(given);
    });
    expect(fromName.length / persons.length).toBeGreaterThan(0.95);
    expect(new Set(records.map((r) => r.person.email.split("@")[1])).size).toBeGreaterThan(30);
  });

  it("gives people their own street address, with postcodes that belong to the city", () => {
    const keys = new Set([...byPerson.values()].map((rs) => (rs[0] as GeneratedRecord).person.address.key));
    expect(keys.size).toBeGreaterThanOrEqual(0.95 * people); // households share one
    for (const r of records) {
      const [city, postcode, country] = [r.fields[col("city")], r.fields[col("postcode")], r.person.country];
      if (city === "San Francisco") expect(postcode).toMatch(/^941\d\d$/);
      if (city === "Paris") expect(postcode).toMatch(/^750\d\d$/);
      if (city === "北京") expect(postcode).toMatch(/^10\d{4}$|^１０/);
      if (country === "GB" && city === "London" && postcode) expect(postcode).toMatch(/^(E|N|NW|SE|SW|W|EC|WC)\d/);
    }
  });

  it("draws names by frequency, with traditional characters and full-width digits in a small share", () => {
    const count = (values: string[]) => {
      const counts = new Map<string, number>();
      for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
      return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([v]) => v);
    };
    const firsts = [...byPerson.values()].map((rs) => (rs[0] as GeneratedRecord).person);
    expect(
      count(firsts.filter((p) => p.cn).map((p) => p.family))
        .slice(0, 3)
        .sort(),
    ).toEqual(["张", "李", "王"].sort());
    expect(count(firsts.filter((p) => p.country === "US").map((p) => p.family))[0]).toBe("Smith");
    expect(new Set(firsts.map((p) => `${p.given} ${p.family}`)).size).toBeGreaterThan(0.6 * people);
    const toSimplified = OpenCC.Converter({ from: "t", to: "cn" });
    const traditional = records.filter((r) => {
      const name = `${r.fields[col("first_name")]}${r.fields[col("last_name")]}`;
      return /\p{Script=Han}/u.test(name) && toSimplified(name) !== name;
    });
    expect(traditional.length / records.length).toBeGreaterThan(0.005);
    expect(records.some((r) => /[０-９]/.test(r.fields[col("phone")] as string))).toBe(true);
  });

  it("has a known share of duplicate people, each copy differing from the first record", () => {
    const sizes = [...byPerson.values()].map((rs) => rs.length);
    const duplicated = sizes.filter((n) => n > 1).length;
    expect(duplicated / people).toBeGreaterThan(0.13);
    expect(duplicated / people).toBeLessThan(0.17);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    for (const rs of byPerson.values()) {
      const first = (rs[0] as GeneratedRecord).fields.slice(1, -1).join("|");
      for (const copy of rs.slice(1)) expect(copy.fields.slice(1, -1).join("|")).not.toBe(first);
    }
    // duplicates are spread over the file, not next to each other
    const gaps = [...byPerson.values()]
      .filter((rs) => rs.length > 1)
      .map((rs) => Number((rs[1] as GeneratedRecord).recordId.slice(1)) - Number((rs[0] as GeneratedRecord).recordId.slice(1)));
    expect(gaps.filter((g) => g > 100).length / gaps.length).toBeGreaterThan(0.9);

    const more = [...customerRecords({ rows: ROWS, seed: 42, dupShare: 0.3, maxCopies: 3 })];
    const counts = new Map<string, number>();
    for (const r of more) counts.set(r.personId, (counts.get(r.personId) ?? 0) + 1);
    const share = [...counts.values()].filter((n) => n > 1).length / counts.size;
    expect(share).toBeGreaterThan(0.28);
    expect(share).toBeLessThan(0.32);
    expect(Math.max(...counts.values())).toBe(3);
  });

  it("writes a ground truth that matches the data, and the same bytes for the same seed", async () => {
    const dir = tempDir();
    const a = join(dir, "a.csv");
    const b = join(dir, "b.csv");
    const c = join(dir, "c.csv");
    await writeCustomersCsv(a, { rows: ROWS, seed: 42 });
    await writeCustomersCsv(b, { rows: ROWS, seed: 42 });
    await writeCustomersCsv(c, { rows: ROWS, seed: 43 });
    expect(sha(a)).toBe(sha(b));
    expect(sha(truthPath(a))).toBe(sha(truthPath(b)));
    expect(sha(a)).not.toBe(sha(c));

    const rows = parse(readFileSync(a), { columns: true }) as Record<string, string>[];
    const truth = parse(readFileSync(truthPath(a)), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] as object)).toEqual(COLUMNS);
    expect(rows.length).toBe(ROWS);
    expect(truth.map((t) => t.record_id)).toEqual(rows.map((r) => r.customer_id));
    expect(new Set(truth.map((t) => t.record_id)).size).toBe(ROWS);
    expect(truth.map((t) => t.person_id)).toEqual(records.map((r) => r.personId));
    expect(rows.map((r) => r.email)).toEqual(records.map((r) => r.fields[col("email")]));
  });

  it("spreads a person's records over several sources, one file each", async () => {
    const dir = tempDir();
    const out = join(dir, "customers.csv");
    const result = await writeCustomersCsv(out, { rows: 6_000, seed: 7, sources: ["crm", "shop", "support"] });
    expect(result.files.map((f) => f.slice(dir.length + 1))).toEqual(["customers-crm.csv", "customers-shop.csv", "customers-support.csv"]);
    const truth = parse(readFileSync(truthPath(out)), { columns: true }) as Record<string, string>[];
    let total = 0;
    for (const [i, file] of result.files.entries()) {
      const rows = parse(readFileSync(file), { columns: true }) as Record<string, string>[];
      const source = ["crm", "shop", "support"][i];
      expect(rows.map((r) => r.customer_id)).toEqual(truth.filter((t) => t.source === source).map((t) => t.record_id));
      total += rows.length;
    }
    expect(total).toBe(6_000);
    const sourcesOf = new Map<string, Set<string>>();
    for (const t of truth)
      sourcesOf.set(t.person_id as string, (sourcesOf.get(t.person_id as string) ?? new Set()).add(t.source as string));
    const groups = [...truth.reduce((m, t) => m.set(t.person_id, (m.get(t.person_id) ?? 0) + 1), new Map()).entries()].filter(
      ([, n]) => n > 1,
    );
    const across = groups.filter(([p]) => (sourcesOf.get(p)?.size ?? 0) > 1).length;
    expect(across / groups.length).toBeGreaterThan(0.7);
  });
});
