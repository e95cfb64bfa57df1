/**
 * The normalize stage: one canonical record in, its canonical form, match keys and findings out. Pure.
 * Every field first gets text normalization (text.ts), then the rules of its kind. The country is resolved
 * first because phones and postal codes depend on it.
 */
import { CANONICAL_FIELDS } from "../../fields/canonical.js";
import type { Finding } from "../../model/finding.js";
import { emptyKeys, type RecordKeys } from "../../model/keys.js";
import type { RecordValues } from "../../model/record.js";
import { addressKey, caseAddress, normalizePostalCode } from "./address.js";
import { countryCode } from "./country.js";
import { normalizeDate } from "./dates.js";
import { normalizeEmail } from "./email.js";
import { memoize3 } from "./memo.js";
import { nameKeys, normalizeNameParts } from "./names.js";
import { normalizeConsent, normalizeNationalId } from "./other-fields.js";
import { normalizePhone } from "./phone.js";
import { normalizeText, quote } from "./text.js";
import type { NormalizeContext } from "./types.js";

export type { DateOrder, NormalizeContext } from "./types.js";

export interface NormalizedRecord {
  values: RecordValues;
  /** The keys of model/keys.ts. */
  keys: RecordKeys;
  findings: Finding[];
}

const text = (value: string | null): string | null => {
  if (value === null) return null;
  const cleaned = normalizeText(value);
  return cleaned === "" ? null : cleaned;
};

/** Names and dates repeat across records (common names, birth dates): memoized by their inputs. */
const ABSENT = "\u0001"; // a name part that is null (memo keys are strings)
const normalizedName = memoize3((full: string, given: string, family: string) => {
  const part = (text: string) => (text === ABSENT ? null : text);
  const name = normalizeNameParts(part(full), part(given), part(family));
  return { name, keys: nameKeys(name) };
});

const normalizedDate = memoize3((field: string, order: string, value: string) =>
  normalizeDate(field, value, order === "" ? undefined : (order as "dmy" | "mdy"), field !== "birth_date"),
);

/**
 * `matchKeys: false` leaves the address key out (validate reads only values and findings, and the address key
 * is the one key that costs); the other keys come with the values anyway.
 */
export function normalizeRecord(input: RecordValues, context: NormalizeContext, { matchKeys = true } = {}): NormalizedRecord {
  const v = { ...input };
  for (const field of CANONICAL_FIELDS) v[field] = text(input[field]);
  const findings: Finding[] = [];
  const keys = emptyKeys();

  // Only a country roster recognised decides phone and postal rules; anything else falls back to the default.
  let resolved: string | undefined;
  if (v.country) {
    resolved = countryCode(v.country);
    if (resolved) v.country = resolved;
    else {
      findings.push({
        field: "country",
        rule: "country.unknown",
        severity: "warning",
        message: `${quote(v.country)} is not a country roster knows`,
      });
    }
  }
  const region = resolved ?? context.country;

  const { name, keys: nk } = normalizedName(v.full_name ?? ABSENT, v.given_name ?? ABSENT, v.family_name ?? ABSENT);
  v.full_name = name.fullName;
  v.given_name = name.givenName;
  v.family_name = name.familyName;
  keys.name_title = name.title;
  keys.name_suffix = name.suffix;
  keys.name_han = nk.han;
  keys.name_key = nk.key;

  if (v.email) {
    const email = normalizeEmail(v.email);
    v.email = email.email || v.email; // nothing left ("mailto:"): keep what was written, with its finding
    keys.email_key = email.key;
    if (email.finding) findings.push(email.finding);
  }

  if (v.phone) {
    const phone = normalizePhone(v.phone, region);
    v.phone = phone.phone;
    keys.phone_ext = phone.extension;
    if (phone.finding) findings.push(phone.finding);
  }

  for (const field of ["birth_date", "created_at", "updated_at"] as const) {
    const value = v[field];
    if (!value) continue;
    // Birth dates repeat across customers; creation timestamps are unique, so caching them would only cost.
    const date =
      field === "birth_date" ? normalizedDate(field, context.dateOrder ?? "", value) : normalizeDate(field, value, context.dateOrder, true);
    v[field] = date.value;
    if (date.finding) findings.push(date.finding);
  }

  for (const field of ["address_line1", "address_line2", "city", "region"] as const) {
    const value = v[field];
    // A region written as a code (CA, NSW, QLD) stays a code.
    if (!value) continue;
    if (field === "region" && /^[A-Za-z]{2,3}$/.test(value)) v[field] = value.toUpperCase();
    else v[field] = caseAddress(value);
  }
  if (matchKeys) keys.address_key = addressKey(v.address_line1, v.address_line2);
  if (v.postal_code) {
    const postal = normalizePostalCode(v.postal_code, region);
    v.postal_code = postal.value;
    if (postal.finding) findings.push(postal.finding);
  }
  if (v.national_id) v.national_id = normalizeNationalId(v.national_id);
  if (v.marketing_consent) {
    const consent = normalizeConsent(v.marketing_consent);
    v.marketing_consent = consent.value;
    if (consent.finding) findings.push(consent.finding);
  }
  return { values: v, keys, findings };
}
