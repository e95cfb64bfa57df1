/**
 * Streaming readers for a JSON array of records and for JSON Lines.
 * The array reader only finds element boundaries (depth, strings, escapes) and hands each element's text to
 * JSON.parse, so memory stays constant, every element keeps its line number and verbatim text, and one bad
 * element is rejected without losing the others.
 */
import { afterLineEnd } from "./csv-parser.js";

export interface JsonSink {
  record(value: Record<string, unknown>, raw: string, line: number): void;
  reject(raw: string, line: number, reason: string): void;
}

/** The file's structure is broken beyond one element (no `[`, unbalanced brackets, text after `]`). */
export class JsonStructureError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** Longest record we accept; beyond it an unclosed string is almost certainly swallowing the file. */
export const MAX_RECORD_CHARS = 1 << 20;

/**
 * Number literals outside strings, wrapped in quotes, so JSON.parse keeps the digits as written: a 20-digit
 * customer id must not be rounded through a double (12345678901234567891 → 12345678901234567000).
 */
function quoteNumbers(text: string): string {
  let out = "";
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const end = stringEnd(text, i + 1);
      if (end === -1) break;
      i = end - 1;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let end = i + 1;
      while (end < text.length && /[0-9eE+\-.]/.test(text.charAt(end))) end++;
      out += `${text.slice(copied, i)}"${text.slice(i, end)}"`;
      copied = end;
      i = end - 1;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Parse one record's JSON text with its numbers kept as their digits (see quoteNumbers). */
export function parseRecordText(raw: string): unknown {
  return JSON.parse(quoteNumbers(raw));
}

function deliver(sink: JsonSink, raw: string, line: number): void {
  let value: unknown;
  try {
    value = parseRecordText(raw);
  } catch (error) {
    sink.reject(raw, line, `invalid JSON: ${(error as Error).message}`);
    return;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    // Named from the text: numbers were quoted for parsing, so typeof would call 42 a string.
    const first = raw.trimStart().charAt(0);
    const kind =
      first === "["
        ? "an array"
        : first === '"'
          ? "string"
          : first === "n"
            ? "null"
            : first === "t" || first === "f"
              ? "boolean"
              : "number";
    sink.reject(raw, line, `expected a JSON object, found ${kind}`);
    return;
  }
  sink.record(value as Record<string, unknown>, raw, line);
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

export class JsonArrayParser {
  private buf = "";
  private pos = 0;
  private line = 1;
  private state: "start" | "between" | "done" = "start";

  constructor(private readonly sink: JsonSink) {}

  push(text: string): void {
    this.buf = this.buf.slice(this.pos) + text;
    this.pos = 0;
    this.parse(false);
  }

  /** An empty input is no records (the caller warns); an array left open is a broken file. */
  end(): void {
    this.parse(true);
    if (this.state === "between") throw new JsonStructureError("the JSON array is not closed with ]", this.line);
  }

  private skipSpace(): void {
    const buf = this.buf;
    while (this.pos < buf.length && isSpace(buf.charCodeAt(this.pos))) {
      if (buf.charCodeAt(this.pos) === 10) this.line++;
      this.pos++;
    }
  }

  private parse(final: boolean): void {
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.buf.length) return;
      const c = this.buf[this.pos];
      if (this.state === "done") throw new JsonStructureError(`unexpected ${JSON.stringify(c)} after the closing ]`, this.line);
      if (this.state === "start") {
        if (c !== "[") throw new JsonStructureError(`expected [ to start an array of records, found ${JSON.stringify(c)}`, this.line);
        this.pos++;
        this.state = "between";
        continue;
      }
      if (c === "]") {
        this.pos++;
        this.state = "done";
        continue;
      }
      if (c === ",") {
        this.pos++;
        continue;
      }
      const end = this.elementEnd(this.pos, final);
      if (end === -1) {
        if (this.buf.length - this.pos > MAX_RECORD_CHARS) {
          throw new JsonStructureError(`a record longer than ${MAX_RECORD_CHARS} characters (an unclosed string?)`, this.line);
        }
        return;
      }
      const raw = this.buf.slice(this.pos, end);
      deliver(this.sink, raw, this.line);
      this.line += countChar(raw, 10);
      this.pos = end;
    }
  }

  /** End index (exclusive) of the element starting at `from`, or -1 if it is not complete yet. */
  private elementEnd(from: number, final: boolean): number {
    const buf = this.buf;
    let depth = 0;
    let i = from;
    while (i < buf.length) {
      const c = buf.charCodeAt(i);
      if (c === 34) {
        i = stringEnd(buf, i + 1);
        if (i === -1) break;
        if (depth === 0) return i;
        continue;
      }
      if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        if (depth === 0) return i; // a scalar ended by the array's `]`
        depth--;
        if (depth === 0) return i + 1;
      } else if (depth === 0 && (c === 44 || isSpace(c))) return i;
      i++;
    }
    if (final) throw new JsonStructureError("the JSON ends inside a record (unbalanced brackets or an unclosed string)", this.line);
    return -1;
  }
}

/** Index just past the closing quote of a string whose body starts at `from`, or -1. */
function stringEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q === -1) return -1;
    let backslashes = 0;
    for (let k = q - 1; k >= from && text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

function countChar(text: string, code: number): number {
  let n = 0;
  for (let i = text.indexOf(String.fromCharCode(code)); i !== -1; i = text.indexOf(String.fromCharCode(code), i + 1)) n++;
  return n;
}

export class JsonLinesParser {
  private buf = "";
  private line = 1;
  /** An over-long line was rejected before its end arrived: drop input up to its newline. */
  private skipping = false;

  constructor(private readonly sink: JsonSink) {}

  push(text: string): void {
    if (this.skipping) {
      const rest = afterLineEnd(text);
      if (rest === undefined) return;
      text = rest;
      this.skipping = false;
      this.line++;
    }
    this.buf += text;
    let start = 0;
    for (let nl = this.buf.indexOf("\n"); nl !== -1; nl = this.buf.indexOf("\n", start)) {
      this.handle(this.buf.slice(start, nl));
      start = nl + 1;
    }
    this.buf = this.buf.slice(start);
    if (this.buf.length > MAX_RECORD_CHARS) {
      this.sink.reject(this.buf.slice(0, MAX_RECORD_CHARS), this.line, `line longer than ${MAX_RECORD_CHARS} characters`);
      this.buf = "";
      this.skipping = true;
    }
  }

  end(): void {
    if (this.buf.length > 0) this.handle(this.buf);
    this.buf = "";
  }

  private handle(lineText: string): void {
    const text = lineText.trim();
    if (text !== "") deliver(this.sink, text, this.line);
    this.line++;
  }
}

/**
 * Nested objects become dotted names (`address.city`); arrays are kept as JSON text. Nulls are left out:
 * they carry no value (raw keeps them), and `"address": null` in one row must not claim a field that
 * `address.street` holds in the others. Everything else becomes its string form; normalize types it.
 */
export function flattenRecord(value: Record<string, unknown>, prefix = "", out: [string[], string[]] = [[], []]): [string[], string[]] {
  for (const [key, item] of Object.entries(value)) {
    const name = prefix === "" ? key : `${prefix}.${key}`;
    if (item === null || item === undefined) continue;
    if (typeof item === "object" && !Array.isArray(item)) {
      flattenRecord(item as Record<string, unknown>, name, out);
    } else {
      out[0].push(name);
      out[1].push(typeof item === "string" ? item : Array.isArray(item) ? JSON.stringify(item) : String(item));
    }
  }
  return out;
}
