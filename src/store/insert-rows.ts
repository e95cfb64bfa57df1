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

/** Inserts `count` rows (`row(k)` gives row k's values in column order), ROWS_PER_INSERT to a statement. */
export function insertRows(db: Db, insert: string, columns: readonly string[], count: number, row: (k: number) => unknown[]): void {
  const statement = (rows: number) => manyRowInsert(db, insert, columns, rows);
  const full = count >= ROWS_PER_INSERT ? statement(ROWS_PER_INSERT) : undefined;
  const values: unknown[] = [];
  let k = 0;
  for (; full && k + ROWS_PER_INSERT <= count; k += ROWS_PER_INSERT) {
    values.length = 0;
    for (let r = k; r < k + ROWS_PER_INSERT; r++) for (const value of row(r)) values.push(value);
    full.run(values);
  }
  if (k < count) {
    values.length = 0;
    for (let r = k; r < count; r++) for (const value of row(r)) values.push(value);
    statement(count - k).run(values);
  }
}

/** The same for rows already laid end to end: `rows` holds columns.length values per row. */
export function insertFlatRows(db: Db, insert: string, columns: readonly string[], rows: readonly unknown[]): void {
  const width = columns.length;
  if (rows.length % width !== 0) throw new RangeError(`insertFlatRows: ${rows.length} values are not rows of ${width}`);
  const count = rows.length / width;
  const full = count >= ROWS_PER_INSERT ? manyRowInsert(db, insert, columns, ROWS_PER_INSERT) : undefined;
  let k = 0;
  for (; full && k + ROWS_PER_INSERT <= count; k += ROWS_PER_INSERT) full.run(rows.slice(k * width, (k + ROWS_PER_INSERT) * width));
  if (k < count) manyRowInsert(db, insert, columns, count - k).run(rows.slice(k * width));
}
