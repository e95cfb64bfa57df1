/** normalize as a file filter: pipes read once, empty inputs, unwritable outputs and closed readers. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runNormalize } from "../../src/commands/normalize.js";
import { BIN, normalizeOptions, quietTerminal } from "../helpers/run.js";
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
