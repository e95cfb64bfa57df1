/**
 * Turning report values into HTML text: escaping, and the one way every number of the HTML report is printed.
 *
 * Everything that comes from the data (source names, profile values, format shapes, file paths, rule names) is
 * untrusted: an export can name a source `<script>…`. Every such string goes through `escapeHtml` before it
 * touches the page, in text and in attributes alike, so one function is enough and there is no second
 * "attribute" variant to forget.
 */

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Text safe inside an element and inside a quoted attribute. C0 control characters (a NUL in a CRM export) are
 * parse errors in HTML and invisible anyway, so they become U+FFFD, which at least shows that something was there.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ENTITIES[char] as string).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "\ufffd");
}

/** What a figure that cannot be printed shows (a NaN or Infinity that slipped through: never print "NaN"). */
export const NOT_AVAILABLE = "n/a";

const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 2 });

/** A count, grouped by thousands: 1234567 → "1,234,567". */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? GROUPED.format(value) : NOT_AVAILABLE;
}

/** A ratio such as records per customer: 1.2345 → "1.23", 2 → "2.0". */
export function formatDecimal(value: number): string {
  return Number.isFinite(value) ? DECIMAL.format(value) : NOT_AVAILABLE;
}

/**
 * A percentage (0 to 100) with one decimal. Rounding never claims perfection or absence that is not there:
 * 99.96 % complete prints "99.9%", not "100.0%" (a field with one empty value is not complete), and a share above
 * zero but under 0.05 prints "<0.1%", not "0.0%".
 */
export function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return NOT_AVAILABLE;
  const rounded = Math.round(value * 10) / 10;
  // A figure near Number.MAX_VALUE overflows when scaled: no percentage to speak of.
  if (!Number.isFinite(rounded)) return NOT_AVAILABLE;
  if (rounded >= 100 && value < 100) return "99.9%";
  if (rounded <= 0 && value > 0) return "<0.1%";
  return `${rounded.toFixed(1)}%`;
}

/** A percentage clamped to the 0-100 a bar can draw (NaN draws as an empty bar; its text says n/a). */
export function barFraction(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(100, Math.max(0, value)) / 100;
}

/** A number of days as people say it: 0.4 → "0 days", 1 → "1 day", 400 → "400 days". */
export function formatDays(value: number): string {
  if (!Number.isFinite(value)) return NOT_AVAILABLE;
  const days = Math.round(value);
  return `${formatCount(days)} ${days === 1 ? "day" : "days"}`;
}

/** A word for a count: (1, "record") → "1 record", (3, "record") → "3 records". */
export function plural(value: number, noun: string, nouns = `${noun}s`): string {
  return `${formatCount(value)} ${value === 1 ? noun : nouns}`;
}

/** Metric values of the trend, printed as their kind: a percentage, a rate, or a count. */
export function formatMetric(name: string, value: number): string {
  if (name === "duplicates.rate" || /^(completeness|validity|uniqueness|consistency)\./.test(name)) return formatPercent(value);
  if (name === "duplicates.records_per_customer") return formatDecimal(value);
  if (name === "freshness.median_age_days") return formatDays(value);
  return formatCount(value);
}
