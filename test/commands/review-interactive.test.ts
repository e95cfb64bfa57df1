/**
 * The interactive `roster review` on a stand-in terminal (stdin and stdout that say they are TTYs; keys written
 * to stdin), its refusal without one, and the command line through main(): usage errors, --json summaries. The
 * real terminal, with Ctrl-C: test/e2e/review-terminal.test.ts.
 */
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { type ReviewIo, runReview } from "../../src/commands/review.js";
import { UsageError } from "../../src/errors.js";
import { Terminal } from "../../src/io/terminal.js";
import { REVIEW_PAIRS } from "../helpers/review-fixture.js";
import { decisions, pairIdOf, pipes, reviewAudit, reviewOptions, useReviewedStores } from "../helpers/review-stores.js";
import { capturedStreams } from "../helpers/streams.js";
import { writeFile } from "../helpers/temp.js";

const reviewedStore = useReviewedStores();

/** A stand-in terminal: stdin and stdout say they are TTYs; stdin records its raw-mode switches. */
function fakeTerminal(color = false) {
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    modes: [] as boolean[],
    setRawMode(mode: boolean) {
      stdin.isRaw = mode;
      stdin.modes.push(mode);
    },
  });
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
  let screen = "";
  stdout.on("data", (chunk) => {
    screen += String(chunk);
  });
  const terminal = new Terminal({ stdin, stdout, stderr: new PassThrough(), env: {} }, color ? {} : { color: false });
  return { io: { terminal, stdin, stdout } as ReviewIo, stdin, screen: () => screen };
}

describe("the interactive review", () => {
  it("refuses without a terminal on stdin or stdout (exit 2), naming the file workflow", async () => {
    const { store } = reviewedStore();
    const error = await runReview(reviewOptions(store), pipes()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(/stdin is not one/);
    expect((error as UsageError).hint).toMatch(/roster review --export pairs\.csv.*roster review --import pairs\.csv/);
    const half = fakeTerminal();
    const toFile = { ...half.io, stdout: new PassThrough() };
    await expect(runReview(reviewOptions(store), toFile)).rejects.toThrow(/stdout is not one/);
    expect(decisions(store)).toEqual([]);
  });

  it("y, n, s, u then y, q: decisions stored as answered, the undone one gone, the terminal put back", async () => {
    const { store } = reviewedStore();
    const terminal = fakeTerminal();
    terminal.stdin.write("ynsuyq");
    const result = await runReview(reviewOptions(store, { auditArgs: [] }), terminal.io);
    expect(result).toMatchObject({ mode: "interactive", same: 2, different: 0, skipped: 0, left: 2 });
    // The queue's first two pairs: Patricia (y), then Katherine (n, taken back, then y).
    expect(decisions(store)).toEqual([
      { source_a: "crm", key_a: "c06", source_b: "shop", key_b: "s18", decision: "same", decided_by: "analyst", origin: "review" },
      { source_a: "crm", key_a: "c31", source_b: "shop", key_b: "s15", decision: "same", decided_by: "analyst", origin: "review" },
    ]);
    expect(reviewAudit(store).map((line) => JSON.parse(line.details).action)).toEqual(["decide", "decide", "undo", "decide"]);
    expect(terminal.stdin.modes).toEqual([true, false]);
    const screen = terminal.screen();
    expect(screen).toMatch(/Pair 1 of 4 {2}match probability 0\.\d{4}/);
    expect(screen).toMatch(/≠ email +pat\.lindqvist@example\.org +plindqvist@mail\.example/);
    expect(screen).toMatch(/ {2}birth_date +1992-09-17 +1992-09-17/);
    expect(screen).toMatch(/for: +birth_date exact \+\d\.\d\d/);
    expect(screen).toMatch(/against: .*else \(all different\) −/);
    expect(screen).toMatch(/u → took back "different people" for pair \d+~\d+/);
    // Audit lines hold ids and counts only: no name, email or phone of the people decided on.
    for (const line of reviewAudit(store)) expect(line.details).not.toMatch(/Katherine|Lindqvist|@|\+1/);
  });

  it("highlights the differing fields in colour; --limit N shows N pairs; the end of stdin quits", async () => {
    const { store } = reviewedStore();
    const terminal = fakeTerminal(true);
    terminal.stdin.end("n");
    const result = await runReview(reviewOptions(store, { limit: 1 }), terminal.io);
    expect(result).toMatchObject({ same: 0, different: 1, left: 3 });
    expect(terminal.screen()).toMatch(/Pair 1 of 1/);
    expect(terminal.screen()).toContain("\u001b[33m\u001b[1mpat.lindqvist@example.org");
    expect(decisions(store).map((row) => row.decision)).toEqual(["different"]);
  });
});

describe("the command line", () => {
  const run = async (args: string[]) => {
    const { main } = await import("../../src/cli/main.js");
    const { streams, out } = capturedStreams();
    return { code: await main(args, streams), ...out };
  };

  it("without a terminal: exit 2 and the file workflow on stderr; --json gets the error as its one object", async () => {
    const { store } = reviewedStore();
    const plain = await run(["--store", store, "review"]);
    expect(plain.code).toBe(2);
    expect(plain.stdout).toBe("");
    expect(plain.stderr).toMatch(
      /error: roster review asks about each pair on a terminal, and stdin is not one\n {2}without a terminal, use the file workflow: roster review --export pairs\.csv/,
    );
    const json = await run(["--store", store, "--json", "review"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ command: "review", ok: false, error: { code: "usage", exit_code: 2 } });
  });

  it.each([
    [["review", "--export", "a.csv", "--import", "b.csv"], /two steps/],
    [["review", "--limit", "0"], /--limit: must be at least 1/],
    [["review", "--limit", "2.5"], /--limit: must be a whole number/],
    [["review", "--import", "b.csv", "--limit", "3"], /--limit is for the interactive review and --export/],
    [["--json", "review", "--export", "-"], /--json with --export - : name a file/],
  ])("%j is a usage error", async (args, message) => {
    const { store } = reviewedStore();
    const result = await run(["--store", store, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("--json: the export's and the import's summaries; a bad file's problems with their lines", async () => {
    const { dir, store } = reviewedStore();
    const file = join(dir, "pairs.csv");
    const exportRun = await run(["--store", store, "--json", "review", "--export", file]);
    expect(exportRun.code).toBe(0);
    expect(JSON.parse(exportRun.stdout)).toEqual({ command: "review", ok: true, mode: "export", store, file, exported: 4, left: 4 });
    const katherine = pairIdOf(store, REVIEW_PAIRS.katherine);
    const bad = writeFile(dir, "bad.csv", `pair_id,decision\n${katherine},si\n`);
    const badRun = await run(["--store", store, "--json", "review", "--import", bad]);
    expect(badRun.code).toBe(2);
    expect(JSON.parse(badRun.stdout)).toMatchObject({
      command: "review",
      ok: false,
      mode: "import",
      applied: 0,
      problems: [{ line: 2, message: expect.stringMatching(/decision "si"/) }],
      error: { code: "usage" },
    });
    const good = writeFile(dir, "good.csv", `pair_id,decision\n${katherine},yes\n`);
    const goodRun = await run(["--store", store, "--json", "review", "--import", good]);
    expect(JSON.parse(goodRun.stdout)).toEqual({
      command: "review",
      ok: true,
      mode: "import",
      store,
      file: good,
      same: 1,
      different: 0,
      skipped: 0,
      replaced: 0,
      left: 3,
    });
    const text = await run(["--store", store, "review", "--import", good]);
    expect(text.stderr).toMatch(
      /good\.csv: 1 pair decided \(1 same person, 0 different\), 1 earlier decision replaced, 0 skipped, 3 pairs left in the queue\nrun roster dedupe so the decisions take effect/,
    );
  });
});
