/**
 * The name is chosen as a whole, as the address is (address-group.ts): given, family and full name come from one
 * record, so that a golden customer never reads given Jonathan, family Harper, full name "Jonathan Harpar" (each
 * part the choice of another record). Records are ranked by the name's rules on their whole name (given and
 * family name, compared as survivorship compares each: "JONATHAN" = "Jonathan"; the full name only for a record
 * with neither part). A part the winner lacks is filled only from a record with the same name (the same order-free
 * name key normalize matches on, in the same script; rule `same_name`); else completion derives it from the
 * winner's own parts (completion.ts: the full name from the parts and back).
 *
 * Romanised Chinese names: "Zhang Wei" is split Western-style by normalize (given Zhang, family Wei), and most
 * records of a cluster may say so. When the cluster has a record with a Han-script name whose family and given
 * parts' pinyin are the Latin parts the other way round (张 + 伟 against given Zhang, family Wei), the Latin
 * record's parts are read in that orientation (given Wei, family Zhang; rule `han_name_order` for the two parts
 * it turns), before ranking, so that "Zhang Wei" and "Wei Zhang" count as one name.
 */
import type { RecordValues } from "../../model/record.js";
import { pinyinWord } from "../normalize/chinese-names.js";
import { nameKeys } from "../normalize/names.js";
import { foldLatin, HAN } from "../normalize/text.js";
import { comparisonKey, informativeLength, isBlank } from "./compare.js";
import { type ClusterView, frequencies, order, rank, ScoreTable } from "./ranking.js";
import { NAME_FIELDS, type NameField, type SurvivorshipRule } from "./settings.js";
import type { Provenance } from "./types.js";

/** One candidate's name as ranked: its parts in the orientation the cluster's Han-script names give them. */
interface OrientedName {
  given: string | null;
  family: string | null;
  full: string | null;
  /** Whether given and family are the record's own family and given name, turned round. */
  turned: boolean;
}

const HAN_ONLY = /^\p{Script=Han}+$/u;
const LATIN_LETTER = /\p{Script=Latin}/u;

function hasName(values: RecordValues): boolean {
  return !isBlank(values.given_name) || !isBlank(values.family_name) || !isBlank(values.full_name);
}

/** A Latin name part as pinyin is written: "Xiao-Dong" → xiaodong, "Zhāng" → zhang. */
function latinSyllables(part: string): string {
  return foldLatin(part).replace(/[^a-z]/g, "");
}

/** The pinyin of the cluster's Han-script names (family, given), when it has Latin-script parts to orient. */
function hanOrientations(records: readonly RecordValues[]): { family: string; given: string }[] {
  let latin = false;
  let han = false;
  for (const values of records) {
    const { given_name: given, family_name: family } = values;
    if (isBlank(given) || isBlank(family)) continue;
    if (HAN_ONLY.test(given) && HAN_ONLY.test(family)) han = true;
    else if (LATIN_LETTER.test(given) && LATIN_LETTER.test(family)) latin = true;
  }
  if (!han || !latin) return [];
  const found: { family: string; given: string }[] = [];
  for (const values of records) {
    const { given_name: given, family_name: family } = values;
    if (isBlank(given) || isBlank(family) || !HAN_ONLY.test(given) || !HAN_ONLY.test(family)) continue;
    found.push({ family: pinyinWord(family, true), given: pinyinWord(given, false) });
  }
  return found;
}

/**
 * A record's name parts, turned round when a Han-script name of the cluster says its given name is the family
 * name and the other way round, and none says they are right as they are ("Wei Wei" stays).
 */
export function orientName(values: RecordValues, han: readonly { family: string; given: string }[]): OrientedName {
  const { given_name: given, family_name: family, full_name: full } = values;
  const name = { given: isBlank(given) ? null : given, family: isBlank(family) ? null : family, full: isBlank(full) ? null : full };
  if (han.length === 0 || name.given === null || name.family === null || !LATIN_LETTER.test(name.given) || HAN.test(name.given)) {
    return { ...name, turned: false };
  }
  const g = latinSyllables(name.given);
  const f = latinSyllables(name.family);
  const straight = han.some((h) => h.family === f && h.given === g);
  const turned = !straight && han.some((h) => h.family === g && h.given === f);
  return turned ? { given: name.family, family: name.given, full: name.full, turned } : { ...name, turned: false };
}

/** The whole name as one comparable key: the parts as survivorship compares them, the full name for neither. */
function groupKey(name: OrientedName): string {
  const given = name.given === null ? "" : comparisonKey("given_name", name.given);
  const family = name.family === null ? "" : comparisonKey("family_name", name.family);
  const full = name.given === null && name.family === null && name.full !== null ? comparisonKey("full_name", name.full) : "";
  return `${given}\u0001${family}\u0001${full}`;
}

/** The order-free key normalize matches names on, and whether the name is written in Han script. */
function sameNameKey(name: OrientedName): string {
  const { key, han } = nameKeys({ fullName: name.full, givenName: name.given, familyName: name.family, title: null, suffix: null });
  return key === null ? "" : `${han === null ? "latin" : "han"}:${key}`;
}

const partOf = (name: OrientedName, field: NameField) =>
  field === "given_name" ? name.given : field === "family_name" ? name.family : name.full;

/** The records with a name (record indexes) and their oriented names, reused from cluster to cluster. */
const candidates: number[] = [];
const names: OrientedName[] = [];

function fillScores(view: ClusterView, table: ScoreTable, rules: readonly SurvivorshipRule[], keys: readonly string[]): void {
  rules.forEach((rule, k) => {
    if (table.setRecordRule(k, rule, view, candidates)) return;
    const counts = rule === "most_frequent" ? frequencies(keys, table.count) : undefined;
    for (let c = 0; c < table.count; c++) {
      let score = 0;
      if (counts) score = counts.get(keys[c]!)!;
      else if (rule === "valid_over_invalid") {
        const { errorFields } = view.records[candidates[c]!]!;
        for (const field of NAME_FIELDS) if (errorFields.includes(field)) score--;
      } else if (rule === "most_complete") {
        // More parts first (given and family say more than a longer full name alone), then more letters.
        for (const field of NAME_FIELDS) {
          const value = partOf(names[c]!, field);
          if (value !== null) score += 1e9 + informativeLength(value);
        }
      }
      // earliest / latest compare dates: settings reject them for the name, and here they tie.
      table.set(c, k, score);
    }
  });
}

/** Writes the golden name (given, family and full name) into `values` and `provenance`. */
export function chooseName(view: ClusterView, rules: readonly SurvivorshipRule[], values: RecordValues, provenance: Provenance): void {
  const { records } = view;
  candidates.length = 0;
  names.length = 0;
  for (let i = 0; i < records.length; i++) if (hasName(records[i]!.values)) candidates.push(i);
  const m = candidates.length;
  if (m === 0) return;
  const han = hanOrientations(candidates.map((i) => records[i]!.values));
  for (const i of candidates) names.push(orientName(records[i]!.values, han));

  // Names written alike in every record (most clusters) tie on every rule: no comparison keys needed.
  const first = names[0]!;
  const alike = names.every((n) => n.given === first.given && n.family === first.family && n.full === first.full);
  const keys = alike ? names.map(() => "") : names.map(groupKey);
  const same = alike || keys.every((key) => key === keys[0]);
  const table = new ScoreTable(m, rules.length);
  fillScores(view, table, rules, keys);
  const { winner, rule } = rank(view, table, candidates, rules, same ? undefined : (c, best) => keys[c] !== keys[best]);
  const w = candidates.indexOf(winner);
  const chosen = names[w]!;
  for (const field of NAME_FIELDS) {
    const value = partOf(chosen, field);
    if (value === null) continue;
    values[field] = value;
    provenance[field] = view.provenance(winner, chosen.turned && field !== "full_name" ? "han_name_order" : rule);
  }
  if (m === 1 || NAME_FIELDS.every((field) => values[field] !== null)) return;
  fillFromSameName(view, table, w, values, provenance);
}

/** Fills the winner's missing parts from the best-ranked records with the same name (key and script). */
function fillFromSameName(view: ClusterView, table: ScoreTable, w: number, values: RecordValues, provenance: Provenance): void {
  const key = sameNameKey(names[w]!);
  if (key === "") return;
  const sharing: number[] = [];
  for (let c = 0; c < candidates.length; c++) if (c !== w && sameNameKey(names[c]!) === key) sharing.push(c);
  if (sharing.length === 0) return;
  const ranked = order(view, table, candidates, sharing);
  for (const field of NAME_FIELDS) {
    if (values[field] !== null) continue;
    for (const index of ranked) {
      const donor = names[candidates.indexOf(index)]!;
      const value = partOf(donor, field);
      if (value === null) continue;
      values[field] = value;
      provenance[field] = view.provenance(index, "same_name");
      break;
    }
  }
}
