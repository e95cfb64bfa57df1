/**
 * Export → import round trip on the demo's four exports (fixtures/demo/: a CRM CSV with full-width digits, a JSON
 * Lines shop export, a JSON web form, a GBK Chinese CRM with Chinese headers): each source's records exported as
 * CSV (the Chinese one in GBK) and imported into a new store under the same source give the same canonical values,
 * but for the few a spreadsheet would take for a formula, which keep the apostrophe the export put in front.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runNormalize } from "../../src/commands/normalize.js";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import { startsLikeFormula } from "../../src/stages/export/spreadsheet-safe.js";
import { exported } from "../helpers/export-run.js";
import { importOrThrow, normalizeOptions, query, quietTerminal, ROOT } from "../helpers/run.js";
import { tempDir } from "../helpers/temp.js";

const DEMO = join(ROOT, "fixtures", "demo");
const FILES = readdirSync(DEMO).filter((name) => /\.(csv|jsonl|json)$/.test(name));
const SOURCES = FILES.map((name) => name.replace(/\.[^.]+$/, ""));

/** Every current record's canonical values, blank as '', in a stable order. */
function canonical(store: string) {
  const fields = CANONICAL_FIELDS.map((field) => `coalesce(${field}, '') AS ${field}`).join(", ");
  return query<Record<string, string>>(store, `SELECT source, ${fields} FROM current_records ORDER BY source, source_id, full_name, email`);
}

describe("export → import round trip", () => {
  it("gives the same canonical values, Chinese names, full-width digits and GBK included", async () => {
    const dir = tempDir();
    const first = join(dir, "first.db");
    await importOrThrow(
      FILES.map((name) => join(DEMO, name)),
      first,
    );
    // as fixtures/demo/roster.yml says: the Chinese CRM's and the shop's phones and postcodes are Chinese
    const perSource = { "china-crm-gbk": { country: "CN" }, shop: { country: "CN" } };
    await runNormalize(normalizeOptions(first, { perSource, workers: 0 }), { terminal: quietTerminal().terminal, stdout: process.stdout });
    const before = canonical(first);
    expect(SOURCES).toEqual(["china-crm-gbk", "crm", "shop", "webform"]);
    expect(before.some((r) => r.full_name === "欧阳娜娜")).toBe(true);

    const second = join(dir, "second.db");
    for (const source of SOURCES) {
      const gbk = source === "china-crm-gbk";
      const out = join(dir, `${source}-export.csv`);
      const { result } = await exported(first, {
        what: "records",
        where: [`source=${source}`],
        fields: [...CANONICAL_FIELDS],
        out,
        ...(gbk ? { encoding: "gbk" as const } : {}),
      });
      expect(result.rows).toBe(before.filter((r) => r.source === source).length);
      const imported = await importOrThrow([out], second, { source });
      expect(imported.files[0]?.encoding).toBe(gbk ? "gb18030" : "utf-8");
    }
    // A value a spreadsheet would run as a formula is written with an apostrophe in front (OWASP), and import
    // reads the apostrophe as part of the value: here the UK phones normalize could not read (+44 7700 900789,
    // kept as written, spaces and all). Every other value comes back exactly.
    const escaped = before.map((row) =>
      Object.fromEntries(Object.entries(row).map(([field, value]) => [field, startsLikeFormula(value) ? `'${value}` : value])),
    );
    expect(canonical(second)).toEqual(escaped);
    const changed = escaped.flatMap((row, i) => Object.keys(row).filter((field) => row[field] !== before[i]?.[field]));
    expect(new Set(changed)).toEqual(new Set(["phone"]));
    expect(changed.length).toBeLessThan(5);
  });
});
