/** Properties of the normalizers at full strength: idempotent, fixed points, never throwing. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import type { RecordValues } from "../../src/model/record.js";
import { normalizeRecord } from "../../src/stages/normalize/index.js";
import { caseName, normalizeNameParts } from "../../src/stages/normalize/names.js";
import { normalizeText } from "../../src/stages/normalize/text.js";

const full = (name: string) => normalizeNameParts(name, null, null);

describe("properties at full strength", () => {
  const text = fc.string({ unit: "grapheme", maxLength: 30 });
  const fieldValue = fc.option(
    fc.oneof(
      text,
      fc.constantFrom("张 伟", "晓 明", "(415) 555-0132", "ZHANG WEI", "O'BRIEN, SEAN", "1990/5/3", "中国", "mailto:x@y.z"),
      fc.constantFrom("張偉", "欧阳娜娜", "Dr. Jane", "DOE PHD", "Doe, Jr.", "Mr", "Madonna", "ann@gmail.con", "bo@yahoo.cm"),
    ),
    { nil: null },
  );

  it("caseName is idempotent", () => {
    fc.assert(fc.property(text, (name) => caseName(caseName(name)) === caseName(name)));
  });

  it("a normalized full name is a fixed point", () => {
    fc.assert(
      fc.property(text, (raw) => {
        const name = normalizeText(raw);
        const once = full(name).fullName;
        return once === null || full(once).fullName === once;
      }),
    );
  });

  it("normalizeRecord is idempotent on its values and never throws", () => {
    const context = { country: "US", dateOrder: "dmy" as const };
    fc.assert(
      fc.property(
        fc.record(Object.fromEntries(CANONICAL_FIELDS.map((f) => [f, fieldValue])) as Record<string, fc.Arbitrary<string | null>>),
        (values) => {
          const once = normalizeRecord(values as RecordValues, context).values;
          expect(normalizeRecord(once, context).values).toEqual(once);
        },
      ),
      { numRuns: 300 },
    );
  });
});
