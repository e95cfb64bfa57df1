/**
 * provenanceJson: customers.provenance as JSON text, written by hand for speed. It must be the JSON that
 * JSON.stringify writes for the same provenance (DESIGN.md §4: field → {record, rule, derived?}, blank fields left
 * out), for any rule text (quotes, backslashes, Chinese, control characters) and any record id or null.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import { emptyProvenance, type FieldProvenance, type Provenance } from "../../src/stages/merge/types.js";
import { provenanceJson } from "../../src/store/provenance-json.js";

const fieldProvenance: fc.Arbitrary<FieldProvenance> = fc.record(
  {
    record: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
    rule: fc.oneof(fc.constantFrom("only_value", "most_recent", "source_priority", "same_address", "phone_country_code"), fc.string()),
    derived: fc.constant(true as const),
  },
  { requiredKeys: ["record", "rule"] },
);

/** A provenance as the stage builds it: every field present in canonical order, the blank ones undefined. */
const provenances = fc.array(fc.option(fieldProvenance, { nil: undefined }), { minLength: 18, maxLength: 18 }).map((froms) => {
  const provenance = emptyProvenance();
  CANONICAL_FIELDS.forEach((field, i) => {
    provenance[field] = froms[i];
  });
  return provenance;
});

describe("provenanceJson", () => {
  it("a golden record of 张伟: the JSON JSON.stringify writes, blank fields left out", () => {
    const provenance: Provenance = {
      ...emptyProvenance(),
      given_name: { record: 21, rule: "most_recent" },
      family_name: { record: 21, rule: "most_recent" },
      email: { record: 6, rule: "only_value" },
      country: { record: null, rule: "phone_country_code", derived: true },
    };
    const json = provenanceJson(provenance);
    expect(json).toBe(JSON.stringify(provenance));
    expect(JSON.parse(json)).toEqual({
      given_name: { record: 21, rule: "most_recent" },
      family_name: { record: 21, rule: "most_recent" },
      email: { record: 6, rule: "only_value" },
      country: { record: null, rule: "phone_country_code", derived: true },
    });
  });

  it("nothing known: an empty object", () => {
    expect(provenanceJson(emptyProvenance())).toBe("{}");
    expect(provenanceJson({})).toBe("{}");
  });

  it("a provenance read back from the store (fields in another order) gives the same object, in canonical order", () => {
    const read = JSON.parse('{"email":{"record":3,"rule":"only_value"},"source_id":{"record":1,"rule":"lowest_record_id"}}') as Provenance;
    expect(JSON.parse(provenanceJson(read))).toEqual(read);
    expect(Object.keys(JSON.parse(provenanceJson(read)))).toEqual(["source_id", "email"]);
  });

  it("is JSON.stringify's text for every provenance the stage builds, whatever the rule's characters", () => {
    fc.assert(
      fc.property(provenances, (provenance) => {
        expect(provenanceJson(provenance)).toBe(JSON.stringify(provenance));
      }),
      { numRuns: 300 },
    );
  });
});
