/**
 * roster.yml's `merge:` section: the sources in order of trust and survivorship rule lists per field (or for the
 * address as a whole), laid over the defaults of src/stages/merge/settings.ts. The rule lists are checked by the
 * stage's own checkSurvivorshipRules, so the config and the stage cannot disagree on what a valid list is; every
 * mistake names its key path (`merge.rules.email.1`), since a rule that silently did nothing would only show up
 * as worse golden records.
 *
 *   merge:
 *     sources: [crm, shop]
 *     rules:
 *       email: [source_priority, most_recent]
 *       address: [most_recent, most_complete]
 */
import { z } from "zod";
import {
  checkSurvivorshipRules,
  type SurvivorshipRule,
  type SurvivorshipSettings,
  type SurvivorshipTarget,
  survivorshipSettings,
} from "../stages/merge/settings.js";

export interface MergeConfig {
  sources?: string[];
  rules?: Partial<Record<SurvivorshipTarget, SurvivorshipRule[]>>;
}

const KEYS = ["sources", "rules"];

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Every problem of a `merge:` section, each with its path inside the section. */
function problems(section: unknown): { path: (string | number)[]; message: string }[] {
  if (!isMapping(section)) return [{ path: [], message: "a mapping with sources and rules" }];
  const found: { path: (string | number)[]; message: string }[] = [];
  for (const key of Object.keys(section)) {
    if (!KEYS.includes(key)) found.push({ path: [key], message: "unknown key: merge takes sources and rules" });
  }
  const { sources, rules } = section;
  if (sources !== undefined) {
    if (!Array.isArray(sources)) found.push({ path: ["sources"], message: "a list of source names, most trusted first" });
    else {
      const seen = new Set<string>();
      sources.forEach((source: unknown, i) => {
        if (typeof source !== "string" || source.trim() === "") found.push({ path: ["sources", i], message: "a source name" });
        else if (seen.has(source)) found.push({ path: ["sources", i], message: `${source} is listed twice` });
        else seen.add(source);
      });
    }
  }
  if (rules !== undefined) {
    for (const problem of checkSurvivorshipRules(rules)) found.push({ path: ["rules", ...problem.path], message: problem.message });
    // source_priority without a source order ranks every record alike: certainly not what was meant.
    if (isMapping(rules) && (!Array.isArray(sources) || sources.length === 0)) {
      for (const [target, list] of Object.entries(rules)) {
        if (!Array.isArray(list)) continue;
        const at = list.indexOf("source_priority");
        if (at >= 0) {
          found.push({
            path: ["rules", target, at],
            message: "source_priority ranks records by merge.sources: list the sources there, most trusted first",
          });
        }
      }
    }
  }
  return found;
}

export const MergeConfigSchema = z.unknown().transform((section, ctx): MergeConfig => {
  const found = problems(section);
  for (const { path, message } of found) ctx.addIssue({ code: "custom", path, message, input: section });
  if (found.length > 0) return z.NEVER;
  return section as MergeConfig;
});

/** The settings a merge uses: the defaults with the section laid over them. */
export function mergeSettings(config: MergeConfig | undefined): SurvivorshipSettings {
  return survivorshipSettings({ rules: config?.rules, sources: config?.sources });
}
