/**
 * export's work on one key range (a RangeStage, see pipeline/range-stages.ts): the range's rows read from the
 * store, consent-filtered, masked, checked against the output encoding and written as encoded bytes, off the
 * main thread when the export is large. Turning a million rows of SQLite values into JavaScript strings and CSV
 * is what an export costs, and it splits across cores; the main thread only writes the bytes out in order.
 *
 * Each line goes straight into a byte buffer: appending a million lines to strings and encoding those at the
 * end cost half as much again as reading and formatting them (rope strings flattened, then copied to bytes).
 */
import iconv from "iconv-lite";
import type { ExportEncoding } from "../io/export-sink.js";
import { firstUnencodable } from "../io/export-sink.js";
import type { RangeStage } from "../pipeline/range-stages.js";
import { type ConsentStatus, consentStatus } from "../stages/export/consent.js";
import { type RowFormatOptions, rowFormatter } from "../stages/export/format.js";
import { type ExportQuery, exportRangeReader, type KeyRange } from "../store/export.js";

export interface ExportSetup {
  query: ExportQuery;
  format: RowFormatOptions;
  encoding: ExportEncoding;
  /** The last value of each row is the customer's consent: keep only affirmative ones. */
  requireConsent: boolean;
}

export type LeftOut = Record<Exclude<ConsentStatus, "given">, number>;

/** A value the output encoding cannot hold: the row (counted from 1 within the range), the column, the character. */
export interface Unencodable {
  row: number;
  column: string;
  character: string;
  value: string;
}

export interface ExportedRange {
  /** The range's rows, encoded. */
  bytes: Uint8Array;
  rows: number;
  leftOut: LeftOut;
  /** Set when a value cannot be written: `bytes` then holds the rows before it. */
  unencodable?: Unencodable;
}

/** Bytes appended to a buffer that grows by doubling; `take` hands them over and starts a fresh buffer. */
class ByteBuilder {
  private buffer: Buffer;
  private length = 0;

  constructor(private readonly encoding: ExportEncoding) {
    this.buffer = Buffer.allocUnsafe(1 << 20);
  }

  append(text: string): void {
    if (this.encoding === "utf-8") {
      // A UTF-16 code unit is at most 3 bytes of UTF-8.
      this.reserve(text.length * 3);
      this.length += this.buffer.write(text, this.length, "utf8");
    } else {
      const bytes = iconv.encode(text, this.encoding);
      this.reserve(bytes.length);
      this.length += bytes.copy(this.buffer, this.length);
    }
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }

  /**
   * The bytes so far, as a buffer of their own (posting a view of the working buffer would copy its whole
   * allocation); the working buffer is kept for the next range.
   */
  take(): Uint8Array {
    const bytes = Buffer.from(this.buffer.subarray(0, this.length));
    this.length = 0;
    return bytes;
  }
}

export const exportRange: RangeStage<ExportSetup, ExportedRange> = {
  open(db, setup) {
    const read = exportRangeReader(db, setup.query);
    const formatter = rowFormatter(setup.format);
    const { columns } = setup.format;
    const out = new ByteBuilder(setup.encoding);
    return (range: KeyRange) => {
      const leftOut: LeftOut = { withdrawn: 0, unrecorded: 0, unclear: 0 };
      let rows = 0;
      for (const values of read(range)) {
        if (setup.requireConsent) {
          const status = consentStatus(values.pop() as string | null);
          if (status !== "given") {
            leftOut[status]++;
            continue;
          }
        }
        const cells = formatter.prepare(values);
        if (setup.encoding !== "utf-8") {
          for (let i = 0; i < cells.length; i++) {
            const cell = cells[i];
            const character = typeof cell === "string" ? firstUnencodable(cell, setup.encoding) : undefined;
            if (character !== undefined) {
              const unencodable = { row: rows + 1, column: columns[i]?.name ?? "", character, value: cell as string };
              return { bytes: out.take(), rows, leftOut, unencodable };
            }
          }
        }
        out.append(formatter.line(cells, rows));
        rows++;
      }
      return { bytes: out.take(), rows, leftOut };
    };
  },
};
