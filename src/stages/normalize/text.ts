/**
 * Text normalization applied to every field first: Unicode NFKC (full-width ＡＢＣ１２３＠ → ABC123@), control
 * and zero-width characters removed, inner whitespace collapsed, ends trimmed. Idempotent.
 */

// C0/C1 controls except line and page breaks, zero-width space, word joiner, BOM, soft hyphen, and the
// invisible direction marks (LRM, RLM, ALM, embeddings, isolates). ZWJ and ZWNJ are handled apart (JOINERS).
const INVISIBLE =
  /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\ufeff\u00ad]/g;
// Tabs, line breaks (also vertical tab, form feed, NEL) and every Unicode space become one space.
const WHITESPACE = /[\s\u0085\u3000]+/g;

/**
 * ZWJ and ZWNJ carry meaning between non-ASCII characters (emoji sequences 👨‍👩‍👧, Persian and Indic
 * spelling) and are kept there; next to ASCII or at an edge ("Smi‌th" pasted from a web page) they are junk.
 */
const JOINERS = /(^|[\x00-\x7f])[\u200c\u200d]+|[\u200c\u200d]+(?=[\x00-\x7f]|$)/g;

const ASCII = /^[\x00-\x7f]*$/;

/** Printable ASCII words separated by single spaces: already normal (NFKC leaves ASCII alone). */
const PLAIN = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

export function normalizeText(value: string): string {
  if (PLAIN.test(value)) return value;
  // Invisible characters go before NFKC, so that marks they separated still compose (e, ZWSP, ◌́ → é).
  return value.replace(INVISIBLE, "").replace(JOINERS, "$1").normalize("NFKC").replace(WHITESPACE, " ").trim();
}

/** A value quoted for a message, shortened: a 100,000-character cell must not become a 100,000-character finding. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}…` : value);
}

/** Upper-case the first letter, unless it has no one-letter capital (ß stays ß: "SS" would not round-trip). */
export function capitalize(word: string): string {
  const at = word.search(/\p{L}/u);
  if (at < 0) return word;
  const upper = word.charAt(at).toUpperCase();
  return upper.length === 1 ? word.slice(0, at) + upper + word.slice(at + 1) : word;
}

/** Has letters, and all of them are upper case (or all lower case): casing carries no information. */
export function isSingleCase(text: string): boolean {
  if (ASCII.test(text)) return /[A-Za-z]/.test(text) && !(/[a-z]/.test(text) && /[A-Z]/.test(text));
  const letters = text.replace(/[^\p{L}]/gu, "");
  if (letters === "" || /\p{Script=Han}/u.test(letters)) return false;
  return letters === letters.toUpperCase() || letters === letters.toLowerCase();
}

export const HAN = /\p{Script=Han}/u;

/** Latin letters without accents, for match keys (José → jose, Müller → muller). */
export function foldLatin(text: string): string {
  if (ASCII.test(text)) return text.toLowerCase(); // nothing to fold: most addresses and Latin names
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/ß/g, "ss")
    .replace(/[æÆ]/g, "ae")
    .replace(/[øØ]/g, "o")
    .replace(/[łŁ]/g, "l")
    .toLowerCase();
}
