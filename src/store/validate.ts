/** Writing validate's findings: each run replaces the stage's earlier findings of the records it checked. */
import type { LocatedFinding } from "../model/finding.js";
import type { Db } from "./open.js";

export class ValidationWriter {
  private readonly writeRange;

  constructor(db: Db) {
    const clear = db.prepare("DELETE FROM findings WHERE record_id = ? AND stage = 'validate'");
    const insert = db.prepare(
      "INSERT INTO findings (record_id, stage, field, rule, severity, message, suggestion) VALUES (?, 'validate', ?, ?, ?, ?, ?)",
    );
    // A range whose records have no validate findings yet (a first run) needs no delete per record.
    const anyFindings = db.prepare("SELECT 1 FROM findings WHERE stage = 'validate' AND record_id BETWEEN ? AND ? LIMIT 1");
    this.writeRange = db.transaction((checked: readonly number[], findings: readonly LocatedFinding[]) => {
      const first = checked[0];
      const last = checked.at(-1);
      if (first !== undefined && last !== undefined && anyFindings.get(first, last) !== undefined) for (const id of checked) clear.run(id);
      for (const f of findings) insert.run(f.recordId ?? null, f.field, f.rule, f.severity, f.message, f.suggestion ?? null);
    }).immediate;
  }

  /** Replace the validate findings of the checked records (one transaction). */
  write(checked: readonly number[], findings: readonly LocatedFinding[]): void {
    this.writeRange(checked, findings);
  }
}
