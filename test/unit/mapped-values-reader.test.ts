// The store report reads a million rows' raw values through MappedValuesReader, which scans a CSV batch's flat
// JSON objects in place: whatever the text, it must give exactly what mappedValues (JSON.parse and the mapping
// walk) gives.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MappedValuesReader, mappedValues, storedMapping } from "../../src/fields/raw.js";

const mappingText = JSON.stringify({ first_name: "given_name", 'e"mail': "email", phone: "phone", extra: "attributes", skip: "-" });
const mapping = storedMapping(mappingText);
const key = fc.oneof(fc.constantFrom("first_name", 'e"mail', "phone", "extra", "skip", "other"), fc.string({ maxLength: 6 }));
// Values with quotes, backslashes, control characters, Unicode and surrounding spaces.
const value = fc.oneof(fc.string(), fc.constantFrom("", "  ", ' a"b ', "c\\d", "\n x \t", "張偉", "\u00a0y\u2003", "😀"));

describe("MappedValuesReader", () => {
  it("gives mappedValues' values for any flat object of strings, keys repeated or changing from row to row", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(key, value), { maxLength: 8 }), { minLength: 1, maxLength: 6 }), (rows) => {
        const reader = new MappedValuesReader(mapping, false);
        for (const pairs of rows) {
          const raw = JSON.stringify(Object.fromEntries(pairs));
          expect(reader.read(raw)).toEqual(mappedValues(raw, mapping, false));
        }
      }),
    );
  });

  it("falls back to mappedValues for what is not a flat object of strings", () => {
    const reader = new MappedValuesReader(mapping, false);
    for (const raw of ['{"first_name":{"x":"Ann"}}', '{"phone":12,"first_name":"Bo"}', '{"first_name":["a","b"]}', "{}", '{"phone":null}'])
      expect(reader.read(raw)).toEqual(mappedValues(raw, mapping, false));
  });

  it("a field fed by several columns keeps the order of precedence", () => {
    const shared = storedMapping(JSON.stringify({ mobile: "phone", phone: "phone" }));
    const reader = new MappedValuesReader(shared, false);
    const raw = JSON.stringify({ phone: "1", mobile: "2" });
    expect(reader.read(raw)).toEqual(mappedValues(raw, shared, false));
    expect(reader.read(raw).phone).toBe("2");
  });
});
