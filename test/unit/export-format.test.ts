/** Rows as CSV/TSV/JSON/JSONL text, spreadsheet safety and column choice (pure: no store, no files). */
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { availableColumns, type ExportColumn, resolveColumns } from "../../src/stages/export/columns.js";
import { exportFormatFor, rowFormatter } from "../../src/stages/export/format.js";
import { isPlainNumber, spreadsheetSafe } from "../../src/stages/export/spreadsheet-safe.js";

const columns: ExportColumn[] = [
  { name: "id", kind: "number" },
  { name: "full_name", kind: "text" },
  { name: "email", kind: "text" },
  { name: "attributes", kind: "json" },
];
const rows = [
  [1, "张伟", "zhangwei@example.cn", '{"会员等级":"金卡","points":1200}'],
  [2, 'Mary "Molly" O\'Brien, Jr.', null, null],
  [3, "Line one\nline two", '=HYPERLINK("http://evil.example")', "{}"],
];

function render(format: "csv" | "tsv" | "json" | "jsonl", lineEnd?: "\n" | "\r\n"): string {
  const formatter = rowFormatter({ format, columns, ...(lineEnd ? { lineEnd } : {}) });
  let text = formatter.begin();
  rows.forEach((values, i) => {
    text += formatter.line(formatter.prepare(values), i);
  });
  return text + formatter.end(rows.length);
}

describe("spreadsheet safety", () => {
  const prefixes = ["=", "+", "-", "@", "\t", "\r", "\n", "\0"];
  it("every formula prefix (= + - @ TAB CR LF NUL) gets an apostrophe", () => {
    for (const prefix of prefixes) {
      const cell = `${prefix}SUM(A1:A9)`;
      expect(spreadsheetSafe(cell)).toBe(`'${cell}`);
    }
    expect(spreadsheetSafe('=cmd|" /C calc"!A0')).toBe(`'=cmd|" /C calc"!A0`);
    expect(spreadsheetSafe("+86 138****8000")).toBe("'+86 138****8000");
  });

  it("plain numbers stay as written: -42, 3.5, +8613800138000, 1e-3", () => {
    for (const number of ["-42", "3.5", "-3.5", "+8613800138000", "1e-3", "-.5", "42"]) {
      expect(isPlainNumber(number)).toBe(true);
      expect(spreadsheetSafe(number)).toBe(number);
    }
    for (const notNumber of ["-42 ", "- 42", "-4-2", "-", "+", "1,000", "-0x10", "-Infinity"]) expect(isPlainNumber(notNumber)).toBe(false);
  });

  it("text without a formula prefix is left alone (a = inside is harmless)", () => {
    for (const safe of ["John", "王娜", "1983-05-17", "a=b", "x+1", " =1", "'quoted"]) expect(spreadsheetSafe(safe)).toBe(safe);
  });

  it("review's decisions file keeps signed numbers as text too (a spreadsheet would turn +1415… into a number)", () => {
    expect(spreadsheetSafe("+14155550101", { numbersAsText: true })).toBe("'+14155550101");
    expect(spreadsheetSafe("-2", { numbersAsText: true })).toBe("'-2");
    expect(spreadsheetSafe("\nx", { numbersAsText: true })).toBe("'\nx");
  });

  it("no cell it returns starts like a formula unless it is a plain number", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const safe = spreadsheetSafe(text);
        if (/^[=+\-@\t\r\n\0]/.test(safe)) expect(isPlainNumber(safe)).toBe(true);
        // the apostrophe is the only change, so the value is still there to read
        expect(safe === text || safe === `'${text}`).toBe(true);
      }),
    );
  });

  it("in a CSV row: text cells escaped, number cells (the id, -42 and 3.5 as numbers) written bare", () => {
    const formatter = rowFormatter({ format: "csv", columns: [{ name: "n", kind: "number" }, ...columns.slice(1, 3)] });
    for (const prefix of ["=", "+", "-", "@", "\t", "\r", "\n", "\0"]) {
      const [cells] = parse(formatter.line(formatter.prepare([-42, `${prefix}1+1`, "3.5"]), 0), { relax_quotes: true }) as string[][];
      expect(cells).toEqual(["-42", `'${prefix}1+1`, "3.5"]);
    }
    expect(formatter.line(formatter.prepare([3.5, "-42", "@x"]), 0)).toBe("3.5,-42,'@x\n");
  });
});

describe("formats", () => {
  it("CSV: a header, RFC 4180 quoting, read back to the same values by a CSV parser", () => {
    const text = render("csv");
    const back = parse(text, { columns: true }) as Record<string, string>[];
    expect(back).toHaveLength(3);
    expect(back[0]).toEqual({ id: "1", full_name: "张伟", email: "zhangwei@example.cn", attributes: '{"会员等级":"金卡","points":1200}' });
    expect(back[1]?.full_name).toBe('Mary "Molly" O\'Brien, Jr.');
    expect(back[1]?.email).toBe("");
    expect(back[2]?.full_name).toBe("Line one\nline two");
    expect(back[2]?.email).toBe(`'=HYPERLINK("http://evil.example")`);
  });

  it("TSV: tab-separated, tabs and newlines inside a cell quoted", () => {
    const formatter = rowFormatter({ format: "tsv", columns: columns.slice(0, 2) });
    expect(formatter.begin()).toBe("id\tfull_name\n");
    expect(formatter.line(formatter.prepare([7, "a\tb"]), 0)).toBe('7\t"a\tb"\n');
    expect(formatter.line(formatter.prepare([8, "a,b"]), 0)).toBe("8\ta,b\n");
    const back = parse(render("tsv"), { columns: true, delimiter: "\t" }) as Record<string, string>[];
    expect(back.map((r) => r.full_name)).toEqual(["张伟", 'Mary "Molly" O\'Brien, Jr.', "Line one\nline two"]);
  });

  it("CRLF line ends for Excel", () => {
    expect(render("csv", "\r\n").startsWith("id,full_name,email,attributes\r\n1,张伟,")).toBe(true);
  });

  it("JSON: one array; numbers stay numbers, JSON columns are objects, nulls null, no formula escaping", () => {
    const back = JSON.parse(render("json"));
    expect(back).toEqual([
      { id: 1, full_name: "张伟", email: "zhangwei@example.cn", attributes: { 会员等级: "金卡", points: 1200 } },
      { id: 2, full_name: 'Mary "Molly" O\'Brien, Jr.', email: null, attributes: null },
      { id: 3, full_name: "Line one\nline two", email: '=HYPERLINK("http://evil.example")', attributes: {} },
    ]);
    const empty = rowFormatter({ format: "json", columns });
    expect(JSON.parse(empty.begin() + empty.end(0))).toEqual([]);
  });

  it("JSON Lines: one object per line, the same objects as JSON", () => {
    const lines = render("jsonl").trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => JSON.parse(line))).toEqual(JSON.parse(render("json")));
  });

  it("a JSON column holding something that is not JSON is kept as its text", () => {
    const formatter = rowFormatter({ format: "jsonl", columns: [{ name: "attributes", kind: "json" }] });
    expect(JSON.parse(formatter.line(formatter.prepare(["{broken"]), 0))).toEqual({ attributes: "{broken" });
  });

  it("masks and pseudonyms apply before writing; blanks stay blank", () => {
    const formatter = rowFormatter({ format: "csv", columns, mask: ["email"], pseudonymize: ["full_name"], key: "k" });
    const line = formatter.line(formatter.prepare([1, "张伟", "zhangwei@example.cn", null]), 0);
    expect(line).toMatch(/^1,[0-9a-f]{64},z\*\*\*@example\.cn,\n$/);
    expect(formatter.line(formatter.prepare([2, null, "", null]), 0)).toBe("2,,,\n");
  });

  it("refuses a mask of a column not exported, of a JSON column, both treatments at once, a pseudonym without key", () => {
    expect(() => rowFormatter({ format: "csv", columns, mask: ["phone"] })).toThrow(/--mask: phone is not a column/);
    expect(() => rowFormatter({ format: "csv", columns, mask: ["attributes"] })).toThrow(/JSON column/);
    expect(() => rowFormatter({ format: "csv", columns, mask: ["email"], pseudonymize: ["email"], key: "k" })).toThrow(/not both/);
    expect(() => rowFormatter({ format: "csv", columns, pseudonymize: ["email"] })).toThrow(UsageError);
  });

  it("the format comes from --format, else from -o's extension, else CSV", () => {
    expect(exportFormatFor("jsonl", "x.csv")).toBe("jsonl");
    expect(exportFormatFor(undefined, "out/customers.JSON")).toBe("json");
    expect(exportFormatFor(undefined, "a.ndjson")).toBe("jsonl");
    expect(exportFormatFor(undefined, "a.tsv")).toBe("tsv");
    expect(exportFormatFor(undefined, "a.txt")).toBe("csv");
    expect(exportFormatFor(undefined, "-")).toBe("csv");
    expect(exportFormatFor(undefined, undefined)).toBe("csv");
    expect(() => exportFormatFor("xlsx", undefined)).toThrow(/export writes csv, tsv, json, jsonl/);
  });
});

describe("columns", () => {
  it("records by default: source, source_id, cluster_id, customer_id, every canonical field, attributes", () => {
    const names = resolveColumns("records", undefined).map((c) => c.name);
    expect(names.slice(0, 4)).toEqual(["source", "source_id", "cluster_id", "customer_id"]);
    expect(names).toContain("national_id");
    expect(names.at(-1)).toBe("attributes");
    expect(names).toHaveLength(22);
  });

  it("customers: id and canonical fields; --provenance adds provenance", () => {
    expect(resolveColumns("customers", undefined).map((c) => c.name)).not.toContain("provenance");
    expect(resolveColumns("customers", undefined, true).at(-1)).toEqual({ name: "provenance", kind: "json" });
    expect(resolveColumns("customers", ["email", "id"], true).map((c) => c.name)).toEqual(["email", "id", "provenance"]);
  });

  it("--fields picks and orders, once each; attr.NAME is one attribute of records", () => {
    expect(resolveColumns("records", ["email", "attr.会员等级", "source", "email"])).toEqual([
      { name: "email", kind: "text" },
      { name: "attr.会员等级", kind: "text", attribute: "会员等级" },
      { name: "source", kind: "text" },
    ]);
  });

  it("an unknown field is a usage error listing the valid ones", () => {
    const error = (() => {
      try {
        resolveColumns("customers", ["emial", "attr.vip"]);
      } catch (e) {
        return e as UsageError;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error?.message).toBe('--fields: "emial", "attr.vip" are no fields of customers');
    expect(error?.hint).toContain("valid fields: id, source_id, given_name");
    expect(() => resolveColumns("records", ["attr."])).toThrow(/"attr\." is no field of records/);
    for (const what of ["rejects", "findings", "pairs"] as const) {
      expect(resolveColumns(what, undefined).length).toBe(availableColumns(what).length);
    }
  });
});
