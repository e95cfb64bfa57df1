/**
 * `roster normalize` as a file filter: files and stdin in (pipeline/file-records.ts), normalized CSV/TSV/JSON
 * Lines out. Per source, the date order comes from roster.yml or the data.
 */
import { CANONICAL_FIELDS } from "../fields/canonical.js";
import { openRecordWriter, outputFormatFor, type RecordWriter } from "../io/output.js";
import { KEY_NAMES, type RecordKeys } from "../model/keys.js";
import { readFileRecords } from "../pipeline/file-records.js";
import { normalizeRecord } from "../stages/normalize/index.js";
import { NormalizeSummary, SHOWN_FINDINGS } from "../stages/normalize/summary.js";
import { defaultSource } from "./import.js";
import type { NormalizeIo, NormalizeOptions, NormalizeResult } from "./normalize.js";
import { fileEvidence, sourceContext } from "./source-contexts.js";

/**
 * Normalizing a file this filter wrote: its own extra columns arrive as unmapped attributes. The keys are
 * computed again, parts kept apart earlier (title, suffix, extension) are kept when the values no longer hold
 * them, and a previous `attributes` column is unpacked, so a second pass writes the same row.
 */
export function carryOwnColumns(attributes: string | null, keys: RecordKeys): string | null {
  if (attributes === null) return null;
  const extra = JSON.parse(attributes) as Record<string, string>;
  if (!OWN_COLUMNS.some((column) => column in extra)) return attributes;
  for (const kept of ["phone_ext", "name_title", "name_suffix"] as const) if (keys[kept] === null && extra[kept]) keys[kept] = extra[kept];
  let previous: Record<string, string> = {};
  try {
    previous = extra.attributes ? (JSON.parse(extra.attributes) as Record<string, string>) : {};
  } catch {
    previous = { attributes: extra.attributes as string }; // not ours after all: keep it as it was
  }
  const rest = Object.fromEntries(Object.entries(extra).filter(([column]) => !OWN_COLUMNS.includes(column)));
  const merged = { ...previous, ...rest };
  return Object.keys(merged).length > 0 ? JSON.stringify(merged) : null;
}

const OWN_COLUMNS = ["source", "line", ...KEY_NAMES, "attributes"];

/** The columns a normalized file carries: where the row came from, the canonical fields, keys, attributes. */
export const OUTPUT_COLUMNS = ["source", "line", ...CANONICAL_FIELDS, ...KEY_NAMES, "attributes"];

export async function normalizeFiles(options: NormalizeOptions, io: NormalizeIo): Promise<NormalizeResult> {
  const result: NormalizeResult = {
    mode: "files",
    store: undefined,
    dryRun: options.dryRun,
    sources: [],
    summary: new NormalizeSummary(),
    findings: [],
    rejects: [],
  };
  let writer: RecordWriter | undefined;
  try {
    for (const file of options.files) {
      const source = options.source ?? defaultSource(file);
      const evidence = await fileEvidence(file, source, options, options, io.stdin, { terminal: io.terminal, label: "reading dates of" });
      const { report, context } = sourceContext(source, options, evidence);
      const name = file === "-" ? "<stdin>" : file;
      await readFileRecords(
        file,
        source,
        options,
        { stdin: io.stdin, progress: { terminal: io.terminal, label: "normalizing" } },
        {
          warn: (message) => io.terminal.warn(message),
          wantsAttributes: true,
          opened: (format) => {
            if (!options.dryRun) writer ??= openRecordWriter(options.out, outputFormatFor(options.out, format), OUTPUT_COLUMNS, io.stdout);
          },
          record: async ({ values, line, attributes }) => {
            const after = normalizeRecord(values, context);
            const carried = carryOwnColumns(attributes ?? null, after.keys);
            result.summary.add(values, after);
            report.records++;
            for (const finding of after.findings) {
              if (result.findings.length < SHOWN_FINDINGS) result.findings.push({ where: `${name}:${line}`, finding });
            }
            await writer?.write({ source, line, ...after.values, ...after.keys, attributes: carried });
          },
          reject: (line, reason) => void result.rejects.push({ where: `${name}:${line}`, reason }),
        },
      );
      result.sources.push(report);
    }
    await writer?.close();
    return result;
  } catch (error) {
    writer?.discard();
    throw error;
  }
}
