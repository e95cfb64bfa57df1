/**
 * Addresses: whitespace and case (ALL CAPS or all lower case Latin text is title-cased; mixed case and Chinese
 * are left alone; full-width digits were already folded by NFKC), postal codes formatted per country, and a
 * match key with common abbreviations expanded (St → street, Ave → avenue, Apt/#/Unit → unit).
 */

import { foldLatin, isSingleCase } from "./text.js";
import type { Finding } from "./types.js";

const KEEP_UPPER = /^(?:[nsew]{1,2}|po|us|uk|[ivx]+|\d+\p{L}?|\p{L}\d+)$/iu; // NE, PO Box, 4B, IV

/** Title case for single-case Latin text, word by word; "123 MAIN ST APT 4B" → "123 Main St Apt 4B". */
export function caseAddress(text: string): string {
  if (!isSingleCase(text)) return text;
  return text
    .toLowerCase()
    .replace(/\p{L}[\p{L}'’]*/gu, (word) =>
      KEEP_UPPER.test(word) && word.length <= 2 ? word.toUpperCase() : word.charAt(0).toUpperCase() + word.slice(1),
    )
    .replace(/\b(\d+)([a-z])\b/g, (_, n: string, l: string) => n + l.toUpperCase());
}

const ABBREVIATIONS: Record<string, string> = {
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
};

/** Match key for address lines: folded, abbreviations expanded, punctuation gone. */
export function addressKey(...lines: (string | null)[]): string | null {
  const text = lines.filter(Boolean).join(" ");
  if (!text) return null;
  const tokens = foldLatin(text)
    .replace(/#/g, " # ")
    .split(/[\s,.;:/()\-"'’]+/)
    .filter(Boolean)
    .map((token) => ABBREVIATIONS[token] ?? token);
  return tokens.join(" ") || null;
}

/** Postal code formatted for its country; unknown formats are upper-cased only. */
export function normalizePostalCode(text: string, country: string | undefined): { value: string; finding?: Finding } {
  const compact = text.toUpperCase().replace(/[\s-]+/g, "");
  const invalid = (format: string): { value: string; finding: Finding } => ({
    value: text,
    finding: {
      field: "postal_code",
      rule: "postal_code.format",
      severity: "warning",
      message: `${JSON.stringify(text)} is not a ${country} postal code (${format})`,
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
      if (/^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/.test(compact)) return { value: `${compact.slice(0, -3)} ${compact.slice(-3)}` };
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
