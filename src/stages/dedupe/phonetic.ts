/**
 * Phonetic codes for blocking on family names (Double Metaphone + birth year catches Smith / Smyth,
 * Catherine / Kathryn that share no exact key). Only the primary code is kept: one key per name keeps the
 * blocking rule's pairs few, and the secondary code mostly adds Germanic or Slavic readings (Schmidt's XMT)
 * that the name comparisons judge anyway.
 */
import { doubleMetaphone } from "double-metaphone";
import { foldLatin } from "../normalize/text.js";

/** Non-letters (apostrophes, hyphens, spaces, digits) are dropped, so "o'brien" and "obrien" code alike. */
const NOT_LATIN_LETTER = /[^a-z]+/g;

/**
 * The primary Double Metaphone code of a Latin-script name ("smith" → "SM0"), after folding diacritics
 * ("müller" → "muller") and dropping everything but a-z; null when no Latin letter is left (empty input,
 * Chinese or other scripts, which block on their own keys) or the code is empty.
 */
export function metaphone(name: string): string | null {
  const letters = foldLatin(name).replace(NOT_LATIN_LETTER, "");
  if (letters === "") return null;
  const [primary] = doubleMetaphone(letters);
  return primary === "" ? null : primary;
}
