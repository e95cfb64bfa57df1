/**
 * Each source's normalize context (default country, day/month order of slash dates), decided the same way for
 * every command that normalizes (normalize, and validate, which normalizes in memory): from roster.yml, else
 * from the data's evidence (counted by import per batch, or read from a file before its records).
 */
import type { RecordValues } from "../model/record.js";
import { canReadTwice, type FileReading, type ReadIo, readFileRecords } from "../pipeline/file-records.js";
import { collectDateOrder, type DateOrderEvidence, decideDateOrder } from "../stages/normalize/dates.js";
import type { DateOrder, NormalizeContext } from "../stages/normalize/index.js";
import { storedDateEvidence } from "../store/normalize.js";
import type { Db } from "../store/open.js";
import { currentIdRanges, storedRecords } from "../store/records.js";

export interface SourceSettings {
  dateOrder?: DateOrder | undefined;
  country?: string | undefined;
}

/** What roster.yml and the global flags say, for all sources and per source. */
export interface NormalizeSettings {
  country: string | undefined;
  dateOrder: DateOrder | undefined;
  perSource: Record<string, SourceSettings>;
}

export interface SourceReport {
  source: string;
  records: number;
  dateOrder: DateOrder | null;
  dateOrderFrom: "config" | "data" | "undecided";
  evidence: DateOrderEvidence;
}

const DATE_FIELDS = ["birth_date", "created_at", "updated_at"] as const;

function datesOf(values: RecordValues): string[] {
  return DATE_FIELDS.map((field) => values[field]).filter((v): v is string => v !== null);
}

function configuredOrder(source: string, settings: NormalizeSettings): DateOrder | undefined {
  return settings.perSource[source]?.dateOrder ?? settings.dateOrder;
}

/** A source's report and context, once its evidence is known. */
export function sourceContext(
  source: string,
  settings: NormalizeSettings,
  evidence: DateOrderEvidence,
): { report: SourceReport; context: NormalizeContext } {
  const configured = configuredOrder(source, settings);
  const decided = configured ? undefined : decideDateOrder(evidence);
  const report: SourceReport = {
    source,
    records: 0,
    evidence,
    ...(configured
      ? { dateOrder: configured, dateOrderFrom: "config" }
      : decided
        ? { dateOrder: decided, dateOrderFrom: "data" }
        : { dateOrder: null, dateOrderFrom: "undecided" }),
  };
  return {
    report,
    context: { country: settings.perSource[source]?.country ?? settings.country, dateOrder: report.dateOrder ?? undefined },
  };
}

/**
 * The evidence of a file, when the order must come from the data: read the file once before its records. stdin
 * can be read only once, so its order comes from roster.yml or stays undecided (ambiguous dates are reported).
 */
export async function fileEvidence(
  file: string,
  source: string,
  settings: NormalizeSettings,
  reading: FileReading,
  stdin: AsyncIterable<Uint8Array> | undefined,
  progress: ReadIo["progress"],
): Promise<DateOrderEvidence> {
  const evidence: DateOrderEvidence = { dayFirst: 0, monthFirst: 0 };
  if (configuredOrder(source, settings) || !canReadTwice(file)) return evidence;
  await readFileRecords(
    file,
    source,
    reading,
    { stdin, progress },
    {
      record: (record) => void collectDateOrder(datesOf(record.values), evidence),
      reject: () => {},
    },
  );
  return evidence;
}

/** The store's evidence for a source: import's counts, or for batches from before them, the rows read again. */
export function storeEvidence(db: Db, source: string): DateOrderEvidence {
  const counted = storedDateEvidence(db, source);
  if (counted) return counted;
  const evidence: DateOrderEvidence = { dayFirst: 0, monthFirst: 0 };
  const records = storedRecords(db);
  for (const range of currentIdRanges(db)) {
    for (const record of records(range)) if (record.source === source) collectDateOrder(datesOf(record.values), evidence);
  }
  return evidence;
}
