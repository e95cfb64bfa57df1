import { describe, expect, it } from "vitest";
import { detectBom, Gb18030Scanner, parseEncodingName, Utf8Scanner } from "../../src/io/encoding.js";

/** Both scanners over the same bytes, fed in pieces. */
function scan(bytes: Uint8Array, pieces: number[] = []): { firstBadUtf8: number | undefined; firstBadGb18030: number | undefined } {
  const utf8 = new Utf8Scanner();
  const gb = new Gb18030Scanner();
  let at = 0;
  for (const size of [...pieces, bytes.length]) {
    const piece = bytes.subarray(at, at + size);
    utf8.push(piece);
    gb.push(piece);
    at += piece.length;
  }
  utf8.end();
  gb.end();
  return { firstBadUtf8: utf8.firstBad, firstBadGb18030: gb.firstBad };
}

const gbk = Buffer.from([0xd5, 0xc5, 0xce, 0xb0, 0x2c, 0x31]); // 张伟,1 in GBK

describe("Utf8Scanner and Gb18030Scanner", () => {
  it("accepts UTF-8 split anywhere, including inside a character", () => {
    const bytes = Buffer.from("姓名,张伟,𠮷\n", "utf8");
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(scan(bytes, [cut]).firstBadUtf8, `cut at ${cut}`).toBeUndefined();
    }
  });

  it("names the offset of the first byte that is not UTF-8", () => {
    const bytes = Buffer.concat([Buffer.from("ok,é\n", "utf8"), gbk]);
    expect(scan(bytes).firstBadUtf8).toBe(6); // "ok,é\n" is 6 bytes
    expect(scan(bytes, [3, 3, 3]).firstBadUtf8).toBe(6);
  });

  it("reports a UTF-8 sequence cut off by the end of the input", () => {
    expect(scan(Buffer.from([0x61, 0xe5, 0xbc])).firstBadUtf8).toBe(1);
  });

  it("accepts GBK and four-byte GB18030 sequences, split anywhere", () => {
    const bytes = Buffer.concat([gbk, Buffer.from([0x95, 0x32, 0x82, 0x36])]); // + 𠮷 in GB18030
    for (let cut = 0; cut <= bytes.length; cut++) {
      const scanner = scan(bytes, [cut]);
      expect(scanner.firstBadGb18030, `cut at ${cut}`).toBeUndefined();
      expect(scanner.firstBadUtf8).toBe(0);
    }
  });

  it("rejects bytes that are neither", () => {
    const scanner = scan(Buffer.from([0x61, 0x62, 0xff, 0x63]));
    expect(scanner.firstBadUtf8).toBe(2);
    expect(scanner.firstBadGb18030).toBe(2);
    expect(scan(Buffer.from([0x61, 0xd5])).firstBadGb18030).toBe(1); // lead byte at the very end
    expect(scan(Buffer.from([0x81, 0x30, 0x20])).firstBadGb18030).toBe(0); // broken four-byte sequence
  });
});

describe("encoding names and BOMs", () => {
  it("knows the common spellings", () => {
    expect(parseEncodingName("UTF8")).toBe("utf-8");
    expect(parseEncodingName("GB2312")).toBe("gbk");
    expect(parseEncodingName("cp936")).toBe("gbk");
    expect(parseEncodingName("ISO-8859-1")).toBe("latin1");
    expect(parseEncodingName("Auto")).toBe("auto");
    expect(parseEncodingName("ebcdic")).toBeUndefined();
  });

  it("detects UTF-8 and UTF-16 byte-order marks", () => {
    expect(detectBom(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ encoding: "utf-8", length: 3 });
    expect(detectBom(Buffer.from([0xff, 0xfe, 0x61, 0x00]))).toEqual({ encoding: "utf-16le", length: 2 });
    expect(detectBom(Buffer.from([0xfe, 0xff, 0x00, 0x61]))).toEqual({ encoding: "utf-16be", length: 2 });
    expect(detectBom(Buffer.from("id,name"))).toBeUndefined();
  });
});
