/**
 * Reading the records of a file (or stdin) as the record type every stage reads (model/record.ts), for the
 * file modes of the commands: open, decode and parse (io/), map each row's columns to canonical fields
 * (fields/), hand the records over in order, with live progress on a terminal. The store's reader is
 * store/records.ts.
 */
import { statSync } from "node:fs";
import { ColumnMapper, type ExplicitMappings } from "../fields/mapping.js";
import { PlanCache, planRow, type RowPlan, rowAttributes, rowValues } from "../fields/record.js";
import { openInput, type ReadOptions, streamRows } from "../io/input.js";
import { progressMeter } from "../io/progress-meter.js";
import type { Format } from "../io/sniff.js";
import type { Terminal } from "../io/terminal.js";
import type { SourceRecord } from "../model/record.js";

/** How files are read: the shared reading options (DESIGN.md §1). */
export interface FileReading {
  read: ReadOptions;
  mappings: ExplicitMappings;
}

export interface RecordHandlers {
  /** Called once the input is open and its format known, before any record (so an empty input still gets output). */
  opened?: (format: Format) => void;
  /** How the input is read, when the user should know (a --delimiter overriding the file's `sep=` line). */
  warn?: (message: string) => void;
  /** The unmapped columns are only built for handlers that want them (the normalize filter writes them). */
  wantsAttributes?: boolean;
  /** May return a promise: later records wait for it, and reading waits between chunks. */
  record: (record: SourceRecord) => void | Promise<void>;
  reject: (line: number, reason: string) => void;
}

export interface ReadIo {
  stdin?: AsyncIterable<Uint8Array> | undefined;
  /** Live progress (rows read, and percent of the file when its size is known) on a terminal that allows it. */
  progress?: { terminal: Terminal; label: string } | undefined;
}

/**
 * Only a regular file can be read twice (once for the date-order evidence, once for the records): stdin and
 * pipes named as files (<(cat x.csv), FIFOs) would be empty the second time.
 */
export function canReadTwice(file: string): boolean {
  try {
    return file !== "-" && statSync(file).isFile();
  } catch {
    return false; // missing: the real read reports it
  }
}

/** Stream an input's records in order, as `source`; reading waits for the handlers between read chunks. */
export async function readFileRecords(
  file: string,
  source: string,
  reading: FileReading,
  io: ReadIo,
  handlers: RecordHandlers,
): Promise<void> {
  const opened = await openInput(file, reading.read, io.stdin);
  const { format, name, size } = opened.info;
  for (const warning of opened.info.warnings) handlers.warn?.(`${name}: ${warning}`);
  handlers.opened?.(format);
  const plans = new PlanCache(new ColumnMapper(reading.mappings));
  let csvPlan: RowPlan | undefined;
  // Records whose handler has not finished: while there are none, the next runs at once (no promise per record).
  let inFlight = 0;
  let pending: Promise<void> = Promise.resolve();
  const settled = () => {
    inFlight--;
  };
  const progress = io.progress ? await io.progress.terminal.progress(`${io.progress.label} ${name}`) : undefined;
  const meter = progress ? progressMeter(`${io.progress?.label} ${name}`, size, progress.update) : undefined;
  let rows = 0;
  try {
    await streamRows(
      opened,
      {
        columns(headers) {
          csvPlan = planRow(headers, ColumnMapper.forHeaders(headers, reading.mappings));
        },
        row(line, columns, cells) {
          rows++;
          const plan = csvPlan ?? plans.get(columns);
          const values = rowValues(plan, cells);
          const record: SourceRecord = handlers.wantsAttributes
            ? { source, sourceId: values.source_id, line, values, normalized: null, attributes: rowAttributes(plan, cells) }
            : { source, sourceId: values.source_id, line, values, normalized: null };
          if (inFlight === 0) {
            const done = handlers.record(record);
            if (!done) return;
            inFlight++;
            pending = done.finally(settled);
            return;
          }
          inFlight++;
          pending = pending.then(() => handlers.record(record)).finally(settled);
        },
        reject(line, _raw, reason) {
          rows++;
          handlers.reject(line, reason);
        },
      },
      (bytes) => {
        meter?.(bytes, rows);
        return pending;
      },
    );
    await pending;
  } finally {
    progress?.stop();
  }
}
