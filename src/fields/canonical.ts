/**
 * The canonical customer fields (DESIGN.md §3) and how a header is matched against their synonyms (synonyms.ts).
 * `source` is set by the importer, and `attributes` holds every unmapped column, so neither is a mapping target.
 */
import { NAME_WORDS, SYNONYMS } from "./synonyms.js";

export const CANONICAL_FIELDS = [
  "source_id",
  "given_name",
  "family_name",
  "full_name",
  "email",
  "phone",
  "birth_date",
  "company",
  "address_line1",
  "address_line2",
  "city",
  "region",
  "postal_code",
  "country",
  "national_id",
  "marketing_consent",
  "created_at",
  "updated_at",
] as const;

export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

export function isCanonicalField(name: string): name is CanonicalField {
  return (CANONICAL_FIELDS as readonly string[]).includes(name);
}

/**
 * The comparison form of a header: lower case, accents and `ß` folded (Straße = Strasse, Prénom = Prenom), full-width
 * forms folded (ＴＥＬ = TEL), without spaces or `_ - . / ( ) [ ] # : * ° º ' ’`. Only Latin accents are
 * removed: Japanese voiced kana (ド) are other letters, not accented ones.
 */
export function headerKey(header: string): string {
  return header
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .normalize("NFKC")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[\s_\-./()[\]#:*°º'’]+/g, "");
}

const SYNONYM_INDEX: ReadonlyMap<string, CanonicalField> = (() => {
  const index = new Map<string, CanonicalField>();
  for (const field of CANONICAL_FIELDS) {
    for (const synonym of SYNONYMS[field]) {
      const key = headerKey(synonym);
      const taken = index.get(key);
      // A spelling in two fields would silently depend on table order.
      if (taken && taken !== field) throw new Error(`header synonym "${synonym}" is listed for ${taken} and ${field}`);
      index.set(key, field);
    }
  }
  return index;
})();

const NAME_WORD_KEYS: ReadonlySet<string> = new Set(NAME_WORDS.map(headerKey));

/** Whether a whole header is one of the words for "name" whose meaning depends on the other columns. */
export function isNameWord(header: string): boolean {
  return NAME_WORD_KEYS.has(headerKey(header));
}

/**
 * How a header matched: 1 the whole header is a synonym, 2 the last two parts of a dotted name (`name.first`),
 * 3 its last part (`contact.email`). A lower rank is the stronger claim when several columns name one field.
 */
export interface HeaderMatch {
  field: CanonicalField;
  rank: 1 | 2 | 3;
}

/**
 * Fields whose value is one scalar: a dotted name under them describes them, not the customer
 * (`email.verified`, `phone.type`, Shopify's `email_marketing_consent.state` is no region).
 */
const SCALAR_FIELDS: ReadonlySet<CanonicalField> = new Set([
  "source_id",
  "email",
  "phone",
  "birth_date",
  "national_id",
  "marketing_consent",
  "created_at",
  "updated_at",
]);

/** The canonical field a header names, if any, and how strongly (see HeaderMatch). */
export function matchHeader(header: string): HeaderMatch | undefined {
  const direct = SYNONYM_INDEX.get(headerKey(header));
  if (direct) return { field: direct, rank: 1 };
  const parts = header.split(".").filter((part) => part !== "");
  if (parts.length < 2) return undefined;
  const parent = parts[parts.length - 2] as string;
  const parentField = SYNONYM_INDEX.get(headerKey(parent));
  if ((parentField && SCALAR_FIELDS.has(parentField)) || /consent|marketing/.test(headerKey(parent))) return undefined;
  const lastTwo = SYNONYM_INDEX.get(headerKey(parts.slice(-2).join(".")));
  const last = SYNONYM_INDEX.get(headerKey(parts[parts.length - 1] as string));
  const match: HeaderMatch | undefined = lastTwo ? { field: lastTwo, rank: 2 } : last ? { field: last, rank: 3 } : undefined;
  // `order.id` or `items.id` identifies something else than the customer: ids only match at the top level.
  return match?.field === "source_id" ? undefined : match;
}

/**
 * The canonical field a header names, if any. A dotted name from flattened JSON (`address.city`) falls back
 * to its last two parts, then its last part, so nested exports map too. The words for "name" (NAME_WORDS)
 * are not decided here: they depend on the other columns (mapping.ts).
 */
export function fieldForHeader(header: string): CanonicalField | undefined {
  return matchHeader(header)?.field;
}
