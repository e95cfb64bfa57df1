/** `roster import`: the commander adapter (options → runImport) and the human / JSON output. */
import { z } from "zod";
import { type FileResult, type ImportOptions, type ImportResult, type RejectLimit, runImport } from "../../commands/import.js";
import { InputError, UsageError } from "../../errors.js";
import { CANONICAL_FIELDS } from "../../fields/canonical.js";
import { invalidMappingTargets } from "../../fields/mapping.js";
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
  if (match[2] === "%") return { text: value.trim(), percent: number };
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
  if (globals.json) terminal.out(JSON.stringify(toJson(result)));
  else if (options.dryRun) {
    for (const file of result.files) printDryRun(terminal, file);
  } else printSummary(terminal, result, options);
  if (result.failed > 0) {
    const first = result.files.find((f) => f.status === "failed");
    throw new InputError(
      result.files.length === 1
        ? (first?.error ?? "the input cannot be read")
        : `${result.failed} of ${result.files.length} files could not be read; the others were imported`,
    );
  }
  failOnGate(result.gate);
}

const number = (n: number) => n.toLocaleString("en-US");

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
    if (file.status === "duplicate") {
      terminal.info(`${c.dim("=")} ${file.file}: already imported as batch ${file.duplicateOf} (same sha256): nothing added`);
      continue;
    }
    const { counts } = file;
    const rate = seconds >= 1 ? `, ${number(Math.round(counts.read / Math.max(seconds, 0.001)))} rows/s` : "";
    const mark = counts.rejected > 0 ? c.yellow("!") : c.green("✓");
    terminal.info(
      `${mark} ${file.file} → source ${c.bold(file.source)} (batch ${file.batchId}, ${file.format}, ${file.encoding}): ` +
        `${number(counts.read)} read, ${c.green(`${number(counts.new)} new`)}, ${number(counts.changed)} changed, ` +
        `${number(counts.unchanged)} unchanged, ${counts.rejected > 0 ? c.yellow(`${number(counts.rejected)} rejected`) : "0 rejected"} ` +
        `in ${seconds.toFixed(1)} s${rate}`,
    );
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
  const c = terminal.color;
  const delimiter = file.delimiter === undefined ? "" : `, delimiter ${JSON.stringify(file.delimiter)}`;
  terminal.out(`${c.bold(file.file)}: ${file.format}, ${file.encoding} (${file.encodingBy})${delimiter}, source "${file.source}"`);
  terminal.out("column mapping:");
  const width = Math.max(6, ...file.mapping.map((m) => m.column.length));
  for (const m of file.mapping) {
    const how = m.by === "map" ? " (--map/config)" : "";
    terminal.out(`  ${m.column.padEnd(width)}  →  ${m.field === "attributes" ? c.dim("attributes") : c.green(m.field)}${how}`);
  }
  terminal.out(`first ${file.sample.length} row(s), canonical fields:`);
  for (const record of file.sample) terminal.out(`  line ${record.line}: ${JSON.stringify(sampleFields(record))}`);
  for (const reject of file.rejects) terminal.out(`  line ${reject.line}: ${c.yellow("would be rejected")}: ${reject.reason}`);
  terminal.info(c.dim("dry run: nothing was written"));
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
      format: f.format,
      encoding: f.encoding,
      encoding_detected_by: f.encodingBy,
      delimiter: f.delimiter ?? null,
      counts: f.counts,
      duration_ms: Math.round(f.durationMs),
      rejects: f.rejects,
      warnings: f.warnings,
      mapping: Object.fromEntries(f.mapping.map((m) => [m.column, m.field])),
      gate_failed: f.gateFailed,
      ...(f.status === "dry-run" ? { sample: f.sample.map((r) => ({ line: r.line, raw: JSON.parse(r.raw) })) } : {}),
    })),
  };
}
