/** Running roster in-process (command functions) and as the built binary (end to end). */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import Database from "better-sqlite3";
import type { DedupeOptions } from "../../src/commands/dedupe.js";
import { type ImportOptions, type ImportResult, runImport } from "../../src/commands/import.js";
import type { NormalizeOptions } from "../../src/commands/normalize.js";
import type { ValidateOptions } from "../../src/commands/validate.js";
import { InputError } from "../../src/errors.js";
import { Terminal } from "../../src/io/terminal.js";
import { DEFAULT_SETTINGS, type DedupeSettings } from "../../src/stages/dedupe/spec.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const BIN = join(ROOT, "bin", "roster.js");

/** A terminal that writes nowhere, as in a cron job with no TTY. */
export function quietTerminal(): { terminal: Terminal; stderr: () => string } {
  const err = new PassThrough();
  let text = "";
  err.on("data", (chunk) => {
    text += String(chunk);
  });
  const terminal = new Terminal({ stdin: Readable.from([]), stdout: new PassThrough(), stderr: err, env: {} }, {});
  return { terminal, stderr: () => text };
}

/** runImport, failing like the CLI (exit 3) when a file could not be read: its error becomes the rejection. */
export async function importOrThrow(files: string[], storePath: string, overrides: Partial<ImportOptions> = {}): Promise<ImportResult> {
  const result = await importFiles(files, storePath, overrides);
  const failed = result.files.find((f) => f.status === "failed");
  if (failed) throw new InputError(failed.error ?? "failed");
  return result;
}

export async function importFiles(files: string[], storePath: string, overrides: Partial<ImportOptions> = {}): Promise<ImportResult> {
  const { terminal } = quietTerminal();
  return runImport(
    {
      files,
      read: { encoding: "auto" },
      mappings: {},
      source: undefined,
      dryRun: false,
      maxRejects: undefined,
      storePath,
      busyTimeoutMs: 5000,
      ...overrides,
    },
    { terminal },
  );
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built binary with no TTY, as cron and CI do. */
export function cli(args: string[], options: { cwd: string; env?: Record<string, string>; input?: string | Buffer }): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    input: options.input ?? "",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...options.env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs the binary and kills it (SIGKILL) inside the transaction that applies its plan, once that has spilled
 * pages into the WAL: the run holds the write lock (a probe's BEGIN IMMEDIATE is refused) and the WAL has frames
 * no commit covers. Returns the run and the WAL size at the kill (0: it finished before a kill could land).
 */
export async function killWhileWriting(
  args: string[],
  /** `whenLocked`: kill as soon as the run holds the write lock, WAL or not (a writer whose pages fit its cache). */
  options: { cwd: string; store: string; env?: Record<string, string>; whenLocked?: boolean },
) {
  const { child, done } = cliAsync(args, { cwd: options.cwd, ...(options.env ? { env: options.env } : {}) });
  const walSize = () => (existsSync(`${options.store}-wal`) ? statSync(`${options.store}-wal`).size : 0);
  const probe = new Database(options.store, { timeout: 0 });
  let killedAtWal = 0;
  try {
    const deadline = Date.now() + 60_000;
    while (killedAtWal === 0 && Date.now() < deadline && child.exitCode === null) {
      try {
        probe.exec("BEGIN IMMEDIATE");
        probe.exec("ROLLBACK");
      } catch (error) {
        if (!String((error as { code?: string }).code).startsWith("SQLITE_BUSY")) throw error;
        const size = options.whenLocked ? Math.max(1, walSize()) : walSize();
        if (size > 0) {
          child.kill("SIGKILL");
          killedAtWal = size;
        }
      }
      if (killedAtWal === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    probe.close();
  }
  return { killed: await done, killedAtWal };
}

/** Start the binary without waiting (crash and concurrency tests). */
export function cliAsync(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => {
    stdout += String(c);
  });
  child.stderr.on("data", (c) => {
    stderr += String(c);
  });
  const done = new Promise<CliRun & { signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Read-only view of a store for assertions. */
export function query<T = Record<string, unknown>>(storePath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(storePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/**
 * Run the binary so that file permissions apply even when the tests run as root (CI containers): root keeps
 * its user id but loses the capabilities that bypass permission checks. As any other user, run it plainly.
 */
export function cliWithPermissions(args: string[], cwd: string): CliRun {
  if (process.getuid?.() !== 0) return cli(args, { cwd });
  const drop = "-dac_override,-dac_read_search";
  const result = spawnSync("setpriv", [`--inh-caps=${drop}`, `--bounding-set=${drop}`, "--", process.execPath, BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Options for runNormalize on a store (or, with `files`, as a filter), everything else at its default. */
export function normalizeOptions(storePath: string, overrides: Partial<NormalizeOptions> = {}): NormalizeOptions {
  return {
    files: [],
    read: { encoding: "auto" },
    mappings: {},
    source: undefined,
    out: undefined,
    dryRun: false,
    country: undefined,
    dateOrder: undefined,
    perSource: {},
    storePath,
    busyTimeoutMs: 5000,
    ...overrides,
  };
}

/**
 * The default dedupe settings with a smaller random-pair budget for u: on a few dozen records every level cannot
 * reach its 100 observations, so the default budget (a million pairs) would be spent in full by each training.
 */
export const TEST_DEDUPE_SETTINGS: DedupeSettings = { ...DEFAULT_SETTINGS, uPairBudget: 40_000 };

/** Options for runDedupe on a store, as `roster dedupe` builds them (US phones, the test settings). */
export function storeDedupeOptions(storePath: string, overrides: Partial<DedupeOptions> = {}): DedupeOptions {
  return {
    files: [],
    read: { encoding: "auto" },
    mappings: {},
    source: undefined,
    out: undefined,
    country: "US",
    dateOrder: undefined,
    perSource: {},
    storePath,
    busyTimeoutMs: 5000,
    settings: TEST_DEDUPE_SETTINGS,
    attributeColumns: [],
    retrain: false,
    full: false,
    auditArgs: [],
    ...overrides,
  };
}

/** Options for runValidate on a store (or, with `files`, straight on files): the CLI's defaults otherwise. */
export function validateOptions(storePath: string, overrides: Partial<ValidateOptions> = {}): ValidateOptions {
  return {
    ...normalizeOptions(storePath),
    workers: 0,
    required: [],
    disabled: [],
    custom: [],
    failOn: "error",
    thresholds: [],
    ...overrides,
  };
}
