/**
 * Stores for the `roster review` command tests, built by import → dedupe from test/helpers/review-fixture.ts once
 * per test file (training is the slow part; each test works on a copy), and what the tests read back from them.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, expect } from "vitest";
import { type DedupeOptions, runDedupe } from "../../src/commands/dedupe.js";
import { runNormalize } from "../../src/commands/normalize.js";
import type { ReviewIo, ReviewOptions } from "../../src/commands/review.js";
import { DEFAULT_SETTINGS, type DedupeSettings } from "../../src/stages/dedupe/spec.js";
import { CRM_CSV, SHOP_CSV } from "./review-fixture.js";
import { importOrThrow, normalizeOptions, query, quietTerminal, storeDedupeOptions } from "./run.js";
import { tempDir, writeFile } from "./temp.js";

/** A wide review band (the fixture's four uncertain pairs), and a small u budget for a few dozen records. */
export const REVIEW_SETTINGS: DedupeSettings = { ...DEFAULT_SETTINGS, uPairBudget: 40_000, reviewThreshold: 0.01 };

function dedupeOptions(storePath: string, settings: Partial<DedupeSettings> = {}): DedupeOptions {
  return storeDedupeOptions(storePath, { settings: { ...REVIEW_SETTINGS, ...settings } });
}

export async function dedupe(storePath: string, settings: Partial<DedupeSettings> = {}) {
  const { terminal } = quietTerminal();
  return runDedupe(dedupeOptions(storePath, settings), {
    terminal,
    stdout: new PassThrough(),
    normalizeFirst: async () => {
      await runNormalize(normalizeOptions(storePath, { country: "US" }), { terminal, stdout: new PassThrough() });
    },
  });
}

/**
 * Registers the test file's beforeAll (the fixture imported and deduplicated once: four pairs for review, ten
 * matches) and afterAll; returns what gives each test a fresh directory with a copy of that store.
 */
export function useReviewedStores(): () => { dir: string; store: string } {
  let templateDir = "";
  let template = "";
  beforeAll(async () => {
    // Not tempDir(): that one is removed after each test, and the template serves them all.
    templateDir = mkdtempSync(join(tmpdir(), "roster-review-"));
    template = join(templateDir, "template.db");
    await importOrThrow([writeFile(templateDir, "crm.csv", CRM_CSV)], template, { source: "crm" });
    await importOrThrow([writeFile(templateDir, "shop.csv", SHOP_CSV)], template, { source: "shop" });
    expect(await dedupe(template)).toMatchObject({ matches: 10, review: 4 });
  });
  afterAll(() => rmSync(templateDir, { recursive: true, force: true }));
  return () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    copyFileSync(template, store);
    return { dir, store };
  };
}

export const idOf = (store: string, reference: string) => {
  const [source, sourceId] = reference.split(":");
  return query<{ id: number }>(store, "SELECT id FROM current_records WHERE source = ? AND source_id = ?", source, sourceId)[0]
    ?.id as number;
};
export const pairIdOf = (store: string, [x, y]: readonly [string, string]) => {
  const [a, b] = [idOf(store, x), idOf(store, y)].sort((p, q) => p - q);
  return `${a}~${b}`;
};
export const clusterOf = (store: string, reference: string) =>
  query<{ cluster_id: number }>(store, "SELECT cluster_id FROM current_records WHERE id = ?", idOf(store, reference))[0]?.cluster_id;

export const decisions = (store: string) =>
  query<{ source_a: string; key_a: string; source_b: string; key_b: string; decision: string; decided_by: string; origin: string }>(
    store,
    "SELECT source_a, key_a, source_b, key_b, decision, decided_by, origin FROM pair_decisions ORDER BY source_a, key_a, source_b, key_b",
  );
export const reviewAudit = (store: string) =>
  query<{ args: string; outcome: string; details: string }>(
    store,
    "SELECT args, outcome, details FROM audit_log WHERE command = 'review' ORDER BY id",
  );

export function reviewOptions(store: string, overrides: Partial<ReviewOptions> = {}): ReviewOptions {
  return { storePath: store, busyTimeoutMs: 5000, decidedBy: "analyst", auditArgs: [], ...overrides };
}

/** No terminal: stdin and stdout are pipes, as in cron. */
export function pipes(): ReviewIo & { text: () => string } {
  const stdout = new PassThrough();
  let text = "";
  stdout.on("data", (chunk) => {
    text += String(chunk);
  });
  return { terminal: quietTerminal().terminal, stdin: Readable.from([]) as ReviewIo["stdin"], stdout, text: () => text };
}
