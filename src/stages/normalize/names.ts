/**
 * Personal names. Casing is fixed only where it carries no information (ALL CAPS or all lower case Western
 * names): McDonald, MacDonald, O'Brien, D'Angelo, van der Berg, de la Cruz, Smith-Jones; mixed case is left
 * as the person wrote it. full_name and given_name/family_name are completed from each other ("Family, Given",
 * titles and suffixes kept apart). Chinese names are never re-cased and are split by surname.
 * Match keys: `name_han` (simplified Chinese) and `name_key` (pinyin or folded Latin tokens, sorted), so that
 * 張偉, 张伟, "Zhang Wei", "ZHANG WEI" and "Wei Zhang" all get the key "wei zhang".
 */
import { pinyinWord, simplified, splitChineseName } from "./chinese-names.js";
import { foldLatin, HAN, isSingleCase } from "./text.js";

const PARTICLES = new Set([
  "van",
  "von",
  "der",
  "den",
  "de",
  "del",
  "della",
  "la",
  "le",
  "di",
  "da",
  "das",
  "dos",
  "du",
  "ter",
  "ten",
  "bin",
  "binti",
  "al",
  "el",
  "y",
]);
const TITLES = new Set(["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "rev", "fr", "lady", "lord"]);
const SUFFIXES: Record<string, string> = {
  jr: "Jr",
  sr: "Sr",
  ii: "II",
  iii: "III",
  iv: "IV",
  v: "V",
  phd: "PhD",
  md: "MD",
  esq: "Esq",
  dds: "DDS",
  cpa: "CPA",
};
/** Names that start with Mac but are not Mac + Name. */
const MAC_EXCEPTIONS = new Set([
  "mack",
  "macy",
  "macey",
  "mace",
  "machado",
  "macias",
  "macon",
  "machin",
  "macri",
  "macklin",
  "mackie",
  "machen",
  "macek",
  "macha",
  "machiavelli",
  "macintyre",
]);

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Proper case for one word of a single-case Western name. */
function caseWord(word: string, first: boolean): string {
  const lower = word.toLowerCase();
  if (!first && PARTICLES.has(lower)) return lower;
  if (SUFFIXES[lower.replace(/\./g, "")]) return SUFFIXES[lower.replace(/\./g, "")] + (lower.endsWith(".") ? "." : "");
  return lower
    .split("-")
    .map((part) => {
      const apostrophe = /^([a-z])['’](\p{L}+)$/u.exec(part); // O'Brien, D'Angelo, L'Estrange
      if (apostrophe) return `${apostrophe[1]!.toUpperCase()}'${capitalize(apostrophe[2]!)}`;
      if (/^mc\p{L}{2,}/u.test(part)) return `Mc${capitalize(part.slice(2))}`;
      if (/^mac\p{L}{3,}/u.test(part) && !MAC_EXCEPTIONS.has(part)) return `Mac${capitalize(part.slice(3))}`;
      return capitalize(part);
    })
    .join("-");
}

/** Proper case for a whole name, only when it is ALL CAPS or all lower case. */
export function caseName(name: string): string {
  if (!isSingleCase(name)) return name;
  return name
    .split(" ")
    .map((word, i) => caseWord(word, i === 0))
    .join(" ");
}

export interface NameParts {
  fullName: string | null;
  givenName: string | null;
  familyName: string | null;
  title: string | null;
  suffix: string | null;
}

const bare = (word: string) => word.toLowerCase().replace(/\.$/, "");

/** Split a Western full name: "Dr. John A. Smith Jr." → title Dr., given "John A.", family Smith, suffix Jr. */
function splitWestern(full: string): NameParts {
  let words = full.split(" ").filter(Boolean);
  let title: string | null = null;
  let suffix: string | null = null;
  const comma = full.indexOf(",");
  if (comma > 0) {
    // "Smith, John" (family first) unless what follows the comma is only a suffix ("John Smith, Jr.").
    const after = full.slice(comma + 1).trim();
    if (after && !SUFFIXES[bare(after)]) {
      words = [...after.split(" "), ...full.slice(0, comma).trim().split(" ")].filter(Boolean);
    } else {
      words = full.replace(",", " ").split(" ").filter(Boolean);
    }
  }
  if (words.length > 1 && TITLES.has(bare(words[0]!))) title = words.shift()!;
  if (words.length > 1 && SUFFIXES[bare(words.at(-1)!)]) suffix = words.pop()!;
  if (words.length === 1) return { fullName: words[0]!, givenName: null, familyName: words[0]!, title, suffix };
  let split = words.length - 1;
  while (split > 1 && PARTICLES.has(words[split - 1]!.toLowerCase())) split--;
  const givenName = words.slice(0, split).join(" ");
  const familyName = words.slice(split).join(" ");
  return { fullName: `${givenName} ${familyName}`, givenName, familyName, title, suffix };
}

/** Complete full/given/family from each other and fix casing. */
export function normalizeNameParts(full: string | null, given: string | null, family: string | null): NameParts {
  const anyHan = HAN.test(`${full ?? ""}${given ?? ""}${family ?? ""}`);
  if (anyHan) {
    const compactFull = full?.replace(/\s+/g, "") ?? null;
    if (compactFull && !given && !family) {
      const parts = splitChineseName(compactFull);
      return { fullName: compactFull, givenName: parts.given || null, familyName: parts.family || null, title: null, suffix: null };
    }
    const composed = compactFull ?? (family || given ? `${family ?? ""}${given ?? ""}` : null);
    return { fullName: composed, givenName: given, familyName: family, title: null, suffix: null };
  }
  if (full && !given && !family) {
    const parts = splitWestern(caseName(full));
    return parts;
  }
  const givenName = given ? caseName(given) : null;
  const familyName = family ? caseName(family) : null;
  let fullName = full ? caseName(full) : null;
  if (!fullName && (givenName || familyName)) fullName = [givenName, familyName].filter(Boolean).join(" ");
  return { fullName, givenName, familyName, title: null, suffix: null };
}

export interface NameKeys {
  han: string | null;
  key: string | null;
}

/** Order-free match keys for a name (see the file comment). */
export function nameKeys(parts: NameParts): NameKeys {
  const full = parts.fullName ?? [parts.givenName, parts.familyName].filter(Boolean).join(" ");
  if (!full) return { han: null, key: null };
  if (HAN.test(full)) {
    const family = parts.familyName ?? splitChineseName(full).family;
    const given = parts.givenName ?? splitChineseName(full).given;
    const tokens = [pinyinWord(family, true), pinyinWord(given, false)].filter(Boolean).sort();
    return { han: simplified(full.replace(/\s+/g, "")), key: tokens.join(" ") || null };
  }
  const tokens = foldLatin(full)
    .replace(/['’.]/g, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t && !TITLES.has(t) && !SUFFIXES[t])
    .sort();
  return { han: null, key: tokens.join(" ") || null };
}
