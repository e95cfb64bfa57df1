import { describe, expect, it } from "vitest";
import {
  describeBinary,
  describeNonTabularText,
  excelSepLine,
  formatFromExtension,
  sniffDelimiter,
  sniffFormat,
} from "../../src/io/sniff.js";

describe("sniffDelimiter", () => {
  it("picks the delimiter that splits every line the same way", () => {
    expect(sniffDelimiter("a,b,c\n1,2,3\n")).toBe(",");
    expect(sniffDelimiter("a;b;c\n1,5;2;3\n4;5,5;6\n")).toBe(";");
    expect(sniffDelimiter("a\tb\n1\t2\n")).toBe("\t");
    expect(sniffDelimiter("a|b|c\n1|2|3\n")).toBe("|");
  });

  it("ignores delimiters inside quotes", () => {
    expect(sniffDelimiter('name;note\n"Doe, John";"a, b, c"\n"x";"y, z"\n')).toBe(";");
  });

  it("falls back to a comma for a single column", () => {
    expect(sniffDelimiter("email\na@x.com\n")).toBe(",");
  });
});

describe("format detection", () => {
  it("uses the extension, then the first character", () => {
    expect(formatFromExtension("x/Customers.CSV")).toBe("csv");
    expect(formatFromExtension("a.tsv")).toBe("tsv");
    expect(formatFromExtension("a.ndjson")).toBe("jsonl");
    expect(formatFromExtension("a.dat")).toBeUndefined();
    expect(sniffFormat("  [{", undefined)).toBe("json");
    expect(sniffFormat('{"a":1}\n', undefined)).toBe("jsonl");
    expect(sniffFormat('{"a":1}\n', "json")).toBe("jsonl");
    expect(sniffFormat("id,name", undefined)).toBe("csv");
  });

  it("names binary inputs by their magic numbers", () => {
    expect(describeBinary(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]))).toBe("a PNG image");
    expect(describeBinary(Buffer.from("PK\u0003\u0004rest", "latin1"))).toMatch(/ZIP archive/);
    expect(describeBinary(Buffer.from("%PDF-1.7"))).toBe("a PDF document");
    expect(describeBinary(Buffer.from("id,name\n1,a\n"))).toBeUndefined();
    expect(describeBinary(Buffer.from([0x61, 0, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67]))).toMatch(/NUL bytes/);
    expect(describeBinary(Buffer.from("id,name\n", "utf16le"))).toMatch(/UTF-16 text without a byte-order mark.*utf-16le/);
  });

  it("names HTML and XML", () => {
    expect(describeNonTabularText("<!DOCTYPE html><html>")).toBe("an HTML page");
    expect(describeNonTabularText('<?xml version="1.0"?>')).toBe("an XML document");
    expect(describeNonTabularText("id,html\n")).toBeUndefined();
  });
});

describe("Excel's sep= line", () => {
  it("names the delimiter, quoted or not, padded as a spreadsheet row or not, in any case", () => {
    expect(excelSepLine("sep=;\r\nVorname;Nachname\r\n")).toBe(";");
    expect(excelSepLine("sep=,\nname,email\n")).toBe(",");
    expect(excelSepLine("SEP=|\nname|email\n")).toBe("|");
    expect(excelSepLine('"sep=;"\nname;email\n')).toBe(";");
    expect(excelSepLine("sep=;;;;\nid;name;email;phone;city\n")).toBe(";");
    expect(excelSepLine("sep=\t\nid\tname\n")).toBe("\t");
    expect(excelSepLine("\uFEFFsep=;\nid;name\n")).toBe(";");
    expect(excelSepLine("sep=;")).toBe(";"); // nothing after it: still the hint, not a header
  });

  it("is not a header that merely starts like one", () => {
    expect(excelSepLine("sep;name;email\n1;a;b\n")).toBeUndefined();
    expect(excelSepLine("sep=;name;email\n")).toBeUndefined();
    expect(excelSepLine("separator,name\n")).toBeUndefined();
    expect(excelSepLine("id,sep=;\n")).toBeUndefined();
    expect(excelSepLine('sep="\n')).toBeUndefined();
    expect(excelSepLine("")).toBeUndefined();
  });
});
