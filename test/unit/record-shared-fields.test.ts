/** Fields fed by several columns: each record takes its own non-empty value, and later stages agree with import. */
import { describe, expect, it } from "vitest";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import { ColumnMapper, mappingJson } from "../../src/fields/mapping.js";
import { mappedValues, storedMapping } from "../../src/fields/raw.js";
import { buildRecord, PlanCache, planRow, rowAttributes, rowValues } from "../../src/fields/record.js";
import { flattenRecord } from "../../src/io/json-parser.js";

/** Imports JSON records as import-run does (one mapper, plans per key set) and returns fields and attributes. */
function importJson(records: Record<string, unknown>[], explicit = {}) {
  const mapper = new ColumnMapper(explicit);
  const plans = new PlanCache(mapper);
  const built = records.map((record, i) => {
    const raw = JSON.stringify(record);
    const [columns, values] = flattenRecord(record);
    return buildRecord(plans.get(columns), i + 1, values, raw);
  });
  const fields = built.map((r) => Object.fromEntries(CANONICAL_FIELDS.map((f, i) => [f, r.values[i]]).filter(([, v]) => v !== null)));
  return { mapper, built, fields, attributes: built.map((r) => (r.attributes ? JSON.parse(r.attributes) : null)) };
}

describe("JSON records of different shapes", () => {
  // A web shop's customer feed after a schema change: old records flat, new ones nested, a few with both.
  const feed = [
    { id: "W-1", email: "ana@example.com", dob: "1990-02-01", name: "Ana Souza" },
    {
      id: "W-2",
      contact: { email: "bo@example.org", mobile: "+46 70 123 45 67" },
      birthday: "1985-07-30",
      name: { first: "Bo", last: "Ek" },
    },
    { id: "W-3", email: "", contact: { email: "cy@example.net" }, dob: "", birthday: "1979-12-24" },
    { id: "W-4", email: "dee@example.com", contact: { email: "dee.work@example.com" }, dob: "2001-03-04", birthday: "2001-03-04" },
    { id: "W-5", address: { street: "Storgatan 1", zip: "111 22", city: "Stockholm" }, contact: { mobile: "070-1234567" } },
  ];

  it("gives every record its own email and birth date, whichever key holds it", () => {
    const { fields } = importJson(feed);
    expect(fields.map((f) => f.email)).toEqual(["ana@example.com", "bo@example.org", "cy@example.net", "dee@example.com", undefined]);
    expect(fields.map((f) => f.birth_date)).toEqual(["1990-02-01", "1985-07-30", "1979-12-24", "2001-03-04", undefined]);
  });

  it("maps nested parts: name.first/name.last, contact.mobile, address.street/zip/city", () => {
    const { fields } = importJson(feed);
    expect(fields[1]).toMatchObject({ source_id: "W-2", given_name: "Bo", family_name: "Ek", phone: "+46 70 123 45 67" });
    expect(fields[0]).toMatchObject({ full_name: "Ana Souza" });
    expect(fields[4]).toMatchObject({ address_line1: "Storgatan 1", postal_code: "111 22", city: "Stockholm", phone: "070-1234567" });
  });

  it("keeps another candidate's value in attributes only when it differs", () => {
    const { attributes } = importJson(feed);
    // W-4: email beats contact.email (whole synonym over a dotted part); the work address is kept, the
    // repeated birth date is not.
    expect(attributes[3]).toEqual({ "contact.email": "dee.work@example.com" });
    expect(attributes[0]).toBeNull();
    expect(attributes[2]).toBeNull(); // empty values are not kept either (raw has them)
  });

  it("puts an explicit mapping first, for every record", () => {
    const { fields, attributes } = importJson(feed, { "contact.email": "email" });
    expect(fields[3]?.email).toBe("dee.work@example.com");
    expect(attributes[3]).toEqual({ email: "dee@example.com" });
    expect(fields[0]?.email).toBe("ana@example.com"); // no contact.email: the synonym still fills it
  });

  it("reports each shared field once, with its order", () => {
    const { mapper } = importJson(feed);
    expect(mapper.warnings).toEqual([
      expect.stringMatching(/^email comes from "email", else "contact\.email" \(each record's first non-empty one/),
      expect.stringMatching(/^birth_date comes from "dob", else "birthday"/),
    ]);
  });

  it("stores the mapping so that values derived again from raw equal what import wrote", () => {
    const { mapper, built } = importJson(feed);
    const stored = storedMapping(mappingJson(mapper.inPrecedence()));
    for (const record of built) {
      const again = mappedValues(record.raw, stored);
      expect(CANONICAL_FIELDS.map((field) => again[field])).toEqual(record.values);
    }
  });
});

describe("CSV columns that look like one field", () => {
  // Salesforce contacts report: Phone and Mobile both exist; some contacts only have a mobile.
  const headers = ["Contact ID", "First Name", "Last Name", "Phone", "Mobile", "Email"];
  const rows = [
    ["003A1", "Grace", "Hopper", "(212) 555-0100", "(917) 555-0199", "grace@example.com"],
    ["003A2", "Alan", "Turing", "", "+44 7700 900123", "alan@example.co.uk"],
    ["003A3", "Ada", "Lovelace", "020 7946 0000", "020 7946 0000", "ada@example.co.uk"],
  ];
  const mapper = ColumnMapper.forHeaders(headers);
  const plan = planRow(headers, mapper);

  it("takes the first non-empty column per row, and keeps a different second value in attributes", () => {
    expect(rows.map((row) => rowValues(plan, row).phone)).toEqual(["(212) 555-0100", "+44 7700 900123", "020 7946 0000"]);
    expect(rows.map((row) => rowAttributes(plan, row))).toEqual(['{"Mobile":"(917) 555-0199"}', null, null]);
  });

  it("derives the same values from the stored row", () => {
    const stored = storedMapping(mappingJson(mapper.inPrecedence()));
    for (const [i, row] of rows.entries()) {
      const record = buildRecord(plan, i + 2, row);
      expect(mappedValues(record.raw, stored, false).phone).toBe(record.values[CANONICAL_FIELDS.indexOf("phone")]);
    }
  });
});

describe("the stored mapping", () => {
  it("keeps the order of precedence for columns named like numbers (JSON.parse would sort them first)", () => {
    const mapper = ColumnMapper.forHeaders(["Telefon", "2"], { "2": "phone" });
    const text = mappingJson(mapper.inPrecedence());
    expect(text).toBe('{"2":"phone","Telefon":"phone"}');
    const stored = storedMapping(text);
    expect(mappedValues('{"Telefon":"030 1234567","2":"0170 1234567"}', stored).phone).toBe("0170 1234567");
    expect(mappedValues('{"Telefon":"030 1234567","2":""}', stored).phone).toBe("030 1234567");
  });

  it("reads mappings of earlier versions (one column per field, any key order) as before", () => {
    const stored = storedMapping('{"E-mail":"email","Mobile":"attributes","Phone":"phone"}');
    expect(stored.shared).toBe(false);
    expect(mappedValues('{"E-mail":"a@example.com","Phone":"555-0100","Mobile":"555-0199"}', stored)).toMatchObject({
      email: "a@example.com",
      phone: "555-0100",
    });
  });

  it("reads a missing or hand-edited mapping without failing: no mapping, or what JSON.parse gives", () => {
    expect(storedMapping(null).fields.size).toBe(0);
    // Two strings per key, but nested: read as JSON.parse gives it, not pair by pair.
    expect([...storedMapping('{"contact": {"mail": "email"}, "x": 1, "Tel": "phone"}').fields]).toEqual([["Tel", "phone"]]);
    const odd = storedMapping('{"E-mail": "email", "n": 1, "Tel": "phone"}');
    expect([...odd.fields]).toEqual([
      ["E-mail", "email"],
      ["Tel", "phone"],
    ]);
    expect(mappedValues('{"E-mail":"a@example.com","Tel":"555-0100","n":"x"}', odd)).toMatchObject({
      email: "a@example.com",
      phone: "555-0100",
    });
  });

  it("survives quotes and backslashes in column names", () => {
    const stored = storedMapping(mappingJson([{ column: 'say "hi"\\', field: "email", by: "map" }]));
    expect([...stored.fields]).toEqual([['say "hi"\\', "email"]]);
  });
});
