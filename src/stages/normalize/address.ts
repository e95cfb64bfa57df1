/**
 * Addresses: whitespace and case (ALL CAPS or all lower case Latin text is title-cased; mixed case and Chinese
 * are left alone; full-width digits were already folded by NFKC), postal codes formatted per country, and a
 * match key with common abbreviations expanded (St → street, Ave → avenue, Apt/#/Unit → unit).
 */

import type { Finding } from "../../model/finding.js";
import { casePart } from "./names.js";
import { foldLatin, isSingleCase, quote } from "./text.js";

/** Tokens that stay upper case in an address: compass points, PO, and roman numerals up to XX. */
const KEEP_UPPER = /^(?:[nsew]|ne|nw|se|sw|po|us|uk|i{1,3}|iv|vi{0,3}|ix|xi{0,3}|xiv|xvi{0,3}|xix|xx)$/;
const ORDINAL = /^(\d+)(st|nd|rd|th)$/;

function caseAddressToken(token: string, lastAfterComma: boolean): string {
  if (/^\d/.test(token)) {
    const ordinal = ORDINAL.exec(token);
    if (ordinal) return token; // 5th, 42nd
    return token.replace(/^(\d+)([a-z])$/, (_, n: string, l: string) => n + l.toUpperCase()); // 4B
  }
  if (KEEP_UPPER.test(token)) return token.toUpperCase();
  // A two- or three-letter code closing "City, ST" is a state or province code.
  if (lastAfterComma && /^[a-z]{2,3}$/.test(token)) return token.toUpperCase();
  return token.split("-").map(casePart).join("-"); // O'Connell, McAllister, MacArthur
}

/** Title case for single-case Latin text, word by word; "123 MAIN ST APT 4B" → "123 Main St Apt 4B". */
export function caseAddress(text: string): string {
  if (!isSingleCase(text)) return text;
  const lower = text.toLowerCase();
  const tokens = [...lower.matchAll(/[\p{L}\p{N}][\p{L}\p{M}\p{N}'’-]*/gu)];
  const last = tokens.at(-1);
  const closingCode =
    last !== undefined && /,\s*$/.test(lower.slice(0, last.index)) && last.index + last[0].length === lower.trimEnd().length;
  const cased = lower.replace(/[\p{L}\p{N}][\p{L}\p{M}\p{N}'’-]*/gu, (token, offset: number) =>
    caseAddressToken(token, closingCode && offset === last?.index),
  );
  return cased.normalize("NFC");
}

const ABBREVIATIONS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    st: "street",
    str: "street",
    strasse: "street",
    ave: "avenue",
    av: "avenue",
    rd: "road",
    blvd: "boulevard",
    dr: "drive",
    ln: "lane",
    ct: "court",
    pl: "place",
    sq: "square",
    hwy: "highway",
    pkwy: "parkway",
    cres: "crescent",
    tce: "terrace",
    apt: "unit",
    apartment: "unit",
    ste: "unit",
    suite: "unit",
    flat: "unit",
    "#": "unit",
    no: "number",
    n: "north",
    s: "south",
    e: "east",
    w: "west",
    fl: "floor",
  }),
);

/** German street names with "str." glued on: Hauptstr. 12 is Hauptstraße 12 (the dot is already split off). */
const GLUED_STRASSE = /^([a-z]{3,})str$/;

/** Match key for address lines: folded, abbreviations expanded, punctuation gone. */
export function addressKey(...lines: (string | null)[]): string | null {
  const text = lines.filter(Boolean).join(" ");
  if (!text) return null;
  const tokens = foldLatin(text)
    .replace(/['’]/g, "") // king's → kings, not "king s"
    .replace(/\b([a-z])\.([a-z])\.?/g, "$1$2") // p.o. → po
    .replace(/#/g, " # ")
    .split(/[\s,.;:/()\-"]+/)
    .filter(Boolean);
  const out: string[] = [];
  for (const token of tokens) {
    const previous = out.at(-1);
    // After "unit" a single letter is the unit's name (Apt E), not a compass point.
    const expanded =
      previous === "unit" && /^[a-z]$/.test(token) ? token : (ABBREVIATIONS.get(token) ?? token.replace(GLUED_STRASSE, "$1strasse"));
    if (expanded === "unit" && previous === "unit") continue; // "Apt #3" → "unit 3"
    out.push(expanded);
  }
  return out.join(" ") || null;
}

/** Postal code formatted for its country; unknown formats are upper-cased only. */
export function normalizePostalCode(text: string, country: string | undefined): { value: string; finding?: Finding } {
  // "D-10115" and "F-75001": the old car-plate country prefix some European exports still carry.
  const prefix = country === "DE" ? /^D-/i : country === "FR" ? /^F-/i : undefined;
  const compact = text
    .toUpperCase()
    .replace(prefix ?? /^$/, "")
    .replace(/[\s-]+/g, "");
  const invalid = (format: string): { value: string; finding: Finding } => ({
    value: text,
    finding: {
      field: "postal_code",
      rule: "postal_code.format",
      severity: "warning",
      message: `${quote(text)} is not a ${country} postal code (${format})`,
    },
  });
  switch (country) {
    case "US": {
      // A 4-digit ZIP is a 5-digit one whose leading zero a spreadsheet dropped (02114 → 2114).
      if (/^\d{4}$/.test(compact)) return { value: `0${compact}` };
      if (/^\d{5}$/.test(compact)) return { value: compact };
      if (/^\d{9}$/.test(compact)) return { value: `${compact.slice(0, 5)}-${compact.slice(5)}` };
      return invalid("12345 or 12345-6789");
    }
    case "GB": {
      if (/^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/.test(compact) || compact === "GIR0AA")
        return { value: `${compact.slice(0, -3)} ${compact.slice(-3)}` };
      return invalid("e.g. SW1A 1AA");
    }
    case "CN":
      return /^\d{6}$/.test(compact) ? { value: compact } : invalid("6 digits");
    case "CA":
      return /^[A-Z]\d[A-Z]\d[A-Z]\d$/.test(compact) ? { value: `${compact.slice(0, 3)} ${compact.slice(3)}` } : invalid("A1A 1A1");
    case "AU":
      return /^\d{4}$/.test(compact) ? { value: compact } : invalid("4 digits");
    case "DE":
    case "FR":
      return /^\d{5}$/.test(compact) ? { value: compact } : invalid("5 digits");
    default:
      return { value: text.toUpperCase() };
  }
}
