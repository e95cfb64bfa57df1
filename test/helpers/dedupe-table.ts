/**
 * A dedupe RecordTable from a few plain records, built the way the store builds it: every record goes through
 * the normalize stage first, so the features hold the canonical values and match keys a real run would see
 * (張偉 folded to pinyin, "+49 30 …" to digits, "03/04/1990" to an ISO date), not hand-made feature strings.
 */
import { COLUMNS, customerRecords } from "../../bench/generate-customers.mjs";
import { emptyValues, type RecordValues } from "../../src/model/record.js";
import { type RecordTable, RecordTableBuilder } from "../../src/stages/dedupe/features.js";
import { compileComparison, levelLabel } from "../../src/stages/dedupe/levels.js";
import type { ComparisonSpec, FeatureName } from "../../src/stages/dedupe/spec.js";
import { type NormalizeContext, normalizeRecord } from "../../src/stages/normalize/index.js";

/** A record as a test writes it: only the fields it cares about, the rest empty. */
export type PlainRecord = Partial<RecordValues> & { attributes?: Record<string, string> };

export const CONTEXT: NormalizeContext = { country: "US", dateOrder: "mdy" };

/** The records normalized and added in order: row k of the table is records[k] (record id k + 1). */
export function dedupeTable(
  records: readonly PlainRecord[],
  context: NormalizeContext = CONTEXT,
  attributeColumns: readonly string[] = [],
): RecordTable {
  const builder = new RecordTableBuilder(attributeColumns);
  records.forEach((record, row) => {
    const { attributes, ...fields } = record;
    const normalized = normalizeRecord({ ...emptyValues(), ...fields }, context);
    builder.add(row + 1, { values: normalized.values, keys: normalized.keys, attributes: attributes ?? null });
  });
  return builder.build();
}

/** A feature's value for one row, as the table holds it (null when missing). */
export function featureValue(table: RecordTable, feature: FeatureName, row: number): string | null {
  const column = table.column(feature);
  const id = column.ids[row] as number;
  return id < 0 ? null : (column.values[id] as string);
}

/** The label of the level two records reach in a comparison: rows 0 and 1 of a table made of just them. */
export function pairLevel(spec: ComparisonSpec, a: PlainRecord, b: PlainRecord, context: NormalizeContext = CONTEXT): string {
  const table = dedupeTable([a, b], context);
  return levelLabel(spec, compileComparison(spec, table).level(0, 1));
}

/** The benchmark generator's columns (bench/generate-customers.mjs COLUMNS) as canonical fields. */
const GENERATED_FIELDS: Record<string, keyof RecordValues> = {
  customer_id: "source_id",
  first_name: "given_name",
  last_name: "family_name",
  email: "email",
  phone: "phone",
  date_of_birth: "birth_date",
  street: "address_line1",
  city: "city",
  state: "region",
  postcode: "postal_code",
  country: "country",
  company: "company",
  created_at: "created_at",
};

/**
 * Generated customers (one source, so month-first dates as that source writes them) as plain records, with the
 * person each record belongs to: the ground truth of an end-to-end dedupe test.
 */
export function generatedCustomers(rows: number, seed: number): { records: PlainRecord[]; people: string[] } {
  const records: PlainRecord[] = [];
  const people: string[] = [];
  for (const generated of customerRecords({ rows, seed })) {
    const record: PlainRecord = {};
    COLUMNS.forEach((column, k) => {
      const field = GENERATED_FIELDS[column];
      const value = generated.fields[k];
      if (field && value !== undefined && value !== "") record[field] = value;
    });
    records.push(record);
    people.push(generated.personId);
  }
  return { records, people };
}

/** The generator's records as the file filter reads them: no default country, month-first dates. */
export const GENERATED_CONTEXT: NormalizeContext = { country: undefined, dateOrder: "mdy" };
