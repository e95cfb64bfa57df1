/** What the text and Markdown renderers share: rounding, bars, sparklines, labels. Pure text. */
import stringWidth from "string-width";
import { number } from "../../io/count.js";

/** 91.666 → "91.7%"; null → "–" (a percentage of nothing). 100% only when it is 100: 99.96 shows as 99.9%. */
export function pct(value: number | null): string {
  if (value === null) return "–";
  if (value >= 100) return "100%";
  return `${value >= 99.95 ? "99.9" : value.toFixed(1)}%`;
}

/** A figure that may be fractional (records per customer, a median age). */
export function decimal(value: number | null, digits = 1): string {
  if (value === null) return "–";
  return Number.isInteger(value) ? number(value) : value.toFixed(digits);
}

const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/** A bar `width` cells long at 100%, in eighths of a cell. */
export function bar(share: number, width = 20): string {
  const eighths = Math.round((Math.max(0, Math.min(100, share)) / 100) * width * 8);
  return `${"█".repeat(Math.floor(eighths / 8))}${EIGHTHS[eighths % 8]}`;
}

const SPARKS = "▁▂▃▄▅▆▇█";

/** A sparkline of a metric over runs, oldest first; a gap (·) where a run has no value. */
export function sparkline(values: readonly (number | undefined)[]): string {
  const known = values.filter((v): v is number => v !== undefined);
  if (known.length === 0) return "";
  const low = Math.min(...known);
  const high = Math.max(...known);
  return values
    .map((v) => (v === undefined ? "·" : SPARKS[high === low ? 3 : Math.round(((v - low) / (high - low)) * (SPARKS.length - 1))]))
    .join("");
}

/** Pads to a display width (Chinese characters take two cells). */
export function padEnd(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - stringWidth(text)));
}

export function padStart(text: string, width: number): string {
  return " ".repeat(Math.max(0, width - stringWidth(text))) + text;
}

export const displayWidth = (text: string): number => stringWidth(text);

export const valueLabel = (value: string | null): string => value ?? "unknown";

/** Headline metrics the trend shows, in this order, when a run has them. */
export const TREND_METRICS = [
  "records",
  "customers",
  "duplicates.rate",
  "review.backlog",
  "completeness.email",
  "completeness.phone",
  "validity.email",
  "validity.phone",
  "freshness.median_age_days",
] as const;

export const BREAKDOWN_TITLES: Record<string, string> = {
  country: "country",
  region: "region",
  city: "city",
  age_band: "age band",
  source: "source (a customer with records from several counts under each)",
  sources: "combination of sources",
  consent: "marketing consent",
  recency: "recency of the last record",
};
