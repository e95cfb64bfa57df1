/**
 * `roster export` on stores built as a user builds them (import → normalize → dedupe → merge, the merge tests'
 * CRM, shop and WeChat exports): every kind and format, --fields, --where and --since checked against plain SQL
 * on the same store, consent, masks, GBK, and the file written atomically.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { runValidate } from "../../src/commands/validate.js";
import { UsageError } from "../../src/errors.js";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import { exported } from "../helpers/export-run.js";
import {
  CRM,
  customerRows,
  dedupe,
  dedupedStore,
  importText,
  merge,
  newStore,
  provenanceOf,
  SHOP,
  secondRound,
} from "../helpers/merge-store.js";
import { query, quietTerminal, validateOptions } from "../helpers/run.js";

const csvRows = (text: string) => parse(text, { columns: true }) as Record<string, string>[];
const jsonl = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

async function usageError(promise: Promise<unknown>): Promise<UsageError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error("the export did not fail");
}

const validate = (store: string) => runValidate(validateOptions(store, { failOn: "never" }), { terminal: quietTerminal().terminal });

const merged = async () => {
  const s = await dedupedStore();
  await merge(s.store);
  return s;
};

describe("roster export customers", () => {
  it("writes every current customer with its canonical fields, as the customers table holds them", async () => {
    const { store } = await merged();
    const { result, text } = await exported(store);
    const rows = csvRows(text);
    const table = query<Record<string, string | number | null>>(store, "SELECT * FROM customers WHERE retired_at IS NULL ORDER BY id");
    expect(result.rows).toBe(table.length);
    expect(rows.length).toBe(table.length);
    expect(Object.keys(rows[0] ?? {})).toEqual(result.columns);
    for (const [i, row] of rows.entries()) {
      for (const column of result.columns) expect(row[column], `${column} of customer ${row.id}`).toBe(String(table[i]?.[column] ?? ""));
    }
    expect(rows.some((row) => row.full_name === "李芳")).toBe(true);
  });

  it("--provenance: a JSON column in CSV, an object in JSON", async () => {
    const { store } = await merged();
    const csv = csvRows((await exported(store, { provenance: true, fields: ["id", "email"] })).text);
    const json = JSON.parse((await exported(store, { provenance: true, format: "json" })).text) as Record<string, unknown>[];
    // The store may keep it compact (README, customers): users get the full map, each field with a value its own entry.
    const stored = customerRows(store).filter((row) => row.retired_at === null);
    const full = stored.map((row) => JSON.parse(JSON.stringify(provenanceOf(row))) as Record<string, unknown>);
    expect(Object.keys(csv[0] ?? {})).toEqual(["id", "email", "provenance"]);
    expect(csv.map((row) => JSON.parse(row.provenance as string))).toEqual(full);
    expect(json.map((row) => row.provenance)).toEqual(full);
    for (const [i, row] of stored.entries()) {
      const withValue = CANONICAL_FIELDS.filter((field) => row[field] !== null);
      expect(Object.keys(json[i]?.provenance as object).sort(), `customer ${row.id}`).toEqual([...withValue].sort());
    }
    expect(typeof json[0]?.id).toBe("number");
  });

  it("--where country / source / cluster_size / findings select what SQL selects, ANDed", async () => {
    const s = await dedupedStore();
    await importText(s, "wechat.csv", "客户编号,姓名,手机,邮箱\nw01,王芳,+86 135 0000 1111,wangfang@example.cn\n", "wechat");
    await dedupe(s.store);
    await validate(s.store);
    await merge(s.store);
    const ids = async (where: string[]) => csvRows((await exported(s.store, { where, fields: ["id"] })).text).map((r) => Number(r.id));
    const sql = (text: string) =>
      query<{ id: number }>(s.store, `SELECT id FROM customers WHERE retired_at IS NULL AND ${text} ORDER BY id`).map((r) => r.id);
    const ofRecords = (text: string) => `id IN (SELECT customer_id FROM current_records WHERE ${text})`;
    const sizes = "id IN (SELECT customer_id FROM current_records GROUP BY customer_id HAVING count(*) >= 2)";
    const cn = await ids(["country=CN"]);
    expect(cn.length).toBeGreaterThan(0);
    expect(cn).toEqual(sql("country = 'CN'"));
    expect(await ids(["country!=CN"])).toEqual(sql("(country IS NULL OR country != 'CN')"));
    expect(await ids(["source=wechat"])).toEqual(sql(ofRecords("source = 'wechat'")));
    expect(await ids(["source!=shop"])).toEqual(sql(`NOT ${ofRecords("source = 'shop'")}`));
    expect((await ids(["cluster_size>=2"])).length).toBeGreaterThan(5);
    expect(await ids(["cluster_size>=2"])).toEqual(sql(sizes));
    expect(await ids(["cluster_size>=2", "source=crm", "country=US"])).toEqual(
      sql(`${sizes} AND ${ofRecords("source = 'crm'")} AND country = 'US'`),
    );
    const withFindings = sql(ofRecords("id IN (SELECT record_id FROM findings)"));
    expect(withFindings.length).toBeGreaterThan(0);
    expect(await ids(["findings"])).toEqual(withFindings);
    expect(await ids(["!findings"])).toEqual(sql(`NOT ${ofRecords("id IN (SELECT record_id FROM findings)")}`));
    expect(await ids(["changed>=2999-01-01"])).toEqual([]);
    expect(await ids(["changed>=2000-01-01"])).toEqual(sql("1"));
    expect(await ids(["email="])).toEqual(sql("coalesce(email, '') = ''"));
  });

  it("--since RUN: the customers merge runs after RUN created or changed", async () => {
    const s = await merged();
    await secondRound(s);
    const second = await merge(s.store);
    expect(second.mergeRunId).toBe(2);
    const { text } = await exported(s.store, { since: 1, fields: ["id"] });
    const changed = query<{ id: number }>(
      s.store,
      "SELECT id FROM customers WHERE retired_at IS NULL AND last_changed_at > (SELECT finished_at FROM merge_runs WHERE id = 1) ORDER BY id",
    ).map((r) => r.id);
    expect(changed.length).toBe(second.counts.created + second.counts.updated);
    expect(csvRows(text).map((r) => Number(r.id))).toEqual(changed);
    expect(csvRows((await exported(s.store, { since: 2 })).text)).toEqual([]);
    const error = await usageError(exported(s.store, { since: 9 }));
    expect(error.message).toBe("--since 9: no merge run 9 in this store");
    expect(error.hint).toContain("merge runs 1 to 2 exist");
  });
});

describe("roster export records", () => {
  it("every current record with source, source_id, cluster_id, customer_id and the canonical fields; JSON attributes an object", async () => {
    const s = await merged();
    await importText(s, "vip.csv", "id,姓名,会员等级,积分\nv1,陈静,金卡,-42\n", "vip");
    const rows = jsonl((await exported(s.store, { what: "records", format: "jsonl" })).text);
    const table = query<Record<string, unknown>>(s.store, "SELECT * FROM current_records ORDER BY id");
    expect(rows).toHaveLength(table.length);
    expect(Object.keys(rows[0] ?? {}).slice(0, 4)).toEqual(["source", "source_id", "cluster_id", "customer_id"]);
    for (const [i, row] of rows.entries()) {
      for (const column of ["source", "source_id", "cluster_id", "customer_id", "email", "phone", "full_name", "birth_date"]) {
        expect(row[column]).toEqual(table[i]?.[column]);
      }
    }
    const vip = rows.find((row) => row.source === "vip");
    expect(vip?.attributes).toEqual({ 会员等级: "金卡", 积分: "-42" });
    expect(vip?.cluster_id).toBeNull(); // imported after the last dedupe
    const picked = csvRows(
      (await exported(s.store, { what: "records", fields: ["source_id", "attr.会员等级", "attr.积分"], where: ["source=vip"] })).text,
    );
    // -42 is a number, not a formula: it stays as written
    expect(picked).toEqual([{ source_id: "v1", "attr.会员等级": "金卡", "attr.积分": "-42" }]);
    expect(csvRows((await exported(s.store, { what: "records", where: ["attr.会员等级=金卡"], fields: ["source_id"] })).text)).toEqual([
      { source_id: "v1" },
    ]);
    await importText(s, "vip2.csv", "id,姓名,会员等级\nv2,周杰,银卡\nv3,吴敏,\n", "vip2");
    const attr = async (where: string) =>
      csvRows(
        (await exported(s.store, { what: "records", where: [where, "source!=crm", "source!=shop"], fields: ["source_id"] })).text,
      ).map((r) => r.source_id);
    expect(await attr("attr.会员等级!=金卡")).toEqual(["v2", "v3"]);
    expect(await attr("attr.会员等级=")).toEqual(["v3"]);
    expect(await attr("attr.会员等级!=")).toEqual(["v1", "v2"]);
  });

  it("--where source, cluster_size and findings on records match SQL; --since BATCH is the batches after it", async () => {
    const s = await merged();
    await validate(s.store);
    const ids = async (where: string[], since?: number) =>
      csvRows((await exported(s.store, { what: "records", where, since, fields: ["source", "source_id"] })).text).map(
        (r) => `${r.source}:${r.source_id}`,
      );
    const sql = (text: string) =>
      query<{ k: string }>(s.store, `SELECT source || ':' || source_id AS k FROM current_records r WHERE ${text} ORDER BY id`).map(
        (r) => r.k,
      );
    expect(await ids(["source=shop"])).toEqual(sql("source = 'shop'"));
    expect(await ids(["cluster_size>=2"])).toEqual(
      sql("cluster_id IN (SELECT cluster_id FROM current_records GROUP BY cluster_id HAVING count(*) >= 2)"),
    );
    expect(await ids(["cluster_size=1"])).toEqual(
      sql("cluster_id IN (SELECT cluster_id FROM current_records GROUP BY cluster_id HAVING count(*) = 1)"),
    );
    expect(await ids(["findings"])).toEqual(sql("id IN (SELECT record_id FROM findings)"));
    expect((await ids(["findings"])).length).toBeGreaterThan(0);
    expect(await ids([], 1)).toEqual(sql("batch_id > 1"));
    expect((await ids([], 1)).every((k) => k.startsWith("shop:"))).toBe(true);
    expect((await usageError(exported(s.store, { what: "records", since: 7 }))).message).toBe("--since 7: no batch 7 in this store");
  });
});

describe("rejects, findings and pairs", () => {
  it("export what the tables hold, with their records' sources", async () => {
    const s = newStore();
    await importText(s, "shop.jsonl", '{"id":"s1","email":"a@example.com"}\n{broken\n{"id":"s2","email":"b(at)example.com"}\n', "shop");
    await validate(s.store);
    const rejects = csvRows((await exported(s.store, { what: "rejects" })).text);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ source: "shop", line: "2", raw: "{broken" });
    const findings = jsonl((await exported(s.store, { what: "findings", format: "jsonl", where: ["field=email"] })).text);
    const sql = query<{ id: number }>(s.store, "SELECT id FROM findings WHERE field = 'email' ORDER BY id");
    expect(findings.map((f) => f.id)).toEqual(sql.map((f) => f.id));
    expect(findings[0]).toMatchObject({ source: "shop", source_id: "s2", field: "email" });
    const d = await dedupedStore();
    const pairs = JSON.parse((await exported(d.store, { what: "pairs", format: "json" })).text) as Record<string, unknown>[];
    const stored = query<{ record_a: number; match_probability: number }>(d.store, "SELECT * FROM pairs ORDER BY record_a, record_b");
    expect(pairs.map((p) => p.record_a)).toEqual(stored.map((p) => p.record_a));
    expect(pairs.map((p) => p.match_probability)).toEqual(stored.map((p) => p.match_probability));
    expect(typeof pairs[0]?.explanation).toBe("object");
    expect((await usageError(exported(d.store, { what: "pairs", since: 1 }))).message).toContain("pairs are not kept per run");
  });
});

/** The merge fixture's CRM and shop exports with a consent column: source_id → what that record says. */
const CONSENT: Record<string, string> = {
  // 张伟 said yes in the CRM (2023-05-01); as Wei Zhang in the shop, later (2024-09-01), no: withdrawn
  c21: "是",
  s06: "否",
  // William said no in the CRM (2024-03-01), and yes as Bill in the shop later (2024-09-01): given
  c01: "no",
  s01: "yes",
  // James: the CRM's record is the newest (2025-06-01) and consents; the shop's older one does not
  c05: "同意",
  s05: "不同意",
  c12: "1",
  c13: "maybe",
};

function withConsent(rows: (typeof CRM)[number][]): string {
  const header = [...Object.keys(rows[0] ?? {}), "marketing_consent"];
  const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  return `${header.join(",")}\n${rows.map((row) => [...Object.values(row), CONSENT[row.id] ?? ""].map(cell).join(",")).join("\n")}\n`;
}

describe("--require-consent", () => {
  it("keeps customers whose golden consent is affirmative; a withdrawal in the newest record wins; counts the rest by why", async () => {
    const s = newStore();
    await importText(s, "crm.csv", withConsent(CRM), "crm");
    await importText(s, "shop.csv", withConsent(SHOP), "shop");
    await dedupe(s.store);
    await merge(s.store);
    const customers = query<{ email: string; marketing_consent: string | null }>(
      s.store,
      "SELECT email, marketing_consent FROM customers WHERE retired_at IS NULL ORDER BY id",
    );
    const consentOf = (email: string) => customers.find((c) => c.email === email)?.marketing_consent;
    // survivorship is most_recent for consent: the newer record's answer decides, either way
    expect(consentOf("zhangwei@example.cn")).toBe("false");
    expect(consentOf("william.turner@example.com")).toBe("true");
    expect(consentOf("jfitz@example.com")).toBe("true");
    const { result, text } = await exported(s.store, { requireConsent: true, fields: ["email", "marketing_consent"] });
    expect(csvRows(text)).toEqual([
      { email: "william.turner@example.com", marketing_consent: "true" },
      { email: "jfitz@example.com", marketing_consent: "true" },
      { email: "lpetrova@example.com", marketing_consent: "true" },
    ]);
    expect(result.rows).toBe(3);
    expect(result.leftOut).toEqual({ withdrawn: 1, unrecorded: customers.length - 5, unclear: 1 });
    expect((await usageError(exported(s.store, { what: "records", requireConsent: true }))).message).toBe(
      "--require-consent is for customers, not records",
    );
  });
});

describe("privacy", () => {
  it("--mask and --pseudonymize apply to the exported values; the same key gives the same pseudonyms", async () => {
    const { store } = await merged();
    const fields = ["id", "full_name", "email", "phone"];
    const plain = csvRows((await exported(store, { fields })).text);
    const masked = csvRows((await exported(store, { fields, mask: ["email", "phone", "full_name"] })).text);
    const zhang = plain.findIndex((row) => row.email === "zhangwei@example.cn");
    expect(masked[zhang]?.email).toBe("z***@example.cn");
    expect(masked[zhang]?.phone).toBe("'+86 138****8000"); // starts with +: a spreadsheet would run it
    for (const [i, row] of masked.entries()) {
      expect(row.id).toBe(plain[i]?.id);
      const email = plain[i]?.email ?? "";
      if (email.includes("@")) expect(row.email).toBe(`${email[0]}***${email.slice(email.lastIndexOf("@"))}`);
      else if (email !== "") expect(row.email).not.toBe(email);
    }
    const once = csvRows((await exported(store, { fields, pseudonymize: ["email"], key: "s3cret" })).text);
    const twice = csvRows((await exported(store, { fields, pseudonymize: ["email"], key: "s3cret" })).text);
    const other = csvRows((await exported(store, { fields, pseudonymize: ["email"], key: "another" })).text);
    expect(twice).toEqual(once);
    expect(once[zhang]?.email).toMatch(/^[0-9a-f]{64}$/);
    expect(other[zhang]?.email).not.toBe(once[zhang]?.email);
    expect(once[zhang]?.full_name).toBe(plain[zhang]?.full_name);
  });
});

describe("GBK", () => {
  it("writes GBK bytes that decode to the same values, CRLF with --excel and no BOM", async () => {
    const { store } = await merged();
    const utf8 = (await exported(store, { where: ["country=CN"] })).text;
    const { bytes } = await exported(store, { where: ["country=CN"], encoding: "gbk", excel: true });
    expect(bytes[0]).not.toBe(0xef);
    const decoded = iconv.decode(bytes, "gbk");
    expect(decoded).toContain("\r\n");
    expect(decoded.replaceAll("\r\n", "\n")).toBe(utf8);
    expect(decoded).toContain("李芳");
  });

  it("a character GBK lacks is an error naming the row and field, and -o FILE is left as it was", async () => {
    const s = newStore();
    await importText(s, "crm.csv", "id,姓名,城市\nc1,张伟,北京\nc2,王𠮷,上海\nc3,Ünal 😀,Berlin\n", "crm");
    const out = join(s.dir, "客户.csv");
    writeFileSync(out, "the previous export\n");
    const error = await usageError(
      exported(s.store, { what: "records", encoding: "gbk", out, fields: ["source_id", "full_name", "city"] }),
    );
    expect(error.message).toBe('--encoding gbk: row 2, field full_name: "𠮷" (U+20BB7) in "王𠮷" cannot be written in GBK');
    expect(readFileSync(out, "utf8")).toBe("the previous export\n");
    expect(readdirSync(s.dir).filter((name) => name.includes(".partial-"))).toEqual([]);
    // the first row is fine in GBK: a filter that leaves the others out exports it
    const { bytes } = await exported(s.store, { what: "records", encoding: "gbk", where: ["source_id=c1"], fields: ["full_name", "city"] });
    expect(iconv.decode(bytes, "gbk")).toBe("full_name,city\n张伟,北京\n");
  });
});

describe("-o FILE", () => {
  it("replaces the file whole, mode 0600, no temporary file left; --excel writes a BOM", async () => {
    const { store, dir } = await merged();
    const out = join(dir, "customers.csv");
    writeFileSync(out, "old\n", { mode: 0o644 });
    const { result, bytes } = await exported(store, { out, excel: true });
    expect(bytes.length).toBe(0);
    expect(result.out).toBe(out);
    const written = readFileSync(out);
    expect([...written.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(written.toString("utf8").slice(1).split("\r\n")[0]).toBe(result.columns.join(","));
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name.includes(".partial-"))).toEqual([]);
  });

  it("fails before writing anything on bad fields, filters or masks: the old file stays, no partial", async () => {
    const { store, dir } = await merged();
    const out = join(dir, "x.csv");
    writeFileSync(out, "old\n");
    expect((await usageError(exported(store, { out, fields: ["id", "emial"] }))).message).toBe(
      '--fields: "emial" is no field of customers',
    );
    expect((await usageError(exported(store, { out, where: ["contry=CN"] }))).message).toBe(
      '--where "contry=CN": contry is no field of customers',
    );
    expect((await usageError(exported(store, { out, mask: ["phone"], fields: ["id"] }))).message).toContain(
      "--mask: phone is not a column",
    );
    expect((await usageError(exported(store, { out, format: "json", excel: true }))).message).toContain("--excel writes CSV or TSV");
    expect(readFileSync(out, "utf8")).toBe("old\n");
    expect(readdirSync(dir).filter((name) => name.includes(".partial-"))).toEqual([]);
    expect(existsSync(join(dir, "nowhere"))).toBe(false);
    expect((await usageError(exported(store, { out: join(dir, "nowhere", "x.csv") }))).message).toContain("cannot write");
  });
});
