/**
 * Opening an input (file or stdin), deciding its encoding, format and delimiter, and streaming its rows.
 *
 * Files are read twice: a first pass hashes them (sha256, so a re-import of the same file is skipped before
 * anything is written) and checks every byte for the encoding rule in encoding.ts; the second pass streams
 * rows. stdin can only be read once, so its encoding is decided from the first 64 KiB and any later
 * undecodable bytes turn their rows into rejects.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { InputError } from "../errors.js";
import { cleanHeaders } from "../fields/mapping.js";
import { afterLineEnd, CsvParser } from "./csv-parser.js";
import { countLines, decideEncoding, decideFormat, lineOfByte, SAMPLE_BYTES } from "./detect.js";
import { createDecoder, detectBom, type Encoding, Gb18030Scanner, Utf8Scanner } from "./encoding.js";
import { flattenRecord, JsonArrayParser, JsonLinesParser, JsonStructureError } from "./json-parser.js";
import type { Format } from "./sniff.js";

export interface ReadOptions {
  format?: Format | undefined;
  encoding: Encoding | "auto";
  delimiter?: string | undefined;
  /** Bytes per read. Tests use tiny values to split multi-byte characters across reads. */
  chunkSize?: number | undefined;
  /**
   * Whether to hash the bytes (default true): import needs the sha256 (same-file re-imports, a file changed
   * while read); validate and the normalize filter do not, and skip the cost.
   */
  checksum?: boolean | undefined;
}

export interface InputInfo {
  /** As the user named it; `<stdin>` for `-`. Used in every message. */
  name: string;
  /** Absolute path, or undefined for stdin. */
  path: string | undefined;
  size: number | undefined;
  /** Known up front for files; for stdin only after streaming. */
  sha256: string | undefined;
  encoding: Encoding;
  encodingBy: "bom" | "detected" | "flag";
  format: Format;
  delimiter: string | undefined;
  /** "cr" for old Mac files whose lines end in a bare CR (read as if they were LF). */
  lineBreak: "lf" | "cr";
  /** The input starts with Excel's `sep=X` line: skipped, and rows keep their real line numbers. */
  sepLine: boolean;
  /** About how the input is read (a --delimiter that overrides the file's `sep=` line), for the user. */
  warnings: string[];
  empty: boolean;
  /** Byte offset of the first byte invalid in the chosen encoding (only possible when --encoding forced it). */
  undecodableFrom: number | undefined;
  /** stdin or a pipe: read once, so bytes are checked as they stream and the sha256 is known only at the end. */
  streamed: boolean;
}

export interface RowSink {
  /** CSV only: the cleaned header row, before any row. */
  columns?(headers: readonly string[], warnings: readonly string[]): void;
  row(line: number, columns: readonly string[], values: readonly string[], raw: string | undefined): void;
  reject(line: number, raw: string, reason: string): void;
}

export interface StreamResult {
  sha256: string;
  bytes: number;
}

const DEFAULT_CHUNK = 1 << 20;

type Opened = { info: InputInfo; chunks: () => AsyncIterable<Uint8Array> };

/** Inspect an input and return how to stream it. Throws InputError for anything that cannot be read. */
export async function openInput(name: string, options: ReadOptions, stdin?: AsyncIterable<Uint8Array>): Promise<Opened> {
  if (name === "-") return openStream("<stdin>", undefined, options, stdin ?? (process.stdin as AsyncIterable<Uint8Array>));
  const path = resolve(name);
  const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new InputError(`${name}: no such file`);
    throw new InputError(`${name}: cannot read: ${error.message}`);
  });
  if (stats.isDirectory()) throw new InputError(`${name}: is a directory, not a file`);
  // A pipe named as a file (<(gunzip -c x.gz), /dev/stdin, a FIFO) can be read only once, like stdin.
  if (!stats.isFile()) return openStream(name, path, options, createReadStream(path));
  return openFile(name, options);
}

async function openFile(name: string, options: ReadOptions): Promise<Opened> {
  const path = resolve(name);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const handle = await openForReading(name, path);
  let size: number;
  let head: Buffer;
  const hash = options.checksum === false ? undefined : createHash("sha256");
  const utf8 = new Utf8Scanner();
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new InputError(`${name}: is a directory, not a file`);
    size = stats.size;
    head = Buffer.alloc(0);
    for await (const chunk of readChunks(handle, chunkSize)) {
      if (head.length < SAMPLE_BYTES) head = Buffer.concat([head, chunk.subarray(0, SAMPLE_BYTES - head.length)]);
      hash?.update(chunk);
      utf8.push(chunk);
    }
    utf8.end();
  } finally {
    await handle.close();
  }
  const sha256 = hash?.digest("hex");
  // GB18030 is only checked when it matters: auto-detection of a file that is not UTF-8, or a forced GBK.
  const forced = options.encoding === "auto" ? undefined : options.encoding;
  const needGb = forced === "gb18030" || forced === "gbk" || (!forced && !detectBom(head) && utf8.firstBad !== undefined);
  const gb18030 = needGb ? await firstBadGb18030(name, path, chunkSize) : undefined;
  const encoding = decideEncoding(name, head, options, { utf8: utf8.firstBad, gb18030 }, true, (offset) => lineOfByte(path, offset));
  const { format, delimiter, lineBreak, sepLine, warnings } = decideFormat(name, head, encoding.encoding, options, path);
  const undecodableFrom =
    encoding.encoding === "utf-8" ? utf8.firstBad : encoding.encoding === "gb18030" || encoding.encoding === "gbk" ? gb18030 : undefined;
  const info: InputInfo = {
    name,
    path,
    size,
    sha256,
    ...encoding,
    format,
    delimiter,
    lineBreak,
    sepLine,
    warnings,
    empty: size === 0,
    undecodableFrom,
    streamed: false,
  };
  const chunks = async function* () {
    const again = await openForReading(name, path);
    try {
      yield* readChunks(again, chunkSize);
    } finally {
      await again.close();
    }
  };
  return { info, chunks };
}

/** stdin or a pipe: the encoding and format come from the first 64 KiB, and the sha256 after the last byte. */
async function openStream(name: string, path: string | undefined, options: ReadOptions, stdin: AsyncIterable<Uint8Array>): Promise<Opened> {
  const iterator = stdin[Symbol.asyncIterator]();
  const read = () =>
    iterator.next().catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`${name}: cannot read: ${error.message}`);
    });
  const buffered: Uint8Array[] = [];
  let headLength = 0;
  let done = false;
  while (headLength < SAMPLE_BYTES) {
    const next = await read();
    if (next.done) {
      done = true;
      break;
    }
    buffered.push(next.value);
    headLength += next.value.length;
  }
  const head = Buffer.concat(buffered).subarray(0, SAMPLE_BYTES);
  // The sample may end mid-character: only a complete input gets the end-of-input check.
  const utf8 = new Utf8Scanner();
  const gb = new Gb18030Scanner();
  utf8.push(head);
  gb.push(head);
  if (done) {
    utf8.end();
    gb.end();
  }
  const bad = { utf8: utf8.firstBad, gb18030: gb.firstBad };
  const encoding = decideEncoding(name, head, options, bad, done, (offset) => countLines(head.subarray(0, offset)));
  const { format, delimiter, lineBreak, sepLine, warnings } = decideFormat(name, head, encoding.encoding, options, path);
  const info: InputInfo = {
    name,
    path,
    size: undefined,
    sha256: undefined,
    ...encoding,
    format,
    delimiter,
    lineBreak,
    sepLine,
    warnings,
    empty: headLength === 0,
    undecodableFrom: undefined,
    streamed: true,
  };
  const chunks = async function* () {
    yield* buffered;
    if (done) return;
    for (;;) {
      const next = await read();
      if (next.done) return;
      yield next.value;
    }
  };
  return { info, chunks };
}

async function openForReading(name: string, path: string): Promise<FileHandle> {
  try {
    return await open(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${name}: no such file`);
    if (code === "EACCES" || code === "EPERM") throw new InputError(`${name}: permission denied`, "check the file's permissions");
    if (code === "EISDIR") throw new InputError(`${name}: is a directory, not a file`);
    throw new InputError(`${name}: cannot open: ${(error as Error).message}`);
  }
}

/** Second pass over a file that is not UTF-8: the offset of its first byte that is not GB18030 either. */
async function firstBadGb18030(name: string, path: string, chunkSize: number): Promise<number | undefined> {
  const scanner = new Gb18030Scanner();
  const handle = await openForReading(name, path);
  try {
    for await (const chunk of readChunks(handle, chunkSize)) {
      scanner.push(chunk);
      if (scanner.firstBad !== undefined) break;
    }
  } finally {
    await handle.close();
  }
  scanner.end();
  return scanner.firstBad;
}

async function* readChunks(handle: FileHandle, chunkSize: number): AsyncGenerator<Buffer> {
  for (;;) {
    const buffer = Buffer.allocUnsafe(chunkSize);
    const { bytesRead } = await handle.read(buffer, 0, chunkSize, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}

/** Thrown by a sink to stop reading early (dry runs). */
export class StopReading extends Error {}

/** Stream an opened input's rows into a sink. Structural failures throw InputError naming file and line. */
/** `onBytes` runs after each read chunk and is awaited, so a slow consumer (an output file) holds reading back. */
export async function streamRows(
  opened: Opened,
  sink: RowSink,
  onBytes?: (bytesRead: number) => void | Promise<void>,
): Promise<StreamResult> {
  const { info } = opened;
  // A file read without a checksum (validate, the normalize filter) is not hashed again either.
  const hash = info.streamed || info.sha256 !== undefined ? createHash("sha256") : undefined;
  const decoder = createDecoder(info.encoding);
  // Undecodable bytes become U+FFFD; rows holding one are rejected once such bytes have been seen.
  // (A U+FFFD that the file really contains, as in csv-spectrum, is data and kept.)
  // Files were fully scanned when opened; stdin is scanned as it streams.
  const scanner = info.encoding === "utf-8" && info.streamed ? new Utf8Scanner() : undefined;
  let badBytesSeen = info.undecodableFrom !== undefined;
  const undecodable = (text: string) => badBytesSeen && text.includes("\uFFFD");
  const parser = createParser(info, sink, undecodable);
  // Old Mac files end lines with a bare CR: read them as LF (a CR inside quotes becomes LF too).
  const push = info.lineBreak === "cr" ? (text: string) => parser.push(text.replace(/\r/g, "\n")) : (text: string) => parser.push(text);
  let bytes = 0;
  try {
    for await (const chunk of opened.chunks()) {
      bytes += chunk.length;
      hash?.update(chunk);
      if (scanner) {
        scanner.push(chunk);
        if (scanner.firstBad !== undefined) badBytesSeen = true;
      }
      push(decoder.decode(chunk, { stream: true }));
      await onBytes?.(bytes);
    }
    push(decoder.decode());
    parser.end();
  } catch (error) {
    if (error instanceof StopReading) return { sha256: "", bytes };
    if (error instanceof JsonStructureError) throw new InputError(`${info.name}:${error.line}: ${error.message}`);
    // The operating system refused a read (a vanished device, a socket, EIO): the input, not roster, failed.
    const syscall = (error as NodeJS.ErrnoException).syscall;
    if (typeof (error as NodeJS.ErrnoException).code === "string" && (syscall === "read" || syscall === "open")) {
      throw new InputError(`${info.name}: cannot read: ${(error as Error).message}`);
    }
    throw error;
  }
  return { sha256: hash?.digest("hex") ?? "", bytes };
}

interface Parser {
  push(text: string): void;
  end(): void;
}

const UNDECODABLE = "undecodable bytes (shown as \uFFFD): the row is not valid in the file's encoding";

function createParser(info: InputInfo, sink: RowSink, undecodable: (text: string) => boolean): Parser {
  if (info.format === "json" || info.format === "jsonl") {
    const jsonSink = {
      record(value: Record<string, unknown>, raw: string, line: number) {
        if (undecodable(raw)) return sink.reject(line, raw, UNDECODABLE);
        const [columns, values] = flattenRecord(value);
        sink.row(line, columns, values, raw);
      },
      reject: (raw: string, line: number, reason: string) => sink.reject(line, raw, reason),
    };
    return info.format === "json" ? new JsonArrayParser(jsonSink) : new JsonLinesParser(jsonSink);
  }
  const delimiter = info.delimiter ?? ",";
  let headers: string[] | undefined;
  const csv = new CsvParser(
    delimiter,
    {
      record(fields, line) {
        if (headers === undefined) {
          const cleaned = cleanHeaders(fields);
          headers = cleaned.headers;
          sink.columns?.(headers, cleaned.warnings);
          return;
        }
        for (const field of fields) {
          if (undecodable(field)) return sink.reject(line, fields.join(delimiter), UNDECODABLE);
        }
        sink.row(line, headers, fields, undefined);
      },
      reject(raw, line, reason) {
        if (headers === undefined) throw new InputError(`${info.name}:${line}: the header row cannot be read: ${reason}`);
        sink.reject(line, raw, reason);
      },
    },
    undefined,
    info.sepLine ? 2 : 1,
  );
  return info.sepLine ? skipFirstLine(csv) : csv;
}

/** Drops the input up to its first line break (Excel's `sep=` line), however the text is split into pushes. */
function skipFirstLine(parser: Parser): Parser {
  let skipping = true;
  return {
    push(text) {
      if (skipping) {
        const rest = afterLineEnd(text);
        if (rest === undefined) return;
        skipping = false;
        text = rest;
      }
      parser.push(text);
    },
    end: () => parser.end(),
  };
}
