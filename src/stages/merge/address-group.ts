/**
 * The address is chosen as a whole: lines, city, region, postal code and country come from one record, so that a
 * golden address is never stitched from two different addresses. The winner's blanks may then be filled from
 * another record of the cluster that holds the same address (it agrees on the winner's most specific part and
 * contradicts none of its parts; rule `same_address`):
 * - a part coarser than what the winner names (its region, its country) from the best-ranked such record;
 * - a finer part too (the postal code or street of a winner that names the city) when the winner names at least
 *   a city or postal code, and every record holding the same address that has the part agrees on it: five records
 *   with 100022 fill the postal code, two different streets in one city fill no street (the person may have
 *   moved within it). A region or country alone is not an address, so it gets nothing finer.
 * The apartment (line 2) is only taken from a record whose street line is the golden one.
 */
import type { RecordValues } from "../../model/record.js";
import { comparisonKey, informativeLength, isBlank } from "./compare.js";
import { type ClusterView, frequencies, order, rank, ScoreTable } from "./ranking.js";
import { ADDRESS_FIELDS, type AddressField, type SurvivorshipRule } from "./settings.js";
import type { Provenance } from "./types.js";

/** How specific a part is: 0 the street, then postal code, city, region, country. */
const LEVEL: Readonly<Record<AddressField, number>> = {
  address_line1: 0,
  address_line2: 0,
  postal_code: 1,
  city: 2,
  region: 3,
  country: 4,
};

function hasAddress(values: RecordValues): boolean {
  for (const field of ADDRESS_FIELDS) if (!isBlank(values[field])) return true;
  return false;
}

/** The address of one record as one comparable key (blank parts as empty strings). */
function addressGroupKey(values: RecordValues): string {
  let key = "";
  for (const field of ADDRESS_FIELDS) {
    const value = values[field];
    key += `${isBlank(value) ? "" : comparisonKey(field, value)}\u0001`;
  }
  return key;
}

/** The same address, written the same way or not ("Main St" = "Main Street"). */
function sameAddressByKey(a: RecordValues, b: RecordValues): boolean {
  for (const field of ADDRESS_FIELDS) {
    const x = a[field];
    const y = b[field];
    if (x === y || (isBlank(x) && isBlank(y))) continue;
    if (isBlank(x) || isBlank(y) || comparisonKey(field, x) !== comparisonKey(field, y)) return false;
  }
  return true;
}

function sameAddress(a: RecordValues, b: RecordValues): boolean {
  for (const field of ADDRESS_FIELDS) if (a[field] !== b[field]) return false;
  return true;
}

/** The records with an address (record indexes), reused from cluster to cluster. */
const candidates: number[] = [];

function fillScores(view: ClusterView, table: ScoreTable, rules: readonly SurvivorshipRule[], keys: readonly string[] | undefined): void {
  const { records } = view;
  rules.forEach((rule, k) => {
    if (table.setRecordRule(k, rule, view, candidates)) return;
    const counts = rule === "most_frequent" && keys ? frequencies(keys, table.count) : undefined;
    for (let c = 0; c < table.count; c++) {
      const record = records[candidates[c]!]!;
      let score = 0;
      if (counts) score = counts.get(keys![c]!)!;
      else if (rule === "valid_over_invalid") {
        for (const field of ADDRESS_FIELDS) if (record.errorFields.includes(field)) score--;
      } else if (rule === "most_complete") {
        // More parts first (a postal code and a city say more than a longer street alone), then more letters.
        for (const field of ADDRESS_FIELDS) {
          const value = record.values[field];
          if (!isBlank(value)) score += 1e9 + informativeLength(value);
        }
      }
      // earliest / latest compare dates: settings reject them for the address, and here they tie.
      table.set(c, k, score);
    }
  });
}

/** Writes the golden address into `values` and `provenance`. */
export function chooseAddress(view: ClusterView, rules: readonly SurvivorshipRule[], values: RecordValues, provenance: Provenance): void {
  const { records } = view;
  candidates.length = 0;
  for (let i = 0; i < records.length; i++) if (hasAddress(records[i]!.values)) candidates.push(i);
  const m = candidates.length;
  if (m === 0) return;

  let same = true;
  for (let c = 1; c < m && same; c++) same = sameAddress(records[candidates[c]!]!.values, records[candidates[0]!]!.values);
  // Whole-address keys only when most_frequent counts them; otherwise addresses are compared part by part, and
  // only where that can change which rule decided.
  let keys: string[] | undefined;
  if (!same && rules.includes("most_frequent")) {
    keys = [];
    for (let c = 0; c < m; c++) keys.push(addressGroupKey(records[candidates[c]!]!.values));
  }
  const table = new ScoreTable(m, rules.length);
  fillScores(view, table, rules, keys);
  const differs = same
    ? undefined
    : keys
      ? (c: number, best: number) => keys[c] !== keys[best]
      : (c: number, best: number) => !sameAddressByKey(records[candidates[c]!]!.values, records[candidates[best]!]!.values);
  const { winner, rule } = rank(view, table, candidates, rules, differs);
  const chosen = records[winner]!;
  let finest = Number.POSITIVE_INFINITY;
  for (const field of ADDRESS_FIELDS) {
    const value = chosen.values[field];
    if (isBlank(value)) continue;
    values[field] = value;
    provenance[field] = view.provenance(winner, rule);
    finest = Math.min(finest, LEVEL[field]);
  }
  if (same || fillable(values, finest).length === 0) return;
  // The winner's most specific part, which a donor must share: its street line (line 2 only refines it).
  const anchors = ADDRESS_FIELDS.filter(
    (field) => LEVEL[field] === finest && !isBlank(values[field]) && !(field === "address_line2" && !isBlank(values.address_line1)),
  );
  const sharing: number[] = [];
  for (let c = 0; c < m; c++) {
    const donor = records[candidates[c]!]!.values;
    if (
      candidates[c] !== winner &&
      anchors.every((field) => sameValue(field, values[field], donor[field])) &&
      !contradicts(values, donor)
    ) {
      sharing.push(c);
    }
  }
  if (sharing.length > 0) fillFromSameAddress(view, order(view, table, candidates, sharing), finest, values, provenance);
}

/** Whether `donor` writes a part `values` has in another way (a blank on either side contradicts nothing). */
function contradicts(values: RecordValues, donor: RecordValues): boolean {
  return !ADDRESS_FIELDS.every((field) => isBlank(values[field]) || isBlank(donor[field]) || sameValue(field, values[field], donor[field]));
}

/** Two values of a field, both present, that are the same value (however written). */
function sameValue(field: AddressField, a: string | null, b: string | null): boolean {
  if (isBlank(a) || isBlank(b)) return false;
  return a === b || comparisonKey(field, a) === comparisonKey(field, b);
}

/** The finest level a winner must name for finer parts to be filled: a city (or a postal code, a street). */
const CITY = LEVEL.city;

/** The blank parts a same-address record may fill: coarser ones always, finer ones under a city or finer. */
function fillable(values: RecordValues, finest: number): AddressField[] {
  return ADDRESS_FIELDS.filter(
    (field) =>
      isBlank(values[field]) && (LEVEL[field] > finest || finest <= CITY || (field === "address_line2" && !isBlank(values.address_line1))),
  );
}

/** Whether every donor that has `field` writes it the same way (the finer parts' condition). */
function donorsAgree(records: ClusterView["records"], donors: readonly number[], field: AddressField): boolean {
  let first: string | null = null;
  for (const donor of donors) {
    const { values } = records[donor]!;
    const value = values[field];
    // An apartment without its street line is no evidence for or against one.
    if (isBlank(value) || (field === "address_line2" && isBlank(values.address_line1))) continue;
    if (first === null) first = value;
    else if (!sameValue(field, first, value)) return false;
  }
  return true;
}

/**
 * Fills blanks from `donors` (record indexes of records holding the winner's address, best first), each checked
 * against the address as filled so far, so that two donors that disagree with each other never both contribute.
 * A part finer than the winner's finest is filled only when the donors that have it agree on it.
 */
function fillFromSameAddress(
  view: ClusterView,
  donors: readonly number[],
  finest: number,
  values: RecordValues,
  provenance: Provenance,
): void {
  const { records } = view;
  const agreed = new Set(ADDRESS_FIELDS.filter((field) => LEVEL[field] > finest || donorsAgree(records, donors, field)));
  let open = fillable(values, finest).filter((field) => agreed.has(field));
  for (const donor of donors) {
    const given = records[donor]!.values;
    if (contradicts(values, given)) continue;
    for (const field of open) {
      const value = given[field];
      if (isBlank(value)) continue;
      // An apartment belongs to its street line: only from a record whose line 1 is the golden one.
      if (field === "address_line2" && !sameValue("address_line1", values.address_line1, given.address_line1)) continue;
      values[field] = value;
      provenance[field] = view.provenance(donor, "same_address");
    }
    open = open.filter((field) => isBlank(values[field]));
    if (open.length === 0) return;
  }
}
