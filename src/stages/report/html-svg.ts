/**
 * The HTML report's charts, as inline SVG strings: a meter (one percentage), a horizontal bar chart and a
 * sparkline. No script and no external resource, so they draw from disk, in print and under a CSP that forbids
 * everything but inline styles.
 *
 * Accessibility: every chart is `role="img"` with a <title> (its accessible name, which also shows as a tooltip),
 * and every bar carries its value as text beside it, so nothing is told by colour or length alone. Colours come
 * from CSS classes (html-style.ts), so dark mode and print restyle the charts without a second drawing.
 *
 * Inline SVG in HTML needs no xmlns, so the page holds no URL at all (the tests check for none).
 * Every label is escaped here; callers pass plain text.
 */
import { barFraction, escapeHtml } from "./html-format.js";

/** Coordinates printed with at most two decimals: shorter files, and never an exponent like 1e-7. */
function coordinate(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function svgOpen(width: number, height: number, title: string, className: string): string {
  return (
    `<svg class="${className}" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>`
  );
}

const METER_WIDTH = 64;
const METER_HEIGHT = 10;

/** A small bar for one percentage (0 to 100), drawn next to its printed value in a table cell. */
export function meterSvg(percent: number, title: string): string {
  const filled = barFraction(percent) * METER_WIDTH;
  return (
    svgOpen(METER_WIDTH, METER_HEIGHT, title, "meter") +
    `<rect class="track" x="0" y="0" width="${METER_WIDTH}" height="${METER_HEIGHT}" rx="2"/>` +
    `<rect class="fill" x="0" y="0" width="${coordinate(filled)}" height="${METER_HEIGHT}" rx="2"/></svg>`
  );
}

export interface Bar {
  label: string;
  value: number;
  /** What is printed after the bar: the value and anything that explains it ("1,204 · 12.0%"). */
  text: string;
}

const CHART_WIDTH = 500;
const LABEL_WIDTH = 150;
const TEXT_WIDTH = 140;
const ROW_HEIGHT = 22;
const BAR_HEIGHT = 14;
/** Labels longer than this are cut with "…" (a city or a `--by` combination can be long); the full label stays in the row's <title>. */
const LABEL_CHARS = 20;

function shortLabel(label: string): string {
  const chars = Array.from(label);
  return chars.length <= LABEL_CHARS ? label : `${chars.slice(0, LABEL_CHARS - 1).join("")}…`;
}

/**
 * Horizontal bars, one row per entry, longest bar = the largest value (bars compare entries with each other, their
 * text gives the absolute figure). All-zero values draw empty tracks, never a division by zero.
 */
export function barChartSvg(title: string, bars: readonly Bar[]): string {
  const height = Math.max(1, bars.length) * ROW_HEIGHT;
  const barSpace = CHART_WIDTH - LABEL_WIDTH - TEXT_WIDTH;
  const largest = bars.reduce((max, bar) => (Number.isFinite(bar.value) && bar.value > max ? bar.value : max), 0);
  let body = "";
  bars.forEach((bar, index) => {
    const y = index * ROW_HEIGHT;
    const length = largest > 0 && Number.isFinite(bar.value) ? (Math.max(0, bar.value) / largest) * barSpace : 0;
    const middle = coordinate(y + ROW_HEIGHT / 2);
    body +=
      `<g class="bar-row"><title>${escapeHtml(`${bar.label}: ${bar.text}`)}</title>` +
      `<text class="label" x="${LABEL_WIDTH - 8}" y="${middle}" text-anchor="end" dominant-baseline="middle">${escapeHtml(shortLabel(bar.label))}</text>` +
      `<rect class="track" x="${LABEL_WIDTH}" y="${coordinate(y + (ROW_HEIGHT - BAR_HEIGHT) / 2)}" width="${barSpace}" height="${BAR_HEIGHT}" rx="2"/>` +
      `<rect class="fill" x="${LABEL_WIDTH}" y="${coordinate(y + (ROW_HEIGHT - BAR_HEIGHT) / 2)}" width="${coordinate(length)}" height="${BAR_HEIGHT}" rx="2"/>` +
      `<text class="value" x="${LABEL_WIDTH + barSpace + 8}" y="${middle}" dominant-baseline="middle">${escapeHtml(bar.text)}</text></g>`;
  });
  return `${svgOpen(CHART_WIDTH, height, title, "bars")}${body}</svg>`;
}

const SPARK_WIDTH = 180;
const SPARK_HEIGHT = 40;
const SPARK_PAD = 4;

/**
 * A line through the values, oldest left, with a dot on each (and a larger one on the newest). A flat series
 * draws a flat line in the middle; a single value draws one dot.
 */
export function sparklineSvg(title: string, values: readonly number[]): string {
  const finite = values.filter((value) => Number.isFinite(value));
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const span = high - low;
  const step = values.length > 1 ? (SPARK_WIDTH - 2 * SPARK_PAD) / (values.length - 1) : 0;
  const points: string[] = [];
  values.forEach((value, index) => {
    if (!Number.isFinite(value)) return;
    const x = values.length > 1 ? SPARK_PAD + index * step : SPARK_WIDTH / 2;
    const level = span > 0 ? (value - low) / span : 0.5;
    const y = SPARK_HEIGHT - SPARK_PAD - level * (SPARK_HEIGHT - 2 * SPARK_PAD);
    points.push(`${coordinate(x)},${coordinate(y)}`);
  });
  const dots = points
    .map((point, index) => {
      const [x, y] = point.split(",");
      const newest = index === points.length - 1;
      return `<circle class="${newest ? "dot newest" : "dot"}" cx="${x}" cy="${y}" r="${newest ? 3.5 : 2}"/>`;
    })
    .join("");
  const line = points.length > 1 ? `<polyline class="line" fill="none" points="${points.join(" ")}"/>` : "";
  return `${svgOpen(SPARK_WIDTH, SPARK_HEIGHT, title, "spark")}${line}${dots}</svg>`;
}
