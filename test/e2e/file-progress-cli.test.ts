/** File mode of validate on a real (pseudo-)terminal: the progress spinner shows how far the reading is. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BIN } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

describe("progress on a terminal", () => {
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  it.skipIf(!hasScript)("end to end in a pseudo-terminal: the spinner shows rows and percent on stderr", () => {
    const dir = tempDir();
    const rows = Array.from(
      { length: 12_000 },
      (_, i) => `${i},Person ${i},p${i}@example.com,+1 415 555 ${String(i % 10000).padStart(4, "0")}`,
    );
    writeFile(dir, "big.csv", `id,name,email,phone\n${rows.join("\n")}\n`);
    const run = spawnSync("script", ["-qec", `stty cols 100; ${process.execPath} ${BIN} validate big.csv -o report.txt`, "/dev/null"], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TERM: "xterm" },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/validating big\.csv: [\d,]+ rows, [\d,]+ rows\/s, \d+%, ETA \d+ s/);
  });
});
