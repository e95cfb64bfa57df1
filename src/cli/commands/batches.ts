/** `roster batches` (list the imports) and `roster batches rm ID` (remove one): the adapter and the output. */
import { basename } from "node:path";
import { z } from "zod";
import { type BatchesOptions, removedJson, runBatches, runBatchesRm } from "../../commands/batches.js";
import { UsageError } from "../../errors.js";
import { count, number } from "../../io/count.js";
import type { Terminal } from "../../io/terminal.js";
import type { BatchRow } from "../../store/batches.js";
import { type Globals, parseOptions, resolveGlobals } from "../globals.js";
import type { CliContext } from "../program.js";

const ListFlags = z.object({ source: z.string().trim().min(1, "must not be empty").optional() });

export async function batchesCommand(raw: Record<string, unknown>, context: CliContext): Promise<void> {
  const globals = resolveGlobals(raw, context);
  const flags = parseOptions(ListFlags, raw);
  const result = await runBatches({ ...storeOptions(globals), source: flags.source });
  if (globals.json) {
    globals.terminal.result({ command: "batches", ok: true, store: result.store, batches: result.batches.map(batchJson) });
    return;
  }
  printTable(globals.terminal, result.batches);
}

export async function batchesRmCommand(id: string, raw: Record<string, unknown>, context: CliContext): Promise<void> {
  const globals = resolveGlobals(raw, context);
  if (!/^\s*[1-9]\d*\s*$/.test(id) || !Number.isSafeInteger(Number(id)))
    throw new UsageError(`batches rm takes a batch id (a whole number), not ${JSON.stringify(id)}`, "`roster batches` lists the ids");
  const result = await runBatchesRm({ ...storeOptions(globals), id: Number(id) });
  const { terminal } = globals;
  if (globals.json) {
    terminal.result({ command: "batches", ok: true, action: "rm", store: result.store, ...removedJson(result) });
    return;
  }
  const { batch } = result;
  const parts = [count(result.records, "record"), count(result.rejects, "reject"), count(result.findings, "finding")];
  if (result.duplicates.length > 0)
    parts.push(
      `${count(result.duplicates.length, "duplicate batch", "duplicate batches").replace(/^\d+ /, "")} ${result.duplicates.join(", ")}`,
    );
  terminal.info(`removed batch ${batch.id} (source ${batch.source}, ${fileName(batch.path)}): ${parts.join(", ")}`);
  if (result.reinstated !== undefined) terminal.info(`batch ${result.reinstated}, which it had replaced, is current again`);
  if (result.currentAgain > 0)
    terminal.info(`${count(result.currentAgain, "earlier record version")} ${result.currentAgain === 1 ? "is" : "are"} current again`);
  if (result.reinstated !== undefined || result.currentAgain > 0)
    terminal.info(terminal.color.dim("run `roster normalize` (and `roster validate`) to bring their keys and findings up to date"));
}

function storeOptions(globals: Globals): BatchesOptions {
  return { storePath: globals.storePath, busyTimeoutMs: globals.busyTimeoutMs };
}

const fileName = (path: string) => (path === "-" ? "stdin" : basename(path));

function batchJson(batch: BatchRow) {
  return {
    id: batch.id,
    source: batch.source,
    file: fileName(batch.path),
    path: batch.path,
    sha256: batch.sha256,
    format: batch.format,
    encoding: batch.encoding,
    delimiter: batch.delimiter,
    status: batch.status,
    duplicate_of: batch.duplicateOf,
    replaces: batch.replaces,
    replaced_by: batch.replacedBy,
    imported_at: batch.importedAt,
    finished_at: batch.finishedAt,
    counts: batch.counts,
  };
}

/** Local time to the minute: when an analyst ran the import. */
function when(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function statusText(batch: BatchRow): string {
  if (batch.status === "duplicate" && batch.duplicateOf !== null) return `duplicate of ${batch.duplicateOf}`;
  if (batch.status === "replaced" && batch.replacedBy !== null) return `replaced by ${batch.replacedBy}`;
  if (batch.status === "complete" && batch.replaces !== null) return `complete (replaces ${batch.replaces})`;
  return batch.status;
}

/** The table goes to stdout: it is the command's data (`roster batches | grep crm`). */
function printTable(terminal: Terminal, batches: readonly BatchRow[]): void {
  if (batches.length === 0) {
    terminal.info("no batches: nothing has been imported yet");
    return;
  }
  const header = ["id", "source", "file", "imported", "read", "new", "changed", "unchanged", "rejected", "status"];
  const rows = batches.map((b) => [
    String(b.id),
    b.source,
    fileName(b.path),
    when(b.importedAt),
    number(b.counts.read),
    number(b.counts.new),
    number(b.counts.changed),
    number(b.counts.unchanged),
    number(b.counts.rejected),
    statusText(b),
  ]);
  const numeric = new Set([0, 4, 5, 6, 7, 8]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  terminal.out(line(header));
  for (const row of rows) terminal.out(line(row));
}
