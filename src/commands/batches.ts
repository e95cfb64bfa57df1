/**
 * `roster batches`: list the imports, or remove one (its records, keys, findings and rejects) in one
 * transaction. Listing only reads, so it writes no audit_log line (like any query of the store); removing always
 * writes one, refused or not. src/cli/commands/batches.ts formats the results.
 */
import { StoreError, UsageError } from "../errors.js";
import { writeAudit } from "../store/audit.js";
import { type BatchRow, listBatches, type RemoveOutcome, removeBatch } from "../store/batches.js";
import { openStore } from "../store/open.js";

export interface BatchesOptions {
  storePath: string;
  busyTimeoutMs: number;
  source?: string | undefined;
}

export interface BatchesResult {
  store: string;
  batches: BatchRow[];
}

export type RemovedResult = Extract<RemoveOutcome, { kind: "removed" }> & { store: string };

export async function runBatches(options: BatchesOptions): Promise<BatchesResult> {
  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  try {
    return { store: path, batches: listBatches(db, options.source) };
  } finally {
    db.close();
  }
}

/** Unknown id: exit 2 naming it; an import into the batch's source is running: exit 4 (try again after it). */
export async function runBatchesRm(options: BatchesOptions & { id: number }): Promise<RemovedResult> {
  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  const args = ["rm", String(options.id)];
  try {
    let outcome: RemoveOutcome;
    try {
      outcome = removeBatch(db, options.id);
    } catch (error) {
      writeAudit(db, "batches", args, "failed", { batch_id: options.id, error: (error as Error).message });
      throw error;
    }
    if (outcome.kind === "unknown") {
      writeAudit(db, "batches", args, "failed", { batch_id: options.id, error: "no such batch" });
      throw new UsageError(`no batch ${options.id} in ${path}`, "`roster batches` lists the batches and their ids");
    }
    if (outcome.kind === "busy") {
      const { importing } = outcome;
      writeAudit(db, "batches", args, "failed", { batch_id: options.id, error: `batch ${importing.id} is importing` });
      throw new StoreError(
        `cannot remove batch ${options.id} now: batch ${importing.id} is being imported into source "${importing.source}"`,
        "an import compares its rows with the source's current records; run `roster batches rm` again once it has finished",
      );
    }
    writeAudit(db, "batches", args, "ok", removedJson(outcome));
    return { ...outcome, store: path };
  } finally {
    db.close();
  }
}

/** What a removal did, with ids and counts only (no personal data): the audit line and the --json result. */
export function removedJson(removed: Extract<RemoveOutcome, { kind: "removed" }>) {
  return {
    batch_id: removed.batch.id,
    source: removed.batch.source,
    path: removed.batch.path,
    records: removed.records,
    rejects: removed.rejects,
    findings: removed.findings,
    duplicates: removed.duplicates,
    reinstated: removed.reinstated ?? null,
    current_again: removed.currentAgain,
  };
}
