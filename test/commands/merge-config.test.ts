/**
 * roster.yml's `merge:` section: the source order and rule lists reach the golden record, and every bad entry is
 * a usage error (exit 2) naming its key path, checked by the stage's own checkSurvivorshipRules.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { type MergeConfig, MergeConfigSchema, mergeSettings } from "../../src/config/merge.js";
import { UsageError } from "../../src/errors.js";
import { checkSurvivorshipRules, DEFAULT_SURVIVORSHIP, SURVIVORSHIP_RULES, SURVIVORSHIP_TARGETS } from "../../src/stages/merge/settings.js";
import { customerOf, customerRow, dedupedStore, merge, provenanceOf, recordId } from "../helpers/merge-store.js";
import { tempDir, writeFile } from "../helpers/temp.js";

describe("roster.yml's merge: section", () => {
  const configFile = (text: string) => writeFile(tempDir(), "roster.yml", text);
  const settingsFrom = (text: string) => mergeSettings(loadConfig(configFile(text), true).config.merge);

  it("sources in order of trust, and a field's rules, choose the golden value", async () => {
    const s = await dedupedStore();
    const crmFirst = settingsFrom("merge:\n  sources: [crm, shop]\n  rules:\n    name: [source_priority, most_recent]\n");
    // given_name, as roster.yml files wrote it before the name was one group, sets the same list.
    expect(settingsFrom("merge:\n  sources: [crm, shop]\n  rules:\n    given_name: [source_priority, most_recent]\n")).toEqual(crmFirst);
    expect(crmFirst.rules.name).toEqual(["source_priority", "most_recent"]);
    expect(crmFirst.rules.email).toEqual(DEFAULT_SURVIVORSHIP.rules.email); // the rest keeps the defaults
    await merge(s.store, { settings: crmFirst });
    const turner = customerOf(s.store).get("crm:c01");
    expect(customerRow(s.store, turner)?.given_name).toBe("William");
    expect(provenanceOf(customerRow(s.store, turner)).given_name).toEqual({
      record: recordId(s.store, "crm:c01"),
      rule: "source_priority",
    });

    // The other order: every customer whose name the shop writes otherwise is updated; ids stay.
    const result = await merge(s.store, {
      settings: settingsFrom("merge:\n  sources: [shop, crm]\n  rules:\n    name: [source_priority]\n"),
    });
    expect(customerRow(s.store, turner)?.given_name).toBe("Bill");
    expect(result.changedFields.given_name).toBeGreaterThanOrEqual(2); // Bill Turner, Jim Fitzgerald
    expect(result.counts).toMatchObject({ created: 0, aliased: 0, retired: 0 });
  });

  it.each([
    ["rules:\n    email: [most_recent, newest]", /roster\.yml: merge\.rules\.email\.1: unknown rule "newest"; rules: most_recent, /],
    [
      "rules:\n    city: [most_recent]",
      /merge\.rules\.city: city is chosen with the rest of the address, from one record: set its rules under address/,
    ],
    ["rules:\n    nickname: [most_recent]", /merge\.rules\.nickname: unknown field "nickname"; fields: source_id, /],
    ["rules:\n    email: []", /merge\.rules\.email: must be a non-empty list of rules/],
    ["rules:\n    email: most_recent", /merge\.rules\.email: must be a non-empty list of rules/],
    ["rules:\n    name: [earliest]", /merge\.rules\.name\.0: earliest compares dates/],
    [
      "rules:\n    name: [most_recent]\n    family_name: [most_frequent]",
      /merge\.rules\.family_name: family_name and name set different rules, but the name \(given, family and full\) is chosen as one group, from one record: set its rules once, under name/,
    ],
    ["rules:\n    phone: [most_recent, most_recent]", /merge\.rules\.phone\.1: most_recent is listed twice/],
    ["rules:\n    email: [most_recent, source_priority]", /merge\.rules\.email\.1: source_priority ranks records by merge\.sources/],
    ["sources: [crm, shop, crm]", /merge\.sources\.2: crm is listed twice/],
    ["sources: crm", /merge\.sources: a list of source names/],
    ["sources: [crm, '']", /merge\.sources\.1: a source name/],
    ["survivorship: {}", /merge\.survivorship: unknown key: merge takes sources and rules/],
  ])("a bad entry is a usage error (exit 2) naming its key path: %s", (section, message) => {
    const load = () => loadConfig(configFile(`merge:\n  ${section}\n`), true);
    expect(load).toThrow(UsageError);
    expect(load).toThrow(message);
    try {
      load();
    } catch (error) {
      expect((error as UsageError).exitCode).toBe(2);
    }
  });

  it("a section that is no mapping, and an empty one", () => {
    expect(() => loadConfig(configFile("merge: [crm, shop]\n"), true)).toThrow(/roster\.yml: merge: a mapping with sources and rules/);
    expect(mergeSettings(loadConfig(configFile("merge: {}\n"), true).config.merge)).toEqual(DEFAULT_SURVIVORSHIP);
    expect(mergeSettings(loadConfig(configFile("country: CN\n"), true).config.merge)).toEqual(DEFAULT_SURVIVORSHIP);
  });

  it("never throws on any input, and accepts a section exactly when its rule lists pass the stage's check", () => {
    const target = fc.constantFrom(...SURVIVORSHIP_TARGETS, "city", "colour");
    const rule = fc.constantFrom(...SURVIVORSHIP_RULES, "newest");
    const section = fc.oneof(
      fc.anything(),
      fc.record(
        {
          sources: fc.oneof(fc.array(fc.constantFrom("crm", "shop", "app", "")), fc.anything()),
          rules: fc.oneof(fc.dictionary(target, fc.array(rule, { maxLength: 4 })), fc.anything()),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(section, (value) => {
        const parsed = MergeConfigSchema.safeParse(value);
        const rules = (value as { rules?: unknown } | null)?.rules;
        if (value !== null && typeof value === "object" && rules !== undefined && checkSurvivorshipRules(rules).length > 0) {
          expect(parsed.success).toBe(false);
        }
        if (parsed.success) {
          const settings = mergeSettings(parsed.data as MergeConfig);
          expect(checkSurvivorshipRules(settings.rules)).toEqual([]);
          expect(new Set(settings.sources).size).toBe(settings.sources.length);
        }
      }),
    );
  });
});
