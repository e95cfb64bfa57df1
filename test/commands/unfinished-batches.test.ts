/** validate and normalize on the store say when a batch is unfinished: its rows are not current, so not checked. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runNormalize } from "../../src/commands/normalize.js";
import { runValidate } from "../../src/commands/validate.js";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import { BatchWriter } from "../../src/store/imports.js";
import { openStore } from "../../src/store/open.js";
import { importOrThrow, normalizeOptions, quietTerminal, validateOptions } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

/** A store with one finished import of crm and one of shop that was killed after writing a row (its process is gone). */
async function storeWithKilledImport(pid: number): Promise<string> {
  const dir = tempDir();
  const store = join(dir, "roster.db");
  await importOrThrow([writeFile(dir, "crm.csv", "id,email\nC1,a@x.com\n")], store);
  const { db } = openStore(store, { create: false, busyTimeoutMs: 1000 });
  const start = { source: "shop", path: join(dir, "shop.csv"), sha256: "x", format: "csv", encoding: "utf-8", delimiter: "," };
  const writer = new BatchWriter(db, start, 1, store, 1000);
  writer.add({ line: 2, values: CANONICAL_FIELDS.map(() => null), raw: "{}", recordKey: "#k", attributes: null });
  db.prepare("UPDATE batches SET pid = ? WHERE id = ?").run(pid, writer.batchId);
  db.close();
  return store;
}

const DEAD_PID = 2 ** 22 + 12345;

describe("an unfinished batch is named, not silently skipped", () => {
  it("validate warns that a killed import's rows are not checked", async () => {
    const store = await storeWithKilledImport(DEAD_PID);
    const { terminal, stderr } = quietTerminal();
    const result = await runValidate(validateOptions(store), { terminal });
    expect(result.report.records).toBe(1);
    expect(stderr()).toMatch(
      /warning: batch 2 of source shop \(.*shop\.csv\) is unfinished \(abandoned by an import that was killed; the next import rolls it back\): its rows are not checked/,
    );
  });

  it("normalize says the same, with 'normalized'", async () => {
    const store = await storeWithKilledImport(DEAD_PID);
    const { terminal, stderr } = quietTerminal();
    await runNormalize(normalizeOptions(store), { terminal, stdout: process.stdout });
    expect(stderr()).toMatch(/warning: batch 2 of source shop \(.*shop\.csv\) is unfinished .*: its rows are not normalized/);
  });

  it("an import still running is named as such", async () => {
    const store = await storeWithKilledImport(process.pid);
    const { terminal, stderr } = quietTerminal();
    await runValidate(validateOptions(store), { terminal });
    expect(stderr()).toMatch(/batch 2 of source shop \(.*\) is still being imported: its rows are not checked/);
  });

  it("--source of another source: nothing to say about shop's batch", async () => {
    const store = await storeWithKilledImport(DEAD_PID);
    const { terminal, stderr } = quietTerminal();
    await runValidate(validateOptions(store, { source: "crm" }), { terminal });
    expect(stderr()).not.toMatch(/batch 2/);
  });
});
