/**
 * Freshness (records by age in whole days, and how many carry a date of their own), per source and over all,
 * counted in the store report's one pass over current records: the age is SQLite's own expression, evaluated
 * in that pass's query (store/report.ts), so the figures are those of the GROUP BY it replaces, without a
 * second scan of every record (1.7 s of a million).
 */
export interface Freshness {
  /** Age in days (null: no date at all) → records. */
  ages: [days: number, records: number][];
  dated: number;
}

interface Counts {
  ages: Map<number, number>;
  dated: number;
}

export class FreshnessTally {
  private readonly sources = new Map<string, Counts>();

  add(source: string, days: number | null, dated: boolean): void {
    let counts = this.sources.get(source);
    if (!counts) {
      counts = { ages: new Map(), dated: 0 };
      this.sources.set(source, counts);
    }
    // null stays a group of its own, as in SQL's GROUP BY (the type says number: a store's dates always read).
    const key = days as number;
    counts.ages.set(key, (counts.ages.get(key) ?? 0) + 1);
    if (dated) counts.dated++;
  }

  result(): { all: Freshness; bySource: Map<string, Freshness> } {
    const all = new Map<number, number>();
    let dated = 0;
    const bySource = new Map<string, Freshness>();
    for (const [source, counts] of this.sources) {
      bySource.set(source, { ages: [...counts.ages], dated: counts.dated });
      dated += counts.dated;
      for (const [days, n] of counts.ages) all.set(days, (all.get(days) ?? 0) + n);
    }
    return { all: { ages: [...all], dated }, bySource };
  }
}
