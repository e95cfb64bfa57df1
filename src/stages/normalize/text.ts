/**
 * Text normalization applied to every field first: Unicode NFKC (full-width ＡＢＣ１２３＠ → ABC123@), control
 * and zero-width characters removed, inner whitespace collapsed, ends trimmed. Idempotent.
 */

// C0/C1 controls (tab and newlines become spaces first), zero-width space/joiners, word joiner, BOM, soft hyphen.
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200d\u2060\ufeff\u00ad]/g;
const WHITESPACE = /[\s\u3000]+/g;

/** Printable ASCII words separated by single spaces: already normal (NFKC leaves ASCII alone). */
const PLAIN = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

export function normalizeText(value: string): string {
  if (PLAIN.test(value)) return value;
  return value.normalize("NFKC").replace(INVISIBLE, "").replace(WHITESPACE, " ").trim();
}

/** Has letters, and all of them are upper case (or all lower case): casing carries no information. */
export function isSingleCase(text: string): boolean {
  const letters = text.replace(/[^\p{L}]/gu, "");
  if (letters === "" || /\p{Script=Han}/u.test(letters)) return false;
  return letters === letters.toUpperCase() || letters === letters.toLowerCase();
}

export const HAN = /\p{Script=Han}/u;

/** Latin letters without accents, for match keys (José → jose, Müller → muller). */
export function foldLatin(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/ß/g, "ss")
    .replace(/[æÆ]/g, "ae")
    .replace(/[øØ]/g, "o")
    .replace(/[łŁ]/g, "l")
    .toLowerCase();
}
