/**
 * Encoding detection and decoding. Rule (issue #2): a BOM decides; else strict UTF-8 if every byte is valid
 * UTF-8; else GB18030 if every byte is valid GB18030 (what Chinese Excel saves as "CSV"); else a clear error
 * naming the byte offset. A statistical guess (chardet) misnamed a 3-row GBK file here, so none is used.
 * Decoding uses Node's built-in TextDecoder (full ICU), streaming, so a character split across two read
 * chunks is carried over, never broken.
 */
import { isUtf8 } from "node:buffer";
import { TextDecoder } from "node:util";

export const ENCODINGS = ["utf-8", "utf-16le", "utf-16be", "gb18030", "gbk", "latin1"] as const;
export type Encoding = (typeof ENCODINGS)[number];

const ENCODING_ALIASES: ReadonlyMap<string, Encoding> = new Map(
  Object.entries({
    utf8: "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8",
    utf16le: "utf-16le",
    "utf-16le": "utf-16le",
    utf16be: "utf-16be",
    "utf-16be": "utf-16be",
    gb18030: "gb18030",
    gbk: "gbk",
    gb2312: "gbk",
    cp936: "gbk",
    latin1: "latin1",
    "latin-1": "latin1",
    "iso-8859-1": "latin1",
    cp1252: "latin1",
    "windows-1252": "latin1",
  }) as [string, Encoding][],
);

/** `auto` or a supported encoding name; undefined for anything else. */
export function parseEncodingName(name: string): Encoding | "auto" | undefined {
  const key = name.trim().toLowerCase();
  if (key === "auto") return "auto";
  return ENCODING_ALIASES.get(key);
}

export interface Bom {
  encoding: Encoding;
  length: number;
}

export function detectBom(bytes: Uint8Array): Bom | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: "utf-8", length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "utf-16le", length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "utf-16be", length: 2 };
  return undefined;
}

/**
 * Streaming UTF-8 validity check, fed chunk by chunk. An incomplete trailing sequence is held back until the
 * next chunk; the offset of the first invalid byte is kept so errors can name it.
 */
export class Utf8Scanner {
  private offset = 0;
  private tail: Uint8Array = new Uint8Array(0);
  firstBad: number | undefined;

  push(chunk: Uint8Array): void {
    if (this.firstBad === undefined) {
      const joined = this.tail.length > 0 ? Buffer.concat([this.tail, chunk]) : chunk;
      const start = this.offset - this.tail.length;
      const cut = incompleteUtf8Tail(joined);
      const body = joined.subarray(0, joined.length - cut);
      if (isUtf8(body)) this.tail = Uint8Array.from(joined.subarray(joined.length - cut));
      else this.firstBad = start + firstInvalidUtf8(body);
    }
    this.offset += chunk.length;
  }

  end(): void {
    if (this.firstBad === undefined && this.tail.length > 0) this.firstBad = this.offset - this.tail.length;
  }
}

/**
 * Streaming GB18030 structure check: 0x00-0x7F single; lead 0x81-0xFE then 0x40-0x7E/0x80-0xFE (two bytes)
 * or 0x30-0x39, 0x81-0xFE, 0x30-0x39 (four bytes). Anything else is invalid. A byte loop, so it only runs on
 * inputs that already failed the (native, fast) UTF-8 check.
 */
export class Gb18030Scanner {
  private offset = 0;
  private state = 0; // bytes of the current sequence seen so far (0: between characters)
  private sequenceStart = 0;
  firstBad: number | undefined;

  push(chunk: Uint8Array): void {
    if (this.firstBad === undefined) this.scan(chunk);
    this.offset += chunk.length;
  }

  end(): void {
    if (this.firstBad === undefined && this.state !== 0) this.firstBad = this.sequenceStart;
  }

  private scan(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      let ok = true;
      switch (this.state) {
        case 0:
          if (b < 0x80) continue;
          ok = b !== 0x80 && b !== 0xff;
          this.state = 1;
          this.sequenceStart = this.offset + i;
          break;
        case 1:
          if ((b >= 0x40 && b <= 0x7e) || (b >= 0x80 && b <= 0xfe)) this.state = 0;
          else if (b >= 0x30 && b <= 0x39) this.state = 2;
          else ok = false;
          break;
        case 2:
          ok = b >= 0x81 && b <= 0xfe;
          this.state = 3;
          break;
        case 3:
          ok = b >= 0x30 && b <= 0x39;
          this.state = 0;
          break;
      }
      if (!ok) {
        this.firstBad = this.sequenceStart;
        return;
      }
    }
  }
}

/** How many trailing bytes form an incomplete (so far valid-looking) UTF-8 sequence. */
function incompleteUtf8Tail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Offset of the first byte that breaks UTF-8 in a buffer known to be invalid (runs once per bad file). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (need === 0 || i + need > bytes.length || !isUtf8(bytes.subarray(i, i + need))) return i;
    i += need;
  }
  return bytes.length;
}

/** A streaming decoder for a chosen encoding; TextDecoder carries split characters across chunks. */
export function createDecoder(encoding: Encoding): TextDecoder {
  const label = encoding === "latin1" ? "windows-1252" : encoding;
  return new TextDecoder(label, { fatal: false, ignoreBOM: false });
}
