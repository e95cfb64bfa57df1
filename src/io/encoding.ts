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

const ENCODING_ALIASES: Record<string, Encoding> = {
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
};

/** `auto` or a supported encoding name; undefined for anything else. */
export function parseEncodingName(name: string): Encoding | "auto" | undefined {
  const key = name.trim().toLowerCase();
  if (key === "auto") return "auto";
  return ENCODING_ALIASES[key];
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
 * Streaming validity scan for UTF-8 and GB18030 over a file's bytes, fed chunk by chunk.
 * Each scanner holds back an incomplete trailing sequence until the next chunk, and remembers the offset
 * of the first invalid byte so the error can name it.
 */
export class EncodingScanner {
  private offset = 0;
  private utf8Tail: Uint8Array = new Uint8Array(0);
  firstBadUtf8: number | undefined;
  private gbState = 0; // bytes still expected in the current GB18030 sequence (see scanGb18030)
  private gbPos = 0;
  firstBadGb18030: number | undefined;
  private checkGb = true;

  push(chunk: Uint8Array): void {
    if (this.firstBadUtf8 === undefined) this.scanUtf8(chunk);
    if (this.checkGb && this.firstBadGb18030 === undefined) this.scanGb18030(chunk);
    this.offset += chunk.length;
  }

  end(): void {
    if (this.firstBadUtf8 === undefined && this.utf8Tail.length > 0) this.firstBadUtf8 = this.offset - this.utf8Tail.length;
    if (this.firstBadGb18030 === undefined && this.gbState !== 0) this.firstBadGb18030 = this.gbPos;
  }

  /** Skip the GB18030 scan once a file is known to be UTF-8-only or when an encoding is forced. */
  stopGb18030(): void {
    this.checkGb = false;
  }

  private scanUtf8(chunk: Uint8Array): void {
    const joined = this.utf8Tail.length > 0 ? Buffer.concat([this.utf8Tail, chunk]) : chunk;
    const start = this.offset - this.utf8Tail.length;
    const cut = incompleteUtf8Tail(joined);
    const body = joined.subarray(0, joined.length - cut);
    if (!isUtf8(body)) {
      this.firstBadUtf8 = start + firstInvalidUtf8(body);
      return;
    }
    this.utf8Tail = Uint8Array.from(joined.subarray(joined.length - cut));
  }

  /**
   * GB18030 structure: 0x00-0x7F single; lead 0x81-0xFE then 0x40-0x7E/0x80-0xFE (two bytes) or
   * 0x30-0x39, 0x81-0xFE, 0x30-0x39 (four bytes). Anything else is invalid.
   */
  private scanGb18030(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      const at = this.offset + i;
      switch (this.gbState) {
        case 0:
          if (b < 0x80) continue;
          if (b === 0x80 || b === 0xff) {
            this.badGb(at);
            return;
          }
          this.gbState = 1;
          this.gbPos = at;
          break;
        case 1:
          if ((b >= 0x40 && b <= 0x7e) || (b >= 0x80 && b <= 0xfe)) this.gbState = 0;
          else if (b >= 0x30 && b <= 0x39) this.gbState = 2;
          else {
            this.badGb(this.gbPos);
            return;
          }
          break;
        case 2:
          if (b >= 0x81 && b <= 0xfe) this.gbState = 3;
          else {
            this.badGb(this.gbPos);
            return;
          }
          break;
        case 3:
          if (b >= 0x30 && b <= 0x39) this.gbState = 0;
          else {
            this.badGb(this.gbPos);
            return;
          }
          break;
      }
    }
  }

  private badGb(at: number): void {
    this.firstBadGb18030 = at;
    this.gbState = 0;
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
