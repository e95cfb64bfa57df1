/**
 * Deciding what an input is from its first bytes and its whole-file byte scans: the encoding (BOM, UTF-8,
 * GB18030, or a clear error naming the byte and line), the format (flag, extension, first character, with
 * the one-big-JSON-object case refused), the CSV delimiter and old-Mac line breaks.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { InputError } from "../errors.js";
import { createDecoder, detectBom, type Encoding } from "./encoding.js";
import type { InputInfo, ReadOptions } from "./input.js";
import { describeBinary, describeNonTabularText, excelSepLine, formatFromExtension, sniffDelimiter, sniffFormat } from "./sniff.js";

export const SAMPLE_BYTES = 65536;
const LINE_CHUNK = 1 << 20;

/** 1-based line number of a byte offset (error messages only, so a second read is fine). */
export function lineOfByte(path: string, offset: number): number {
  const fd = openSync(path, "r");
  try {
    const chunk = Buffer.alloc(Math.min(offset, LINE_CHUNK));
    let lines = 1;
    for (let at = 0; at < offset; ) {
      const read = readSync(fd, chunk, 0, Math.min(chunk.length, offset - at), at);
      if (read === 0) break;
      lines += countLines(chunk.subarray(0, read)) - 1;
      at += read;
    }
    return lines;
  } finally {
    closeSync(fd);
  }
}

export function countLines(bytes: Uint8Array): number {
  let lines = 1;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) lines++;
  return lines;
}

export function decideEncoding(
  name: string,
  head: Uint8Array,
  options: ReadOptions,
  bad: { utf8: number | undefined; gb18030: number | undefined },
  wholeInputScanned: boolean,
  lineOf: (offset: number) => number,
): Pick<InputInfo, "encoding" | "encodingBy"> {
  const bom = detectBom(head);
  if (options.encoding !== "auto") {
    checkNotBinary(name, head, options.encoding);
    return { encoding: options.encoding, encodingBy: "flag" };
  }
  if (bom) return { encoding: bom.encoding, encodingBy: "bom" };
  checkNotBinary(name, head, undefined);
  if (bad.utf8 === undefined) return { encoding: "utf-8", encodingBy: "detected" };
  if (bad.gb18030 === undefined) return { encoding: "gb18030", encodingBy: "detected" };
  const where = wholeInputScanned ? "" : " (in the first 64 KiB)";
  const badUtf8 = bad.utf8;
  const badGb = bad.gb18030;
  throw new InputError(
    `${name}:${lineOf(badUtf8)}: cannot tell the text encoding${where}: byte offset ${badUtf8} is not valid UTF-8 ` +
      `and byte offset ${badGb} (line ${lineOf(badGb)}) is not valid GB18030`,
    "pass --encoding with the file's encoding (latin1, gbk, utf-16le), or --encoding utf-8 to import it as UTF-8 and reject only the rows with bad bytes",
  );
}

function checkNotBinary(name: string, head: Uint8Array, forced: Encoding | undefined): void {
  if (forced === "utf-16le" || forced === "utf-16be" || detectBom(head)) return;
  const binary = describeBinary(head);
  if (binary) throw new InputError(`${name}: not CSV or JSON: it looks like ${binary}`);
}

export function decideFormat(name: string, head: Uint8Array, encoding: Encoding, options: ReadOptions, path: string | undefined) {
  const sample = createDecoder(encoding).decode(head, { stream: true });
  const nonTabular = describeNonTabularText(sample);
  if (nonTabular && !options.format) throw new InputError(`${name}: not CSV or JSON: it looks like ${nonTabular}`);
  const byExtension = path ? formatFromExtension(path) : undefined;
  const format = options.format ?? sniffFormat(sample, byExtension);
  // Only when JSON Lines was a guess: a .jsonl file whose first line is bad just gets that line rejected.
  if (format === "jsonl" && !options.format && byExtension !== "jsonl") checkFirstJsonLine(name, sample);
  const lineBreak: "lf" | "cr" = !sample.includes("\n") && sample.includes("\r") && format !== "json" ? "cr" : "lf";
  const lines = lineBreak === "cr" ? sample.replace(/\r/g, "\n") : sample;
  const tabular = format === "csv" || format === "tsv";
  // Excel's `sep=X` first line is a hint, never a header: it names the delimiter and is skipped. A --delimiter
  // that disagrees still wins (the user may know the hint is wrong), with a warning.
  const sep = tabular ? excelSepLine(lines) : undefined;
  const warnings: string[] = [];
  if (sep !== undefined && options.delimiter !== undefined && options.delimiter !== sep) {
    warnings.push(
      `line 1 says sep=${sep === "\t" ? "\\t" : sep} (Excel's delimiter hint), but --delimiter ${JSON.stringify(options.delimiter)} was given: ` +
        "splitting on --delimiter; the hint line is skipped",
    );
  }
  const delimiter =
    format === "csv"
      ? (options.delimiter ?? sep ?? sniffDelimiter(lines))
      : format === "tsv"
        ? (options.delimiter ?? sep ?? "\t")
        : undefined;
  // Tab-separated text with nothing else to name it (a pipe, a file without a known extension) is TSV: said so
  // in the summary and recorded in the batch, as the same bytes in a .tsv file would be.
  const named = format === "csv" && delimiter === "\t" && !options.format && !byExtension ? ("tsv" as const) : format;
  return { format: named, delimiter, lineBreak, sepLine: sep !== undefined, warnings };
}

/**
 * One big JSON object (`{"customers": [...]}`) rather than JSON Lines: a first line that does not close, or a
 * one-line object holding an array of objects. Say so once instead of rejecting every line or importing
 * every customer as one record.
 */
function checkFirstJsonLine(name: string, sample: string): void {
  const text = sample.replace(/^\uFEFF/, "").trimStart();
  const newline = text.indexOf("\n");
  if (newline === -1 && text.length >= SAMPLE_BYTES / 2) return; // a very long first line: cannot tell yet
  const firstLine = newline === -1 ? text : text.slice(0, newline);
  let first: unknown;
  try {
    first = JSON.parse(firstLine);
  } catch {
    throw wrapperError(name, "customers");
  }
  const entries = first && typeof first === "object" && !Array.isArray(first) ? Object.entries(first) : [];
  const isRecordList = (value: unknown) =>
    Array.isArray(value) && value.length > 0 && value.every((item) => item !== null && typeof item === "object" && !Array.isArray(item));
  const list = entries.find(([, value]) => isRecordList(value));
  if (list) throw wrapperError(name, list[0]);
}

function wrapperError(name: string, key: string): InputError {
  const path = /^[A-Za-z_]\w*$/.test(key) ? key : "customers";
  return new InputError(
    `${name}:1: a single JSON object, not an array of records or JSON Lines (one object per line)`,
    `extract the array of records first, e.g. jq '.${path}' ${name} > records.json`,
  );
}
