/** normalize and validate on files show progress on a terminal, as import does (rows read, share of the file). */
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runNormalize } from "../../src/commands/normalize.js";
import { runValidate } from "../../src/commands/validate.js";
import { type Progress, Terminal } from "../../src/io/terminal.js";
import { normalizeOptions, validateOptions } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

/** A terminal on a (fake) TTY that records what its progress shows instead of drawing a spinner. */
class RecordingTerminal extends Terminal {
  readonly shown: string[] = [];

  constructor() {
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    super({ stdin: Readable.from([]), stdout: new PassThrough(), stderr: tty, env: {} }, {});
  }

  override async progress(text: string): Promise<Progress> {
    this.shown.push(`start ${text}`);
    return { update: (next) => void this.shown.push(next), stop: () => void this.shown.push("stop") };
  }
}

function bigExport(dir: string): string {
  const rows = Array.from({ length: 2000 }, (_, i) => `${i},Person ${i},p${i}@example.com,1990-01-0${(i % 9) + 1}`);
  return writeFile(dir, "people.csv", `id,name,email,dob\n${rows.join("\n")}\n`);
}

const ROWS = /^normalizing .*people\.csv: [\d,]+ rows, [\d,]+ rows\/s, \d+%, ETA \d+ s$/;

describe("progress of file modes", () => {
  it("normalize: a counter while reading the file (both passes), stopped at the end", async () => {
    const dir = tempDir();
    const file = bigExport(dir);
    const terminal = new RecordingTerminal();
    expect(terminal.progressAllowed).toBe(true);
    const read = { encoding: "auto" as const, chunkSize: 4096 };
    await runNormalize(normalizeOptions(join(dir, "none.db"), { files: [file], read, out: join(dir, "out.csv") }), {
      terminal,
      stdout: new PassThrough(),
    });
    expect(terminal.shown[0]).toBe(`start reading dates of ${file}`);
    expect(terminal.shown).toContain(`start normalizing ${file}`);
    expect(terminal.shown.filter((text) => ROWS.test(text)).length).toBeGreaterThan(0);
    expect(terminal.shown.at(-1)).toBe("stop");
  });

  it("validate: the same counter, with the rows read so far", async () => {
    const dir = tempDir();
    const file = bigExport(dir);
    const terminal = new RecordingTerminal();
    const read = { encoding: "auto" as const, chunkSize: 4096 };
    await runValidate(validateOptions(join(dir, "none.db"), { files: [file], read, dateOrder: "mdy" }), { terminal });
    const counts = terminal.shown.filter((text) => text.startsWith("validating ")).map((text) => /: ([\d,]+) rows/.exec(text)?.[1]);
    expect(counts.length).toBeGreaterThan(0);
    expect(Number(counts[0]?.replaceAll(",", ""))).toBeGreaterThan(0);
    expect(terminal.shown).not.toContain(`start reading dates of ${file}`); // the date order was given: one pass
  });
});
