/**
 * customers.provenance as stored text. provenanceJson (the full form) must be the JSON that JSON.stringify writes
 * for the same provenance (DESIGN.md §4: field → {record, rule, derived?}, blank fields left out), for any rule
 * text (quotes, backslashes, Chinese, control characters) and any record id or null. The compact form
 * (storedProvenanceJson) must read back (readStoredProvenance) as exactly the provenance written.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import { CANONICAL_FIELDS, type CanonicalField } from "../../src/fields/canonical.js";
import { emptyProvenance, type FieldProvenance, type Provenance } from "../../src/stages/merge/types.js";
import {
  fullProvenanceJson,
  type HasValue,
  provenanceJson,
  readStoredProvenance,
  storedProvenanceJson,
} from "../../src/store/provenance-json.js";

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

/** Which fields have a value in the customer's row, as a reader sees the columns. */
const hasValueOf =
  (values: Partial<Record<CanonicalField, string | null>>): HasValue =>
  (field) =>
    values[field] !== null && values[field] !== undefined;

/** The provenance without its undefined fields, as toStrictEqual compares objects. */
const defined = (provenance: Provenance) => Object.fromEntries(Object.entries(provenance).filter(([, from]) => from !== undefined));

/** 张伟, a customer of one record (46): every value his, the country derived from his +86 phone. */
const zhangWei = {
  values: {
    source_id: "CRM-0046",
    given_name: "伟",
    family_name: "张",
    full_name: "张伟",
    email: "zhang.wei@example.cn",
    phone: "+8613800138000",
    country: "CN",
  } as Partial<Record<CanonicalField, string>>,
  provenance(): Provenance {
    const only: FieldProvenance = { record: 46, rule: "only_value" };
    const provenance = emptyProvenance();
    for (const field of ["source_id", "given_name", "family_name", "full_name", "email", "phone"] as const) provenance[field] = only;
    provenance.country = { record: 46, rule: "phone_country", derived: true };
    return provenance;
  },
};

describe("storedProvenanceJson and readStoredProvenance", () => {
  it("a customer of one record: the shared source once, the derived field its own entry; read back in full", () => {
    const text = storedProvenanceJson(zhangWei.provenance(), hasValueOf(zhangWei.values));
    expect(text).toBe('{"*":{"record":46,"rule":"only_value"},"country":{"record":46,"rule":"phone_country","derived":true}}');
    expect(readStoredProvenance(text, hasValueOf(zhangWei.values))).toEqual(zhangWei.provenance());
    expect(fullProvenanceJson(text, hasValueOf(zhangWei.values))).toBe(provenanceJson(zhangWei.provenance()));
  });

  it("a merged customer: the source most fields share is the shared one, the others written out", () => {
    // Mary Turner, crm record 3 and shop record 8: most fields agree, the email is the shop's newer one.
    const values = { given_name: "Mary", family_name: "Turner", full_name: "Mary Turner", email: "m.turner@example.com", city: "Leeds" };
    const provenance: Provenance = {
      given_name: { record: 3, rule: "all_agree" },
      family_name: { record: 3, rule: "all_agree" },
      full_name: { record: 3, rule: "all_agree" },
      email: { record: 8, rule: "most_recent" },
      city: { record: 3, rule: "all_agree" },
    };
    const text = storedProvenanceJson(provenance, hasValueOf(values));
    expect(JSON.parse(text)).toEqual({ "*": { record: 3, rule: "all_agree" }, email: { record: 8, rule: "most_recent" } });
    expect(defined(readStoredProvenance(text, hasValueOf(values)))).toEqual(provenance);
  });

  it("a field with a value and no provenance cannot be compact: the full form is written", () => {
    const values = { ...zhangWei.values, company: "华为" };
    const text = storedProvenanceJson(zhangWei.provenance(), hasValueOf(values));
    expect(text).toBe(provenanceJson(zhangWei.provenance()));
    expect(defined(readStoredProvenance(text, hasValueOf(values)))).toEqual(defined(zhangWei.provenance()));
  });

  it("a provenance for a field with no value is kept as its own entry", () => {
    const values = { ...zhangWei.values, email: null };
    const text = storedProvenanceJson(zhangWei.provenance(), hasValueOf(values));
    expect(JSON.parse(text).email).toEqual({ record: 46, rule: "only_value" });
    expect(readStoredProvenance(text, hasValueOf(values))).toEqual(zhangWei.provenance());
  });

  it("nothing known, or only derived fields: no shared source, the full form", () => {
    expect(storedProvenanceJson(emptyProvenance(), () => false)).toBe("{}");
    const derived: Provenance = { country: { record: null, rule: "postal_code_country", derived: true } };
    expect(storedProvenanceJson(derived, (field) => field === "country")).toBe(provenanceJson(derived));
  });

  it("an old store's full-form text reads as it was written, whatever the row's values", () => {
    const old = provenanceJson(zhangWei.provenance());
    expect(defined(readStoredProvenance(old, hasValueOf(zhangWei.values)))).toEqual(JSON.parse(old));
    expect(defined(readStoredProvenance(old, () => true))).toEqual(JSON.parse(old));
    expect(fullProvenanceJson(old, () => true)).toBe(old);
  });

  it("a text that is not a provenance is a store error, not a guess", () => {
    for (const text of ["", "{", "[]", "null", "42", '{"*":17}', '{"*":{"record":"46","rule":"only_value"}}', '{"*":{"record":46}}']) {
      expect(() => readStoredProvenance(text, () => true), text).toThrow(StoreError);
    }
  });

  const valuesMasks = fc.array(fc.boolean(), { minLength: 18, maxLength: 18 });

  it("round trip: what is read back is what was written, for any provenance and any row's values", () => {
    fc.assert(
      fc.property(provenances, valuesMasks, (provenance, mask) => {
        const hasValue: HasValue = (_field, i) => mask[i]!;
        const text = storedProvenanceJson(provenance, hasValue);
        expect(defined(readStoredProvenance(text, hasValue))).toEqual(defined(provenance));
        expect(fullProvenanceJson(text, hasValue)).toBe(provenanceJson(provenance));
      }),
      { numRuns: 500 },
    );
  });

  it("round trip of golden records as merge makes them (a value exactly where a provenance is): never longer than the full form", () => {
    const fewSources = fc.record({
      record: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 4 })),
      rule: fc.constantFrom("only_value", "all_agree", "most_recent", "most_complete", "phone_country"),
      derived: fc.boolean(),
    });
    const golden = fc.array(fc.option(fewSources, { nil: undefined }), { minLength: 18, maxLength: 18 }).map((froms) => {
      const provenance = emptyProvenance();
      CANONICAL_FIELDS.forEach((field, i) => {
        const from = froms[i];
        provenance[field] =
          from === undefined
            ? undefined
            : from.derived
              ? { record: from.record, rule: from.rule, derived: true }
              : { record: from.record, rule: from.rule };
      });
      return provenance;
    });
    fc.assert(
      fc.property(golden, (provenance) => {
        const hasValue: HasValue = (field) => provenance[field] !== undefined;
        const text = storedProvenanceJson(provenance, hasValue);
        expect(text.length).toBeLessThanOrEqual(provenanceJson(provenance).length);
        expect(defined(readStoredProvenance(text, hasValue))).toEqual(defined(provenance));
      }),
      { numRuns: 500 },
    );
  });
});
