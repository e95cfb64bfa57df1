/**
 * Survivorship: the golden value of every field of one cluster, chosen from its records by the field's ordered
 * rules (settings.ts), with the record and rule it came from. Blanks never win over a value; the first rule
 * decides, later ones break its ties, and the smallest record id breaks the last, so the result depends only on
 * the records, never on their order. The name fields are chosen together (name-group.ts), and so are the address
 * fields (address-group.ts).
 */
import { CANONICAL_FIELDS, type CanonicalField } from "../../fields/canonical.js";
import { emptyValues, type RecordValues } from "../../model/record.js";
import { chooseAddress } from "./address-group.js";
import { comparisonKey, informativeLength, isBlank, timeOf } from "./compare.js";
import { chooseName } from "./name-group.js";
import { ClusterView, rank, ScoreTable } from "./ranking.js";
import { type AddressField, type NameField, SURVIVORSHIP_TARGETS, type SurvivorshipRule, type SurvivorshipSettings } from "./settings.js";
import { emptyProvenance, type FieldProvenance, type GoldenRecord, type MergeRecord, type Provenance } from "./types.js";

export {
  ADDRESS_FIELDS,
  type AddressField,
  checkSurvivorshipRules,
  DEFAULT_SURVIVORSHIP,
  NAME_FIELDS,
  type NameField,
  type SettingsProblem,
  SURVIVORSHIP_RULES,
  SURVIVORSHIP_TARGETS,
  type SurvivorshipRule,
  type SurvivorshipSettings,
  type SurvivorshipTarget,
  survivorshipSettings,
} from "./settings.js";

/** The field being decided: the records that have a value (record indexes), their values and keys. */
const candidates: number[] = [];
const candidateValues: string[] = [];
const candidateKeys: (string | undefined)[] = [];

/** Fields whose values normalize writes in one form: the value is its own comparison key. */
const SELF_KEYED: ReadonlySet<string> = new Set(["birth_date", "created_at", "updated_at", "marketing_consent"]);

function keyOf(field: CanonicalField, c: number): string {
  let key = candidateKeys[c];
  if (key === undefined) {
    key = SELF_KEYED.has(field) ? candidateValues[c]! : comparisonKey(field, candidateValues[c]!);
    candidateKeys[c] = key;
  }
  return key;
}

/** Chooses one field's golden value into `values` and `provenance`. */
function chooseField(
  view: ClusterView,
  field: Exclude<CanonicalField, AddressField | NameField>,
  rules: readonly SurvivorshipRule[],
  values: RecordValues,
  provenance: Provenance,
): void {
  const { records } = view;
  candidates.length = 0;
  candidateValues.length = 0;
  candidateKeys.length = 0;
  let same = true;
  for (let i = 0; i < records.length; i++) {
    const value = records[i]!.values[field];
    if (isBlank(value)) continue;
    if (candidates.length > 0 && value !== candidateValues[0]) same = false;
    candidates.push(i);
    candidateValues.push(value);
    candidateKeys.push(undefined);
  }
  const m = candidates.length;
  if (m === 0) return;
  if (m === 1) {
    values[field] = candidateValues[0]!;
    provenance[field] = view.provenance(candidates[0]!, "only_value");
    return;
  }

  const table = new ScoreTable(m, rules.length);
  for (let k = 0; k < rules.length; k++) {
    const rule = rules[k]!;
    if (table.setRecordRule(k, rule, view, candidates)) continue;
    if (rule === "valid_over_invalid") {
      for (let c = 0; c < m; c++) table.set(c, k, records[candidates[c]!]!.errorFields.includes(field) ? 0 : 1);
    } else if (same) {
      // Identical values tie on every rule that looks at the value.
      for (let c = 0; c < m; c++) table.set(c, k, 0);
    } else if (rule === "most_frequent") {
      const counts = new Map<string, number>();
      for (let c = 0; c < m; c++) counts.set(keyOf(field, c), (counts.get(keyOf(field, c)) ?? 0) + 1);
      for (let c = 0; c < m; c++) table.set(c, k, counts.get(keyOf(field, c))!);
    } else if (rule === "most_complete") {
      for (let c = 0; c < m; c++) table.set(c, k, informativeLength(candidateValues[c]!));
    } else {
      for (let c = 0; c < m; c++) {
        const time = field === "updated_at" ? view.updatedTime(candidates[c]!) : timeOf(candidateValues[c]!);
        // An unreadable date is no evidence of anything: it loses to every readable one.
        table.set(c, k, Number.isNaN(time) ? Number.NEGATIVE_INFINITY : rule === "earliest" ? -time : time);
      }
    }
  }
  const differs = same ? undefined : (c: number, best: number) => keyOf(field, c) !== keyOf(field, best);
  const { winner, rule } = rank(view, table, candidates, rules, differs);
  values[field] = records[winner]!.values[field];
  provenance[field] = view.provenance(winner, rule);
}

/**
 * The golden record of one cluster. `records` may come in any order; an empty cluster gives an all-blank record.
 * Completion (completion.ts) runs after this, on fields no record has.
 */
export function chooseGolden(records: readonly MergeRecord[], settings: SurvivorshipSettings): GoldenRecord {
  if (records.length === 1) return singleRecord(records[0]!);
  const values = emptyValues();
  const provenance = emptyProvenance();
  const view = new ClusterView(records, settings.sources);
  for (const target of SURVIVORSHIP_TARGETS) {
    const rules = settings.rules[target];
    if (target === "address") {
      chooseAddress(view, rules, values, provenance);
      continue;
    }
    if (target === "name") {
      chooseName(view, rules, values, provenance);
      continue;
    }
    chooseField(view, target, rules, values, provenance);
  }
  return { values, provenance };
}

/**
 * A cluster of one: every value it has, as it has it (the most common case, so kept cheap). When the record's
 * values are already golden (each null or a value, as the store hands them over), the golden record shares
 * them rather than copying: a million copies were a good part of a full merge's garbage collection. Nothing
 * writes into a golden record's values (completion copies before it fills a field).
 */
function singleRecord(record: MergeRecord): GoldenRecord {
  const source = record.values;
  let shareable = true;
  const provenance = emptyProvenance();
  const only: FieldProvenance = { record: record.id, rule: "only_value" };
  for (const field of CANONICAL_FIELDS) {
    const value = source[field];
    if (value === null) continue;
    if (typeof value !== "string" || isBlank(value)) {
      shareable = false;
      continue;
    }
    provenance[field] = only;
  }
  if (shareable) return { values: source, provenance };
  const values = emptyValues();
  for (const field of CANONICAL_FIELDS) if (provenance[field] !== undefined) values[field] = source[field]!;
  return { values, provenance };
}
