/**
 * Whether a re-import of the same bytes reads them as the earlier import did. Same bytes read with the same
 * format, encoding and delimiter give the same columns, so the earlier batch's recorded mapping names them all
 * (in the order they appeared) and mapping them again with today's --map and roster.yml tells whether any
 * column would now feed another field. Pure: recorded options in, the differences out (none: a duplicate).
 */
import { ColumnMapper, type ExplicitMappings } from "./mapping.js";

export interface RecordedReading {
  format: string;
  encoding: string;
  delimiter: string | undefined;
  /** column → field, as the batch recorded it, in its recorded order (raw.ts's storedMapping). */
  mapping: ReadonlyMap<string, string>;
}

const shown = (value: string | undefined) => (value === undefined ? "none" : JSON.stringify(value));

/** What reading the same bytes now would do differently, one phrase per difference ("encoding latin1 → utf-8"). */
export function readingDifferences(before: RecordedReading, now: Omit<RecordedReading, "mapping">, mappings: ExplicitMappings): string[] {
  const differences: string[] = [];
  if (before.format !== now.format) differences.push(`format ${before.format} → ${now.format}`);
  if (before.encoding !== now.encoding) differences.push(`encoding ${before.encoding} → ${now.encoding}`);
  if (before.delimiter !== now.delimiter) differences.push(`delimiter ${shown(before.delimiter)} → ${shown(now.delimiter)}`);
  // Read differently, the columns themselves may differ: the mapping cannot be compared, nor needs to be.
  if (differences.length > 0) return differences;
  const columns = [...before.mapping.keys()];
  // As import maps them: CSV knows its header up front (explicit mappings claim their fields first), JSON
  // meets its keys one by one.
  const mapper = now.format === "csv" || now.format === "tsv" ? ColumnMapper.forHeaders(columns, mappings) : new ColumnMapper(mappings);
  for (const column of columns) {
    const field = mapper.map(column).field;
    const recorded = before.mapping.get(column);
    if (field !== recorded) differences.push(`column ${JSON.stringify(column)} ${recorded} → ${field}`);
  }
  return differences;
}
