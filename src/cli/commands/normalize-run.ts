/**
 * `roster normalize`: in the store (every current record, re-derived from its raw row) or as a file filter.
 * Per source, the day/month order of slash dates comes from roster.yml or, failing that, from the data.
 */
import { CANONICAL_FIELDS } from "../../fields/canonical.js";
import { ColumnMapper, type ExplicitMappings } from "../../fields/mapping.js";
import { type MappedValues, mappedValues } from "../../fields/raw.js";
import { buildRecord, PlanCache, planRow, type RowPlan } from "../../fields/record.js";
import { openInput, type ReadOptions, streamRows } from "../../io/input.js";
import { openRecordWriter, outputFormatFor, type RecordWriter } from "../../io/output.js";
import type { Terminal } from "../../io/terminal.js";
import { collectDateOrder, type DateOrderEvidence, decideDateOrder } from "../../stages/normalize/dates.js";
import { type DateOrder, type Finding, KEY_FIELDS, normalizeRecord } from "../../stages/normalize/index.js";
import { NormalizeSummary } from "../../stages/normalize/summary.js";
import { writeAudit } from "../../store/audit.js";
import {
  countCurrent,
  currentSources,
  type NormalizedRow,
  NormalizedWriter,
  pagesOfSource,
  storedDateEvidence,
} from "../../store/normalize.js";
import { openStore } from "../../store/open.js";
import { defaultSource } from "./import-run.js";

export interface SourceSettings {
  dateOrder?: DateOrder | undefined;
  country?: string | undefined;
}

export interface NormalizeOptions {
  files: string[];
  read: ReadOptions;
  mappings: ExplicitMappings;
  /** Store mode: only these sources. File mode: the source name of the rows. */
  source: string | undefined;
  out: string | undefined;
  dryRun: boolean;
  country: string | undefined;
  dateOrder: DateOrder | undefined;
  perSource: Record<string, SourceSettings>;
  storePath: string;
  busyTimeoutMs: number;
  pageSize?: number;
}

export interface SourceReport {
  source: string;
  records: number;
  dateOrder: DateOrder | null;
  dateOrderFrom: "config" | "data" | "undecided";
  evidence: DateOrderEvidence;
}

export interface NormalizeResult {
  mode: "store" | "files";
  store: string | undefined;
  dryRun: boolean;
  sources: SourceReport[];
  summary: NormalizeSummary;
  /** The first findings, for the terminal; all are in the store's findings table (store mode). */
  findings: { where: string; finding: Finding }[];
  /** File mode: rows that could not be read (store mode: import already put them in rejects). */
  rejects: { where: string; reason: string }[];
}

const DATE_FIELDS = ["birth_date", "created_at", "updated_at"] as const;
const SHOWN_FINDINGS = 20;

function datesOf(values: MappedValues): string[] {
  return DATE_FIELDS.map((field) => values[field]).filter((v): v is string => v !== null);
}

function dateOrderFor(
  source: string,
  options: NormalizeOptions,
  evidence: DateOrderEvidence,
): Pick<SourceReport, "dateOrder" | "dateOrderFrom"> {
  const configured = options.perSource[source]?.dateOrder ?? options.dateOrder;
  if (configured) return { dateOrder: configured, dateOrderFrom: "config" };
  const decided = decideDateOrder(evidence);
  return decided ? { dateOrder: decided, dateOrderFrom: "data" } : { dateOrder: null, dateOrderFrom: "undecided" };
}

export async function runNormalize(
  options: NormalizeOptions,
  io: { terminal: Terminal; stdin?: AsyncIterable<Uint8Array>; stdout: NodeJS.WritableStream },
): Promise<NormalizeResult> {
  return options.files.length > 0 ? normalizeFiles(options, io) : normalizeStore(options, io.terminal);
}

async function normalizeStore(options: NormalizeOptions, terminal: Terminal): Promise<NormalizeResult> {
  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  const result: NormalizeResult = {
    mode: "store",
    store: path,
    dryRun: options.dryRun,
    sources: [],
    summary: new NormalizeSummary(),
    findings: [],
    rejects: [],
  };
  const pageSize = options.pageSize ?? 5000;
  const mappings = new Map<number, Record<string, string>>();
  const mappingOf = (row: { batchId: number; mapping: string }) => {
    let mapping = mappings.get(row.batchId);
    if (!mapping) {
      mapping = JSON.parse(row.mapping) as Record<string, string>;
      mappings.set(row.batchId, mapping);
    }
    return mapping;
  };
  const progress = await terminal.progress("normalizing");
  try {
    const sources = currentSources(db, options.source ? [options.source] : []);
    const total = countCurrent(db, sources);
    const writer = options.dryRun ? undefined : new NormalizedWriter(db, KEY_FIELDS);
    const now = new Date().toISOString();
    let done = 0;
    for (const source of sources) {
      // Import counted the evidence per batch; only batches from before that need the rows read again.
      let evidence = storedDateEvidence(db, source);
      if (!evidence) {
        const counted: DateOrderEvidence = { dayFirst: 0, monthFirst: 0 };
        for (const page of pagesOfSource(db, source, pageSize)) {
          for (const row of page) collectDateOrder(datesOf(mappedValues(row.raw, mappingOf(row))), counted);
        }
        evidence = counted;
      }
      const report: SourceReport = { source, records: 0, evidence, ...dateOrderFor(source, options, evidence) };
      const context = { country: options.perSource[source]?.country ?? options.country, dateOrder: report.dateOrder ?? undefined };
      for (const page of pagesOfSource(db, source, pageSize)) {
        const rows: NormalizedRow[] = page.map((row) => {
          const before = mappedValues(row.raw, mappingOf(row));
          const after = normalizeRecord(before, context);
          result.summary.add(before, after);
          for (const finding of after.findings) {
            if (result.findings.length < SHOWN_FINDINGS)
              result.findings.push({ where: `${source}:${row.line}${row.sourceId ? ` (${row.sourceId})` : ""}`, finding });
          }
          return { id: row.id, ...after };
        });
        writer?.write(rows, now);
        report.records += rows.length;
        done += rows.length;
        progress.update(`normalizing ${source}: ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} records`);
      }
      result.sources.push(report);
    }
    if (!options.dryRun)
      writeAudit(db, "normalize", options.source ? ["--source", options.source] : [], "ok", {
        records: result.summary.records,
        findings: result.summary.findings,
      });
    return result;
  } finally {
    progress.stop();
    db.close();
  }
}

/** The columns a normalized file carries: where the row came from, the canonical fields, keys, attributes. */
export const OUTPUT_COLUMNS = ["source", "line", ...CANONICAL_FIELDS, ...KEY_FIELDS, "attributes"];

async function normalizeFiles(
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
      if (!(options.perSource[source]?.dateOrder ?? options.dateOrder) && file !== "-") {
        await eachRow(file, options, io.stdin, {
          row: (values) => void collectDateOrder(datesOf(values), evidence),
          reject: () => {},
        });
      }
      const report: SourceReport = { source, records: 0, evidence, ...dateOrderFor(source, options, evidence) };
      const context = { country: options.perSource[source]?.country ?? options.country, dateOrder: report.dateOrder ?? undefined };
      const name = file === "-" ? "<stdin>" : file;
      await eachRow(file, options, io.stdin, {
        row: async (values, line, attributes, format) => {
          const after = normalizeRecord(values, context);
          result.summary.add(values, after);
          report.records++;
          for (const finding of after.findings) {
            if (result.findings.length < SHOWN_FINDINGS) result.findings.push({ where: `${name}:${line}`, finding });
          }
          if (options.dryRun) return;
          writer ??= openRecordWriter(options.out, outputFormatFor(options.out, format), OUTPUT_COLUMNS, io.stdout);
          await writer.write({ source, line, ...after.values, ...after.keys, attributes });
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

interface RowHandlers {
  row: (values: MappedValues, line: number, attributes: string | null, format: string) => void | Promise<void>;
  reject: (line: number, reason: string) => void;
}

/** Stream an input's rows as canonical values, in order; reading waits for the handlers between read chunks. */
async function eachRow(
  file: string,
  options: NormalizeOptions,
  stdin: AsyncIterable<Uint8Array> | undefined,
  handlers: RowHandlers,
): Promise<void> {
  const opened = await openInput(file, options.read, stdin);
  const { format } = opened.info;
  const plans = new PlanCache(new ColumnMapper(options.mappings));
  let csvPlan: RowPlan | undefined;
  let pending: Promise<void> = Promise.resolve();
  await streamRows(
    opened,
    {
      columns(headers) {
        csvPlan = planRow(headers, ColumnMapper.forHeaders(headers, options.mappings));
      },
      row(line, columns, cells, raw) {
        const record = buildRecord(csvPlan ?? plans.get(columns), line, cells, raw);
        const values = Object.fromEntries(CANONICAL_FIELDS.map((field, i) => [field, record.values[i] ?? null])) as MappedValues;
        pending = pending.then(() => handlers.row(values, line, record.attributes, format));
      },
      reject(line, _raw, reason) {
        handlers.reject(line, reason);
      },
    },
    () => pending,
  );
  await pending;
}
