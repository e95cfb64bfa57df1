/**
 * Dates → ISO 8601. Accepted: YYYY-MM-DD, YYYYMMDD, YYYY/M/D, YYYY.M.D, 1990年5月3日, D/M/YYYY and M/D/YYYY
 * (also with - or .), "12 Apr 1985" / "April 12, 1985", Excel serial numbers, and ISO timestamps.
 * Whether 03/04/1990 is 3 April or 4 March is decided per source (inferDateOrder) or set in roster.yml; a date
 * that stays ambiguous is reported, never guessed. Impossible dates (Feb 30) are reported too.
 */

import type { Finding } from "../../model/finding.js";
import { quote } from "./text.js";
import type { DateOrder } from "./types.js";

export interface DateResult {
  value: string;
  finding?: Finding;
}

const MONTHS = new Map<string, number>([["sept", 9]]);
["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"].forEach(
  (name, i) => {
    MONTHS.set(name, i + 1);
    MONTHS.set(name.slice(0, 3), i + 1);
  },
);

const YMD = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const DAY_MONTH_YEAR = /^(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4})$/;
const NAMED_DMY = /^(\d{1,2})(?:st|nd|rd|th)?[\s\-.]+([a-z]+)\.?,?[\s\-.]+(\d{4})$/i;
const NAMED_MDY = /^([a-z]+)\.?[\s\-.]+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/i;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const EXCEL_SERIAL = /^\d{4,5}(?:\.\d+)?$/;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Gregorian calendar arithmetic: a Date object per check cost more than the rest of a date's parsing. */
function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number));
}

function finding(field: string, rule: string, message: string, suggestion?: string): Finding {
  return { field, rule, severity: "warning", message, ...(suggestion ? { suggestion } : {}) };
}

function ymd(field: string, text: string, year: number, month: number, day: number): DateResult {
  if (!isRealDate(year, month, day)) {
    return {
      value: text,
      finding: finding(field, "date.impossible", `${quote(text)} is not a real date (${year}-${pad(month)}-${pad(day)})`),
    };
  }
  return { value: `${pad(year, 4)}-${pad(month)}-${pad(day)}` };
}

/** Already ISO: the commonest form, checked before the general patterns. */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

let lastIsoDate = { value: "", real: false };

/**
 * An ISO date (YYYY-MM-DD) that exists, from year 1 on (not 1990-02-30, not 0000-00-00). The last answer is
 * kept: validate's birth date rules ask about the same value one after another.
 */
export function isRealIsoDate(value: string): boolean {
  if (value === lastIsoDate.value) return lastIsoDate.real;
  const m = ISO_DATE.exec(value);
  const real = m !== null && Number(m[1]) >= 1 && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
  lastIsoDate = { value, real };
  return real;
}

/**
 * Normalize one date. `withTime` keeps the time of timestamps (created_at, updated_at); birth dates keep
 * only the day.
 */
export function normalizeDate(field: string, text: string, order: DateOrder | undefined, withTime = false): DateResult {
  const iso = ISO_DATE.exec(text);
  if (iso) return ymd(field, text, Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const m = TIMESTAMP.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s = "00", fraction = "", zone] = m;
    const date = ymd(field, text, Number(y), Number(mo), Number(d));
    if (date.finding || !withTime) return date;
    if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59)
      return { value: text, finding: finding(field, "date.impossible", `${quote(text)} has an impossible time`) };
    const local = `${date.value}T${h}:${mi}:${s}${fraction}`;
    if (!zone) return { value: local };
    // Already UTC to the second (the commonest export form): nothing to convert.
    if ((zone === "Z" || zone === "z") && fraction === "") return { value: `${local}Z` };
    // With a zone: one instant, written in UTC. Offsets run from -12:00 to +14:00; "+08" means +08:00.
    const offset = zone.toUpperCase() === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.length > 3 ? zone.slice(-2) : "00"}`;
    const [hours, minutes] = offset === "Z" ? [0, 0] : [Math.abs(Number(offset.slice(0, 3))), Number(offset.slice(4))];
    const utc = new Date(`${local}${offset}`);
    if (hours > 14 || minutes > 59 || Number.isNaN(utc.getTime())) {
      return { value: text, finding: finding(field, "date.impossible", `${quote(text)} has an impossible time zone`) };
    }
    return { value: utc.toISOString().replace(".000Z", "Z") };
  }
  const timed = WITH_TIME.exec(text);
  if (timed) return withClock(field, text, timed, order, withTime);
  const ymdMatch = YMD.exec(text) ?? COMPACT.exec(text);
  if (ymdMatch) return ymd(field, text, Number(ymdMatch[1]), Number(ymdMatch[2]), Number(ymdMatch[3]));
  const slash = DAY_MONTH_YEAR.exec(text);
  if (slash) return slashDate(field, text, Number(slash[1]), Number(slash[3]), Number(slash[4]), order);
  const named = NAMED_DMY.exec(text);
  const namedMonth = named && MONTHS.get((named[2] as string).toLowerCase());
  if (named && namedMonth) return ymd(field, text, Number(named[3]), namedMonth, Number(named[1]));
  const usNamed = NAMED_MDY.exec(text);
  const usMonth = usNamed && MONTHS.get((usNamed[1] as string).toLowerCase());
  if (usNamed && usMonth) return ymd(field, text, Number(usNamed[3]), usMonth, Number(usNamed[2]));
  if (EXCEL_SERIAL.test(text)) return fromExcelSerial(field, text);
  return { value: text, finding: finding(field, "date.unparseable", `${quote(text)} is not a date roster can read`) };
}

/** A date in any layout above followed by a clock time (1/1/2023 10:00, 2023/01/01 10:00:00 PM). */
const WITH_TIME = /^(.+?)[\sT]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap])?\.?m?\.?$/i;

function withClock(field: string, text: string, m: RegExpExecArray, order: DateOrder | undefined, withTime: boolean): DateResult {
  const date = normalizeDate(field, m[1] as string, order, false);
  if (date.finding)
    return { value: text, finding: { ...date.finding, message: date.finding.message.replace(quote(m[1] as string), quote(text)) } };
  let hour = Number(m[2]);
  const meridiem = m[5]?.toLowerCase();
  if (meridiem && (hour < 1 || hour > 12))
    return { value: text, finding: finding(field, "date.impossible", `${quote(text)} has an impossible time`) };
  if (meridiem === "p" && hour < 12) hour += 12;
  if (meridiem === "a" && hour === 12) hour = 0;
  if (hour > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59)
    return { value: text, finding: finding(field, "date.impossible", `${quote(text)} has an impossible time`) };
  return { value: withTime ? `${date.value}T${pad(hour)}:${m[3]}:${m[4] ?? "00"}` : date.value };
}

/** D/M/YYYY or M/D/YYYY: a part over 12 decides; otherwise the source's order does, or it stays ambiguous. */
function slashDate(field: string, text: string, first: number, second: number, year: number, order: DateOrder | undefined): DateResult {
  if ((first > 12 && second > 12) || first === 0 || second === 0) {
    return { value: text, finding: finding(field, "date.impossible", `${quote(text)} is not a real date`) };
  }
  if (first > 12) return ymd(field, text, year, second, first);
  if (second > 12 || first === second) return ymd(field, text, year, first, second);
  if (!order) {
    return {
      value: text,
      finding: finding(
        field,
        "date.ambiguous",
        `${quote(text)} could be ${year}-${pad(second)}-${pad(first)} or ${year}-${pad(first)}-${pad(second)}`,
        "set date_order: dmy or mdy for this source in roster.yml",
      ),
    };
  }
  return order === "dmy" ? ymd(field, text, year, second, first) : ymd(field, text, year, first, second);
}

/** Excel stores dates as days since 1899-12-30 (its 1900 leap-year bug folded in); 20000-80000 is 1954-2119. */
function fromExcelSerial(field: string, text: string): DateResult {
  const serial = Math.floor(Number(text));
  if (serial < 20000 || serial > 80000) {
    return { value: text, finding: finding(field, "date.unparseable", `${quote(text)} is not a date roster can read`) };
  }
  const date = new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000);
  return { value: date.toISOString().slice(0, 10) };
}

export interface DateOrderEvidence {
  dayFirst: number;
  monthFirst: number;
}

/** Count a slash date whose first part (or second) is over 12: such dates tell the source's order. */
export function noteDateOrder(value: string | null, evidence: DateOrderEvidence): void {
  if (value === null || value.indexOf("/") + value.indexOf("-") + value.indexOf(".") === -3) return;
  const m = DAY_MONTH_YEAR.exec(value.trim().replace(/[\sT]+\d{1,2}:\d{2}.*$/, "")); // a clock time after it says nothing
  if (!m) return;
  const first = Number(m[1]);
  const second = Number(m[3]);
  if (first > 12 && second <= 12) evidence.dayFirst++;
  else if (second > 12 && first <= 12) evidence.monthFirst++;
}

export function collectDateOrder(
  values: Iterable<string | null>,
  evidence: DateOrderEvidence = { dayFirst: 0, monthFirst: 0 },
): DateOrderEvidence {
  for (const value of values) noteDateOrder(value, evidence);
  return evidence;
}

/** The order a source's evidence supports; undefined when there is none, or when it contradicts itself. */
export function decideDateOrder(evidence: DateOrderEvidence): DateOrder | undefined {
  if (evidence.dayFirst > 0 && evidence.monthFirst === 0) return "dmy";
  if (evidence.monthFirst > 0 && evidence.dayFirst === 0) return "mdy";
  return undefined;
}
