import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emptyValues, type RecordValues } from "../../src/model/record.js";
import { completeGolden } from "../../src/stages/merge/completion.js";
import { orientName } from "../../src/stages/merge/name-group.js";
import { chooseGolden, DEFAULT_SURVIVORSHIP, NAME_FIELDS } from "../../src/stages/merge/survivorship.js";
import type { MergeRecord } from "../../src/stages/merge/types.js";

/** A record as normalize leaves it: the parts in their columns, the full name written from them. */
function record(id: number, values: Partial<RecordValues>, updatedAt: string | null = null, source = "crm"): MergeRecord {
  return {
    id,
    source,
    batchImportedAt: "2024-01-01T00:00:00.000Z",
    values: { ...emptyValues(), email: "jon.harper@example.com", ...values, updated_at: updatedAt },
    errorFields: [],
  };
}
const person = (given: string, family: string, full = `${given} ${family}`) => ({
  given_name: given,
  family_name: family,
  full_name: full,
});
const nameOf = (values: RecordValues) => ({ given: values.given_name, family: values.family_name, full: values.full_name });

describe("the name is chosen as one group", () => {
  const a1 = record(1, person("Jonathan", "Harper"), "2022-01-01T00:00:00Z");
  const a2 = record(2, person("Jon", "Harper"), "2023-01-01T00:00:00Z", "shop");
  const b1 = record(3, person("Jonathan", "Harpar"), "2024-01-01T00:00:00Z");

  it("given, family and full name come from one record, never each from another (the reviewer's Harper/Harpar)", () => {
    const golden = chooseGolden([a1, a2, b1], DEFAULT_SURVIVORSHIP);
    // Every name differs: most_frequent ties, the newest record gives the whole name.
    expect(nameOf(golden.values)).toEqual({ given: "Jonathan", family: "Harpar", full: "Jonathan Harpar" });
    for (const field of NAME_FIELDS) expect(golden.provenance[field]).toEqual({ record: 3, rule: "most_recent" });
  });

  it("the name most records write wins whole, in the newest of its writings", () => {
    const a3 = record(4, person("JONATHAN", "HARPER", "JONATHAN HARPER"), "2021-01-01T00:00:00Z");
    const golden = chooseGolden([a1, a2, b1, a3], DEFAULT_SURVIVORSHIP);
    expect(nameOf(golden.values)).toEqual({ given: "Jonathan", family: "Harper", full: "Jonathan Harper" });
    expect(golden.provenance.given_name).toEqual({ record: 1, rule: "most_frequent" });
    expect(golden.provenance.full_name).toEqual({ record: 1, rule: "most_frequent" });
  });

  it("a part the winner lacks comes from a record with the same name, else from the winner's own parts", () => {
    const newest = record(5, { family_name: "Harper", full_name: "Jonathan Harper" }, "2025-01-01T00:00:00Z");
    const filled = chooseGolden([newest, a1], DEFAULT_SURVIVORSHIP);
    expect(nameOf(filled.values)).toEqual({ given: "Jonathan", family: "Harper", full: "Jonathan Harper" });
    expect(filled.provenance.family_name).toEqual({ record: 5, rule: "most_recent" });
    expect(filled.provenance.given_name).toEqual({ record: 1, rule: "same_name" });

    // Jon Harper is another name: nothing of his fills Jonathan's; completion splits the winner's own full name.
    const chosen = chooseGolden([newest, a2], DEFAULT_SURVIVORSHIP);
    expect(chosen.values.given_name).toBeNull();
    const completed = completeGolden(chosen, [newest, a2]);
    expect(nameOf(completed.values)).toEqual({ given: "Jonathan", family: "Harper", full: "Jonathan Harper" });
    expect(completed.provenance.given_name).toEqual({ record: 5, rule: "full_name_split", derived: true });
  });

  it("a full name alone in the winner gets its parts only from a record with the same name, in the same script", () => {
    const fullOnly = record(6, { full_name: "张伟" }, "2025-01-01T00:00:00Z");
    const latin = record(7, person("Wei", "Zhang"), "2020-01-01T00:00:00Z");
    const golden = chooseGolden([fullOnly, latin], DEFAULT_SURVIVORSHIP);
    // Same order-free key (wei zhang), other script: Wei and Zhang are not 张伟's parts as written.
    expect(nameOf(golden.values)).toEqual({ given: null, family: null, full: "张伟" });
    const completed = completeGolden(golden, [fullOnly, latin]);
    expect(nameOf(completed.values)).toEqual({ given: "伟", family: "张", full: "张伟" });
  });

  it("every name part comes from the winner or a same-name record, whatever the cluster (property)", () => {
    const names = fc.constantFrom(
      person("Jonathan", "Harper"),
      person("Jon", "Harper"),
      person("Jonathan", "Harpar"),
      { full_name: "Jonathan Harper" },
      { given_name: "Jonathan" },
      person("Zhang", "Wei"),
      person("伟", "张", "张伟"),
      person("偉", "張", "張偉"),
      {},
    );
    const cluster = fc.uniqueArray(
      fc.record({
        id: fc.integer({ min: 1, max: 500 }),
        name: names,
        at: fc.constantFrom(null, "2023-01-01T00:00:00Z", "2024-01-01T00:00:00Z"),
      }),
      { minLength: 1, maxLength: 6, selector: (r) => r.id },
    );
    fc.assert(
      fc.property(cluster, (specs) => {
        const records = specs.map((s) => record(s.id, s.name, s.at));
        const golden = chooseGolden(records, DEFAULT_SURVIVORSHIP);
        const chosenBy = NAME_FIELDS.map((field) => golden.provenance[field])
          .filter((p) => p !== undefined && p.rule !== "same_name")
          .map((p) => p!.record);
        expect(new Set(chosenBy).size).toBeLessThanOrEqual(1);
        expect(chooseGolden([...records].reverse(), DEFAULT_SURVIVORSHIP)).toEqual(golden);
      }),
    );
  });
});

describe("romanised Chinese names follow the Han-script record's orientation", () => {
  // The demo's showcase customer: 张伟 in a Chinese CRM, "Wei Zhang" once and "Zhang Wei" three times elsewhere,
  // the latter split Western-style by normalize (given Zhang, family Wei).
  const zhangWei = (id: number, source = "shop") => record(id, person("Zhang", "Wei"), null, source);
  const latinCluster = [record(26, person("Wei", "Zhang")), zhangWei(57, "crm"), zhangWei(61), zhangWei(85, "webform")];

  for (const [script, han] of [
    ["simplified", person("伟", "张", "张伟")],
    ["traditional", person("偉", "張", "張偉")],
  ] as const) {
    it(`family Zhang, given Wei, with a ${script} Han record in the cluster`, () => {
      const golden = chooseGolden([record(1, han, null, "china-crm"), ...latinCluster], DEFAULT_SURVIVORSHIP);
      // Four Latin records say one name once read the same way round: it outnumbers the Han writing.
      expect(nameOf(golden.values)).toEqual({ given: "Wei", family: "Zhang", full: "Wei Zhang" });
      expect(golden.provenance.given_name).toEqual({ record: 26, rule: "most_frequent" });
    });
  }

  it("a record read the other way round says so in its provenance (han_name_order)", () => {
    const han = record(1, person("伟", "张", "张伟"), null, "china-crm");
    const golden = chooseGolden([han, zhangWei(57, "crm"), zhangWei(61)], DEFAULT_SURVIVORSHIP);
    expect(nameOf(golden.values)).toEqual({ given: "Wei", family: "Zhang", full: "Zhang Wei" });
    expect(golden.provenance.given_name).toEqual({ record: 57, rule: "han_name_order" });
    expect(golden.provenance.family_name).toEqual({ record: 57, rule: "han_name_order" });
    expect(golden.provenance.full_name).toEqual({ record: 57, rule: "most_frequent" });
  });

  it("without a Han-script record, or when its pinyin matches as written, the Latin parts stay as they are", () => {
    expect(nameOf(chooseGolden([zhangWei(57), zhangWei(61)], DEFAULT_SURVIVORSHIP).values)).toMatchObject({
      given: "Zhang",
      family: "Wei",
    });
    const han = [{ family: "wei", given: "wei" }];
    expect(orientName({ ...emptyValues(), ...person("Wei", "Wei") }, han)).toMatchObject({ given: "Wei", turned: false });
    // 欧阳娜娜: Nana Ouyang is right as written; Ouyang Nana is turned; a name of other syllables is left alone.
    const ouyang = [{ family: "ouyang", given: "nana" }];
    expect(orientName({ ...emptyValues(), ...person("Nana", "Ouyang") }, ouyang)).toMatchObject({ given: "Nana", turned: false });
    expect(orientName({ ...emptyValues(), ...person("Ouyang", "Nana") }, ouyang)).toMatchObject({
      given: "Nana",
      family: "Ouyang",
      turned: true,
    });
    expect(orientName({ ...emptyValues(), ...person("Li", "Na") }, ouyang)).toMatchObject({ given: "Li", turned: false });
    expect(orientName({ ...emptyValues(), given_name: "Ouyang" }, ouyang)).toMatchObject({ given: "Ouyang", turned: false });
  });
});
