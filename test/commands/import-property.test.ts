/**
 * Property: any table of strings written as CSV by an independent writer (csv-stringify), with any delimiter,
 * quotes, newlines and unicode, imports back to exactly the same values.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { importFiles, query } from "../helpers/run.js";
import { tempDir } from "../helpers/temp.js";

// Units that stress a CSV reader, mixed with arbitrary unicode graphemes. NUL is left out on purpose:
// roster treats NUL bytes as a sign of a binary file.
const tricky = fc.constantFrom(",", ";", "\t", "|", '"', "\n", "\r", "\r\n", " ", "'", "\u00a0", "张", "𠮷", "é", "\uFFFD");
const unit = fc.oneof(
  tricky,
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }).filter((g) => !g.includes("\u0000")),
);
const value = fc.string({ unit, maxLength: 12 });
// Headers are trimmed on import (and a leading BOM dropped), so generate them already clean and unique.
const header = value.map((h) => h.trim()).filter((h) => h !== "" && !h.startsWith("\uFEFF"));

const table = fc.uniqueArray(header, { minLength: 1, maxLength: 6 }).chain((headers) =>
  fc.record({
    headers: fc.constant(headers),
    rows: fc.array(fc.array(value, { minLength: headers.length, maxLength: headers.length }), { maxLength: 15 }),
  }),
);

describe("CSV round trip (fast-check)", () => {
  it("imports back the same values for any delimiter and content", async () => {
    await fc.assert(
      fc.asyncProperty(table, fc.constantFrom(",", ";", "\t", "|"), fc.boolean(), async ({ headers, rows }, delimiter, crlf) => {
        const dir = tempDir();
        const file = join(dir, "table.csv");
        // csv-stringify leaves a bare \n unquoted when records end in \r\n (ambiguous CSV): force quoting of line breaks.
        const text = stringify([headers, ...rows], {
          delimiter,
          quoted_empty: true,
          quoted_match: /[\r\n]/,
          record_delimiter: crlf ? "windows" : "unix",
        });
        writeFileSync(file, text, "utf8");
        const store = join(dir, "roster.db");
        const result = await importFiles([file], store, { read: { encoding: "auto", format: "csv", delimiter } });
        expect(result.totals.rejected).toBe(0);
        const back = query<{ raw: string }>(store, "SELECT raw FROM records ORDER BY line").map((r) => JSON.parse(r.raw));
        expect(back).toEqual(rows.map((row) => Object.fromEntries(headers.map((h, i) => [h, row[i]]))));
      }),
      { numRuns: 150 },
    );
  });
});
