/**
 * Putting record tables together row-wise (features.ts's tables), as if their rows had been read together.
 */
import { StringTable } from "../string-table.js";
import { assembleTable, FEATURE_PARTS, type FeatureColumn, type FeaturePart, type RecordTable } from "./features.js";
import type { FeatureName } from "./spec.js";

/**
 * Rows of several tables (read with the same attribute columns) as one table in ascending record id order, as if
 * they had been read together: each base column's values interned in the order of the rows, the derived features
 * made again from them. An incremental run reads its new records once, to find what they share keys with, and
 * then only the stored records those keys bring, instead of reading the new ones a second time.
 */
export function concatTables(
  sources: readonly { table: RecordTable; rows: ArrayLike<number> }[],
  attributeColumns: readonly string[],
): RecordTable {
  const picks: { id: number; source: number; row: number }[] = [];
  sources.forEach(({ table, rows }, source) => {
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k] as number;
      picks.push({ id: table.recordIds[row] as number, source, row });
    }
  });
  picks.sort((x, y) => x.id - y.id);
  const size = picks.length;
  const recordIds = Float64Array.from(picks, (pick) => pick.id);
  const parts: FeaturePart[] = FEATURE_PARTS.map((base, p) => {
    const attributes = p === FEATURE_PARTS.length - 1 ? attributeColumns.map((column) => `attr:${column}` as FeatureName) : [];
    const features = [...base, ...attributes].filter((feature) => sources.every(({ table }) => table.has(feature)));
    const columns = features.map((feature) => {
      const from = sources.map(({ table }) => table.column(feature));
      // Per source: its value id -> the new one (-2: not met yet), so each distinct value is interned once.
      const remap = from.map((column) => new Int32Array(column.values.length).fill(-2));
      const strings = new StringTable();
      const ids = new Int32Array(size);
      const counts = new Uint32Array(from.reduce((sum, column) => sum + column.values.length, 0));
      let filled = 0;
      for (let k = 0; k < size; k++) {
        const { source, row } = picks[k] as (typeof picks)[number];
        const column = from[source] as FeatureColumn;
        const id = column.ids[row] as number;
        if (id < 0) {
          ids[k] = -1;
          continue;
        }
        const map = remap[source] as Int32Array;
        let mapped = map[id] as number;
        if (mapped === -2) {
          mapped = strings.intern(column.values[id] as string);
          map[id] = mapped;
        }
        ids[k] = mapped;
        counts[mapped] = (counts[mapped] as number) + 1;
        filled++;
      }
      const values = strings.strings();
      return { ids, values, counts: counts.slice(0, values.length), hashes: strings.valueHashes(), filled };
    });
    return { features, columns, hashes: new Uint32Array(size) };
  });
  return assembleTable(recordIds, parts);
}
