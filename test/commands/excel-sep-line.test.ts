/** Excel's `sep=;` first line: the delimiter, never a header; later rows keep their real line numbers. */

import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/commands/import.js";
import { runNormalize } from "../../src/commands/normalize.js";
import { importFiles, importOrThrow, normalizeOptions, query, quietTerminal, ROOT } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const GERMAN = join(ROOT, "fixtures", "mapping", "kunden-de.csv");

// A French Excel export: `;`-separated, with commas inside values that would fool the delimiter sniffer,
// and a broken row on line 5 whose reject must name line 5.
const FRENCH =
  "sep=;\n" +
  "N° client;Prénom;Nom;Adresse;Ville\n" +
  "C1;Élodie;Lefèvre;12, rue de la Paix, Bât. B;Paris\n" +
  "C2;Jean;Martin;3, place Bellecour;Lyon\n" +
  "C3;Luc;Bernard\n" +
  "C4;Inès;Petit;8, quai des Chartrons;Bordeaux\n";

describe("import", () => {
  it("splits on the named delimiter, skips the hint and keeps every line number", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    const result = await importOrThrow([writeFile(dir, "clients.csv", FRENCH)], store);
    expect(result.files[0]?.delimiter).toBe(";");
    expect(query(store, "SELECT line, source_id, family_name, address_line1, city FROM records ORDER BY line")).toEqual([
      { line: 3, source_id: "C1", family_name: "Lefèvre", address_line1: "12, rue de la Paix, Bât. B", city: "Paris" },
      { line: 4, source_id: "C2", family_name: "Martin", address_line1: "3, place Bellecour", city: "Lyon" },
      { line: 6, source_id: "C4", family_name: "Petit", address_line1: "8, quai des Chartrons", city: "Bordeaux" },
    ]);
    expect(query(store, "SELECT line, raw, reason FROM rejects")).toEqual([
      { line: 5, raw: "C3;Luc;Bernard", reason: "expected 5 fields, found 3" },
    ]);
    expect(result.files[0]?.warnings).toEqual([]);
  });

  it("reads the same rows however the bytes are split into reads", async () => {
    const expected = query(await storeOf(GERMAN), "SELECT line, raw FROM records ORDER BY line");
    expect(expected).toHaveLength(3);
    for (const chunkSize of [1, 2, 3, 5, 7, 64]) {
      const store = join(tempDir(), "roster.db");
      await importFiles([GERMAN], store, { read: { encoding: "auto", chunkSize } });
      expect(query(store, "SELECT line, raw FROM records ORDER BY line"), `chunk size ${chunkSize}`).toEqual(expected);
    }
  });

  it("works on stdin, which is read only once", async () => {
    const store = join(tempDir(), "roster.db");
    const result = await runImport(
      {
        files: ["-"],
        read: { encoding: "auto" },
        mappings: {},
        source: "fr",
        dryRun: false,
        maxRejects: undefined,
        storePath: store,
        busyTimeoutMs: 5000,
      },
      { terminal: quietTerminal().terminal, stdin: Readable.from([Buffer.from(FRENCH)]) },
    );
    expect(result.files[0]?.delimiter).toBe(";");
    expect(query(store, "SELECT line, city FROM records ORDER BY line").map((r) => r.line)).toEqual([3, 4, 6]);
  });

  it("a --delimiter that disagrees wins, with a warning; the hint line is still skipped", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    // The hint is wrong: the tool that wrote it used commas.
    const path = writeFile(dir, "wrong-hint.csv", "sep=;\nid,email\n1,ann@example.com\n");
    const result = await importOrThrow([path], store, { read: { encoding: "auto", delimiter: "," } });
    expect(result.files[0]?.warnings).toEqual([
      `${path}: line 1 says sep=; (Excel's delimiter hint), but --delimiter "," was given: splitting on --delimiter; the hint line is skipped`,
    ]);
    expect(query(store, "SELECT line, source_id, email FROM records")).toEqual([{ line: 3, source_id: "1", email: "ann@example.com" }]);
  });

  it("an agreeing --delimiter says nothing", async () => {
    const dir = tempDir();
    const result = await importOrThrow([GERMAN], join(dir, "roster.db"), { read: { encoding: "auto", delimiter: ";" } });
    expect(result.files[0]?.warnings).toEqual([]);
  });

  it("a file that is only the hint line has no header: nothing imported, with the usual warning", async () => {
    const dir = tempDir();
    const path = writeFile(dir, "empty.csv", "sep=;\r\n");
    const result = await importFiles([path], join(dir, "roster.db"));
    expect(result.files[0]?.counts.read).toBe(0);
    expect(result.files[0]?.warnings).toEqual([`${path}: no data rows (only a header?): nothing imported`]);
  });

  it("a JSON file that starts with sep= is not CSV and is left alone", async () => {
    const dir = tempDir();
    const path = writeFile(dir, "x.jsonl", 'sep=;\n{"id": "1"}\n');
    const result = await importFiles([path], join(dir, "roster.db"));
    expect(result.files[0]?.counts).toMatchObject({ read: 2, rejected: 1 });
  });
});

describe("normalize and validate file modes", () => {
  it("normalize writes rows with their real line numbers and no sep= column", async () => {
    const dir = tempDir();
    const stdout = new PassThrough();
    let text = "";
    stdout.on("data", (chunk) => {
      text += String(chunk);
    });
    await runNormalize(normalizeOptions(join(dir, "x.db"), { files: [writeFile(dir, "clients.csv", FRENCH)] }), {
      terminal: quietTerminal().terminal,
      stdout,
    });
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.line, r.source_id, r.city])).toEqual([
      ["3", "C1", "Paris"],
      ["4", "C2", "Lyon"],
      ["6", "C4", "Bordeaux"],
    ]);
    expect(Object.keys(rows[0] ?? {})).not.toContain("sep=");
  });

  it("normalize passes on the --delimiter warning", async () => {
    const dir = tempDir();
    const quiet = quietTerminal();
    const path = writeFile(dir, "wrong-hint.csv", "sep=;\nid,email\n1,ann@example.com\n");
    await runNormalize(normalizeOptions(join(dir, "x.db"), { files: [path], read: { encoding: "auto", delimiter: "," } }), {
      terminal: quiet.terminal,
      stdout: new PassThrough(),
    });
    expect(quiet.stderr()).toContain("line 1 says sep=; (Excel's delimiter hint)");
  });
});

async function storeOf(file: string): Promise<string> {
  const store = join(tempDir(), "roster.db");
  await importOrThrow([file], store);
  return store;
}
