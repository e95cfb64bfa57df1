/**
 * The bands the report counts in: ages of records (freshness, recency), ages of people, cluster sizes. Pure
 * functions over histograms (value → how many), so that the store's SQL only has to group by a value and the
 * files' tally only has to count.
 */

export const AGE_BANDS = ["≤ 30 days", "≤ 90 days", "≤ 1 year", "≤ 3 years", "older"] as const;

/** A record `days` old (negative: dated in the future, counted as new). */
export function ageBand(days: number): (typeof AGE_BANDS)[number] {
  if (days <= 30) return "≤ 30 days";
  if (days <= 90) return "≤ 90 days";
  if (days <= 365) return "≤ 1 year";
  if (days <= 3 * 365) return "≤ 3 years";
  return "older";
}

const DAY_MS = 86_400_000;

/**
 * Whole days from `text` (an ISO date or timestamp) to `now`, as SQLite's
 * CAST(julianday(now) - julianday(text) AS INTEGER) counts them; null for a text that is no date.
 */
export function daysBetween(text: string, now: Date): number | null {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return null;
  // A date alone is midnight UTC, as in SQLite (Date.parse agrees for YYYY-MM-DD, not for other shapes).
  const at = Date.parse(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed);
  if (Number.isNaN(at)) return null;
  return Math.trunc((now.getTime() - at) / DAY_MS);
}

/** The median of a histogram (value → count); the mean of the two middle values for an even total; null when empty. */
export function histogramMedian(histogram: Iterable<readonly [number, number]>): number | null {
  const sorted = [...histogram].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const valueAt = (index: number): number => {
    let seen = 0;
    for (const [value, n] of sorted) {
      seen += n;
      if (index < seen) return value;
    }
    return (sorted.at(-1) as [number, number])[0];
  };
  return total % 2 === 1 ? valueAt((total - 1) / 2) : (valueAt(total / 2 - 1) + valueAt(total / 2)) / 2;
}

export const PERSON_AGE_BANDS = ["under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"] as const;

/** A person's age band on `today` from an ISO birth date; null when it is no date or lies in the future. */
export function personAgeBand(birthDate: string, today: Date): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const born = new Date(Date.UTC(year, month - 1, day));
  if (born.getUTCMonth() !== month - 1 || born.getUTCDate() !== day) return null; // 1990-02-30
  const [y, m, d] = [today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate()];
  const age = y - year - (m < month || (m === month && d < day) ? 1 : 0);
  if (age < 0) return null;
  if (age < 18) return "under 18";
  if (age < 25) return "18-24";
  if (age < 35) return "25-34";
  if (age < 45) return "35-44";
  if (age < 55) return "45-54";
  if (age < 65) return "55-64";
  return "65+";
}

export const CLUSTER_SIZE_BANDS = ["1", "2", "3", "4", "5-9", "10+"] as const;

export function clusterSizeBand(size: number): (typeof CLUSTER_SIZE_BANDS)[number] {
  if (size >= 10) return "10+";
  if (size >= 5) return "5-9";
  return String(Math.max(1, size)) as "1" | "2" | "3" | "4";
}

/** A percentage from 0 to 100, unrounded; null for a share of nothing. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? (part / whole) * 100 : null;
}
