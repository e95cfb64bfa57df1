/**
 * Column → canonical field mapping for one input. Pure: headers in, mapping and warnings out.
 *
 * Several columns may feed one field (`email` in some JSON records, `contact.email` in others; "Phone" and
 * "Mobile"): they are its candidates, in an order of precedence, and each record takes the first candidate
 * that holds a non-empty value (record.ts). The order, one rule for CSV and JSON:
 *   1. columns mapped explicitly (--map, roster.yml's `mappings:`),
 *   2. a whole header that is a synonym (`email`),
 *   3. the last two parts of a dotted name (`name.first`), then its last part (`contact.email`),
 *   4. within each of those, column order (CSV: the header; JSON: the order keys are first met in the file).
 */
import { type CanonicalField, isCanonicalField, isNameWord, matchHeader } from "./canonical.js";

/** `COLUMN=FIELD` pairs; FIELD may be `attributes` (or `-`) to keep a column out of every canonical field. */
export type ExplicitMappings = Record<string, string>;

export interface ColumnMapping {
  /** Header as it appears after cleaning and de-duplication. */
  column: string;
  field: CanonicalField | "attributes";
  /** Where the decision came from, for --dry-run and the batch record. */
  by: "map" | "synonym" | "none";
}

/** Trim, drop a BOM, and rename repeats `email`, `email_2`, `email_3` (csv parsers silently keep only the last). */
export function cleanHeaders(headers: readonly string[]): { headers: string[]; warnings: string[] } {
  const seen = new Set<string>();
  const warnings: string[] = [];
  const cleaned = headers.map((raw, index) => {
    let header = raw.replace(/^\uFEFF/, "").trim();
    if (header === "") header = `column_${index + 1}`;
    if (seen.has(header)) {
      let n = 2;
      while (seen.has(`${header}_${n}`)) n++;
      warnings.push(`duplicate column "${header}" (column ${index + 1}) kept as "${header}_${n}"`);
      header = `${header}_${n}`;
    }
    seen.add(header);
    return header;
  });
  return { headers: cleaned, warnings };
}

/** Checks an explicit mapping's targets, so a typo in --map fails before any row is read. */
export function invalidMappingTargets(mappings: ExplicitMappings): string[] {
  return Object.entries(mappings)
    .filter(([, field]) => !isCanonicalField(field) && field !== "attributes" && field !== "-")
    .map(([column, field]) => `${column}=${field}`);
}

interface Decided extends ColumnMapping {
  /** Precedence class: 0 explicit, 1–3 the synonym match's rank (canonical.ts), 4 unmapped. */
  rank: number;
  /** Order in which the column was first met. */
  seen: number;
}

const byPrecedence = (a: Decided, b: Decided) => a.rank - b.rank || a.seen - b.seen;

/** Incremental mapper: CSV knows every column up front, JSON discovers keys row by row. */
export class ColumnMapper {
  private readonly byColumn = new Map<string, Decided>();
  private readonly explicit: Map<string, string>;

  constructor(explicit: ExplicitMappings = {}) {
    // Explicit keys match a header exactly first, then case-insensitively.
    this.explicit = new Map(Object.entries(explicit));
    for (const [column, field] of Object.entries(explicit)) {
      if (!this.explicit.has(column.toLowerCase())) this.explicit.set(column.toLowerCase(), field);
    }
  }

  /** For inputs whose columns are known up front (CSV): every column is decided with the whole header as context. */
  static forHeaders(headers: readonly string[], explicit: ExplicitMappings = {}): ColumnMapper {
    const mapper = new ColumnMapper(explicit);
    for (const header of headers) mapper.map(header, headers);
    return mapper;
  }

  private explicitFor(column: string): string | undefined {
    return this.explicit.get(column) ?? this.explicit.get(column.toLowerCase());
  }

  /**
   * The mapping of a column, decided the first time it is met. `context` is the record's (or header's) other
   * columns, which decide what a bare "Name"/"Nom"/"Nome"/"Nombre" means.
   */
  map(column: string, context: readonly string[] = []): ColumnMapping {
    const known = this.byColumn.get(column);
    if (known) return known;
    const decided = { ...this.decide(column, context), seen: this.byColumn.size };
    this.byColumn.set(column, decided);
    return decided;
  }

  all(): ColumnMapping[] {
    return [...this.byColumn.values()].map(({ column, field, by }) => ({ column, field, by }));
  }

  /** Every column in order of precedence: what the batch stores, so later stages pick the same value (raw.ts). */
  inPrecedence(): ColumnMapping[] {
    return [...this.byColumn.values()].sort(byPrecedence).map(({ column, field, by }) => ({ column, field, by }));
  }

  /**
   * Sorts columns already mapped by precedence. A column met later never moves ahead of an earlier one of its
   * class, so a plan built from an early record orders its columns as the final batch mapping does.
   */
  sortByPrecedence(columns: string[]): string[] {
    const decided = (column: string) => this.byColumn.get(column) as Decided;
    return columns.sort((a, b) => byPrecedence(decided(a), decided(b)));
  }

  /** Columns no synonym or mapping matched (kept in attributes): the import summary lists them. */
  unmapped(): string[] {
    return [...this.byColumn.values()].filter((m) => m.by === "none").map((m) => m.column);
  }

  /** One note per field that several columns feed, naming their order (once per input, not per record). */
  get warnings(): string[] {
    const candidates = new Map<CanonicalField, Decided[]>();
    for (const decided of this.byColumn.values()) {
      if (decided.field === "attributes") continue;
      const list = candidates.get(decided.field) ?? [];
      list.push(decided);
      candidates.set(decided.field, list);
    }
    const shared = [...candidates].filter(([, list]) => list.length > 1);
    return shared.map(([field, list]) => {
      const names = list.sort(byPrecedence).map((m) => `"${m.column}"`);
      return `${field} comes from ${names.join(", else ")} (each record's first non-empty one; a different value of the others stays in attributes)`;
    });
  }

  private decide(column: string, context: readonly string[]): Omit<Decided, "seen"> {
    const explicitField = this.explicitFor(column);
    if (explicitField !== undefined) {
      return { column, field: isCanonicalField(explicitField) ? explicitField : "attributes", by: "map", rank: 0 };
    }
    if (isNameWord(column)) {
      const field = this.nameWordField(column, context);
      return field ? { column, field, by: "synonym", rank: 1 } : { column, field: "attributes", by: "none", rank: 4 };
    }
    const match = matchHeader(column);
    if (!match) return { column, field: "attributes", by: "none", rank: 4 };
    return { column, field: match.field, by: "synonym", rank: match.rank };
  }

  /**
   * A bare word for "name" (synonyms.ts, NAME_WORDS) is the half the other columns lack: German
   * "Vorname, Name" and French "Prénom, Nom" → family name; Italian "Nome, Cognome", Spanish "Nombre,
   * Apellidos" and Portuguese "Nome, Sobrenome" → given name. Next to another full-name column it names
   * something else (Shopify orders' "Name" is the order number): unmapped. Otherwise the full name.
   */
  private nameWordField(column: string, context: readonly string[]): CanonicalField | undefined {
    const fields = new Set<string>();
    for (const other of context) {
      if (other === column) continue;
      const explicitField = this.explicitFor(other);
      const field = explicitField ?? (isNameWord(other) ? undefined : matchHeader(other)?.field);
      if (field) fields.add(field);
    }
    if (fields.has("full_name")) return undefined;
    const given = fields.has("given_name");
    const family = fields.has("family_name");
    if (given && !family) return "family_name";
    if (family && !given) return "given_name";
    return "full_name";
  }
}

/**
 * The batch's mapping as stored (`batches.mapping`): a JSON object column → field, written in order of
 * precedence. Written by hand because JSON.stringify would move columns named like numbers ("1") first.
 */
export function mappingJson(mappings: readonly ColumnMapping[]): string {
  return `{${mappings.map((m) => `${JSON.stringify(m.column)}:${JSON.stringify(m.field)}`).join(",")}}`;
}
