/** Many-row INSERTs, shared by the writers that put a million rows in one transaction. */
import type { Db } from "./open.js";

/** Rows per INSERT: one statement of many rows costs a fraction of as many one-row statements from JavaScript. */
const ROWS_PER_INSERT = 100;

function manyRowInsert(db: Db, insert: string, columns: readonly string[], rows: number) {
  return db.prepare(
    `${insert} (${columns.join(", ")}) VALUES ${Array(rows)
      .fill(`(${columns.map(() => "?").join(", ")})`)
      .join(", ")}`,
  );
}

/**
 * Inserts `count` rows, ROWS_PER_INSERT to a statement: `values(from, to)` gives rows from..to-1's values end to
 * end, in column order.
 */
function insertInBlocks(
  db: Db,
  insert: string,
  columns: readonly string[],
  count: number,
  values: (from: number, to: number) => unknown[],
): void {
  const full = count >= ROWS_PER_INSERT ? manyRowInsert(db, insert, columns, ROWS_PER_INSERT) : undefined;
  let k = 0;
  for (; full && k + ROWS_PER_INSERT <= count; k += ROWS_PER_INSERT) full.run(values(k, k + ROWS_PER_INSERT));
  if (k < count) manyRowInsert(db, insert, columns, count - k).run(values(k, count));
}

/** Inserts `count` rows (`row(k)` gives row k's values in column order). */
export function insertRows(db: Db, insert: string, columns: readonly string[], count: number, row: (k: number) => unknown[]): void {
  const block: unknown[] = [];
  insertInBlocks(db, insert, columns, count, (from, to) => {
    block.length = 0;
    for (let r = from; r < to; r++) for (const value of row(r)) block.push(value);
    return block;
  });
}

/** The same for rows already laid end to end: `rows` holds columns.length values per row. */
export function insertFlatRows(db: Db, insert: string, columns: readonly string[], rows: readonly unknown[]): void {
  const width = columns.length;
  if (rows.length % width !== 0) throw new RangeError(`insertFlatRows: ${rows.length} values are not rows of ${width}`);
  insertInBlocks(db, insert, columns, rows.length / width, (from, to) => rows.slice(from * width, to * width));
}
