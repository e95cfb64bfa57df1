/** Normalize behaviours found missing in review, each pinned by a test. */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { runNormalize } from "../../src/commands/normalize.js";
import { caseAddress } from "../../src/stages/normalize/address.js";
import { normalizeNameParts } from "../../src/stages/normalize/names.js";
import { normalizePhone } from "../../src/stages/normalize/phone.js";
import { normalizeText } from "../../src/stages/normalize/text.js";
import { BIN, importFiles, normalizeOptions, query, quietTerminal } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const options = (storePath: string, files: string[] = [], out?: string) => normalizeOptions(storePath, { files, out });

describe("the filter", () => {
  it("a pipe named as a file is read once and every row comes out", () => {
    const dir = tempDir();
    writeFile(dir, "a.csv", "id,name\n1,ANN LEE\n2,BO CHAN\n");
    const run = spawnSync("bash", ["-c", `"${process.execPath}" "${BIN}" normalize --source a <(cat a.csv)`], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(3);
    expect(run.stdout).toMatch(/a,2,1,Ann,Lee,Ann Lee/);
  });

  it("an empty or header-only input still writes its (header-only) output file, replacing an old one", async () => {
    const dir = tempDir();
    const out = writeFile(dir, "out.csv", "stale,rows\n1,2\n");
    await runNormalize(options(join(dir, "x.db"), [writeFile(dir, "h.csv", "id,name\n")], out), {
      terminal: quietTerminal().terminal,
      stdout: new PassThrough(),
    });
    expect(readFileSync(out, "utf8")).toMatch(/^source,line,source_id,/);
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(1);
  });

  it("an output path that cannot be written is a usage error (exit 2), and `| head` ends quietly", () => {
    const dir = tempDir();
    writeFile(dir, "a.csv", "id,name\n1,Ann\n");
    const bad = spawnSync(process.execPath, [BIN, "normalize", "a.csv", "-o", "nodir/x.csv"], { cwd: dir, encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/-o nodir\/x.csv: cannot write/);
    writeFile(dir, "big.csv", `id,name\n${Array.from({ length: 50_000 }, (_, i) => `${i},P${i}`).join("\n")}\n`);
    const head = spawnSync("bash", ["-c", `"${process.execPath}" "${BIN}" normalize big.csv | head -1`], { cwd: dir, encoding: "utf8" });
    expect(head.stdout).toMatch(/^source,line,/);
    expect(head.stderr).toBe("");
  });
});

describe("the store", () => {
  it("two normalize runs at once never duplicate findings", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles(
      [writeFile(dir, "p.csv", `id,phone\n${Array.from({ length: 2000 }, (_, i) => `${i},bad-${i}`).join("\n")}\n`)],
      store,
    );
    const io = { terminal: quietTerminal().terminal, stdout: new PassThrough() };
    await Promise.all([runNormalize(options(store), io), runNormalize(options(store), io)]);
    await runNormalize(options(store), io);
    expect(query(store, "SELECT count(*) AS n, count(DISTINCT record_id) AS records FROM findings")).toEqual([{ n: 2000, records: 2000 }]);
  });

  it("after a run, a dry run (or a second run) reports no changes: changes are counted against the store", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles([writeFile(dir, "a.csv", "id,name,email,phone,country\n1,ANN LEE,Ann@X.com,(415) 555-0132,USA\n")], store);
    const io = { terminal: quietTerminal().terminal, stdout: new PassThrough() };
    const first = await runNormalize(options(store), io);
    expect(first.summary.fields.email?.changed).toBe(1);
    const dry = await runNormalize({ ...options(store), dryRun: true }, io);
    expect(Object.values(dry.summary.fields).reduce((sum, f) => sum + f.changed, 0)).toBe(0);
  });

  it("a killed or failed run leaves raw rows untouched", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles([writeFile(dir, "a.csv", "id,name\n1,ANN\n")], store);
    const raw = query(store, "SELECT raw FROM records");
    await runNormalize(options(store), { terminal: quietTerminal().terminal, stdout: new PassThrough() });
    expect(query(store, "SELECT raw FROM records")).toEqual(raw);
    const db = new Database(store, { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
    expect(existsSync(`${store}-waiting`)).toBe(false);
  });
});

describe("values", () => {
  it.each([
    ["+86 010 1234 5678", "+861012345678"],
    ["+8601012345678", "+861012345678"],
    ["+4402079460958", "+442079460958"],
  ])("an international number with a trunk 0 is written in E.164: %s", (input, expected) => {
    expect(normalizePhone(input, undefined).phone).toBe(expected);
  });

  it.each([
    ["JOHN Y SMITH", "John Y Smith", "John Y", "Smith"],
    ["VAN DER BERG", "van der Berg", null, "van der Berg"],
    ["张, 伟", "张伟", "伟", "张"],
    ["Zhang Wei (张伟)", "Zhang Wei (张伟)", null, null],
    ["İLKER", "İlker", null, "İlker"],
    ["ⴰ,A", "A ⴰ", "A", "ⴰ"],
  ])("names: %s", (input, fullName, givenName, familyName) => {
    const once = normalizeNameParts(input, null, null);
    expect(once).toMatchObject({ fullName, givenName, familyName });
    expect(normalizeNameParts(once.fullName, null, null).fullName).toBe(fullName);
  });

  it("direction marks go; joiners stay where they shape emoji and Persian", () => {
    expect(normalizeText("\u200fAnn\u200e O'Neil")).toBe("Ann O'Neil");
    expect(normalizeText("👨\u200d👩\u200d👧")).toBe("👨\u200d👩\u200d👧");
    expect(normalizeText("می\u200cخواهم")).toBe("می\u200cخواهم");
    expect(normalizeText("Smi\u200cth")).toBe("Smith");
  });

  it("Turkish capitals case as one letter", () => {
    expect(caseAddress("İSTANBUL")).toBe("İstanbul");
  });
});

describe("more review fixes", () => {
  it("dates with a clock time in any layout, counted as date-order evidence too", async () => {
    const { normalizeDate, collectDateOrder } = await import("../../src/stages/normalize/dates.js");
    expect(normalizeDate("created_at", "13/04/1985 11:30 PM", undefined, true)).toEqual({ value: "1985-04-13T23:30:00" });
    expect(normalizeDate("created_at", "2023/01/01 10:00:00", undefined, true)).toEqual({ value: "2023-01-01T10:00:00" });
    expect(normalizeDate("birth_date", "2023/01/01 10:00:00", undefined, false)).toEqual({ value: "2023-01-01" });
    expect(normalizeDate("created_at", "2023-01-01 25:00", undefined, true).finding?.rule).toBe("date.impossible");
    expect(collectDateOrder(["13/04/1985 11:30"])).toEqual({ dayFirst: 1, monthFirst: 0 });
  });

  it("a huge value is shortened in its finding's message", () => {
    const long = `${"x".repeat(100_000)}`;
    const message = normalizePhone(long, "US").finding?.message ?? "";
    expect(message.length).toBeLessThan(200);
  });

  it("more country spellings", async () => {
    const { countryCode } = await import("../../src/stages/normalize/country.js");
    expect(
      [
        "美利坚合众国",
        "英格兰",
        "日本国",
        "Hong Kong, China",
        "Iran, Islamic Republic of",
        "S. Korea",
        "EEUU",
        "Swaziland",
        "Macedonia",
      ].map(countryCode),
    ).toEqual(["US", "GB", "JP", "HK", "IR", "KR", "US", "SZ", "MK"]);
  });
});
