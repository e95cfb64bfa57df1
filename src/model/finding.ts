/**
 * What every stage reports about a record: a finding (a rule broken, a value that could not be normalized),
 * its severity, and where the record came from. Stages produce them, the store keeps them, reports render them.
 */
export type Severity = "error" | "warning" | "info";

/** A problem with one field of one record; the value itself is kept as it was. */
export interface Finding {
  field: string;
  rule: string;
  severity: Severity;
  message: string;
  suggestion?: string;
}

/** Where a record came from, so a message can point at the row: its source, id there, line, and store id. */
export interface RecordOrigin {
  source: string;
  sourceId: string | null;
  line: number;
  /** The store's record id (records read from the store). */
  recordId?: number;
}

/** A finding with the record it is about. */
export type LocatedFinding = RecordOrigin & Finding;
