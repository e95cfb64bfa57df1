import { describe, expect, it } from "vitest";
import { flattenRecord, JsonArrayParser, JsonLinesParser, JsonStructureError } from "../../src/io/json-parser.js";

type Out = { records: { line: number; raw: string; value: unknown }[]; rejects: { line: number; reason: string }[] };

function run(kind: "array" | "lines", text: string, pieces: number[] = []): Out {
  const out: Out = { records: [], rejects: [] };
  const sink = {
    record: (value: Record<string, unknown>, raw: string, line: number) => out.records.push({ line, raw, value }),
    reject: (_raw: string, line: number, reason: string) => out.rejects.push({ line, reason }),
  };
  const parser = kind === "array" ? new JsonArrayParser(sink) : new JsonLinesParser(sink);
  let at = 0;
  for (const size of pieces) {
    parser.push(text.slice(at, at + size));
    at += size;
  }
  parser.push(text.slice(at));
  parser.end();
  return out;
}

describe("JsonArrayParser", () => {
  const text = '[\n  {"id": 1, "name": "A \\"q\\" ]}"},\n  {"id": 2,\n   "tags": ["x", {"y": 1}]},\n  {"id": 3}\n]\n';

  it("finds each element with its line and verbatim text", () => {
    const out = run("array", text);
    // Numbers arrive as their digits (see parseRecordText): ids are never rounded.
    expect(out.records.map((r) => [r.line, (r.value as { id: string }).id])).toEqual([
      [2, "1"],
      [3, "2"],
      [5, "3"],
    ]);
    expect(out.records[0]?.raw).toBe('{"id": 1, "name": "A \\"q\\" ]}"}');
  });

  it("gives the same result wherever the input is split", () => {
    const whole = run("array", text);
    for (let cut = 1; cut < text.length; cut++) expect(run("array", text, [cut]), `cut ${cut}`).toEqual(whole);
  });

  it("rejects elements that are not objects, keeps the rest", () => {
    const out = run("array", '[{"a":1}, 42, "x", [1], null, {"b":2}]');
    expect(out.records).toHaveLength(2);
    expect(out.rejects.map((r) => r.reason)).toEqual([
      "expected a JSON object, found number",
      "expected a JSON object, found string",
      "expected a JSON object, found an array",
      "expected a JSON object, found null",
    ]);
  });

  it("rejects a balanced element that is not valid JSON", () => {
    const out = run("array", '[{"a":1},\n{"b": tru},\n{"c":3}]');
    expect(out.records).toHaveLength(2);
    expect(out.rejects[0]?.line).toBe(2);
    expect(out.rejects[0]?.reason).toMatch(/^invalid JSON/);
  });

  it("throws a structure error with a line for broken files", () => {
    expect(() => run("array", '{"a":1}')).toThrow(JsonStructureError);
    expect(() => run("array", '[{"a":1},\n{"b":"unclosed}\n')).toThrow(/ends inside a record/);
    expect(() => run("array", '[{"a":1}]\ntrailing')).toThrow(/after the closing/);
    expect(() => run("array", '[{"a":1}')).toThrow(/not closed/);
    expect(() => run("array", "   \n")).not.toThrow();
    expect(() => run("array", '{"a": 1}')).toThrow(/expected \[ to start an array of records/);
  });

  it("reads an empty array as no records", () => {
    expect(run("array", " [ ] ")).toEqual({ records: [], rejects: [] });
  });
});

describe("JsonLinesParser", () => {
  it("parses one object per line, skips blank lines and rejects bad ones with their line", () => {
    const out = run("lines", '{"a":1}\n\n{"a":2\n[1,2]\n{"a":3}\r\n{"a":4}', [5, 7]);
    expect(out.records.map((r) => [r.line, (r.value as { a: string }).a])).toEqual([
      [1, "1"],
      [5, "3"],
      [6, "4"],
    ]);
    expect(out.rejects.map((r) => r.line)).toEqual([3, 4]);
  });
});

describe("numbers keep their digits", () => {
  it("a 20-digit id, an exponent and a negative decimal come through as written", () => {
    const out = run("lines", '{"id": 12345678901234567891, "big": 1e400, "n": -0.10, "s": "7", "ok": true, "list": [1, 2.50]}\n');
    expect(out.records[0]?.value).toEqual({ id: "12345678901234567891", big: "1e400", n: "-0.10", s: "7", ok: true, list: ["1", "2.50"] });
    expect(out.records[0]?.raw).toBe('{"id": 12345678901234567891, "big": 1e400, "n": -0.10, "s": "7", "ok": true, "list": [1, 2.50]}');
  });
});

describe("size limits", () => {
  it("an unclosed string in a JSON array stops at the record limit instead of eating memory", () => {
    const parser = new JsonArrayParser({ record() {}, reject() {} });
    parser.push('[{"name": "unclosed');
    const chunk = "x".repeat(1 << 16);
    expect(() => {
      for (let i = 0; i < 20; i++) parser.push(chunk);
    }).toThrow(/a record longer than 1048576 characters \(an unclosed string\?\)/);
  });

  it("an over-long JSON Lines line is rejected once and the next lines keep their numbers", () => {
    const out: Out = { records: [], rejects: [] };
    const parser = new JsonLinesParser({
      record: (value, raw, line) => out.records.push({ line, raw, value }),
      reject: (_raw, line, reason) => out.rejects.push({ line, reason }),
    });
    parser.push('{"a": 1}\n{"long": "');
    for (let i = 0; i < 20; i++) parser.push("y".repeat(1 << 16));
    parser.push('"}\n{"a": 3}\n');
    parser.end();
    expect(out.rejects).toEqual([{ line: 2, reason: "line longer than 1048576 characters" }]);
    expect(out.records.map((r) => r.line)).toEqual([1, 3]);
  });
});

describe("flattenRecord", () => {
  it("dots nested objects, keeps arrays as JSON, stringifies scalars and leaves nulls out", () => {
    const [columns, values] = flattenRecord({
      id: 7,
      name: "Zhang",
      address: { city: "北京", geo: { lat: 1.5 } },
      tags: ["a", "b"],
      vip: true,
      note: null,
    });
    expect(Object.fromEntries(columns.map((c, i) => [c, values[i]]))).toEqual({
      id: "7",
      name: "Zhang",
      "address.city": "北京",
      "address.geo.lat": "1.5",
      tags: '["a","b"]',
      vip: "true",
    });
  });
});
