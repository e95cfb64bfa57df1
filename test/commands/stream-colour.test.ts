/** Colour is decided per stream: a report redirected to a file carries no escape codes, messages on a terminal do. */
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { Terminal } from "../../src/io/terminal.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const ESC = "\u001b[";

/** stderr a terminal, stdout redirected to a file (`roster validate > report.txt`), or the other way round. */
function streams(tty: { stdout: boolean; stderr: boolean }, env: NodeJS.ProcessEnv = {}) {
  const out = { stdout: "", stderr: "" };
  const stdout = Object.assign(new PassThrough(), { isTTY: tty.stdout });
  // 0 columns: no spinner (ora would draw frames into the captured text); colour is decided all the same.
  const stderr = Object.assign(new PassThrough(), { isTTY: tty.stderr, columns: 0 });
  stdout.on("data", (c) => {
    out.stdout += String(c);
  });
  stderr.on("data", (c) => {
    out.stderr += String(c);
  });
  return { streams: { stdin: Readable.from([]), stdout, stderr, env }, out };
}

describe("colour per stream", () => {
  it("validate > report.txt on a terminal: the table on stdout is plain, the error on stderr is red", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "bad.csv", "id,email\n1,not-an-email\n");
    const run = streams({ stdout: false, stderr: true });
    expect(await main(["--store", `${dir}/r.db`, "validate", file], run.streams)).toBe(1);
    expect(run.out.stdout).toMatch(/email +email\.syntax +error/);
    expect(run.out.stdout).not.toContain(ESC);
    expect(run.out.stderr).toContain(`${ESC}31merror:`);
  });

  it("import --dry-run | less: the mapping on stdout is plain", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "a.csv", "id,email\n1,a@example.com\n");
    const run = streams({ stdout: false, stderr: true });
    expect(await main(["--store", `${dir}/r.db`, "import", "--dry-run", file], run.streams)).toBe(0);
    expect(run.out.stdout).toMatch(/column mapping:/);
    expect(run.out.stdout).not.toContain(ESC);
  });

  it("a terminal on stdout colours the table, even with stderr redirected; never with NO_COLOR or --no-color", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "bad.csv", "id,email\n1,not-an-email\n");
    const run = streams({ stdout: true, stderr: false });
    expect(await main(["--store", `${dir}/r.db`, "validate", file], run.streams)).toBe(1);
    expect(run.out.stdout).toContain(`${ESC}31merror`);
    expect(run.out.stderr).not.toContain(ESC);
    for (const [args, env] of [
      [["--no-color"], {}],
      [[], { NO_COLOR: "1" }],
      [[], { TERM: "dumb" }],
      [[], { CI: "true" }],
    ] as const) {
      const plain = streams({ stdout: true, stderr: true }, env);
      expect(await main([...args, "--store", `${dir}/r.db`, "validate", file], plain.streams)).toBe(1);
      expect(plain.out.stdout + plain.out.stderr).not.toContain(ESC);
    }
  });

  it("Terminal decides stdout's colour from stdout and stderr's from stderr", () => {
    const make = (stdout: boolean, stderr: boolean) =>
      new Terminal(
        {
          stdin: Readable.from([]),
          stdout: Object.assign(new PassThrough(), { isTTY: stdout }),
          stderr: Object.assign(new PassThrough(), { isTTY: stderr }),
          env: {},
        },
        {},
      );
    expect([make(false, true).stdoutColor.level, make(false, true).color.level]).toEqual([0, 1]);
    expect([make(true, false).stdoutColor.level, make(true, false).color.level]).toEqual([1, 0]);
  });
});
