/**
 * Partial masks for `--mask`: enough of a value left to recognise it (a support call, a spot check of an export),
 * not enough to use it. Pure, total (never throws, any text in), and deterministic.
 *
 *   email        j***@example.com          first character of the local part, the domain kept whole
 *   phone        +86 138****8000           calling code, first 3 and last 4 digits of the national number
 *   national_id  1101**********1234        first 4 and last 4 characters (ids of 8 or fewer: the last 2)
 *   dates        1986-**-**                the year (birth_date, created_at, updated_at)
 *   names, text  W****** T*****, 张*       the first character of each word; spaces and punctuation kept
 *
 * Characters are counted as code points, so a Chinese name or an emoji is never cut in half.
 */
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

const STAR = "*";
const stars = (count: number) => STAR.repeat(Math.max(0, count));

/** The first character of each word, every other letter or digit a star. */
export function maskText(text: string): string {
  let out = "";
  let inWord = false;
  for (const char of text) {
    const wordChar = /[\p{L}\p{N}\p{M}]/u.test(char);
    out += wordChar && inWord ? STAR : char;
    inWord = wordChar;
  }
  return out;
}

export function maskEmail(text: string): string {
  const at = text.lastIndexOf("@");
  if (at <= 0) return maskText(text);
  const local = Array.from(text.slice(0, at));
  return `${local[0]}***${text.slice(at)}`;
}

/** Keep `head` and `tail` characters, star the middle; too short for both, keep only the tail's last two. */
function keepEnds(chars: readonly string[], head: number, tail: number): string {
  if (chars.length > head + tail) return chars.slice(0, head).join("") + stars(chars.length - head - tail) + chars.slice(-tail).join("");
  const kept = Math.min(2, Math.max(0, chars.length - 2));
  return stars(chars.length - kept) + chars.slice(chars.length - kept).join("");
}

export function maskPhone(text: string): string {
  const parsed = text.startsWith("+") ? parsePhoneNumberFromString(text) : undefined;
  if (parsed) return `+${parsed.countryCallingCode} ${keepEnds(Array.from(parsed.nationalNumber), 3, 4)}`;
  // Not E.164 (normalize could not read it): the digits masked in place, the punctuation kept; the first 3 and
  // last 4 digits shown as above when there are more than 7, else only the last 2.
  const digits = text.replace(/\D/g, "").length;
  const shown = (n: number) => (digits > 7 ? n <= 3 || n > digits - 4 : n > digits - 2);
  let seen = 0;
  return text.replace(/\d/g, (digit) => (shown(++seen) ? digit : STAR));
}

export function maskNationalId(text: string): string {
  return keepEnds(Array.from(text), 4, 4);
}

export function maskDate(text: string): string {
  const year = /^(\d{4})-\d{2}-\d{2}/.exec(text);
  return year ? `${year[1]}-**-**` : maskText(text);
}

const DATE_FIELDS = new Set(["birth_date", "created_at", "updated_at"]);

/** The mask for a field (by its export column name); fields without one of their own get maskText. */
export function maskValue(field: string, text: string): string {
  if (field === "email") return maskEmail(text);
  if (field === "phone") return maskPhone(text);
  if (field === "national_id") return maskNationalId(text);
  if (DATE_FIELDS.has(field)) return maskDate(text);
  return maskText(text);
}
