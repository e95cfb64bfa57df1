/** Per-field counts for normalize's summary and --dry-run: changed, unchanged, empty, invalid, with samples. */
import { CANONICAL_FIELDS } from "../../fields/canonical.js";
import type { Finding } from "../../model/finding.js";
import type { RecordValues } from "../../model/record.js";
import type { NormalizedRecord } from "./index.js";

export interface FieldSummary {
  changed: number;
  unchanged: number;
  empty: number;
  invalid: number;
  /** A few before → after examples of changed values. */
  samples: { before: string | null; after: string | null }[];
}

/** Findings shown on the terminal (the store's findings table has all of them). */
export const SHOWN_FINDINGS = 20;

export interface ShownFinding {
  /** source:line (store) or file:line (files). */
  where: string;
  finding: Finding;
}

export const SUMMARY_FIELDS = CANONICAL_FIELDS.filter((field) => field !== "source_id");

export class NormalizeSummary {
  readonly fields: Record<string, FieldSummary> = Object.fromEntries(
    SUMMARY_FIELDS.map((field) => [field, { changed: 0, unchanged: 0, empty: 0, invalid: 0, samples: [] }]),
  );
  records = 0;
  findings = 0;

  constructor(private readonly sampleSize = 3) {}

  /** Fold in another summary's counts (a worker's). */
  merge(other: Pick<NormalizeSummary, "fields" | "records" | "findings">): void {
    this.records += other.records;
    this.findings += other.findings;
    for (const [field, theirs] of Object.entries(other.fields)) {
      const ours = this.fields[field] as FieldSummary;
      ours.changed += theirs.changed;
      ours.unchanged += theirs.unchanged;
      ours.empty += theirs.empty;
      ours.invalid += theirs.invalid;
      for (const sample of theirs.samples) if (ours.samples.length < this.sampleSize) ours.samples.push(sample);
    }
  }

  add(before: RecordValues, after: NormalizedRecord): void {
    this.records++;
    this.findings += after.findings.length;
    const { findings } = after;
    for (const field of SUMMARY_FIELDS) {
      const stats = this.fields[field] as FieldSummary;
      const old = before[field];
      const now = after.values[field];
      // Most records have no findings: no set of invalid fields is built for them (a million records a run).
      if (findings.length > 0 && findings.some((f) => f.field === field)) stats.invalid++;
      else if (old === null && now === null) stats.empty++;
      else if (old === now) stats.unchanged++;
      else {
        stats.changed++;
        if (stats.samples.length < this.sampleSize) stats.samples.push({ before: old, after: now });
      }
    }
  }
}
