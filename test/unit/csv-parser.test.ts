import { describe, expect, it } from "vitest";
import { CsvParser } from "../../src/io/csv-parser.js";

interface Parsed {
  records: { line: number; fields: string[] }[];
  rejects: { line: number; raw: string; reason: string }[];
}

function parse(text: string, options: { delimiter?: string; pieces?: number[]; maxRecordChars?: number } = {}): Parsed {
  const out: Parsed = { records: [], rejects: [] };
  const parser = new CsvParser(
    options.delimiter ?? ",",
    {
      record: (fields, line) => out.records.push({ line, fields }),
      reject: (raw, line, reason) => out.rejects.push({ line, raw, reason }),
    },
    options.maxRecordChars,
  );
  let at = 0;
  for (const size of options.pieces ?? []) {
    parser.push(text.slice(at, at + size));
    at += size;
  }
  parser.push(text.slice(at));
  parser.end();
  return out;
}

const fields = (p: Parsed) => p.records.map((r) => r.fields);

describe("CsvParser: well-formed input", () => {
  it("splits plain rows and numbers lines from 1 (the header)", () => {
    const p = parse("a,b,c\n1,2,3\n4,5,6\n");
    expect(fields(p)).toEqual([
      ["a", "b", "c"],
      ["1", "2", "3"],
      ["4", "5", "6"],
    ]);
    expect(p.records.map((r) => r.line)).toEqual([1, 2, 3]);
    expect(p.rejects).toEqual([]);
  });

  it("handles CRLF, a missing final newline and empty fields", () => {
    expect(fields(parse("a,b,c\r\n1,,3\r\n,,"))).toEqual([
      ["a", "b", "c"],
      ["1", "", "3"],
      ["", "", ""],
    ]);
  });

  it("keeps delimiters, doubled quotes, LF and CRLF inside quoted fields", () => {
    const p = parse('a,b\n"x, y","say ""hi"""\n"line1\r\nline2","l1\nl2"\nlast,row\n');
    expect(fields(p)).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["line1\r\nline2", "l1\nl2"],
      ["last", "row"],
    ]);
    // The record on line 3 holds two inner newlines, so the next starts on line 6.
    expect(p.records.map((r) => r.line)).toEqual([1, 2, 3, 6]);
  });

  it("keeps a bare quote inside an unquoted field as a character", () => {
    expect(fields(parse(`a,b\n37°36'37.8"N,Modesto\n`))[1]).toEqual([`37°36'37.8"N`, "Modesto"]);
  });

  it("skips blank lines but counts them", () => {
    const p = parse("a,b\n\n1,2\r\n\r\n3,4\n");
    expect(p.records.map((r) => [r.line, ...r.fields])).toEqual([
      [1, "a", "b"],
      [3, "1", "2"],
      [5, "3", "4"],
    ]);
  });

  it("uses other one-character delimiters", () => {
    expect(fields(parse("a;b\n1;2,5\n", { delimiter: ";" }))).toEqual([
      ["a", "b"],
      ["1", "2,5"],
    ]);
    expect(fields(parse('a\tb\n"x\ty"\tz\n', { delimiter: "\t" }))[1]).toEqual(["x\ty", "z"]);
  });

  it("refuses delimiters that cannot work", () => {
    const sink = { record() {}, reject() {} };
    expect(() => new CsvParser('"', sink)).toThrow(/invalid CSV delimiter/);
    expect(() => new CsvParser(",,", sink)).toThrow(/invalid CSV delimiter/);
  });
});

describe("CsvParser: recovery from bad rows", () => {
  it("an unclosed quote costs its own line only (csv-parse lost 3 of 4 rows here)", () => {
    const p = parse('id,name,email\n1,"Alice,a@x.com\n2,Bob,b@x.com\n3,Carol,c@x.com\n4,Dan,d@x.com\n');
    expect(p.rejects).toEqual([{ line: 2, raw: '1,"Alice,a@x.com', reason: "unclosed quoted field" }]);
    expect(p.records.slice(1).map((r) => [r.line, r.fields[1]])).toEqual([
      [3, "Bob"],
      [4, "Carol"],
      [5, "Dan"],
    ]);
  });

  it("a stray quote that would pair with a later quote does not glue rows together", () => {
    const p = parse('id,name,email\n1,"Alice,a@x.com\n2,Bob,b@x.com\n3,"Carol",c@x.com\n');
    expect(p.rejects.map((r) => r.line)).toEqual([2]);
    expect(p.records.slice(1).map((r) => r.fields)).toEqual([
      ["2", "Bob", "b@x.com"],
      ["3", "Carol", "c@x.com"],
    ]);
  });

  it("a multi-line record with the wrong field count is rejected line by line, never merged", () => {
    const p = parse('a,b,c\n1,"x\n2,y",3,4\n5,6,7\n');
    expect(p.rejects[0]).toMatchObject({ line: 2, raw: '1,"x' });
    expect(p.records.at(-1)).toEqual({ line: 4, fields: ["5", "6", "7"] });
  });

  it("text after a closing quote rejects the line", () => {
    const p = parse('a,b\n"x"y,1\n2,3\n');
    expect(p.rejects).toEqual([{ line: 2, raw: '"x"y,1', reason: 'unexpected "y" after a closing quote' }]);
    expect(fields(p).at(-1)).toEqual(["2", "3"]);
  });

  it("rows with too few or too many fields are rejected with the counts", () => {
    const p = parse("a,b,c\n1,2\n1,2,3,4\n5,6,7\n");
    expect(p.rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, "expected 3 fields, found 2"],
      [3, "expected 3 fields, found 4"],
    ]);
    expect(p.records).toHaveLength(2);
  });

  it("an over-long record (a stray quote in a huge file) is cut off instead of buffering the rest of the file", () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i},name${i}`).join("\n");
    const p = parse(`id,name\n"oops,1\n${rows}\n`, { maxRecordChars: 100, pieces: [20, 20, 20, 20, 20, 20] });
    expect(p.rejects[0]).toMatchObject({ line: 2, raw: '"oops,1' });
    expect(p.records).toHaveLength(201);
  });
});

describe("CsvParser: chunk boundaries", () => {
  const tricky = 'id,note,city\r\n1,"a ""q"" b",x\r\n2,"multi\r\nline, with comma",y\r\n\r\n3,plain,z\r\n4,"bad\r\n5,ok,w\r\n';
  const whole = parse(tricky);

  it("parses the sample as expected in one piece", () => {
    expect(fields(whole)).toEqual([
      ["id", "note", "city"],
      ["1", 'a "q" b', "x"],
      ["2", "multi\r\nline, with comma", "y"],
      ["3", "plain", "z"],
      ["5", "ok", "w"],
    ]);
    expect(whole.rejects.map((r) => r.line)).toEqual([7]);
  });

  it("gives the same result wherever the input is split", () => {
    for (let cut = 1; cut < tricky.length; cut++) {
      expect(parse(tricky, { pieces: [cut] }), `split at ${cut}`).toEqual(whole);
    }
  });

  it("gives the same result fed one character at a time", () => {
    expect(parse(tricky, { pieces: Array.from({ length: tricky.length }, () => 1) })).toEqual(whole);
  });
});

describe("CsvParser: an over-long line arriving in pieces", () => {
  it("is rejected once, and the following lines keep their numbers", () => {
    const long = "x".repeat(300);
    const p = parse(`id,note\n1,ok\n2,${long}\n3,after\n`, { maxRecordChars: 100, pieces: [20, 50, 50, 50, 50, 50, 50] });
    expect(p.rejects.map((r) => [r.line, r.reason])).toEqual([[3, "line longer than 100 characters"]]);
    expect(p.records.map((r) => [r.line, r.fields[0]])).toEqual([
      [1, "id"],
      [2, "1"],
      [4, "3"],
    ]);
  });
});
