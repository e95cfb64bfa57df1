/**
 * The report's figures for files, counted in memory as records stream past (no store): the same shapes the
 * store's SQL fills (figures.ts), so that one assembly serves both. Fed normalized records and their findings by
 * the command (src/commands/report.ts), which reads the files as validate does.
 */
import { CANONICAL_FIELDS, type CanonicalField } from "../../fields/canonical.js";
import type { Finding } from "../../model/finding.js";
import type { RecordValues } from "../../model/record.js";
import { daysBetween } from "./bands.js";
import { DistinctTally } from "./distinct-tally.js";
import type { CountedField, CountedScope, QualityFigures } from "./figures.js";
import { ShapeTally } from "./shape-tally.js";

interface ScopeCounts {
  records: number;
  dated: number;
  ages: Map<number, number>;
  filled: number[];
  invalid: number[];
  /** `field\trule\tseverity` → findings. */
  findings: Map<string, number>;
}

const newScope = (): ScopeCounts => ({
  records: 0,
  dated: 0,
  ages: new Map(),
  filled: CANONICAL_FIELDS.map(() => 0),
  invalid: CANONICAL_FIELDS.map(() => 0),
  findings: new Map(),
});

const FIELD_INDEX = new Map<string, number>(CANONICAL_FIELDS.map((field, i) => [field, i]));

function countedScope(counts: ScopeCounts, distinct: Partial<Record<CanonicalField, number>>): CountedScope {
  const fields: Partial<Record<CanonicalField, CountedField>> = {};
  CANONICAL_FIELDS.forEach((field, i) => {
    if ((counts.filled[i] as number) === 0) return;
    fields[field] = {
      filled: counts.filled[i] as number,
      invalid: counts.invalid[i] as number,
      distinct: distinct[field] ?? 0,
      findings: [],
    };
  });
  for (const [key, count] of counts.findings) {
    const [field, rule, severity] = key.split("\t") as [CanonicalField, string, Finding["severity"]];
    fields[field] ??= { filled: 0, invalid: 0, distinct: 0, findings: [] };
    fields[field].findings.push({ rule, severity, count });
  }
  return { records: counts.records, dated: counts.dated, ages: [...counts.ages], fields };
}

export class FileTally {
  private readonly all = newScope();
  private readonly sources = new Map<string, ScopeCounts>();
  private readonly shapes = new ShapeTally();
  private readonly distinct = new DistinctTally();

  constructor(private readonly now: Date) {}

  /**
   * One record: its raw values (as mapped from the file), normalized values, findings (normalize's and
   * validate's), and the date its age falls back on when it has no updated_at (the file's modification time).
   */
  add(source: string, raw: RecordValues, canonical: RecordValues, findings: readonly Finding[], fallbackDate: Date): void {
    let scope = this.sources.get(source);
    if (!scope) {
      scope = newScope();
      this.sources.set(source, scope);
    }
    const own = canonical.updated_at ? daysBetween(canonical.updated_at, this.now) : null;
    const days = own ?? Math.trunc((this.now.getTime() - fallbackDate.getTime()) / 86_400_000);
    const errorFields = new Set<string>();
    for (const finding of findings) if (finding.severity === "error") errorFields.add(finding.field);
    for (const counts of [this.all, scope]) {
      counts.records++;
      if (own !== null) counts.dated++;
      counts.ages.set(days, (counts.ages.get(days) ?? 0) + 1);
      CANONICAL_FIELDS.forEach((field, i) => {
        const value = canonical[field];
        if (value === null || value === "") return;
        counts.filled[i] = (counts.filled[i] as number) + 1;
        if (errorFields.has(field)) counts.invalid[i] = (counts.invalid[i] as number) + 1;
      });
      for (const finding of findings) {
        if (!FIELD_INDEX.has(finding.field)) continue;
        const key = `${finding.field}\t${finding.rule}\t${finding.severity}`;
        counts.findings.set(key, (counts.findings.get(key) ?? 0) + 1);
      }
    }
    this.shapes.add(source, raw, canonical, errorFields.size > 0 ? errorFields : undefined);
    this.distinct.add(source, canonical);
  }

  figures(): QualityFigures {
    const distinct = this.distinct.result();
    const shaped = this.shapes.result(distinct.canonicalShapes);
    const bySource = new Map(
      [...this.sources].map(([source, counts]) => [
        source,
        { counted: countedScope(counts, distinct.bySource.get(source) ?? {}), shaped: shaped.bySource.get(source) ?? {} },
      ]),
    );
    return { all: { counted: countedScope(this.all, distinct.all), shaped: shaped.all }, bySource };
  }
}
