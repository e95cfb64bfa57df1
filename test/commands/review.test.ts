/**
 * `roster review --export` and `--import` as command functions on stores built by import → dedupe
 * (test/helpers/review-stores.ts: four pairs in the review band): the queue's order, the export's columns, the
 * round trip export → fill in → import → pair_decisions → dedupe, and malformed decisions files (each problem
 * with its line, nothing applied). The interactive session and the command line: review-interactive.test.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { DecisionsFileError, type ReviewOptions, runReview } from "../../src/commands/review.js";
import { InputError, UsageError } from "../../src/errors.js";
import { EXPORT_COLUMNS } from "../../src/stages/review/file-format.js";
import { reviewQueue } from "../../src/store/review.js";
import { CRM_CSV, MATCHED_PAIR, REVIEW_PAIRS, SHOP_CSV } from "../helpers/review-fixture.js";
import { clusterOf, decisions, dedupe, pairIdOf, pipes, reviewAudit, reviewOptions, useReviewedStores } from "../helpers/review-stores.js";
import { importOrThrow, query } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const reviewedStore = useReviewedStores();

/** Export the queue and read the file back as rows. */
async function exported(store: string, dir: string, overrides: Partial<ReviewOptions> = {}) {
  const file = join(dir, "pairs.csv");
  const result = await runReview(reviewOptions(store, { exportTo: file, ...overrides }), pipes());
  const rows = parse(readFileSync(file), { columns: true, bom: true }) as Record<string, string>[];
  return { file, result, rows };
}

describe("the review queue", () => {
  it("holds the review band's undecided pairs of current records, closest to p = 0.5 first, ties by record ids", () => {
    const { store } = reviewedStore();
    const expected = query<{ record_a: number; record_b: number; match_weight: number }>(
      store,
      "SELECT record_a, record_b, match_weight FROM pairs WHERE decision = 'review'",
    )
      .sort((x, y) => Math.abs(x.match_weight) - Math.abs(y.match_weight) || x.record_a - y.record_a || x.record_b - y.record_b)
      .map((pair) => `${pair.record_a}~${pair.record_b}`);
    const db = new Database(store);
    try {
      const queue = reviewQueue(db);
      expect(queue.map((pair) => `${pair.a.id}~${pair.b.id}`)).toEqual(expected);
      expect(new Set(expected)).toEqual(new Set(Object.values(REVIEW_PAIRS).map((pair) => pairIdOf(store, pair))));
      // Katherine and Patricia tie (the same levels): the lower record id comes first.
      expect(expected.slice(0, 2)).toEqual([pairIdOf(store, REVIEW_PAIRS.patricia), pairIdOf(store, REVIEW_PAIRS.katherine)]);
      const weights = queue.map((pair) => Math.abs(pair.matchWeight));
      expect(weights).toEqual([...weights].sort((x, y) => x - y));
      // Both records' canonical fields come along, as normalize stored them.
      const wang = queue.find((pair) => pair.a.sourceId === "c28");
      expect(wang?.a.values).toMatchObject({ given_name: "娜", family_name: "王", phone: "+8613755551234", city: "广州" });
      expect(wang?.b).toMatchObject({ source: "shop", sourceId: "s17" });
      expect(Object.keys(wang?.explanation ?? {})).toContain("birth_date");
      expect(reviewQueue(db, 1)).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it("a decided pair leaves it, and so does a pair whose record was imported again in a new version", async () => {
    const { dir, store } = reviewedStore();
    const before = (await exported(store, dir)).rows.map((row) => row.pair_id);
    const [katherine, smiths] = [pairIdOf(store, REVIEW_PAIRS.katherine), pairIdOf(store, REVIEW_PAIRS.smiths)];
    writeFile(dir, "decisions.csv", `pair_id,decision\n${katherine},n\n`);
    await runReview(reviewOptions(store, { importFrom: join(dir, "decisions.csv") }), pipes());
    // The shop sends Mary Smith again with another email: her new version has a new id, not yet scored.
    await importOrThrow([writeFile(dir, "shop2.csv", SHOP_CSV.replace("smith.family@example.com", "mary.smith@example.com"))], store, {
      source: "shop",
    });
    const again = await exported(store, dir);
    expect(before).toHaveLength(4);
    expect(again.rows.map((row) => row.pair_id)).toEqual(before.filter((id) => id !== katherine && id !== smiths));
    expect(again.result.left).toBe(2);
  });
});

describe("--export", () => {
  it("writes every queued pair: both records side by side, the probability, an empty decision column; owner-only", async () => {
    const { dir, store } = reviewedStore();
    const { file, result, rows } = await exported(store, dir);
    expect(result).toMatchObject({ mode: "export", exported: 4, left: 4, same: 0, different: 0 });
    expect(readFileSync(file, "utf8").split("\n")[0]).toBe(EXPORT_COLUMNS.join(","));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name.includes(".partial-"))).toEqual([]);
    const smiths = rows.find((row) => row.pair_id === pairIdOf(store, REVIEW_PAIRS.smiths)) as Record<string, string>;
    expect(smiths).toMatchObject({
      decision: "",
      source_a: "crm",
      source_id_a: "c26",
      source_b: "shop",
      source_id_b: "s16",
      given_name_a: "John",
      given_name_b: "Mary",
      email_a: "smith.family@example.com",
      email_b: "smith.family@example.com",
      phone_a: "'+16175550126", // kept as text in a spreadsheet
      differs: "given_name full_name birth_date",
    });
    const stored = query<{ match_probability: number }>(
      store,
      "SELECT match_probability FROM pairs WHERE record_a = ? AND record_b = ?",
      Number(smiths.record_a),
      Number(smiths.record_b),
    )[0];
    expect(Number(smiths.match_probability)).toBeCloseTo(stored?.match_probability as number, 6);
    expect(smiths.reasons_for).toMatch(/phone exact \+\d\.\d\d/);
    expect(smiths.reasons_against).toMatch(/given_name else \(all different\) −\d\.\d\d/);
    // 王娜: the Chinese values as they are, UTF-8.
    const wang = rows.find((row) => row.source_id_a === "c28");
    expect(wang).toMatchObject({
      given_name_a: "娜",
      family_name_b: "王",
      address_line1_a: "天河区体育西路1号",
      address_line1_b: "越秀区中山路5号",
    });
    // Reading exports nothing into the audit log.
    expect(reviewAudit(store)).toEqual([]);
  });

  it("--limit N writes the N most uncertain pairs; an empty queue still writes the header", async () => {
    const { dir, store } = reviewedStore();
    const limited = await exported(store, dir, { limit: 2 });
    expect(limited.rows.map((row) => row.pair_id)).toEqual([
      pairIdOf(store, REVIEW_PAIRS.patricia),
      pairIdOf(store, REVIEW_PAIRS.katherine),
    ]);
    expect(limited.result).toMatchObject({ exported: 2, left: 4 });
    const all = (await exported(store, dir)).rows;
    writeFile(dir, "all.csv", stringify([["pair_id", "decision"], ...all.map((row) => [row.pair_id, "y"])]));
    await runReview(reviewOptions(store, { importFrom: join(dir, "all.csv") }), pipes());
    const empty = await exported(store, dir);
    expect(empty.rows).toEqual([]);
    expect(readFileSync(empty.file, "utf8")).toBe(`${EXPORT_COLUMNS.join(",")}\n`);
  });

  it("is refused before dedupe has run, and for a file that is not CSV", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importOrThrow([writeFile(dir, "crm.csv", CRM_CSV)], store, { source: "crm" });
    await expect(runReview(reviewOptions(store, { exportTo: join(dir, "p.csv") }), pipes())).rejects.toThrow(/no dedupe results yet/);
    await expect(runReview(reviewOptions(store, { exportTo: join(dir, "p.xlsx") }), pipes())).rejects.toThrow(UsageError);
    expect(existsSync(join(dir, "p.csv"))).toBe(false);
  });
});

describe("--import: the round trip", () => {
  it("export → fill in → import stores the decisions by source and record key; dedupe then follows them", async () => {
    const { dir, store } = reviewedStore();
    const { rows } = await exported(store, dir);
    const answers: Record<string, string> = {
      [pairIdOf(store, REVIEW_PAIRS.katherine)]: "Yes",
      [pairIdOf(store, REVIEW_PAIRS.smiths)]: "n",
      [pairIdOf(store, REVIEW_PAIRS.wangNa)]: "different",
    };
    // As a spreadsheet saves it: every column kept, the decision filled in, Patricia left blank.
    const filled = rows.map((row) => ({ ...row, decision: answers[row.pair_id as string] ?? "" }));
    const file = writeFile(dir, "decisions.csv", stringify(filled, { header: true, columns: [...EXPORT_COLUMNS] }));
    const result = await runReview(reviewOptions(store, { importFrom: file }), pipes());
    expect(result).toMatchObject({ mode: "import", same: 1, different: 2, skipped: 1, replaced: 0, left: 1 });
    expect(decisions(store)).toEqual([
      { source_a: "crm", key_a: "c26", source_b: "shop", key_b: "s16", decision: "different", decided_by: "analyst", origin: "import" },
      { source_a: "crm", key_a: "c28", source_b: "shop", key_b: "s17", decision: "different", decided_by: "analyst", origin: "import" },
      { source_a: "crm", key_a: "c31", source_b: "shop", key_b: "s15", decision: "same", decided_by: "analyst", origin: "import" },
    ]);
    const audit = reviewAudit(store);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.details as string)).toEqual({ action: "import", file, skipped: 1, same: 1, different: 2, replaced: 0 });

    expect(clusterOf(store, "crm:c31")).not.toBe(clusterOf(store, "shop:s15"));
    await dedupe(store);
    // A yes joins Katherine's records; a no keeps the Smiths apart even where the threshold would match them.
    expect(clusterOf(store, "crm:c31")).toBe(clusterOf(store, "shop:s15"));
    await dedupe(store, { threshold: 0.8 });
    expect(clusterOf(store, "crm:c26")).not.toBe(clusterOf(store, "shop:s16"));
  });

  it("without the decision, the lower threshold would have joined the Smiths (the test above can fail)", async () => {
    const { store } = reviewedStore();
    await dedupe(store, { threshold: 0.8 });
    expect(clusterOf(store, "crm:c26")).toBe(clusterOf(store, "shop:s16"));
  });

  it("a matched pair can be said to be two people too: the next dedupe splits it; a second file replaces a decision", async () => {
    const { dir, store } = reviewedStore();
    expect(clusterOf(store, MATCHED_PAIR[0])).toBe(clusterOf(store, MATCHED_PAIR[1]));
    const matched = pairIdOf(store, MATCHED_PAIR);
    await runReview(reviewOptions(store, { importFrom: writeFile(dir, "a.csv", `pair_id,decision\n${matched},0\n`) }), pipes());
    await dedupe(store);
    expect(clusterOf(store, MATCHED_PAIR[0])).not.toBe(clusterOf(store, MATCHED_PAIR[1]));
    const again = await runReview(
      reviewOptions(store, { importFrom: writeFile(dir, "b.csv", `pair_id,decision\n${matched},1\n`) }),
      pipes(),
    );
    expect(again).toMatchObject({ same: 1, replaced: 1 });
    expect(decisions(store).map((row) => row.decision)).toEqual(["same"]);
    await dedupe(store);
    expect(clusterOf(store, MATCHED_PAIR[0])).toBe(clusterOf(store, MATCHED_PAIR[1]));
  });
});

describe("--import: a malformed decisions file is rejected whole, each problem with its line", () => {
  async function rejected(store: string, dir: string, text: string): Promise<DecisionsFileError> {
    const file = writeFile(dir, "decisions.csv", text);
    const error = await runReview(reviewOptions(store, { importFrom: file }), pipes()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DecisionsFileError);
    expect(error).toBeInstanceOf(UsageError); // exit 2, like a bad roster.yml
    expect(decisions(store)).toEqual([]); // nothing applied, not even the good rows
    expect(reviewAudit(store).at(-1)?.outcome).toBe("failed");
    return error as DecisionsFileError;
  }

  it("a bad decision word, an unknown pair id, a duplicate row: all reported, the good rows not applied", async () => {
    const { dir, store } = reviewedStore();
    const [katherine, smiths] = [pairIdOf(store, REVIEW_PAIRS.katherine), pairIdOf(store, REVIEW_PAIRS.smiths)];
    const error = await rejected(store, dir, `pair_id,decision\n${katherine},y\n${smiths},perhaps\n99~100,n\n${katherine},n\n`);
    expect(error.problems.map((problem) => problem.line)).toEqual([3, 4, 5]);
    expect(error.problems[0]?.message).toMatch(/decision "perhaps" is not one roster knows/);
    expect(error.problems[1]?.message).toBe("no pair 99~100 in the store: pair ids come from roster review --export");
    expect(error.problems[2]?.message).toBe(`pair ${katherine} is on line 2 already: give each pair one row`);
    expect(error.message).toMatch(/decisions\.csv: 3 problems, nothing applied:\n {2}line 3: .*\n {2}line 4: .*\n {2}line 5: /);
    expect(JSON.parse(reviewAudit(store).at(-1)?.details as string)).toMatchObject({ action: "import", problems: 3 });
  });

  it("a missing column: one problem on the header's line", async () => {
    const { dir, store } = reviewedStore();
    const error = await rejected(store, dir, `pair_id,answer\n${pairIdOf(store, REVIEW_PAIRS.katherine)},y\n`);
    expect(error.problems).toEqual([
      { line: 1, message: expect.stringMatching(/the header has no decision column \(found "pair_id", "answer"\)/) },
    ]);
  });

  it("a row the CSV reader cannot split, and a pair whose record changed since the export", async () => {
    const { dir, store } = reviewedStore();
    const smiths = pairIdOf(store, REVIEW_PAIRS.smiths);
    await importOrThrow([writeFile(dir, "shop2.csv", SHOP_CSV.replace("smith.family@example.com", "mary.smith@example.com"))], store, {
      source: "shop",
    });
    const error = await rejected(store, dir, `pair_id,decision\n${smiths},n\n${pairIdOf(store, REVIEW_PAIRS.katherine)},y,extra\n`);
    expect(error.problems.map((problem) => problem.line)).toEqual([2, 3]);
    expect(error.problems[0]?.message).toMatch(/one of its records is no longer current/);
    expect(error.problems[1]?.message).toMatch(/cannot read the row: expected 2 fields, found 3/);
  });

  it("a file that cannot be read at all is an input error (exit 3), and nothing is applied", async () => {
    const { dir, store } = reviewedStore();
    await expect(runReview(reviewOptions(store, { importFrom: join(dir, "missing.csv") }), pipes())).rejects.toThrow(InputError);
    const binary = writeFile(dir, "decisions.xlsx", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, 0xff, 0xfe, 0, 1, 2]));
    await expect(runReview(reviewOptions(store, { importFrom: binary }), pipes())).rejects.toThrow(InputError);
    expect(decisions(store)).toEqual([]);
  });
});
