/**
 * Column → canonical field mapping for one input. Pure: headers in, mapping and warnings out.
 * Explicit mappings (--map, roster.yml) win over synonyms; when two columns claim one field the first keeps it
 * and the other goes to `attributes`, with a warning, so nothing is silently overwritten.
 */
import { type CanonicalField, fieldForHeader, isCanonicalField } from "./canonical.js";

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

/** Incremental mapper: CSV knows every column up front, JSON discovers keys row by row. */
export class ColumnMapper {
  private readonly byColumn = new Map<string, ColumnMapping>();
  private readonly claimed = new Map<CanonicalField, string>();
  readonly warnings: string[] = [];
  private readonly explicit: Map<string, string>;

  constructor(explicit: ExplicitMappings = {}) {
    // Explicit keys match a header exactly first, then case-insensitively.
    this.explicit = new Map(Object.entries(explicit));
    for (const [column, field] of Object.entries(explicit)) {
      if (!this.explicit.has(column.toLowerCase())) this.explicit.set(column.toLowerCase(), field);
    }
  }

  /**
   * For inputs whose columns are known up front (CSV): explicitly mapped columns claim their fields first,
   * so a synonym earlier in the header cannot take a field the user assigned to another column.
   */
  static forHeaders(headers: readonly string[], explicit: ExplicitMappings = {}): ColumnMapper {
    const mapper = new ColumnMapper(explicit);
    for (const header of headers) if (mapper.explicitFor(header) !== undefined) mapper.map(header);
    for (const header of headers) mapper.map(header);
    return mapper;
  }

  private explicitFor(column: string): string | undefined {
    return this.explicit.get(column) ?? this.explicit.get(column.toLowerCase());
  }

  map(column: string): ColumnMapping {
    const known = this.byColumn.get(column);
    if (known) return known;
    const mapping = this.decide(column);
    this.byColumn.set(column, mapping);
    return mapping;
  }

  all(): ColumnMapping[] {
    return [...this.byColumn.values()];
  }

  private decide(column: string): ColumnMapping {
    const explicitField = this.explicitFor(column);
    if (explicitField !== undefined) {
      if (isCanonicalField(explicitField)) {
        const owner = this.claimed.get(explicitField);
        if (owner !== undefined && owner !== column) {
          this.warnings.push(`column "${column}" is mapped to ${explicitField}, which "${owner}" already fills; kept in attributes`);
          return { column, field: "attributes", by: "map" };
        }
        this.claimed.set(explicitField, column);
        return { column, field: explicitField, by: "map" };
      }
      return { column, field: "attributes", by: "map" };
    }
    const field = fieldForHeader(column);
    if (!field) return { column, field: "attributes", by: "none" };
    const owner = this.claimed.get(field);
    if (owner !== undefined && owner !== column) {
      this.warnings.push(`column "${column}" also looks like ${field} (already "${owner}"); kept in attributes`);
      return { column, field: "attributes", by: "none" };
    }
    this.claimed.set(field, column);
    return { column, field, by: "synonym" };
  }
}
