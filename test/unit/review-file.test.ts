/** The review file's pair ids, export rows and the checks of a filled-in decisions file (no store, no files). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecisionsFileReader, pairProblems, parseDecisionWord } from "../../src/stages/review/decisions-file.js";
import { EXPORT_COLUMNS, exportRow, pairId, parsePairId, spreadsheetSafe } from "../../src/stages/review/file-format.js";
import { REVIEW_FIELDS, type ReviewPair, type ReviewRecord } from "../../src/stages/review/types.js";

describe("pair ids", () => {
  it("are the two record ids, lower first, joined by ~; either order reads back the same", () => {
    expect(pairId(345, 12)).toBe("12~345");
    expect(parsePairId("12~345")).toEqual({ a: 12, b: 345 });
    expect(parsePairId(" 345 ~ 12 ")).toEqual({ a: 12, b: 345 });
  });

  it("anything else is not one: a date a spreadsheet made, a record paired with itself, zero, signs", () => {
    for (const text of ["", "12-345", "12~12", "0~5", "-1~5", "1~", "~2", "1~2~3", "12.0~3", "2026-03-07", "１~２", "9999999999999999~1"])
      expect(parsePairId(text), text).toBeUndefined();
  });

  it("round trip: parsePairId(pairId(a, b)) gives the ids back in order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 40 }), (a, b) => {
        fc.pre(a !== b);
        expect(parsePairId(pairId(a, b))).toEqual({ a: Math.min(a, b), b: Math.max(a, b) });
      }),
    );
  });
});

describe("decision words", () => {
  it("y / yes / same / 1 and n / no / different / 0 in any case; blank skips; nothing else is a decision", () => {
    for (const word of ["y", "Y", "yes", "YES", " Same ", "1"]) expect(parseDecisionWord(word), word).toBe("same");
    for (const word of ["n", "N", "no", "No", "DIFFERENT", "0 "]) expect(parseDecisionWord(word), word).toBe("different");
    for (const word of ["", "   "]) expect(parseDecisionWord(word)).toBe("skip");
    for (const word of ["maybe", "s", "yess", "是", "true", "2", "y n"]) expect(parseDecisionWord(word), word).toBeUndefined();
  });
});

function record(id: number, source: string, sourceId: string | null, values: Partial<ReviewRecord["values"]>): ReviewRecord {
  return { id, source, sourceId, values: Object.fromEntries(REVIEW_FIELDS.map((f) => [f, values[f] ?? null])) as ReviewRecord["values"] };
}

describe("export rows", () => {
  const pair: ReviewPair = {
    a: record(26, "crm", "c26", { given_name: "John", family_name: "Smith", phone: "+16175550126", email: '=HYPERLINK("http://x")' }),
    b: record(47, "shop", null, { given_name: "Mary", family_name: "Smith", phone: "+16175550126" }),
    matchWeight: 2.55,
    matchProbability: 0.853989123,
    explanation: {},
    modelId: 1,
  };

  it("one cell per column: the pair id, an empty decision, the probability, both records side by side", () => {
    const row = exportRow(pair, { for: [{ comparison: "phone", level: 1, label: "exact", weight: 4.07 }], against: [] }, ["given_name"]);
    expect(Object.keys(row)).toEqual([...EXPORT_COLUMNS]);
    expect(row).toMatchObject({
      pair_id: "26~47",
      decision: "",
      match_probability: "0.853989",
      record_a: "26",
      record_b: "47",
      source_id_b: "",
      given_name_a: "John",
      given_name_b: "Mary",
      differs: "given_name",
      reasons_for: "phone exact +4.07",
      reasons_against: "",
    });
  });

  it("a cell a spreadsheet would run as a formula is kept as text", () => {
    const row = exportRow(pair, { for: [], against: [] }, []);
    expect(row.email_a).toBe(`'=HYPERLINK("http://x")`);
    expect(row.phone_a).toBe("'+16175550126");
    for (const safe of ["John", "王娜", "1983-05-17", "a=b"]) expect(spreadsheetSafe(safe)).toBe(safe);
    for (const risky of ["=1+1", "+1", "-2", "@SUM(A1)", "\tx"]) expect(spreadsheetSafe(risky)).toBe(`'${risky}`);
  });
});

/** Feed a CSV-shaped file to the reader: the header, then rows numbered from line 2. */
function read(lines: string[][], header = ["pair_id", "decision"]) {
  const reader = new DecisionsFileReader();
  reader.columns(header);
  lines.forEach((values, i) => {
    reader.row(i + 2, header, values);
  });
  return reader.finish();
}

describe("reading a decisions file", () => {
  it("collects the decisions and counts the blanks; blank rows a spreadsheet left are ignored", () => {
    const parsed = read([
      ["12~345", "Y"],
      ["345~20", "different"],
      ["7~9", ""],
      ["", ""],
      ["8~9", " 0 "],
    ]);
    expect(parsed).toEqual({
      decisions: [
        { line: 2, a: 12, b: 345, decision: "same" },
        { line: 3, a: 20, b: 345, decision: "different" },
        { line: 6, a: 8, b: 9, decision: "different" },
      ],
      skipped: 1,
      problems: [],
    });
  });

  it("every bad row is a problem with its line number, in line order", () => {
    const parsed = read([
      ["12~345", "yes"],
      ["12-345", "y"],
      ["20~21", "maybe"],
      ["345~12", "n"],
      ["", "y"],
      ["30~31", ""],
      ["30~31", "n"],
      ["oops", "?"],
    ]);
    expect(parsed.problems.map((problem) => problem.line)).toEqual([3, 4, 5, 6, 8, 9, 9]);
    expect(parsed.problems[0]?.message).toMatch(/pair_id "12-345" is not a pair id/);
    expect(parsed.problems[1]?.message).toMatch(/decision "maybe" is not one roster knows: write y, yes, same or 1/);
    expect(parsed.problems[2]?.message).toBe("pair 12~345 is on line 2 already: give each pair one row");
    expect(parsed.problems[3]?.message).toBe('decision "y" without a pair_id');
    expect(parsed.problems[4]?.message).toBe("pair 30~31 is on line 7 already: give each pair one row");
    expect(parsed.decisions.map((decision) => decision.line)).toEqual([2]);
  });

  it("finds its columns among the export's others, in any letter case and order", () => {
    const header = ["Decision", "match_probability", "given_name_a", "PAIR_ID"];
    const reader = new DecisionsFileReader();
    reader.columns(header);
    reader.row(2, header, ["n", "0.39", "Katherine", "31~46"]);
    expect(reader.finish()).toEqual({ decisions: [{ line: 2, a: 31, b: 46, decision: "different" }], skipped: 0, problems: [] });
  });

  it("a header without pair_id or decision is one problem on the header's line; its rows are not checked", () => {
    const reader = new DecisionsFileReader(2);
    reader.columns(["12~345", "y"]);
    reader.row(3, ["12~345", "y"], ["20~21", "maybe"]);
    const parsed = reader.finish();
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatchObject({ line: 2 });
    expect(parsed.problems[0]?.message).toMatch(/the header has no pair_id and no decision column \(found "12~345", "y"\)/);
    expect(parsed.decisions).toEqual([]);
  });

  it("an empty file and an unreadable line are problems too", () => {
    expect(new DecisionsFileReader().finish().problems).toEqual([
      { line: 1, message: "the file is empty: expected a header naming pair_id and decision, then a row per pair" },
    ]);
    const reader = new DecisionsFileReader();
    reader.columns(["pair_id", "decision"]);
    reader.reject(4, '"12~3,y', "unclosed quote");
    expect(reader.finish().problems).toEqual([{ line: 4, message: "cannot read the row: unclosed quote" }]);
  });

  it("pairs the store does not know, or whose records changed since the export, are problems on their lines", () => {
    const parsed = read([
      ["1~2", "y"],
      ["3~4", "n"],
      ["5~6", "y"],
    ]);
    const statuses = new Map([
      ["1~2", "current" as const],
      ["3~4", "stale" as const],
    ]);
    const problems = pairProblems(parsed.decisions, statuses);
    expect(problems.map((problem) => problem.line)).toEqual([3, 4]);
    expect(problems[0]?.message).toMatch(/^pair 3~4: one of its records is no longer current .*export again/);
    expect(problems[1]?.message).toBe("no pair 5~6 in the store: pair ids come from roster review --export");
  });

  it("never throws, and a row is either a decision, a skip, ignored or a problem", () => {
    const cell = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("1~2", "2~1", "3~4", "y", "N", "", "same", "0"));
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell), { maxLength: 30 }), (rows) => {
        const parsed = read(rows.map(([id, word]) => [id, word]));
        const blank = rows.filter(([id, word]) => id.trim() === "" && word.trim() === "").length;
        const problemLines = new Set(parsed.problems.map((problem) => problem.line));
        expect(parsed.decisions.length + parsed.skipped + blank + problemLines.size).toBe(rows.length);
        expect(parsed.decisions.every((decision) => !problemLines.has(decision.line))).toBe(true);
      }),
    );
  });
});
