/**
 * Telling what an input is before reading it: binary files by their magic numbers, the data format by
 * flag, extension or first character, and the CSV delimiter from the first lines.
 */
import { extname } from "node:path";

export const FORMATS = ["csv", "tsv", "json", "jsonl"] as const;
export type Format = (typeof FORMATS)[number];

const MAGIC: Array<[number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47], "a PNG image"],
  [[0xff, 0xd8, 0xff], "a JPEG image"],
  [[0x47, 0x49, 0x46, 0x38], "a GIF image"],
  [[0x25, 0x50, 0x44, 0x46], "a PDF document"],
  [[0x50, 0x4b, 0x03, 0x04], "a ZIP archive (an .xlsx workbook? save it as CSV first)"],
  [[0xd0, 0xcf, 0x11, 0xe0], "an Excel 97-2003 workbook (.xls; save it as CSV first)"],
  [[0x1f, 0x8b], "a gzip archive (decompress it first)"],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], "an SQLite database"],
  [[0x7f, 0x45, 0x4c, 0x46], "an executable (ELF)"],
  [[0x37, 0x7a, 0xbc, 0xaf], "a 7-Zip archive"],
  [[0x52, 0x61, 0x72, 0x21], "a RAR archive"],
];

/**
 * What a non-text input looks like, or undefined if it may be text.
 * UTF-16 without a byte-order mark is called out separately: it is text, but we will not guess its byte order.
 */
export function describeBinary(head: Uint8Array): string | undefined {
  for (const [magic, what] of MAGIC) {
    if (magic.every((byte, i) => head[i] === byte)) return what;
  }
  const sample = head.subarray(0, 4096);
  let zeros = 0;
  let evenZeros = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) {
      zeros++;
      if (i % 2 === 0) evenZeros++;
    }
  }
  if (zeros === 0) return undefined;
  if (zeros > sample.length / 4 && (evenZeros === zeros || evenZeros === 0)) {
    return `UTF-16 text without a byte-order mark (pass --encoding ${evenZeros === 0 ? "utf-16le" : "utf-16be"})`;
  }
  return "binary data (it contains NUL bytes)";
}

/** Text that is clearly not tabular data, named so the user knows what they passed. */
export function describeNonTabularText(sample: string): string | undefined {
  const head = sample.trimStart().slice(0, 100).toLowerCase();
  if (head.startsWith("<!doctype html") || head.startsWith("<html")) return "an HTML page";
  if (head.startsWith("<?xml")) return "an XML document";
  return undefined;
}

export function formatFromExtension(path: string): Format | undefined {
  switch (extname(path).toLowerCase()) {
    case ".csv":
    case ".txt":
      return "csv";
    case ".tsv":
    case ".tab":
      return "tsv";
    case ".json":
      return "json";
    case ".jsonl":
    case ".ndjson":
      return "jsonl";
    default:
      return undefined;
  }
}

/**
 * Format from the first characters when neither flag nor extension says: `[` is a JSON array, `{` JSON Lines.
 * A `.json` file that starts with `{` is read as JSON Lines (many "JSON" exports are), which reports clearly
 * if it is one big object instead.
 */
export function sniffFormat(sample: string, byExtension: Format | undefined): Format {
  const first = sample.trimStart()[0];
  if (byExtension === "json" && first === "{") return "jsonl";
  if (byExtension) return byExtension;
  if (first === "[") return "json";
  if (first === "{") return "jsonl";
  return "csv";
}

/**
 * The delimiter named by Excel's first-line hint (`sep=;`, also quoted, or padded with the delimiter as a
 * spreadsheet row: `sep=;;;`), or undefined when the input does not start with one. Excel writes and honours
 * it so that a `;`-separated file opens in columns wherever the list separator is `,` (and the reverse).
 */
export function excelSepLine(sample: string): string | undefined {
  const end = sample.search(/\r|\n/);
  const first = (end === -1 ? sample : sample.slice(0, end)).replace(/^\uFEFF/, "");
  const match = /^"?sep=([^\r\n"])"?(\1*)$/i.exec(first);
  return match?.[1];
}

const DELIMITER_CANDIDATES = [",", "\t", ";", "|"] as const;

/**
 * The delimiter that splits the first lines into the same number (> 0) of extra fields most consistently.
 * Quoted sections are removed first so a comma inside quotes does not vote.
 */
export function sniffDelimiter(sample: string): string {
  const lines = sample
    .replace(/"(?:[^"]|"")*"/g, "")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .slice(0, 20);
  if (lines.length > 1 && sample.length >= 65536) lines.pop(); // the last sampled line may be cut short
  let best = ",";
  let bestScore = 0;
  for (const candidate of DELIMITER_CANDIDATES) {
    const counts = lines.map((line) => line.split(candidate).length - 1);
    const headerCount = counts[0] ?? 0;
    if (headerCount === 0) continue;
    const consistent = counts.filter((count) => count === headerCount).length;
    const score = consistent * 1000 + headerCount;
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
