// The store reads dedupe's features in two parts on two threads (pipeline/feature-table.ts), and the thread of
// the second part derives that part's features itself (withDerived) before handing them over: the table put
// together from the parts must hold exactly what one thread reading every record builds.
import { describe, expect, it } from "vitest";
import { emptyValues } from "../../src/model/record.js";
import {
  assembleTable,
  FEATURE_PARTS,
  type FeatureInput,
  FeaturePartBuilder,
  RecordTableBuilder,
  withDerived,
} from "../../src/stages/dedupe/features.js";
import { FEATURES, type FeatureName } from "../../src/stages/dedupe/spec.js";
import { concatTables } from "../../src/stages/dedupe/table-concat.js";
import { normalizeRecord } from "../../src/stages/normalize/index.js";
import { featureValue, GENERATED_CONTEXT, generatedCustomers } from "../helpers/dedupe-table.js";

const { records } = generatedCustomers(600, 23);
// A house number in a column of its own on some rows (street_number overlays it where the street line has none).
const inputs: FeatureInput[] = records.map(({ attributes, ...fields }, row) => {
  const normalized = normalizeRecord({ ...emptyValues(), ...fields }, GENERATED_CONTEXT);
  const house: Record<string, string> = row % 5 === 0 ? { street_number: String(row) } : {};
  return { values: normalized.values, keys: normalized.keys, attributes: { ...attributes, ...house } };
});
const attributeColumns = ["street_number"];
const recordIds = Float64Array.from(inputs, (_, row) => row + 1);

function partsOf(): ReturnType<FeaturePartBuilder["build"]>[] {
  return FEATURE_PARTS.map((_, part) => {
    const builder = new FeaturePartBuilder(part, attributeColumns);
    for (const input of inputs) builder.add(input);
    return builder.build();
  });
}

describe("a table assembled from parts", () => {
  const single = new RecordTableBuilder(attributeColumns);
  for (const [row, input] of inputs.entries()) single.add(row + 1, input);
  const whole = single.build();
  const [first, second] = partsOf();
  if (!first || !second) throw new Error("two parts expected");
  const derived = withDerived(recordIds, second);
  const assembled = assembleTable(recordIds, [first, derived.part]);
  const features: FeatureName[] = [...FEATURES, "attr:street_number"];

  it("holds every feature's value on every row as one thread's table does, the second part derived on its own", () => {
    for (const feature of features) {
      expect([feature, assembled.has(feature)]).toEqual([feature, whole.has(feature)]);
      if (!whole.has(feature)) continue;
      const want = inputs.map((_, row) => featureValue(whole, feature, row));
      expect([feature, inputs.map((_, row) => featureValue(assembled, feature, row))]).toEqual([feature, want]);
      expect([feature, assembled.column(feature).filled]).toEqual([feature, whole.column(feature).filled]);
    }
  });

  it("brings the derived features of its own part only, and the house numbers are overlaid once", () => {
    const brought = derived.part.derived?.features ?? [];
    expect(brought).toEqual(expect.arrayContaining(["email_local", "email_domain", "phone_last8", "street_number"]));
    expect(brought).not.toContain("given_metaphone");
    expect(brought).not.toContain("name_phonetic");
    const overlaid = inputs.filter((input, row) => input.attributes?.street_number && featureValue(whole, "street_number", row));
    expect(overlaid.length).toBeGreaterThan(0);
  });
});

describe("tables of some rows each, concatenated", () => {
  const features: FeatureName[] = [...FEATURES, "attr:street_number"];
  const tableOf = (rows: number[]) => {
    const builder = new RecordTableBuilder(attributeColumns);
    for (const row of rows) builder.add(row + 1, inputs[row] as FeatureInput);
    return builder.build();
  };
  // Every third row from one table (read out of order), the others from a second, which also holds rows left out.
  const ordered = inputs.map((_, row) => row);
  const third = ordered.filter((row) => row % 3 === 0).reverse();
  const others = ordered.filter((row) => row % 3 !== 0);
  const a = tableOf(third);
  const b = tableOf(ordered);
  const together = concatTables(
    [
      { table: a, rows: third.map((_, k) => k) },
      { table: b, rows: others },
    ],
    attributeColumns,
  );
  const whole = tableOf(ordered);

  it("is the table of all the rows read together: ids in order, every value, id, count, hash and filled count", () => {
    expect(Array.from(together.recordIds)).toEqual(Array.from(whole.recordIds));
    for (const feature of features) {
      expect([feature, together.has(feature)]).toEqual([feature, whole.has(feature)]);
      if (!whole.has(feature)) continue;
      const got = together.column(feature);
      const want = whole.column(feature);
      expect([feature, got.values]).toEqual([feature, want.values]);
      expect([feature, Array.from(got.ids)]).toEqual([feature, Array.from(want.ids)]);
      expect([feature, Array.from(got.counts)]).toEqual([feature, Array.from(want.counts)]);
      expect([feature, Array.from(got.hashes)]).toEqual([feature, Array.from(want.hashes)]);
      expect([feature, got.filled]).toEqual([feature, want.filled]);
    }
  });

  it("of no rows is an empty table", () => {
    const none = concatTables([{ table: a, rows: [] }], attributeColumns);
    expect(none.size).toBe(0);
    expect(none.column("email").filled).toBe(0);
  });
});
