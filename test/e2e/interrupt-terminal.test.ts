/**
 * Ctrl-C in a real terminal stops every command at once, and what it half-wrote is undone. tmux gives the
 * command a terminal of its own (a bare pty under `script` did not show the fault: ora's raw mode turned Ctrl-C
 * into a byte on stdin, and import and normalize ran to the end with exit 0).
 *
 * roster dies of the signal, so a plain shell would stop with it before printing `$?`: the pane's shell traps
 * INT (a trap is not inherited, the command gets the default action) to record the exit code, 130.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeBigCsv } from "../helpers/big-export.js";
import { BIN, cli, query } from "../helpers/run.js";
import { tempDir } from "../helpers/temp.js";

const ROWS = 300_000;
const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
if (!hasTmux) console.warn("tmux is not installed: the Ctrl-C tests in a real terminal are SKIPPED (CI installs tmux)");

/** A tmux server of this test file's own (its socket in the test's directory), so a developer's sessions are never touched. */
function tmux(...args: string[]): string {
  const run = spawnSync("tmux", ["-S", join(shared, "tmux.sock"), "-f", "/dev/null", ...args], {
    encoding: "utf8",
    env: { ...process.env, SHELL: "/bin/sh" },
  });
  return run.stdout ?? "";
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let sessions = 0;

/**
 * Run roster in a 120x30 terminal, press Ctrl-C once `ready` holds (checked against the screen), and return
 * the exit code the pane's shell saw. Fails if the command finished before Ctrl-C could be pressed.
 */
async function interruptInTerminal(
  dir: string,
  args: string[],
  ready: (screen: string) => boolean,
  env: Record<string, string> = {},
): Promise<number> {
  const session = `s${++sessions}`;
  const codeFile = join(dir, "exit-code");
  // Colour and spinners only show outside CI: the fault lived in the spinner, so CI's own variables go.
  const vars = Object.entries(env).map(([key, value]) => `${key}=${quote(value)}`);
  const command = [
    "trap 'true' INT;",
    `cd ${quote(dir)} &&`,
    "env -u CI -u NO_COLOR -u FORCE_COLOR",
    ...vars,
    quote(process.execPath),
    quote(BIN),
    ...args.map(quote),
    `; echo $? > ${quote(codeFile)}`,
  ].join(" ");
  tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "30", command);
  const deadline = Date.now() + 60_000;
  while (!ready(tmux("capture-pane", "-p", "-t", session))) {
    if (existsSync(codeFile)) throw new Error(`${args.join(" ")} finished before Ctrl-C could be pressed`);
    if (Date.now() > deadline) throw new Error(`${args.join(" ")}: no progress on the screen within 60 s`);
    await sleep(50);
  }
  tmux("send-keys", "-t", session, "C-c");
  while (!existsSync(codeFile) || readFileSync(codeFile, "utf8") === "") {
    if (Date.now() > deadline + 60_000) throw new Error(`${args.join(" ")}: still running a minute after Ctrl-C`);
    await sleep(50);
  }
  const code = Number(readFileSync(codeFile, "utf8").trim());
  rmSync(codeFile);
  return code;
}

/** The spinner shows a count above zero: the command is in the middle of its work. */
const counting = (label: RegExp) => (screen: string) => new RegExp(`${label.source}[^\\n]*[1-9]`).test(screen);

let shared: string;
let csv: string;
/** A store holding the whole export, imported once; each test works on a copy. */
let imported: string;

beforeAll(async () => {
  if (!hasTmux) return;
  shared = mkdtempSync(join(tmpdir(), "roster-interrupt-"));
  csv = join(shared, "big.csv");
  await writeBigCsv(csv, ROWS);
  imported = join(shared, "imported.db");
  const run = cli(["--store", imported, "import", csv], { cwd: shared });
  expect(run.code, run.stderr).toBe(0);
}, 120_000);

afterAll(() => {
  if (!hasTmux) return;
  tmux("kill-server");
  rmSync(shared, { recursive: true, force: true });
});

/** A fresh directory with a copy of the imported store as roster.db. */
function withStore(): { dir: string; store: string } {
  const dir = tempDir();
  const store = join(dir, "roster.db");
  copyFileSync(imported, store);
  return { dir, store };
}

const count = (store: string, sql: string) => query<{ n: number }>(store, sql)[0]?.n;

describe.skipIf(!hasTmux)("Ctrl-C in a terminal (tmux)", () => {
  it("import: exit 130, and the batch is rolled back: the store holds nothing of it", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    const code = await interruptInTerminal(dir, ["import", csv], counting(/big\.csv: [\d,]+ rows/));
    expect(code).toBe(130);
    expect(query(store, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
    expect(count(store, "SELECT count(*) AS n FROM batches")).toBe(0);
    expect(count(store, "SELECT count(*) AS n FROM records")).toBe(0);
    expect(count(store, "SELECT count(*) AS n FROM rejects")).toBe(0);
  }, 120_000);

  it.each([
    ["in one thread", "0"],
    ["on worker threads", "2"],
  ])(
    "normalize the store %s: exit 130, whole ranges written, no run recorded",
    async (_how, workers) => {
      const { dir, store } = withStore();
      const code = await interruptInTerminal(dir, ["--country", "US", "normalize"], counting(/normalizing: [\d,]+ of/), {
        ROSTER_WORKERS: workers,
      });
      expect(code).toBe(130);
      expect(query(store, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
      const written = count(store, "SELECT count(*) AS n FROM record_keys") ?? 0;
      expect(written).toBeLessThan(ROWS); // it stopped, rather than finishing first
      expect(written % 5000).toBe(0); // each id range is one transaction: none half-written
      expect(count(store, "SELECT count(*) AS n FROM audit_log WHERE command = 'normalize'")).toBe(0);
    },
    120_000,
  );

  it("normalize as a filter: exit 130, neither the output nor its temporary file is left", async () => {
    const dir = tempDir();
    const partial = () => readdirSync(dir).find((name) => name.startsWith("clean.csv.partial-"));
    const code = await interruptInTerminal(dir, ["--country", "US", "normalize", csv, "-o", "clean.csv"], () => {
      const name = partial();
      return name !== undefined && statSync(join(dir, name)).size > 100_000;
    });
    expect(code).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);

  it("dedupe the store: exit 130 within a phase, no run, no pairs and no cluster ids written", async () => {
    const { dir, store } = withStore();
    // The records are normalized first (its ranges commit as they go); the interrupt comes in dedupe's own phases.
    const code = await interruptInTerminal(dir, ["dedupe"], (screen) =>
      /dedupe: (reading records: [\d,]+|blocking|comparing|training)/.test(screen),
    );
    expect(code).toBe(130);
    expect(query(store, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
    expect(count(store, "SELECT count(*) AS n FROM dedupe_runs")).toBe(0);
    expect(count(store, "SELECT count(*) AS n FROM pairs")).toBe(0);
    expect(count(store, "SELECT count(*) AS n FROM dedupe_records")).toBe(0);
    expect(count(store, "SELECT count(*) AS n FROM current_records WHERE cluster_id IS NOT NULL")).toBe(0);
  }, 180_000);

  it("validate the store: exit 130, no report file, no run recorded", async () => {
    const { dir, store } = withStore();
    const code = await interruptInTerminal(dir, ["validate", "--out", "report.txt"], counting(/validating: [\d,]+ of/));
    expect(code).toBe(130);
    expect(readdirSync(dir).filter((name) => name.startsWith("report"))).toEqual([]);
    expect(query(store, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
    expect(count(store, "SELECT count(*) AS n FROM audit_log WHERE command = 'validate'")).toBe(0);
  }, 120_000);

  it("validate files: exit 130, no report file", async () => {
    const dir = tempDir();
    const partial = () => readdirSync(dir).find((name) => name.startsWith("findings.csv.partial-"));
    // Findings stream into the report as they are found: a growing temporary file means it is mid-way.
    const code = await interruptInTerminal(dir, ["--country", "US", "validate", csv, "--format", "csv", "--out", "findings.csv"], () => {
      const name = partial();
      return name !== undefined && statSync(join(dir, name)).size > 10_000;
    });
    expect(code).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);
});
