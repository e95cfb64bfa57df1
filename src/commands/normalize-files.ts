/**
 * `roster normalize` as a file filter, and reading inputs as canonical rows (which validate shares): files and
 * stdin in, normalized CSV/TSV/JSON Lines out. Per source, the date order comes from roster.yml or the data.
 */
import { statSync } from "node:fs";
import { CANONICAL_FIELDS } from "../fields/canonical.js";
import { ColumnMapper } from "../fields/mapping.js";
import { PlanCache, planRow, type RowPlan, rowAttributes, rowValues } from "../fields/record.js";
import { openInput, streamRows } from "../io/input.js";
import { openRecordWriter, outputFormatFor, type RecordWriter } from "../io/output.js";
import type { Terminal } from "../io/terminal.js";
import { KEY_NAMES, type RecordKeys } from "../model/keys.js";
import type { RecordValues } from "../model/record.js";
import { collectDateOrder, type DateOrderEvidence, decideDateOrder } from "../stages/normalize/dates.js";
import { normalizeRecord } from "../stages/normalize/index.js";
import { NormalizeSummary } from "../stages/normalize/summary.js";
import { defaultSource } from "./import.js";
import type { NormalizeOptions, NormalizeResult, SourceReport } from "./normalize.js";
import { SHOWN_FINDINGS } from "./normalize-range.js";

const DATE_FIELDS = ["birth_date", "created_at", "updated_at"] as const;

export function datesOf(values: RecordValues): string[] {
  return DATE_FIELDS.map((field) => values[field]).filter((v): v is string => v !== null);
}

export function dateOrderFor(
  source: string,
  options: NormalizeOptions,
  evidence: DateOrderEvidence,
): Pick<SourceReport, "dateOrder" | "dateOrderFrom"> {
  const configured = options.perSource[source]?.dateOrder ?? options.dateOrder;
  if (configured) return { dateOrder: configured, dateOrderFrom: "config" };
  const decided = decideDateOrder(evidence);
  return decided ? { dateOrder: decided, dateOrderFrom: "data" } : { dateOrder: null, dateOrderFrom: "undecided" };
}

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

export async function normalizeFiles(
  options: NormalizeOptions,
  io: { terminal: Terminal; stdin?: AsyncIterable<Uint8Array>; stdout: NodeJS.WritableStream },
): Promise<NormalizeResult> {
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
      const evidence: DateOrderEvidence = { dayFirst: 0, monthFirst: 0 };
      // Files are read twice when the date order must come from the data; stdin can be read only once, so its
      // order comes from roster.yml or stays undecided (ambiguous dates are then reported).
      if (!(options.perSource[source]?.dateOrder ?? options.dateOrder) && canReadTwice(file)) {
        await eachRow(file, options, io.stdin, {
          row: (values) => void collectDateOrder(datesOf(values), evidence),
          reject: () => {},
        });
      }
      const report: SourceReport = { source, records: 0, evidence, ...dateOrderFor(source, options, evidence) };
      const context = { country: options.perSource[source]?.country ?? options.country, dateOrder: report.dateOrder ?? undefined };
      const name = file === "-" ? "<stdin>" : file;
      await eachRow(file, options, io.stdin, {
        wantsAttributes: true,
        opened: (format) => {
          if (!options.dryRun) writer ??= openRecordWriter(options.out, outputFormatFor(options.out, format), OUTPUT_COLUMNS, io.stdout);
        },
        row: async (values, line, rawAttributes) => {
          const after = normalizeRecord(values, context);
          const attributes = carryOwnColumns(rawAttributes, after.keys);
          result.summary.add(values, after);
          report.records++;
          for (const finding of after.findings) {
            if (result.findings.length < SHOWN_FINDINGS) result.findings.push({ where: `${name}:${line}`, finding });
          }
          await writer?.write({ source, line, ...after.values, ...after.keys, attributes });
        },
        reject: (line, reason) => void result.rejects.push({ where: `${name}:${line}`, reason }),
      });
      result.sources.push(report);
    }
    await writer?.close();
    return result;
  } catch (error) {
    writer?.discard();
    throw error;
  }
}

export interface RowHandlers {
  /** Called once the input is open and its format known, before any row (so an empty input still gets output). */
  opened?: (format: string) => void;
  /** The unmapped columns are only built for handlers that want them (the normalize filter writes them). */
  wantsAttributes?: boolean;
  /** May return a promise: later rows wait for it, and reading waits between chunks. */
  row: (values: RecordValues, line: number, attributes: string | null, format: string) => void | Promise<void>;
  reject: (line: number, reason: string) => void;
}

/**
 * Only a regular file can be read twice (once for the date-order evidence, once for the rows): stdin and pipes
 * named as files (<(cat x.csv), FIFOs) would be empty the second time.
 */
export function canReadTwice(file: string): boolean {
  try {
    return file !== "-" && statSync(file).isFile();
  } catch {
    return false; // missing: the real read reports it
  }
}

/** Stream an input's rows as canonical values, in order; reading waits for the handlers between read chunks. */
export async function eachRow(
  file: string,
  options: NormalizeOptions,
  stdin: AsyncIterable<Uint8Array> | undefined,
  handlers: RowHandlers,
): Promise<void> {
  const opened = await openInput(file, options.read, stdin);
  const { format } = opened.info;
  handlers.opened?.(format);
  const plans = new PlanCache(new ColumnMapper(options.mappings));
  let csvPlan: RowPlan | undefined;
  // Rows whose handler has not finished: while there are none, the next row runs at once (no promise per row).
  let inFlight = 0;
  let pending: Promise<void> = Promise.resolve();
  const settled = () => {
    inFlight--;
  };
  await streamRows(
    opened,
    {
      columns(headers) {
        csvPlan = planRow(headers, ColumnMapper.forHeaders(headers, options.mappings));
      },
      row(line, columns, cells) {
        const plan = csvPlan ?? plans.get(columns);
        const values = rowValues(plan, cells);
        const attributes = handlers.wantsAttributes ? rowAttributes(plan, cells) : null;
        if (inFlight === 0) {
          const done = handlers.row(values, line, attributes, format);
          if (!done) return;
          inFlight++;
          pending = done.finally(settled);
          return;
        }
        inFlight++;
        pending = pending.then(() => handlers.row(values, line, attributes, format)).finally(settled);
      },
      reject(line, _raw, reason) {
        handlers.reject(line, reason);
      },
    },
    () => pending,
  );
  await pending;
}
