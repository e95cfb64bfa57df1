/**
 * How survivorship looks at values: when a value is blank, when a timestamp happened, how much a value says, and
 * the comparison form under which two writings count as the same value (`most_frequent`, agreement).
 */
import type { CanonicalField } from "../../fields/canonical.js";
import { addressKey } from "../normalize/address.js";
import { simplified } from "../normalize/chinese-names.js";
import { memoize } from "../normalize/memo.js";
import { foldLatin, HAN } from "../normalize/text.js";

/** Null, empty and whitespace-only values are blanks: survivorship never chooses one over a value. */
export function isBlank(value: string | null | undefined): value is null | undefined | "" {
  if (value === null || value === undefined || value === "") return true;
  // Values come trimmed (model/record.ts): one that starts with a visible ASCII character is not blank.
  const first = value.charCodeAt(0);
  return !(first > 32 && first < 127) && value.trim() === "";
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The ASCII digit at `at` as a number, or NaN. */
function digit(text: string, at: number): number {
  const d = text.charCodeAt(at) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
}

function twoDigits(text: string, at: number): number {
  return digit(text, at) * 10 + digit(text, at + 1);
}

/**
 * Milliseconds since the epoch of an ISO 8601 date or timestamp (what normalize writes), NaN when it is not one.
 * A timestamp without a zone is read as UTC: reading it in the machine's zone would make the result depend on
 * where roster runs.
 */
export function timeOf(text: string | null): number {
  if (text === null) return Number.NaN;
  // The forms normalize and the store write, read digit by digit: a regular expression per record was this
  // stage's main cost. 2024-05-01, 2024-05-01T10:00:00Z, 2024-05-01T10:00:00.123Z.
  const n = text.length;
  if (
    (n === 10 || (text[10] === "T" && text[n - 1] === "Z" && (n === 20 || (n === 24 && text[19] === ".")))) &&
    text[4] === "-" &&
    text[7] === "-"
  ) {
    const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
    const month = twoDigits(text, 5);
    const day = twoDigits(text, 8);
    if (n === 10) return dateTime(year, month, day, 0, 0, 0, 0, 0);
    if (text[13] !== ":" || text[16] !== ":") return Number.NaN;
    const millis = n === 24 ? twoDigits(text, 20) * 10 + digit(text, 22) : 0;
    return dateTime(year, month, day, twoDigits(text, 11), twoDigits(text, 14), twoDigits(text, 17), millis, 0);
  }
  const m = ISO_TIME.exec(text.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone] = m;
  let offset = 0;
  if (zone && zone.toUpperCase() !== "Z") {
    const digits = zone.replace(/[^\d]/g, "");
    offset = (zone.startsWith("-") ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0"));
  }
  const millis = Number(fraction.slice(0, 3).padEnd(3, "0"));
  return dateTime(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), millis, offset);
}

function dateTime(year: number, month: number, day: number, h: number, mi: number, s: number, ms: number, offsetMinutes: number): number {
  // NaN fails every comparison, so a non-digit anywhere ends here too.
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1]! && h <= 23 && mi <= 59 && s <= 59)) return Number.NaN;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return Number.NaN;
  return ((daysFromCivil(year, month, day) * 24 + h) * 60 + mi - offsetMinutes) * 60_000 + s * 1000 + ms;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): arithmetic, no Date. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * A record's time for `most_recent`: its updated_at (`updated`, as timeOf read it), else its batch's import time;
 * -Infinity when neither reads, so that such a record is never the newest.
 */
export function recordTime(updated: number, batchImportedAt: string): number {
  if (!Number.isNaN(updated)) return updated;
  const imported = timeOf(batchImportedAt);
  return Number.isNaN(imported) ? Number.NEGATIVE_INFINITY : imported;
}

const INFORMATIVE_CHARACTER = /[\p{L}\p{N}]/u;

/**
 * How much a value says, for `most_complete`: its letters and digits, so that punctuation and spacing
 * ("J. - Smith") count for nothing, and "Robert" says more than "Rob".
 */
export function informativeLength(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 128) {
      if ((code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122)) count++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      // the second half of a surrogate pair: counted with the first
    } else if (INFORMATIVE_CHARACTER.test(String.fromCodePoint(value.codePointAt(i)!))) count++;
  }
  return count;
}

const PUNCTUATION_AND_SPACE = /[\s\p{P}\p{S}]+/gu;

/** Han text in its simplified form (張偉 = 张伟); memoized because OpenCC's conversion is the costly part. */
const simplifiedHan = memoize((text: string) => (HAN.test(text) ? simplified(text) : text), 20_000);

/** Street lines repeat within a cluster, and their key (abbreviations expanded) is the costly one. */
const addressLineKey = memoize((line: string) => addressKey(line) ?? "", 20_000);

/** Lower case, accents folded, punctuation and spaces gone, Han characters simplified. */
function textKey(value: string): string {
  return simplifiedHan(foldLatin(value).replace(PUNCTUATION_AND_SPACE, ""));
}

/**
 * The form under which two values of a field are the same value: "John  Smith" = "john smith", "123 Main St" =
 * "123 Main Street", "+86 138-0013-8000" = "+8613800138000", "sw1a 1aa" = "SW1A1AA". Keys are only compared
 * within one field, so they need not be readable.
 */
export function comparisonKey(field: CanonicalField, value: string): string {
  switch (field) {
    case "email":
      return value.trim().toLowerCase();
    case "phone":
      return value.replace(/[^\d+]/g, "");
    case "postal_code":
    case "national_id":
      return value.toUpperCase().replace(/[\s-]+/g, "");
    case "country":
    case "marketing_consent":
    case "source_id":
      return value.trim().toUpperCase();
    case "birth_date":
    case "created_at":
    case "updated_at":
      return value.trim(); // normalize writes one form per date and instant
    case "address_line1":
    case "address_line2":
      return addressLineKey(value);
    default:
      return textKey(value);
  }
}
