/**
 * `roster review` in a real terminal: the built binary in a tmux pane, answers typed as keys. tmux gives the
 * command a terminal of its own (see interrupt-terminal.test.ts); each key is sent once the screen shows the pair
 * it answers, so the test types as a person would. The pane's shell records roster's exit code and the terminal's
 * settings before and after (`stty -g`): raw mode must not outlive the command, Ctrl-C included.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CRM_CSV, REVIEW_ARGS, SHOP_CSV } from "../helpers/review-fixture.js";
import { BIN, cli, query } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
if (!hasTmux) console.warn("tmux is not installed: the review tests in a real terminal are SKIPPED (CI installs tmux)");

let shared: string;
/** The fixture imported and deduplicated once through the binary; each test works on a copy. */
let deduplicated: string;

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

beforeAll(() => {
  if (!hasTmux) return;
  shared = mkdtempSync(join(tmpdir(), "roster-review-terminal-"));
  deduplicated = join(shared, "roster.db");
  for (const [name, text] of [
    ["crm.csv", CRM_CSV],
    ["shop.csv", SHOP_CSV],
  ] as const) {
    const run = cli(["--store", deduplicated, "import", writeFile(shared, name, text)], { cwd: shared });
    expect(run.code, run.stderr).toBe(0);
  }
  const run = cli(["--store", deduplicated, "--country", "US", "dedupe", ...REVIEW_ARGS], { cwd: shared });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toMatch(/10 matches at p >= 0\.95, 4 pairs for review/);
}, 120_000);

afterAll(() => {
  if (!hasTmux) return;
  tmux("kill-server");
  rmSync(shared, { recursive: true, force: true });
});

/** `roster review` running in a 120x50 pane of its own, in a directory holding a copy of the store. */
function startReview(args: string[] = []) {
  const dir = tempDir();
  const store = join(dir, "roster.db");
  copyFileSync(deduplicated, store);
  const session = `r${++sessions}`;
  const done = join(dir, "done");
  // trap: the shell outlives roster's death by SIGINT and records its exit code (130), then the terminal's state.
  const command = [
    "trap 'true' INT;",
    `cd ${quote(dir)} && stty -g > before;`,
    "env -u CI -u NO_COLOR -u FORCE_COLOR",
    quote(process.execPath),
    quote(BIN),
    "review",
    ...args.map(quote),
    "; echo $? > code; stty -g > after; touch done; sleep 600",
  ].join(" ");
  tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "50", command);
  const screen = () => tmux("capture-pane", "-p", "-J", "-S", "-", "-t", session);
  const occurrences = (text: string) => screen().split(text).length - 1;
  return {
    store,
    screen,
    /** Wait until `text` is on the screen `times` times (a pair shown again after an undo counts twice). */
    async waitFor(text: string, times = 1) {
      const deadline = Date.now() + 30_000;
      while (occurrences(text) < times) {
        if (existsSync(done)) throw new Error(`roster review ended before showing ${JSON.stringify(text)}:\n${screen()}`);
        if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(text)} on the screen within 30 s:\n${screen()}`);
        await sleep(50);
      }
    },
    press(key: string) {
      tmux("send-keys", "-t", session, key);
    },
    /** The exit code, once the command is over; and whether the terminal's settings came back as they were. */
    async finished(): Promise<{ code: number; terminalRestored: boolean }> {
      const deadline = Date.now() + 30_000;
      while (!existsSync(done)) {
        if (Date.now() > deadline) throw new Error(`roster review still running:\n${screen()}`);
        await sleep(50);
      }
      const read = (name: string) => readFileSync(join(dir, name), "utf8").trim();
      return { code: Number(read("code")), terminalRestored: read("before") === read("after") };
    },
  };
}

const decisions = (store: string) =>
  query<{ pair: string; decision: string; origin: string }>(
    store,
    "SELECT source_a || ':' || key_a || ' ' || source_b || ':' || key_b AS pair, decision, origin FROM pair_decisions ORDER BY 1",
  );

describe.skipIf(!hasTmux)("roster review in a terminal (tmux)", () => {
  it("y, n, s, u then y, q: the answers are stored, the undone one replaced, exit 0, the terminal as it was", async () => {
    const review = startReview();
    await review.waitFor("Pair 1 of 4");
    expect(review.screen()).toMatch(/record \d+ · crm:c06 +record \d+ · shop:s18/);
    expect(review.screen()).toMatch(/≠ email +pat\.lindqvist@example\.org +plindqvist@mail\.example/);
    review.press("y");
    await review.waitFor("Pair 2 of 4");
    review.press("n");
    await review.waitFor("Pair 3 of 4");
    review.press("s");
    await review.waitFor("Pair 4 of 4");
    // 王娜's pair: Chinese values in their columns.
    expect(review.screen()).toMatch(/address_line1 +天河区体育西路1号 +越秀区中山路5号/);
    review.press("u");
    await review.waitFor('took back "different people"');
    await review.waitFor("Pair 2 of 4", 2);
    review.press("y");
    await review.waitFor("Pair 3 of 4", 2);
    review.press("q");
    const { code, terminalRestored } = await review.finished();
    expect(code).toBe(0);
    expect(terminalRestored).toBe(true);
    expect(decisions(review.store)).toEqual([
      { pair: "crm:c06 shop:s18", decision: "same", origin: "review" },
      { pair: "crm:c31 shop:s15", decision: "same", origin: "review" },
    ]);
    expect(review.screen()).toMatch(/2 pairs decided \(2 same person, 0 different\), 0 skipped, 2 pairs left in the queue/);
    expect(review.screen()).toMatch(/run roster dedupe so the decisions take effect/);
  }, 90_000);

  it("Ctrl-C: exit 130, the decisions made so far kept, the terminal as it was", async () => {
    const review = startReview(["--limit", "3"]);
    await review.waitFor("Pair 1 of 3");
    review.press("n");
    await review.waitFor("Pair 2 of 3");
    review.press("C-c");
    const { code, terminalRestored } = await review.finished();
    expect(code).toBe(130);
    expect(terminalRestored).toBe(true);
    expect(decisions(review.store)).toEqual([{ pair: "crm:c06 shop:s18", decision: "different", origin: "review" }]);
    expect(query(review.store, "SELECT outcome FROM audit_log WHERE command = 'review'")).toEqual([{ outcome: "ok" }]);
  }, 90_000);
});

describe.skipIf(!hasTmux)("roster review without a terminal", () => {
  it("refuses with exit 2 and names the file workflow; the file workflow works", () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    copyFileSync(deduplicated, store);
    const refused = cli(["--store", store, "review"], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(
      /roster review --export pairs\.csv, fill in its decision column \(y or n\), then roster review --import pairs\.csv/,
    );
    const exported = cli(["--store", store, "review", "--export", "pairs.csv"], { cwd: dir });
    expect(exported.code, exported.stderr).toBe(0);
    const [header, first] = readFileSync(join(dir, "pairs.csv"), "utf8").split("\n");
    expect(header).toMatch(/^pair_id,decision,match_probability,/);
    writeFile(dir, "decisions.csv", `${header}\n${first?.replace(/^([^,]+),,/, "$1,n,")}\n`);
    const imported = cli(["--store", store, "--json", "review", "--import", "decisions.csv"], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ ok: true, mode: "import", different: 1, left: 3 });
    expect(decisions(store)).toEqual([{ pair: "crm:c06 shop:s18", decision: "different", origin: "import" }]);
  });
});
