/**
 * `roster review`: people decide the pairs dedupe was unsure about (its review band), and every later dedupe
 * follows them (pair_decisions). Three ways in: the interactive session on a terminal (review-session.ts), or
 * the file workflow for a spreadsheet: `--export FILE` writes the queue with an empty decision column, and
 * `--import FILE` reads it back, checked whole before anything is applied (one transaction, or nothing).
 *
 * Without a terminal on both stdin and stdout, and without a file to export or import, it refuses (exit 2) and
 * names the file workflow: a prompt nobody can answer would hang a cron job.
 */
import { UsageError } from "../errors.js";
import { count } from "../io/count.js";
import { openInput, streamRows } from "../io/input.js";
import type { KeyInput } from "../io/keys.js";
import { openRecordWriter, outputFormatFor } from "../io/output.js";
import type { Terminal } from "../io/terminal.js";
import { DecisionsFileReader, type FileProblem, type PairStatus, pairProblems } from "../stages/review/decisions-file.js";
import { EXPORT_COLUMNS, exportRow, pairId } from "../stages/review/file-format.js";
import { differingFields, levelLabels, strongestReasons } from "../stages/review/reasons.js";
import { writeAudit } from "../store/audit.js";
import { type Db, openStore } from "../store/open.js";
import { applyImportedDecisions, hasDedupeRun, modelsById, pairStatus, reviewQueue, reviewQueueSize } from "../store/review.js";
import { reviewInteractively } from "./review-session.js";

export interface ReviewOptions {
  storePath: string;
  busyTimeoutMs: number;
  /** --export FILE (- for stdout): the queue as CSV. */
  exportTo?: string | undefined;
  /** --import FILE (- for stdin): decisions to apply. */
  importFrom?: string | undefined;
  /** --limit N: at most N pairs shown or exported. */
  limit?: number | undefined;
  /** Who decides: stored as pair_decisions.decided_by. */
  decidedBy: string;
  /** The flags, for audit_log.args. */
  auditArgs: string[];
}

export interface ReviewIo {
  terminal: Terminal;
  stdin: KeyInput & AsyncIterable<Uint8Array>;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface ReviewResult {
  mode: "interactive" | "export" | "import";
  store: string;
  /** The file exported or imported. */
  file?: string | undefined;
  /** Pairs written (export). */
  exported: number;
  same: number;
  different: number;
  skipped: number;
  /** Pairs whose earlier decision the file's replaced (import). */
  replaced: number;
  /** Undecided pairs left in the review queue afterwards. */
  left: number;
}

/** A decisions file with problems: nothing was applied. The problems, with line numbers, are in the message too. */
export class DecisionsFileError extends UsageError {
  constructor(
    readonly file: string,
    readonly problems: readonly FileProblem[],
  ) {
    const shown = problems.slice(0, 20).map((problem) => `\n  line ${problem.line}: ${problem.message}`);
    const more = problems.length > 20 ? `\n  … and ${count(problems.length - 20, "more problem")}` : "";
    super(
      `${file}: ${count(problems.length, "problem")}, nothing applied:${shown.join("")}${more}`,
      "fix those rows (only pair_id and decision are read) and import the file again",
    );
  }
}

export const FILE_WORKFLOW =
  "roster review --export pairs.csv, fill in its decision column (y or n), then roster review --import pairs.csv";

export async function runReview(options: ReviewOptions, io: ReviewIo): Promise<ReviewResult> {
  if (options.exportTo !== undefined && options.importFrom !== undefined) {
    throw new UsageError("--export and --import are two steps: export, fill in the decisions, then import");
  }
  if (options.importFrom !== undefined) return importDecisions(options, io, options.importFrom);
  if (options.exportTo !== undefined) return exportQueue(options, io, options.exportTo);
  if (io.stdin.isTTY !== true || io.stdout.isTTY !== true) {
    throw new UsageError(
      `roster review asks about each pair on a terminal, and ${io.stdin.isTTY === true ? "stdout" : "stdin"} is not one`,
      `without a terminal, use the file workflow: ${FILE_WORKFLOW}`,
    );
  }
  return withStore(options, async (db, store) => {
    requireDedupeRun(db);
    const pairs = reviewQueue(db, options.limit);
    const empty = { mode: "interactive" as const, store, exported: 0, same: 0, different: 0, skipped: 0, replaced: 0, left: 0 };
    if (pairs.length === 0) return empty;
    const counts = await reviewInteractively(db, pairs, options, io);
    return { ...empty, ...counts, left: reviewQueueSize(db) };
  });
}

async function withStore<T>(options: ReviewOptions, work: (db: Db, store: string) => Promise<T>): Promise<T> {
  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  try {
    return await work(db, path);
  } finally {
    db.close();
  }
}

function requireDedupeRun(db: Db): void {
  if (!hasDedupeRun(db)) throw new UsageError("the store has no dedupe results yet: nothing to review", "run roster dedupe first");
}

async function exportQueue(options: ReviewOptions, io: ReviewIo, file: string): Promise<ReviewResult> {
  if (outputFormatFor(file, "csv") !== "csv")
    throw new UsageError(`--export ${file}: the export is CSV: name a .csv file (or .tsv for tabs)`);
  return withStore(options, async (db, store) => {
    requireDedupeRun(db);
    const pairs = reviewQueue(db, options.limit);
    const labels = new Map(
      [
        ...modelsById(
          db,
          pairs.map((pair) => pair.modelId),
        ),
      ].map(([id, model]) => [id, levelLabels(model)]),
    );
    const writer = openRecordWriter(file, "csv", EXPORT_COLUMNS, io.stdout);
    try {
      for (const pair of pairs) {
        await writer.write(exportRow(pair, strongestReasons(pair.explanation, labels.get(pair.modelId)), differingFields(pair.a, pair.b)));
      }
      await writer.close();
    } catch (error) {
      writer.discard();
      throw error;
    }
    return {
      mode: "export",
      store,
      file,
      exported: pairs.length,
      same: 0,
      different: 0,
      skipped: 0,
      replaced: 0,
      left: reviewQueueSize(db),
    };
  });
}

async function importDecisions(options: ReviewOptions, io: ReviewIo, file: string): Promise<ReviewResult> {
  return withStore(options, async (db, store) => {
    // Unreadable (missing, a directory, undecodable bytes, binary): InputError, exit 3, from the reader.
    const opened = await openInput(file, { encoding: "auto", checksum: false }, io.stdin);
    const reader = new DecisionsFileReader(opened.info.sepLine ? 2 : 1);
    await streamRows(opened, {
      columns: (headers) => reader.columns(headers),
      row: (line, columns, values) => reader.row(line, columns, values),
      reject: (line, raw, reason) => reader.reject(line, raw, reason),
    });
    const parsed = reader.finish();
    const statuses = new Map<string, PairStatus>();
    for (const decision of parsed.decisions) statuses.set(pairId(decision.a, decision.b), pairStatus(db, decision.a, decision.b));
    const problems = [...parsed.problems, ...pairProblems(parsed.decisions, statuses)].sort((x, y) => x.line - y.line);
    const name = opened.info.name;
    if (problems.length > 0) {
      writeAudit(db, "review", options.auditArgs, "failed", { action: "import", file: name, problems: problems.length });
      throw new DecisionsFileError(name, problems);
    }
    const applied = applyImportedDecisions(db, parsed.decisions, options.decidedBy, options.auditArgs, {
      file: name,
      skipped: parsed.skipped,
    });
    return {
      mode: "import",
      store,
      file: name,
      exported: 0,
      ...applied,
      skipped: parsed.skipped,
      left: reviewQueueSize(db),
    };
  });
}
