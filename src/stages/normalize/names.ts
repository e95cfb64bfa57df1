/**
 * Personal names. Casing is fixed only where it carries no information (ALL CAPS or all lower case Western
 * names): McDonald, MacDonald, O'Brien, D'Angelo, van der Berg, de la Cruz, Smith-Jones; mixed case is left
 * as the person wrote it. full_name and given_name/family_name are completed from each other ("Family, Given",
 * titles and suffixes kept apart). Chinese names are never re-cased and are split by surname.
 * Match keys: `name_han` (simplified Chinese) and `name_key` (pinyin or folded Latin tokens, sorted), so that
 * 張偉, 张伟, "Zhang Wei", "ZHANG WEI" and "Wei Zhang" all get the key "wei zhang".
 */
import { looksLikeFullChineseName, pinyinWord, simplified, splitChineseName } from "./chinese-names.js";
import { capitalize, foldLatin, HAN, isSingleCase } from "./text.js";

/** Lower case inside a name (van der Berg, da Silva); always capitalized as the first word. */
const PARTICLES = new Set([
  "van",
  "von",
  "zu",
  "der",
  "den",
  "de",
  "del",
  "della",
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
]);
/** Lower case only after another particle (de la Cruz, de los Santos); otherwise Le Pen, La Fontaine. */
const ARTICLES = new Set(["la", "le", "las", "los", "lo"]);
const TITLES = new Set(["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "rev", "fr", "lady", "lord"]);
const SUFFIXES: ReadonlyMap<string, string> = new Map(
  Object.entries({
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
  }),
);
/** Names that start with Mac but are not Mac + Name. */
const MAC_EXCEPTIONS = new Set(
  "mack macy macey mace machado macias macon machin macri macklin mackie machen macek macha machiavelli macedo maciel macaulay mackey macario macaluso macchi mackenzie".split(
    " ",
  ),
);

const bare = (word: string) => word.toLowerCase().replace(/[.,]+$/, "");

/** Proper case for one part of a hyphenated word: O'Brien, Dell'Acqua, McDonald, MacDonald. */
export function casePart(part: string): string {
  const apostrophe = /^(\p{L}{1,4})['’](\p{L}{2,})$/u.exec(part);
  if (apostrophe) return `${capitalize(apostrophe[1] as string)}'${capitalize(apostrophe[2] as string)}`;
  if (/^mc\p{L}{2,}/u.test(part)) return `Mc${capitalize(part.slice(2))}`;
  if (/^mac\p{L}{3,}/u.test(part) && !MAC_EXCEPTIONS.has(part)) return `Mac${capitalize(part.slice(3))}`;
  return capitalize(part);
}

/** Proper case for one word of a single-case Western name, given the word before it. */
function caseWord(word: string, previous: string | undefined): string {
  const lower = word.toLowerCase();
  const key = bare(lower);
  if (previous !== undefined) {
    if (PARTICLES.has(key)) return lower;
    if (ARTICLES.has(key) && (PARTICLES.has(bare(previous)) || ARTICLES.has(bare(previous)))) return lower;
    const suffix = SUFFIXES.get(key);
    if (suffix) return suffix + lower.slice(key.length);
  }
  // Punctuation around the word ("O'BRIEN," or "(JACK)") must not hide its shape from casePart.
  const [, lead = "", core = "", tail = ""] = /^([^\p{L}]*)(.*?)([^\p{L}]*)$/u.exec(lower) ?? [];
  return lead + core.split("-").map(casePart).join("-") + tail;
}

/**
 * Proper case for a whole name, only when it is ALL CAPS or all lower case. A family name on its own starts
 * with its particle in lower case ("VAN GOGH" → "van Gogh"), as it does inside a full name.
 */
export function caseName(name: string, familyOnly = false): string {
  if (!isSingleCase(name)) return name;
  const words = name.split(" ");
  return words.map((word, i) => caseWord(word, i > 0 ? words[i - 1] : familyOnly && words.length > 1 ? "" : undefined)).join(" ");
}

export interface NameParts {
  fullName: string | null;
  givenName: string | null;
  familyName: string | null;
  title: string | null;
  suffix: string | null;
}

/**
 * Split a Western full name: "Dr. John A. Smith Jr." → title Dr., given "John A.", family Smith, suffix Jr.
 * "Family, Given" and "Family, Given, Suffix" are turned around. The family name starts at the first particle
 * after the given name (Maria de la Cruz, Miguel de Cervantes y Saavedra), else it is the last word.
 */
function splitWestern(full: string): NameParts {
  let suffix: string | null = null;
  const parts = full
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length > 1 && SUFFIXES.has(bare(parts.at(-1) as string))) suffix = parts.pop() as string;
  let words = (parts.length === 2 ? `${parts[1]} ${parts[0]}` : parts.join(" ")).split(" ").filter(Boolean);
  const titles: string[] = [];
  while (words.length > 1 && TITLES.has(bare(words[0] as string))) titles.push(words.shift() as string);
  if (!suffix) suffix = takeSuffixes(words);
  const title = titles.length > 0 ? titles.join(" ") : null;
  if (words.length === 0) return { fullName: null, givenName: null, familyName: null, title, suffix };
  if (words.length === 1 && !title && !full.includes(",")) {
    // One word alone (Cher, Madonna) is what the person is called: a given name. After a title (Mr Smith) or
    // a comma (Smith,) it is a family name.
    const givenName = words[0] as string;
    return { fullName: givenName, givenName, familyName: null, title, suffix };
  }
  if (words.length === 1 || PARTICLES.has(bare(words[0] as string))) {
    // "Mr Smith", or "van der Berg": a family name on its own.
    const familyName = words.join(" ");
    return { fullName: familyName, givenName: null, familyName, title, suffix };
  }
  let split = words.findIndex((word, i) => i > 0 && i < words.length - 1 && (PARTICLES.has(bare(word)) || ARTICLES.has(bare(word))));
  if (split < 0) split = words.length - 1;
  words = words.map((word) => word.replace(/,$/, ""));
  const givenName = words.slice(0, split).join(" ");
  const familyName = words.slice(split).join(" ");
  return { fullName: `${givenName} ${familyName}`, givenName, familyName, title, suffix };
}

/** Takes the suffixes off the end of a name's words ("King Jr. PhD" → "Jr. PhD"), never its last word. */
function takeSuffixes(words: string[]): string | null {
  const suffixes: string[] = [];
  while (words.length > 1 && SUFFIXES.has(bare(words.at(-1) as string))) suffixes.unshift(words.pop() as string);
  return suffixes.length > 0 ? suffixes.join(" ") : null;
}

/** Jr, PhD, III as they are written, with the dot the source gave them. */
const caseSuffix = (suffix: string) =>
  suffix
    .split(" ")
    .map((word) => {
      const canonical = SUFFIXES.get(bare(word));
      return canonical ? canonical + (word.endsWith(".") ? "." : "") : word;
    })
    .join(" ");

/** Complete full/given/family from each other and fix casing. */
const LATIN = /\p{Script=Latin}/u;

export function normalizeNameParts(full: string | null, given: string | null, family: string | null): NameParts {
  const all = `${full ?? ""}${given ?? ""}${family ?? ""}`;
  if (HAN.test(all) && LATIN.test(all)) {
    // "Zhang Wei (张伟)", "张伟 David": two writings at once. Splitting would make nonsense; keep them as written.
    return { fullName: full, givenName: given, familyName: family, title: null, suffix: null };
  }
  if (HAN.test(all)) return chineseParts(full, given, family);
  if (full && !given && !family) return caseParts(splitWestern(full));
  return separateParts(full, given, family);
}

/**
 * Names in their own columns get what a full name gets: titles before the given name ("Dr. Jane", or "Mr" with
 * a family name beside it) and a suffix after the family name ("Doe PhD", "Doe, Jr.") are kept apart, so that
 * the name reads and keys as "Dr. Jane Doe PhD" in one column does. The title and suffix of a full name beside
 * them count when the parts carry none.
 */
function separateParts(full: string | null, given: string | null, family: string | null): NameParts {
  const titles: string[] = [];
  const givenWords = given ? given.split(" ") : [];
  while (givenWords.length > (family ? 0 : 1) && TITLES.has(bare(givenWords[0] as string))) titles.push(givenWords.shift() as string);
  const familyWords = family ? family.split(" ") : [];
  const suffix = takeSuffixes(familyWords);
  if (suffix) familyWords.push((familyWords.pop() as string).replace(/,$/, ""));
  const own = caseParts({
    fullName: null,
    givenName: givenWords.join(" ") || null,
    familyName: familyWords.join(" ") || null,
    title: titles.length > 0 ? titles.join(" ") : null,
    suffix,
  });
  // A full name beside the parts stays as written (re-splitting "O'Brien, Sean" composed from a family-name cell
  // would change it on a second run); only its title and suffix are read. One that is the parts joined is
  // cased as they are ("de la" alone is a family name, not "De la").
  const fromFull = full ? caseParts(splitWestern(full)) : undefined;
  // Nothing left of the parts but a title or suffix ("Dr." beside ", Jr"): the full name is all there is, and is
  // split as if it came alone, so that normalizing the result again finds the same parts.
  if (fromFull && !own.givenName && !own.familyName) {
    return { ...fromFull, title: own.title ?? fromFull.title, suffix: own.suffix ?? fromFull.suffix };
  }
  const composed = !full || full.toLowerCase() === own.fullName?.toLowerCase();
  return {
    ...own,
    fullName: composed ? own.fullName : nfc(caseName(full as string)),
    title: own.title ?? fromFull?.title ?? null,
    suffix: own.suffix ?? fromFull?.suffix ?? null,
  };
}

/** Lower-casing İ gives i + a combining dot; composing again keeps results in canonical form (and stable). */
const nfc = (text: string) => text.normalize("NFC");

/**
 * Casing part by part, after titles and suffixes are taken off: "SMITH, JOHN" and "ⴰ,A" are cased word by word,
 * not as one comma-joined word, and a part is judged on its own (John SMITH → John Smith), as it is when it
 * comes in its own column, so that normalizing the parts again changes nothing.
 */
function caseParts(parts: NameParts): NameParts {
  const givenName = parts.givenName ? nfc(caseName(parts.givenName)) : null;
  const familyName = parts.familyName ? nfc(caseName(parts.familyName, true)) : null;
  const title = parts.title ? nfc(caseName(parts.title)) : null;
  const suffix = parts.suffix ? caseSuffix(parts.suffix) : null;
  const fullName = [givenName, familyName].filter(Boolean).join(" ") || null;
  return { fullName, givenName, familyName, title, suffix };
}

function chineseParts(full: string | null, given: string | null, family: string | null): NameParts {
  // Spaces carry nothing in a Chinese name (张 伟 = 张伟); dropping them everywhere keeps the result stable.
  // Normalized again: removing a space can bring combining marks together in a non-canonical order.
  const compact = (part: string | null) => part?.replace(/\s+/g, "").normalize("NFKC") || null;
  [given, family] = [compact(given), compact(family)];
  // 張偉 alone in a given-name column is a whole name put there (the family-name column left empty): split
  // it as the same name in a full-name column is, so both get one name key.
  const wholeInGiven = given !== null && !family && looksLikeFullChineseName(given);
  const compactFull = compact(full) ?? (wholeInGiven ? given : null);
  if (compactFull && !family && (!given || (wholeInGiven && given === compactFull))) {
    // "张, 伟" is family, given; otherwise the surname table decides.
    const comma = compactFull.split(/[,，]/).filter(Boolean);
    const parts = comma.length === 2 ? { family: comma[0] as string, given: comma[1] as string } : splitChineseName(compactFull);
    return {
      fullName: comma.length === 2 ? parts.family + parts.given : compactFull,
      givenName: parts.given || null,
      familyName: parts.family || null,
      title: null,
      suffix: null,
    };
  }
  const composed = compactFull ?? (family || given ? `${family ?? ""}${given ?? ""}` : null);
  return { fullName: composed, givenName: given, familyName: family, title: null, suffix: null };
}

export interface NameKeys {
  han: string | null;
  key: string | null;
}

/** Order-free match keys for a name (see the file comment). */
export function nameKeys(parts: NameParts): NameKeys {
  const full = parts.fullName ?? [parts.givenName, parts.familyName].filter(Boolean).join(" ");
  if (!full) return { han: null, key: null };
  if (HAN.test(full) && !LATIN.test(full)) {
    // Split the full name only when neither part is known: a given name alone must not count twice.
    const split = parts.familyName || parts.givenName ? undefined : splitChineseName(full);
    const family = split ? split.family : (parts.familyName ?? "");
    const given = split ? split.given : (parts.givenName ?? "");
    const tokens = [pinyinWord(family, true), pinyinWord(given, false)].filter(Boolean).sort();
    return { han: simplified(full.replace(/\s+/g, "")), key: tokens.join(" ") || null };
  }
  const tokens = foldLatin(full)
    .replace(/['’.]/g, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t && !TITLES.has(t) && !SUFFIXES.has(t))
    .sort();
  return { han: null, key: tokens.join(" ") || null };
}
