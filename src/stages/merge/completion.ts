/**
 * Completion (数据补全): fields no record of the cluster has, inferred from what the golden record does have,
 * each marked `derived` in the provenance with the rule that inferred it and the record its evidence came from.
 * A stated value is never overwritten, and nothing is inferred from evidence that is ambiguous or contradicted:
 *
 * - given and family name from the full name ("Given Family", "Family, Given", or 2-4 Han characters with the
 *   family name first, compound surnames 欧阳 司马 … included), and the full name from the two parts;
 * - birth date from a valid 18-character Chinese resident id, and the region from its first two digits
 *   (GB/T 2260) when the golden record has no address to contradict it;
 * - country from the phone's calling code or the postal code's format (country-evidence.ts), when the rest of
 *   the address agrees.
 *
 * City and region from other records of the cluster are survivorship's job (address-group.ts fills them from a
 * record holding the same address), so completion only ever sees blanks that no record could fill.
 */
import validator from "validator";
import type { RecordValues } from "../../model/record.js";
import { splitChineseName } from "../normalize/chinese-names.js";
import { normalizeNameParts } from "../normalize/names.js";
import { checkChineseId, chineseIdBirthDate } from "../validate/chinese-id.js";
import { chineseIdProvince, isMainlandProvinceCode } from "./china-regions.js";
import { comparisonKey, isBlank } from "./compare.js";
import { countryOfPhone, countryOfPostalCode } from "./country-evidence.js";
import { ADDRESS_FIELDS } from "./settings.js";
import type { FieldProvenance, GoldenRecord, MergeRecord, Provenance } from "./types.js";

/** What one rule may read: the golden values, where each came from, and the cluster's records. */
interface Evidence {
  values: RecordValues;
  provenance: Provenance;
  records: readonly MergeRecord[];
}

type Field = keyof RecordValues;

/** The completed record, copied from the golden one at the first field filled (most need none). */
class Draft {
  values: RecordValues;
  provenance: Provenance;
  copied = false;

  constructor(golden: GoldenRecord) {
    this.values = golden.values;
    this.provenance = golden.provenance;
  }

  fill(field: Field, value: string, from: FieldProvenance): void {
    if (!this.copied) {
      this.values = { ...this.values };
      this.provenance = { ...this.provenance };
      this.copied = true;
    }
    this.values[field] = value;
    this.provenance[field] = from;
  }
}

function derived(record: number | null, rule: string): FieldProvenance {
  return { record, rule, derived: true };
}

/** The value of a field when it is there and its record reported no error on it. */
function trusted(evidence: Evidence, field: Field): string | undefined {
  const value = evidence.values[field];
  if (isBlank(value)) return undefined;
  const from = evidence.provenance[field]?.record;
  const record = from === null || from === undefined ? undefined : evidence.records.find((r) => r.id === from);
  return record?.errorFields.includes(field) ? undefined : value;
}

const CHINESE_NAME = /^\p{Script=Han}{2,4}$/u;
const LATIN_NAME = /^[\p{Script=Latin}\p{M}][\p{Script=Latin}\p{M} .'’,-]*$/u;
const HAN_NAME_PART = /^\p{Script=Han}+$/u;

/** Given and family name of a full name, when its form says which is which. */
export function splitFullName(full: string): { given: string; family: string } | undefined {
  const name = full.trim();
  if (CHINESE_NAME.test(name)) {
    const { family, given } = splitChineseName(name);
    return given ? { given, family } : undefined;
  }
  if (!LATIN_NAME.test(name)) return undefined;
  // One word (Cher, Smith) could be either part; normalize's splitter knows titles, suffixes and particles.
  const parts = normalizeNameParts(name, null, null);
  return parts.givenName && parts.familyName ? { given: parts.givenName, family: parts.familyName } : undefined;
}

/** The full name written from its parts: 张 + 伟 → 张伟, Ada + Lovelace → Ada Lovelace; mixed scripts undecided. */
export function joinName(given: string, family: string): string | undefined {
  if (HAN_NAME_PART.test(given) && HAN_NAME_PART.test(family)) return family + given;
  if (LATIN_NAME.test(given) && LATIN_NAME.test(family)) return `${given} ${family}`;
  return undefined;
}

function completeNames(evidence: Evidence, out: Draft): void {
  const { values, provenance } = evidence;
  const full = values.full_name;
  const given = values.given_name;
  const family = values.family_name;
  if (!isBlank(full) && (isBlank(given) || isBlank(family))) {
    const split = splitFullName(full);
    // With one part stated, the other is filled only when the stated one is what the full name says.
    const agrees = (stated: string | null, part: string | undefined) =>
      isBlank(stated) || (part !== undefined && comparisonKey("given_name", stated) === comparisonKey("given_name", part));
    if (split && agrees(given, split.given) && agrees(family, split.family)) {
      const from = derived(provenance.full_name?.record ?? null, "full_name_split");
      if (isBlank(given)) out.fill("given_name", split.given, from);
      if (isBlank(family)) out.fill("family_name", split.family, from);
    }
  } else if (isBlank(full) && !isBlank(given) && !isBlank(family)) {
    const joined = joinName(given, family);
    if (joined === undefined) return;
    const a = provenance.given_name?.record ?? null;
    const b = provenance.family_name?.record ?? null;
    out.fill("full_name", joined, derived(a === b ? a : null, "name_join"));
  }
}

function completeFromNationalId(evidence: Evidence, out: Draft): void {
  const id = trusted(evidence, "national_id");
  if (id === undefined || checkChineseId(id) !== undefined) return;
  const record = evidence.provenance.national_id?.record ?? null;
  if (isBlank(out.values.birth_date)) {
    out.fill("birth_date", chineseIdBirthDate(id), derived(record, "national_id_birth_date"));
  }
  // Where an id was issued is where the customer lives only for want of anything better: never beside an address.
  const onlyCountry = ADDRESS_FIELDS.every((field) => field === "country" || isBlank(out.values[field]));
  const country = out.values.country;
  if (onlyCountry && (isBlank(country) || country === "CN") && isMainlandProvinceCode(id)) {
    out.fill("region", chineseIdProvince(id) as string, derived(record, "national_id_region"));
  }
}

/** Han-script addresses are written in these countries; a Latin-script one could be anywhere. */
const HAN_ADDRESS_COUNTRIES: ReadonlySet<string> = new Set(["CN", "HK", "MO", "TW"]);
const HAN = /\p{Script=Han}/u;

/** Whether the golden address (without country) leaves room for `country`. */
function addressAllows(values: RecordValues, country: string): boolean {
  const postal = values.postal_code;
  if (!isBlank(postal)) {
    const known = (validator.isPostalCodeLocales as readonly string[]).includes(country);
    return known && validator.isPostalCode(postal, country as validator.PostalCodeLocale);
  }
  const text = ADDRESS_FIELDS.filter((field) => field !== "country")
    .map((field) => values[field] ?? "")
    .join("");
  if (text.trim() === "") return true;
  return HAN.test(text) && HAN_ADDRESS_COUNTRIES.has(country);
}

function completeCountry(evidence: Evidence, out: Draft): void {
  if (!isBlank(evidence.values.country)) return;
  const { provenance } = evidence;
  const postal = trusted(evidence, "postal_code");
  const phone = trusted(evidence, "phone");
  const byPostal = postal === undefined ? undefined : countryOfPostalCode(postal);
  const byPhone = phone === undefined ? undefined : countryOfPhone(phone);
  if (byPostal !== undefined && byPhone !== undefined && byPostal !== byPhone) return; // they disagree: no answer
  if (byPostal !== undefined) {
    out.fill("country", byPostal, derived(provenance.postal_code?.record ?? null, "postal_code_country"));
  } else if (byPhone !== undefined && addressAllows(evidence.values, byPhone)) {
    out.fill("country", byPhone, derived(provenance.phone?.record ?? null, "phone_country"));
  }
}

/**
 * The golden record with what its values imply filled in: a new record when anything was filled, the input
 * itself when nothing was (the input is never changed).
 * `records` are the cluster's records, whose error findings decide which values count as evidence.
 */
export function completeGolden(golden: GoldenRecord, records: readonly MergeRecord[]): GoldenRecord {
  const evidence: Evidence = { values: golden.values, provenance: golden.provenance, records };
  const out = new Draft(golden);
  completeNames(evidence, out);
  // Country before the id's region: the region is only filled where the country is China or unknown.
  completeCountry(evidence, out);
  completeFromNationalId(evidence, out);
  return out.copied ? { values: out.values, provenance: out.provenance } : golden;
}
