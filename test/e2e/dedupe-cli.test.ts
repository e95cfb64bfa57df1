/**
 * `roster dedupe` through the built binary: exit codes, what goes to stdout and to stderr, --json, the file
 * filter, bad roster.yml, and a kill -9 in the middle of a run. The store tests share one store deduplicated once
 * (training is the slow part); a test that writes works on a copy.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCustomersCsv } from "../../bench/generate-customers.mjs";
import { type CliRun, cli, killWhileWriting, query } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";
import { CRM_CSV, SHOP_JSONL } from "../helpers/two-exports.js";

/** The duplicates across the two files, as source:source_id pairs. */
const DUPLICATES = [
  ["crm:c01", "shop:s01"],
  ["crm:c02", "shop:s02"],
  ["crm:c03", "shop:s03"],
  ["crm:c05", "shop:s04"],
  ["crm:c07", "shop:s06"],
  ["crm:c19", "shop:s05"],
];
const ROWS = 24 + 8;

const US = ["--country", "US"];

/** A directory holding crm.csv and shop.jsonl (tempDir's, removed after the test, unless given). */
function inputs(dir = tempDir()): { dir: string; crm: string; shop: string } {
  return { dir, crm: writeFile(dir, "crm.csv", CRM_CSV), shop: writeFile(dir, "shop.jsonl", SHOP_JSONL) };
}

/** stdout is one line holding one JSON object. */
function onlyObject(stdout: string): Record<string, unknown> {
  const lines = stdout.split("\n").filter((line) => line !== "");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

/** Groups of more than one row by cluster id, as sorted source:source_id lists. */
function sharedClusters(rows: { reference: string; cluster: string | number | null }[]): string[][] {
  const groups = new Map<string | number | null, string[]>();
  for (const { reference, cluster } of rows) groups.set(cluster, [...(groups.get(cluster) ?? []), reference]);
  return [...groups.values()]
    .filter((group) => group.length > 1)
    .map((group) => group.sort())
    .sort((x, y) => (x[0] as string).localeCompare(y[0] as string));
}

function storeClusters(store: string): string[][] {
  const rows = query<{ source: string; source_id: string; cluster_id: number }>(
    store,
    "SELECT source, source_id, cluster_id FROM current_records",
  );
  return sharedClusters(rows.map((r) => ({ reference: `${r.source}:${r.source_id}`, cluster: r.cluster_id })));
}

describe("dedupe on the store", () => {
  let dir: string;
  let store: string;
  let first: CliRun;
  beforeAll(() => {
    // Shared by the tests of this block, so not tempDir's (removed after each test).
    const files = inputs(mkdtempSync(join(tmpdir(), "roster-test-")));
    dir = files.dir;
    store = join(dir, "roster.db");
    expect(cli([...US, "import", files.crm], { cwd: dir }).code).toBe(0);
    expect(cli([...US, "import", files.shop], { cwd: dir }).code).toBe(0);
    first = cli([...US, "dedupe"], { cwd: dir });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A copy of the deduplicated store in a directory of its own. */
  function copy(): string {
    const other = tempDir();
    copyFileSync(store, join(other, "roster.db"));
    return other;
  }

  it("the first run normalizes first, prints its summary on stderr and nothing on stdout", () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe("");
    expect(first.stderr).toMatch(/32 records not normalized yet: normalizing the store first/);
    expect(first.stderr).toMatch(/trained a new model \(first run\)/);
    expect(first.stderr).toMatch(/^blocking rule +pairs$/m);
    expect(first.stderr).toMatch(/^email +\d+$/m);
    expect(first.stderr).toMatch(/not compared \(no record fills them\): national_id/);
    expect(first.stderr).toMatch(/^6 matches at p >= 0\.95, 0 pairs for review \(p >= 0\.5\)$/m);
    expect(first.stderr).toMatch(/^32 records in 26 clusters \(by size 1: 20, 2: 6; largest 2\)$/m);
    expect(storeClusters(store)).toEqual(DUPLICATES);
  });

  it("a second run has nothing new: exit 0, says so, writes nothing; --json says run unchanged", () => {
    const other = copy();
    const before = query(
      join(other, "roster.db"),
      "SELECT (SELECT count(*) FROM dedupe_runs) AS runs, (SELECT count(*) FROM pairs) AS pairs",
    );
    const again = cli([...US, "dedupe"], { cwd: other });
    expect(again).toMatchObject({ code: 0, stdout: "" });
    expect(again.stderr).toBe("nothing new since the last dedupe: 32 records in 26 clusters, nothing written\n");
    const json = cli([...US, "--json", "dedupe"], { cwd: other });
    expect(json.code).toBe(0);
    expect(onlyObject(json.stdout)).toMatchObject({
      command: "dedupe",
      ok: true,
      mode: "store",
      run: "unchanged",
      records: 32,
      scored: 0,
      clusters: { count: 26 },
    });
    expect(
      query(join(other, "roster.db"), "SELECT (SELECT count(*) FROM dedupe_runs) AS runs, (SELECT count(*) FROM pairs) AS pairs"),
    ).toEqual(before);
  });

  it("--explain by source:source_id prints the waterfall: prior, every comparison, total, probability, rule", () => {
    const run = cli(["dedupe", "--explain", "crm:c01", "shop:s01"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const text = run.stdout + run.stderr;
    expect(text).toMatch(/^records 1 and 25 \(model 1\)$/m);
    expect(text).toMatch(/^step +record 1 +record 25 +level +m +u +weight +tf adj\. +total$/m);
    expect(text).toMatch(/^prior +-\d+\.\d\d +-\d+\.\d\d$/m);
    for (const comparison of ["given_name", "family_name", "email", "phone", "birth_date", "address"]) {
      expect(text).toMatch(new RegExp(`^${comparison} `, "m"));
    }
    expect(text).toMatch(/^given_name +william +bill +nickname \(Bill \/ William\) /m);
    expect(text).toMatch(/^phone +14155550101 +14155550101 +exact /m);
    expect(text).toMatch(/^match weight \d+\.\d\d → match probability (0\.99\d+|1\.000000) \(stored as match\)$/m);
    expect(text).toMatch(/^found by blocking rule: email$/m);
  });

  it("--explain of two unrelated records says no rule pairs them and, per rule, what differs", () => {
    const run = cli(["dedupe", "--explain", "1", "12"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const text = run.stdout + run.stderr;
    expect(text).toMatch(/no blocking rule pairs these records, so dedupe never scores them\. Why not:/);
    expect(text).toMatch(/^ {2}email: email "william\.turner@example\.com" vs "lpetrova@example\.com"$/m);
    expect(text).toMatch(/^ {2}birth_date\+family_initial: birth_date "1980-03-14" vs "1966-10-10"; family_initial "t" vs "p"$/m);
    expect(text).not.toMatch(/found by blocking rule/);
  });

  it("--explain --json and --show-model --json: one object each, snake_case", () => {
    const explain = cli(["--json", "dedupe", "--explain", "crm:c19", "shop:s05"], { cwd: dir });
    expect(explain.code, explain.stderr).toBe(0);
    const explained = onlyObject(explain.stdout) as { explain: Record<string, unknown> };
    expect(explained).toMatchObject({ command: "dedupe", ok: true });
    expect(Object.keys(explained.explain).sort()).toEqual(
      [
        "blocking_rule",
        "decision",
        "match_probability",
        "match_weight",
        "model_id",
        "person_decision",
        "prior",
        "prior_weight",
        "records",
        "steps",
        "why_not",
      ].sort(),
    );
    expect(explained.explain).toMatchObject({
      records: [19, 29],
      blocking_rule: "email",
      decision: "match",
      why_not: [],
      person_decision: null,
    });
    const steps = explained.explain.steps as Record<string, unknown>[];
    expect(steps.map((s) => s.comparison)).toEqual(["given_name", "family_name", "email", "phone", "birth_date", "address"]);
    expect(Object.keys(steps[0] as object).sort()).toEqual([
      "comparison",
      "cumulative",
      "label",
      "level",
      "m",
      "tf_adjustment",
      "u",
      "values",
      "weight",
    ]);
    expect(explained.explain.match_weight).toBeCloseTo((steps.at(-1) as { cumulative: number }).cumulative, 9);

    const model = cli(["--json", "dedupe", "--show-model"], { cwd: dir });
    expect(model.code, model.stderr).toBe(0);
    const shown = onlyObject(model.stdout) as { comparisons: { name: string; levels: Record<string, unknown>[] }[] };
    expect(shown).toMatchObject({
      command: "dedupe",
      ok: true,
      model_id: 1,
      records: 32,
      trained_at: expect.any(String),
      prior: expect.any(Number),
    });
    expect(shown.comparisons.map((c) => c.name)).toEqual(["given_name", "family_name", "email", "phone", "birth_date", "address"]);
    for (const comparison of shown.comparisons) {
      comparison.levels.forEach((level, index) => {
        expect(level).toEqual({
          level: index + 1,
          label: expect.any(String),
          m: expect.any(Number),
          u: expect.any(Number),
          weight: expect.any(Number),
          tf: expect.toBeOneOf([expect.any(String), null]),
        });
        expect(level.weight as number).toBeCloseTo(Math.log2((level.m as number) / (level.u as number)), 6);
      });
    }
  });

  it("--show-model prints every comparison's levels with m, u and weight", () => {
    const run = cli(["dedupe", "--show-model"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const text = run.stdout + run.stderr;
    expect(text).toMatch(/^model 1, trained \S+ on 32 records; prior \d\.\d{3}e-\d+ \(weight -\d+\.\d\d\)$/m);
    for (const comparison of ["given_name", "family_name", "email", "phone", "birth_date", "address"]) {
      expect(text).toMatch(new RegExp(`^${comparison}$`, "m"));
    }
    expect(text).toMatch(/^ {2}nickname \(Bill \/ William\) +m +\S+ +u +\S+ +weight +-?\d+\.\d\d$/m);
    expect(text.match(/^ {2}else \(all different\) +m /gm)).toHaveLength(6);
  });

  it("--explain and --show-model print their tables on stdout", () => {
    const model = cli(["dedupe", "--show-model"], { cwd: dir });
    expect(model.stdout).toMatch(/^model 1, trained/m);
    const explain = cli(["dedupe", "--explain", "crm:c01", "shop:s01"], { cwd: dir });
    expect(explain.stdout).toMatch(/^found by blocking rule: email$/m);
  });

  it("--explain of an unknown record: exit 2 naming it; of one record: exit 2", () => {
    const unknown = cli(["dedupe", "--explain", "crm:c01", "crm:nobody"], { cwd: dir });
    expect(unknown).toMatchObject({ code: 2, stdout: "" });
    expect(unknown.stderr).toMatch(/^error: --explain: no current record "crm:nobody"$/m);
    const json = cli(["--json", "dedupe", "--explain", "999", "1"], { cwd: dir });
    expect(json.code).toBe(2);
    expect(onlyObject(json.stdout)).toMatchObject({
      command: "dedupe",
      ok: false,
      error: { code: "usage", message: expect.stringContaining('"999"') },
    });
    const one = cli(["dedupe", "--explain", "1"], { cwd: dir });
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/--explain takes two records/);
  });

  it("usage errors: --review-threshold above --threshold, -o without files, store flags with files: exit 2", () => {
    for (const args of [
      ["--threshold", "0.9", "--review-threshold", "0.95"],
      ["--review-threshold", "0.97"], // above the default threshold 0.95
      ["--threshold", "0"],
      ["--threshold", "1.5"],
      ["-o", "out.csv"],
      ["crm.csv", "--full"],
      ["crm.csv", "--explain", "1", "2"],
    ]) {
      const run = cli(["dedupe", ...args], { cwd: dir });
      expect([args.join(" "), run.code, run.stdout]).toEqual([args.join(" "), 2, ""]);
      expect(run.stderr).toMatch(/^error: /);
    }
    expect(cli(["dedupe", "--threshold", "0.9", "--review-threshold", "0.95"], { cwd: dir }).stderr).toMatch(
      /--review-threshold 0\.95 is above the threshold 0\.9/,
    );
    // Nothing was run: the store still has its one run.
    expect(query(store, "SELECT count(*) AS n FROM dedupe_runs")).toEqual([{ n: 1 }]);
  });

  it("--threshold below the default review threshold lowers the review band, as roster.yml's threshold does", () => {
    const other = copy();
    const run = cli([...US, "dedupe", "--threshold", "0.4"], { cwd: other });
    expect(run.code, run.stderr).toBe(0);
  });

  it.each([
    [
      "an unknown level kind",
      "dedupe.comparisons.email.levels.0.jaro",
      "dedupe:\n  comparisons:\n    email:\n      levels:\n        - jaro: 0.9\n",
    ],
    ["a threshold out of range", "dedupe.threshold", "dedupe:\n  threshold: 2\n"],
    ["review_threshold above threshold", "dedupe.review_threshold", "dedupe:\n  threshold: 0.9\n  review_threshold: 0.95\n"],
    [
      "a typo in a sorted rule",
      "dedupe.blocking_rules.1.windw",
      "dedupe:\n  blocking_rules:\n    - [email]\n    - {sorted: name_key, windw: 3}\n",
    ],
    ["an unknown dedupe key", "dedupe.treshold", "dedupe:\n  treshold: 0.9\n"],
    ["dropping a comparison that is not there", "dedupe.comparisons.shoe_size", "dedupe:\n  comparisons:\n    shoe_size: false\n"],
  ])("a bad roster.yml dedupe section (%s): exit 2 naming %s", (_what, path, yaml) => {
    const other = copy();
    writeFile(other, "roster.yml", yaml);
    const run = cli(["dedupe"], { cwd: other });
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain(`roster.yml: ${path}: `);
    const json = cli(["--json", "dedupe"], { cwd: other });
    expect(onlyObject(json.stdout)).toMatchObject({ command: "dedupe", ok: false, error: { code: "usage", exit_code: 2 } });
    expect(query(join(other, "roster.db"), "SELECT count(*) AS n FROM dedupe_runs")).toEqual([{ n: 1 }]);
  });
});

describe("dedupe on an empty or missing store", () => {
  it("an empty store: exit 0, nothing to cluster", () => {
    const dir = tempDir();
    expect(cli(["init"], { cwd: dir }).code).toBe(0);
    const run = cli(["--json", "dedupe"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(onlyObject(run.stdout)).toMatchObject({
      command: "dedupe",
      ok: true,
      records: 0,
      candidate_pairs: 0,
      matches: 0,
      clusters: { count: 0 },
    });
  });

  it("no store: exit 4 saying how to make one", () => {
    const dir = tempDir();
    const run = cli(["dedupe"], { cwd: dir });
    expect(run).toMatchObject({ code: 4, stdout: "" });
    expect(run.stderr).toMatch(/^error: no store at .*roster\.db$/m);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("dedupe files (the filter)", () => {
  let dir: string;
  let toFile: CliRun;
  let toStdout: CliRun;
  beforeAll(() => {
    const files = inputs(mkdtempSync(join(tmpdir(), "roster-test-")));
    dir = files.dir;
    toFile = cli([...US, "--json", "dedupe", files.crm, files.shop, "-o", "out.csv"], { cwd: dir });
    toStdout = cli([...US, "dedupe", "crm.csv", "shop.jsonl"], { cwd: dir });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("-o out.csv: every row with cluster_id and match_probability, duplicates together, no store", () => {
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(onlyObject(toFile.stdout)).toMatchObject({
      command: "dedupe",
      ok: true,
      mode: "files",
      store: null,
      records: ROWS,
      out: "out.csv",
    });
    expect(readdirSync(dir).sort()).toEqual(["crm.csv", "out.csv", "shop.jsonl"]); // no store, no temporary file

    const rows = parse(readFileSync(join(dir, "out.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(ROWS);
    expect(Object.keys(rows[0] as object).slice(-2)).toEqual(["cluster_id", "match_probability"]);
    expect(sharedClusters(rows.map((r) => ({ reference: `${r.source}:${r.source_id}`, cluster: r.cluster_id as string })))).toEqual(
      DUPLICATES,
    );
    const single = rows.find((r) => r.source_id === "c04");
    expect(single?.match_probability).toBe("");
    expect(Number(rows.find((r) => r.source_id === "s05")?.match_probability)).toBeGreaterThanOrEqual(0.95);
  });

  it("without -o the rows go to stdout and the summary to stderr; the same input gives the same output", () => {
    expect(toStdout.code, toStdout.stderr).toBe(0);
    expect(toStdout.stdout).toBe(readFileSync(join(dir, "out.csv"), "utf8"));
    expect(toStdout.stderr).toMatch(/^6 matches at p >= 0\.95/m);
    expect(toStdout.stderr).toMatch(/^32 records in 26 clusters/m);
  });

  it("the summary does not point to --show-model for a model that was never stored", () => {
    expect(toStdout.stderr).toMatch(/trained a model on these files/);
    expect(toStdout.stderr).not.toMatch(/--show-model/);
  });

  it("--json without -o is exit 2 (the rows would go to stdout); a missing input is exit 3", () => {
    const { dir, crm } = inputs();
    const json = cli(["--json", "dedupe", crm], { cwd: dir });
    expect(json.code).toBe(2);
    expect(onlyObject(json.stdout)).toMatchObject({
      command: "dedupe",
      ok: false,
      error: { code: "usage", message: expect.stringMatching(/-o FILE/) },
    });
    const missing = cli(["dedupe", "nope.csv", "-o", "out.csv"], { cwd: dir });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/nope\.csv/);
    expect(existsSync(join(dir, "out.csv"))).toBe(false);
    expect(existsSync(join(dir, "roster.db"))).toBe(false);
  });
});

describe("dedupe reading the store on a worker thread", () => {
  it("ROSTER_WORKERS=1 (half the features read, and the comparisons over them computed, on a thread) writes exactly what one thread writes", async () => {
    const dir = tempDir();
    const file = join(dir, "customers.csv");
    await writeCustomersCsv(file, { rows: 4_000, seed: 11, truth: false });
    const inline = join(dir, "inline.db");
    const threaded = join(dir, "threaded.db");
    expect(cli(["--store", inline, "import", file], { cwd: dir }).code).toBe(0);
    expect(cli(["--store", inline, "normalize"], { cwd: dir }).code).toBe(0);
    copyFileSync(inline, threaded);
    const one = cli(["--json", "--store", inline, "dedupe"], { cwd: dir, env: { ROSTER_WORKERS: "0" } });
    const two = cli(["--json", "--store", threaded, "dedupe"], { cwd: dir, env: { ROSTER_WORKERS: "1" } });
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const summary = (run: CliRun) => {
      const { phases: _p, seconds: _s, store: _t, ...rest } = JSON.parse(run.stdout) as Record<string, unknown>;
      return rest;
    };
    expect(summary(two)).toEqual(summary(one));
    expect((summary(one) as { matches: number }).matches).toBeGreaterThan(100);
    const state = (store: string) => ({
      clusters: query(store, "SELECT id, cluster_id FROM current_records ORDER BY id"),
      pairs: query(store, "SELECT * FROM pairs ORDER BY record_a, record_b"),
      records: query(store, "SELECT * FROM dedupe_records ORDER BY record_id"),
      models: query(store, "SELECT model FROM dedupe_models ORDER BY id"),
    });
    expect(state(threaded)).toEqual(state(inline));
  });
});

describe("SIGKILL in the middle of a dedupe run", () => {
  it("killed half-way through writing its plan: the previous run's clusters and pairs are intact", async () => {
    const dir = tempDir();
    const file = join(dir, "big.csv");
    const store = join(dir, "roster.db");
    await writeCustomersCsv(file, { rows: 20_000, seed: 3, truth: false });
    expect(cli(["import", file], { cwd: dir }).code).toBe(0);
    const first = cli(["dedupe"], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const state = () => ({
      clusters: query(store, "SELECT id, cluster_id FROM current_records ORDER BY id"),
      pairs: query(store, "SELECT * FROM pairs ORDER BY record_a, record_b"),
      runs: query(store, "SELECT id, model_id, mode FROM dedupe_runs ORDER BY id"),
      models: query(store, "SELECT id FROM dedupe_models ORDER BY id"),
      fingerprints: query(store, "SELECT * FROM dedupe_records ORDER BY record_id"),
    });
    const before = state();
    expect(before.pairs.length).toBeGreaterThan(1000);
    // Pairs the killed run would have turned into matches, joining clusters.
    const promoted = (before.pairs as { match_probability: number; decision: string }[]).filter(
      (p) => p.decision === "review" && p.match_probability >= 0.6,
    );
    expect(promoted.length).toBeGreaterThan(0);

    // A lower threshold changes the settings: a new model, every pair written again, clusters joined. Killed
    // inside the transaction that applies its plan, once it has spilled pages into the WAL: it holds the write
    // lock (a probe's BEGIN IMMEDIATE is refused) and the WAL has frames no commit covers.
    const { killed, killedAtWal } = await killWhileWriting(["dedupe", "--threshold", "0.6"], { cwd: dir, store });
    expect(killedAtWal).toBeGreaterThan(0);
    expect(killed).toMatchObject({ code: null, signal: "SIGKILL" }); // it really died mid-way, not after finishing

    expect(query(store, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
    expect(state()).toEqual(before);

    // The next run finds the store as the first run left it: nothing new.
    const again = cli(["dedupe"], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/^nothing new since the last dedupe: 20,000 records/m);
  });
});
