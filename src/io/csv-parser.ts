/**
 * Streaming CSV parser (RFC 4180 plus the leniency real exports need).
 *
 * Why our own: csv-parse needs ~4 s for 1M rows here, beyond the import budget, and with
 * skip_records_with_error it swallowed 3 of 4 records after an unclosed quote. Papaparse is fast but gives
 * neither line numbers nor the raw text of a bad row. See BENCHMARKS.md for the comparison.
 *
 * Rules:
 * - Fields are separated by one delimiter character; records end at LF or CRLF. Blank lines are skipped.
 * - A field that starts with `"` is quoted: `""` inside is a quote, delimiters and newlines are kept.
 *   A quote inside an unquoted field is kept as a literal character (csv-spectrum's location_coordinates).
 * - Recovery: a record that is malformed (unclosed quote, text after a closing quote, too long) or has the
 *   wrong number of fields is rejected as its FIRST physical line only, and parsing resumes at the next line.
 *   So a stray quote costs one line, never the rows after it, and a row is never glued to the next one.
 */
const QUOTE = 34;
const LF = 10;
const CR = 13;

export interface CsvSink {
  /** A well-formed record. The first one is the header and sets the expected field count. */
  record(fields: string[], line: number): void;
  /** A line that could not be parsed into a record of the right shape. */
  reject(raw: string, line: number, reason: string): void;
}

/** Longest record we accept; beyond it an open quote is almost certainly a stray one. */
export const DEFAULT_MAX_RECORD_CHARS = 1 << 20;

/** While skipping the rest of an over-long line: the text after its newline, or undefined if it has none. */
export function afterLineEnd(text: string): string | undefined {
  const nl = text.indexOf("\n");
  return nl === -1 ? undefined : text.slice(nl + 1);
}

type Scan = { fields: string[]; end: number } | { error: string } | null; // null: need more input

export class CsvParser {
  private buf = "";
  private pos = 0;
  private line: number;
  private expected: number | undefined;
  /** Index of the next `"` at or after pos, -1 when the buffer has none, -2 when unknown. */
  private nextQuote = -2;
  /** An over-long line was rejected before its end arrived: drop input up to its newline. */
  private skipping = false;
  private readonly delim: string;
  private readonly delimCode: number;

  constructor(
    delimiter: string,
    private readonly sink: CsvSink,
    private readonly maxRecordChars = DEFAULT_MAX_RECORD_CHARS,
    /** Line number of the first line pushed: 2 when the caller skipped a line (Excel's `sep=`). */
    firstLine = 1,
  ) {
    this.line = firstLine;
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
      throw new Error(`invalid CSV delimiter ${JSON.stringify(delimiter)}`);
    }
    this.delim = delimiter;
    this.delimCode = delimiter.charCodeAt(0);
  }

  push(text: string): void {
    if (this.skipping) {
      const rest = afterLineEnd(text);
      if (rest === undefined) return;
      text = rest;
      this.skipping = false;
      this.line++;
    }
    this.buf = this.pos < this.buf.length ? this.buf.slice(this.pos) + text : text;
    this.pos = 0;
    this.nextQuote = -2;
    this.parse(false);
  }

  end(): void {
    this.parse(true);
    this.buf = "";
    this.pos = 0;
  }

  private parse(final: boolean): void {
    const buf = this.buf;
    while (this.pos < buf.length) {
      const start = this.pos;
      const nl = buf.indexOf("\n", start);
      if (nl === -1 && !final) {
        if (buf.length - start > this.maxRecordChars) this.rejectFirstLine(`line longer than ${this.maxRecordChars} characters`);
        return;
      }
      const lineEnd = nl === -1 ? buf.length : nl;
      const contentEnd = lineEnd > start && buf.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
      if (contentEnd === start) {
        this.advanceLine(lineEnd);
        continue;
      }
      if (this.nextQuote !== -1 && this.nextQuote < start) this.nextQuote = buf.indexOf('"', start);
      if (this.nextQuote === -1 || this.nextQuote >= contentEnd) {
        // Fast path: no quote on this line, so a plain split is exact.
        this.emit(buf.slice(start, contentEnd).split(this.delim), start, contentEnd);
        this.advanceLine(lineEnd);
        continue;
      }
      const scan = this.scanQuoted(start, final);
      if (scan === null) {
        if (buf.length - start > this.maxRecordChars) {
          this.rejectFirstLine(`record longer than ${this.maxRecordChars} characters (an unclosed quote?)`);
          continue;
        }
        return;
      }
      if ("error" in scan) {
        this.rejectFirstLine(scan.error);
        continue;
      }
      const lines = countNewlines(buf, start, scan.end);
      if (lines > 0 && this.expected !== undefined && scan.fields.length !== this.expected) {
        // A multi-line record of the wrong shape is most likely a stray quote gluing rows together.
        this.rejectFirstLine(
          `quoted field spans ${lines + 1} lines but the record has ${scan.fields.length} fields, expected ${this.expected} (a stray quote?)`,
        );
        continue;
      }
      this.emit(scan.fields, start, contentEnd);
      this.line += lines + (scan.end > 0 && buf.charCodeAt(scan.end - 1) === LF ? 1 : 0);
      this.pos = scan.end;
    }
  }

  private emit(fields: string[], start: number, firstLineEnd: number): void {
    if (this.expected === undefined) {
      this.expected = fields.length;
    } else if (fields.length !== this.expected) {
      this.sink.reject(this.buf.slice(start, firstLineEnd), this.line, `expected ${this.expected} fields, found ${fields.length}`);
      return;
    }
    this.sink.record(fields, this.line);
  }

  private advanceLine(lineEnd: number): void {
    this.pos = lineEnd + 1;
    this.line++;
  }

  /** Reject the physical line at pos and resume parsing at the next one. */
  private rejectFirstLine(reason: string): void {
    const start = this.pos;
    const nl = this.buf.indexOf("\n", start);
    const lineEnd = nl === -1 ? this.buf.length : nl;
    const contentEnd = lineEnd > start && this.buf.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
    const raw = this.buf.slice(start, Math.min(contentEnd, start + this.maxRecordChars));
    this.sink.reject(raw, this.line, reason);
    if (nl === -1 && this.pos < this.buf.length && this.buf.length - start > this.maxRecordChars) {
      // The line's end has not arrived yet: skip the rest of it as it comes, keeping line numbers right.
      this.pos = this.buf.length;
      this.skipping = true;
      return;
    }
    this.advanceLine(lineEnd);
  }

  /** Character-level scan of one record that contains quotes. */
  private scanQuoted(start: number, final: boolean): Scan {
    const buf = this.buf;
    const n = buf.length;
    const fields: string[] = [];
    let i = start;
    for (;;) {
      if (i < n && buf.charCodeAt(i) === QUOTE) {
        let value = "";
        let from = i + 1;
        for (;;) {
          const close = buf.indexOf('"', from);
          if (close === -1) return final ? { error: "unclosed quoted field" } : null;
          if (close + 1 >= n && !final) return null; // cannot tell `"` from `""` yet
          if (buf.charCodeAt(close + 1) === QUOTE) {
            value += buf.slice(from, close + 1);
            from = close + 2;
            continue;
          }
          value += buf.slice(from, close);
          i = close + 1;
          break;
        }
        fields.push(value);
        if (i >= n) return { fields, end: n };
        const c = buf.charCodeAt(i);
        if (c === this.delimCode) {
          i++;
          continue;
        }
        if (c === LF) return { fields, end: i + 1 };
        if (c === CR) {
          if (i + 1 >= n) return final ? { fields, end: n } : null;
          if (buf.charCodeAt(i + 1) === LF) return { fields, end: i + 2 };
        }
        return { error: `unexpected ${JSON.stringify(buf[i])} after a closing quote` };
      }
      let lf = buf.indexOf("\n", i);
      if (lf === -1) {
        if (!final) return null;
        lf = n;
      }
      const d = buf.indexOf(this.delim, i);
      if (d !== -1 && d < lf) {
        fields.push(buf.slice(i, d));
        i = d + 1;
        continue;
      }
      const end = lf > i && buf.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
      fields.push(buf.slice(i, end));
      return { fields, end: Math.min(lf + 1, n) };
    }
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  let at = text.indexOf("\n", from);
  // The record's own terminator is not an inner newline.
  while (at !== -1 && at < to - 1) {
    count++;
    at = text.indexOf("\n", at + 1);
  }
  return count;
}
