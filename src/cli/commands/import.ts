/** `roster import`: the commander adapter (options → runImport) and the human / JSON output. */
import { z } from "zod";
import { type FileResult, type ImportOptions, type ImportResult, type RejectLimit, runImport } from "../../commands/import.js";
import { InputError, UsageError } from "../../errors.js";
import { CANONICAL_FIELDS } from "../../fields/canonical.js";
import { invalidMappingTargets } from "../../fields/mapping.js";
import { count, number } from "../../io/count.js";
import { parseEncodingName } from "../../io/encoding.js";
import { FORMATS } from "../../io/sniff.js";
import type { Terminal } from "../../io/terminal.js";
import { failOnGate } from "../gate.js";
import { type Globals, parseOptions, resolveGlobals } from "../globals.js";
import type { CliContext } from "../program.js";

const ImportFlags = z.object({
  format: z.enum(FORMATS).optional(),
  encoding: z.string().default("auto"),
  delimiter: z.string().optional(),
  map: z.array(z.string()).optional(),
  source: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .regex(/^[^\p{Cc}]+$/u, "must not contain control characters")
    .optional(),
  dryRun: z.boolean().optional(),
  maxRejects: z.string().optional(),
});

export function parseDelimiter(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const delimiter = value === "tab" || value === "\\t" ? "\t" : value;
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new UsageError(`--delimiter takes one character (or 'tab'), not ${JSON.stringify(value)}`);
  }
  return delimiter;
}

export function parseMaxRejects(value: string | undefined): RejectLimit | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(value);
  if (!match) throw new UsageError(`--max-rejects takes a count (10) or a percentage (0.5%), not ${JSON.stringify(value)}`);
  const number = Number(match[1]);
  if (match[2] === "%") {
    // As --max-invalid: a share above 100% could never be exceeded, so the gate would silently never fail.
    if (number > 100) throw new UsageError(`--max-rejects: a percentage goes from 0% to 100%, not ${value.trim()}`);
    return { text: value.trim(), percent: number };
  }
  if (!Number.isInteger(number)) throw new UsageError(`--max-rejects: a count must be a whole number, not ${value}`);
  return { text: value.trim(), count: number };
}

export function parseMapFlags(pairs: readonly string[] | undefined): Record<string, string> {
  const mappings: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const at = pair.lastIndexOf("=");
    if (at <= 0 || at === pair.length - 1) throw new UsageError(`--map takes COLUMN=FIELD, not ${JSON.stringify(pair)}`);
    mappings[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  const invalid = invalidMappingTargets(mappings);
  if (invalid.length > 0)
    throw new UsageError(`--map ${invalid[0]}: unknown field`, "fields are listed in the README under 'Canonical fields'");
  return mappings;
}

export function importOptionsFrom(files: string[], raw: Record<string, unknown>, globals: Globals): ImportOptions {
  const flags = parseOptions(ImportFlags, raw);
  const encoding = parseEncodingName(flags.encoding);
  if (!encoding)
    throw new UsageError(
      `--encoding: unsupported encoding ${JSON.stringify(flags.encoding)}`,
      "use auto, utf-8, utf-16le, utf-16be, gb18030, gbk or latin1",
    );
  if (files.filter((f) => f === "-").length > 1) throw new UsageError("stdin (-) can be read only once");
  const mapFlags = parseMapFlags(flags.map);
  return {
    files,
    read: { format: flags.format, encoding, delimiter: parseDelimiter(flags.delimiter) },
    mappings: { ...globals.config.mappings, ...mapFlags },
    mapFlagColumns: Object.keys(mapFlags),
    source: flags.source,
    dryRun: flags.dryRun === true,
    maxRejects: parseMaxRejects(flags.maxRejects),
    storePath: globals.storePath,
    busyTimeoutMs: globals.busyTimeoutMs,
  };
}

export async function importCommand(files: string[], raw: Record<string, unknown>, context: CliContext): Promise<void> {
  const globals = resolveGlobals(raw, context);
  const options = importOptionsFrom(files, raw, globals);
  const result = await runImport(options, { terminal: globals.terminal, stdin: context.streams.stdin as AsyncIterable<Uint8Array> });
  const { terminal } = globals;
  for (const file of result.files) {
    for (const warning of file.warnings) terminal.warn(warning);
    terminal.detail(describeDetection(file));
  }
  if (globals.json) terminal.result(toJson(result));
  else if (options.dryRun) {
    // A file that cannot be read has no mapping or rows to show: only its error (below, or here among several).
    for (const file of result.files) {
      if (file.status !== "failed") printDryRun(terminal, file);
      else if (result.files.length > 1) terminal.error(file.error ?? `${file.file}: cannot be read`);
    }
  } else printSummary(terminal, result, options);
  if (result.failed > 0) {
    const first = result.files.find((f) => f.status === "failed");
    throw new InputError(
      result.files.length === 1
        ? (first?.error ?? "the input cannot be read")
        : `${number(result.failed)} of ${count(result.files.length, "file")} could not be read; the others were ${options.dryRun ? "read (dry run)" : "imported"}`,
    );
  }
  failOnGate(result.gate);
}

const countsText = (counts: FileResult["counts"]) =>
  `${number(counts.read)} read, ${number(counts.new)} new, ${number(counts.changed)} changed, ${number(counts.unchanged)} unchanged, ${number(counts.rejected)} rejected`;

/** For --verbose: how the input was read and mapped. */
function describeDetection(file: FileResult): string {
  const delimiter = file.delimiter === undefined ? "" : `, delimiter ${JSON.stringify(file.delimiter)}`;
  const mapping = file.mapping.map((m) => `${m.column} → ${m.field}`).join(", ");
  return `${file.file}: ${file.format}, ${file.encoding} (${file.encodingBy})${delimiter}; columns: ${mapping || "none"}`;
}

function printSummary(terminal: Terminal, result: ImportResult, options: ImportOptions): void {
  const c = terminal.color;
  for (const file of result.files) {
    const seconds = file.durationMs / 1000;
    if (file.status === "failed") {
      if (result.files.length > 1) terminal.error(file.error ?? `${file.file}: cannot be read`);
      continue;
    }
    const { counts } = file;
    if (file.status === "duplicate") {
      terminal.info(
        `${c.dim("=")} ${file.file}: a duplicate of batch ${file.duplicateOf} (same sha256, read the same way): nothing added; ` +
          `batch ${file.duplicateOf} had ${countsText(counts)}`,
      );
      continue;
    }
    const rate = seconds >= 1 ? `, ${number(Math.round(counts.read / Math.max(seconds, 0.001)))} rows/s` : "";
    const mark = counts.rejected > 0 ? c.yellow("!") : c.green("✓");
    const replaced = file.replaces === undefined ? "" : `, replaces batch ${file.replaces}`;
    terminal.info(
      `${mark} ${file.file} → source ${c.bold(file.source)} (batch ${file.batchId}${replaced}, ${file.format}, ${file.encoding}): ` +
        `${number(counts.read)} read, ${c.green(`${number(counts.new)} new`)}, ${number(counts.changed)} changed, ` +
        `${number(counts.unchanged)} unchanged, ${counts.rejected > 0 ? c.yellow(`${number(counts.rejected)} rejected`) : "0 rejected"} ` +
        `in ${seconds.toFixed(1)} s${rate}`,
    );
    if (file.unmapped.length > 0) terminal.info(`    ${unmappedLine(file.unmapped)}`);
    if (file.replaces !== undefined) {
      terminal.info(
        `    same bytes as batch ${file.replaces}, read differently (${file.rereadBecause?.join(", ")}): its records were replaced by these`,
      );
    }
    for (const reject of file.rejects) terminal.info(`    ${file.file}:${reject.line}: ${reject.reason}`);
    if (counts.rejected > file.rejects.length) terminal.info(`    … and ${number(counts.rejected - file.rejects.length)} more`);
    if (counts.rejected > 0) {
      terminal.info(
        c.dim(`    all rejects: sqlite3 ${options.storePath} "SELECT line, reason, raw FROM rejects WHERE batch_id = ${file.batchId}"`),
      );
    }
  }
}

function printDryRun(terminal: Terminal, file: FileResult): void {
  const c = terminal.stdoutColor; // the mapping and rows go to stdout; only the closing note to stderr
  const delimiter = file.delimiter === undefined ? "" : `, delimiter ${JSON.stringify(file.delimiter)}`;
  terminal.out(`${c.bold(file.file)}: ${file.format}, ${file.encoding} (${file.encodingBy})${delimiter}, source "${file.source}"`);
  terminal.out("column mapping:");
  const width = Math.max(6, ...file.mapping.map((m) => m.column.length));
  for (const m of file.mapping) {
    const how = m.by === "map" ? " (--map/config)" : "";
    terminal.out(`  ${m.column.padEnd(width)}  →  ${m.field === "attributes" ? c.dim("attributes") : c.green(m.field)}${how}`);
  }
  if (file.unmapped.length > 0) terminal.out(unmappedLine(file.unmapped));
  terminal.out(`first ${count(file.sample.length, "row")}, canonical fields:`);
  for (const record of file.sample) terminal.out(`  line ${record.line}: ${JSON.stringify(sampleFields(record))}`);
  for (const reject of file.rejects) terminal.out(`  line ${reject.line}: ${c.yellow("would be rejected")}: ${reject.reason}`);
  terminal.info(terminal.color.dim("dry run: nothing was written"));
}

/** Columns no synonym matched, named once so that a missed header is noticed (they are kept in attributes). */
function unmappedLine(columns: readonly string[]): string {
  const shown = columns.slice(0, 20).map((column) => JSON.stringify(column));
  const more = columns.length > shown.length ? ` … and ${number(columns.length - shown.length)} more` : "";
  return `unmapped (kept in attributes; --map COLUMN=FIELD to map one): ${shown.join(", ")}${more}`;
}

function sampleFields(record: FileResult["sample"][number]): Record<string, string> {
  const out: Record<string, string> = {};
  record.values.forEach((value, i) => {
    if (value !== null) out[CANONICAL_FIELDS[i] as string] = value;
  });
  if (record.attributes) out.attributes = record.attributes;
  return out;
}

function toJson(result: ImportResult) {
  return {
    command: "import",
    store: result.store ?? null,
    ok: !result.gate.failed && result.failed === 0,
    failed: result.failed,
    totals: result.totals,
    files: result.files.map((f) => ({
      file: f.file,
      source: f.source,
      status: f.status,
      error: f.error ?? null,
      batch_id: f.batchId ?? null,
      duplicate_of: f.duplicateOf ?? null,
      replaces: f.replaces ?? null,
      reread_because: f.rereadBecause ?? [],
      format: f.format,
      encoding: f.encoding,
      encoding_detected_by: f.encodingBy,
      delimiter: f.delimiter ?? null,
      counts: f.counts,
      duration_ms: Math.round(f.durationMs),
      rejects: f.rejects,
      warnings: f.warnings,
      mapping: Object.fromEntries(f.mapping.map((m) => [m.column, m.field])),
      unmapped_columns: f.unmapped,
      gate_failed: f.gateFailed,
      ...(f.status === "dry-run" ? { sample: f.sample.map((r) => ({ line: r.line, raw: JSON.parse(r.raw) })) } : {}),
    })),
  };
}
