/** Fields with small rules of their own: marketing consent and national ids. */

import type { Finding } from "../../model/finding.js";
import { quote } from "./text.js";

const YES = new Set([
  "yes",
  "y",
  "true",
  "t",
  "1",
  "on",
  "opt-in",
  "opt in",
  "optin",
  "opted in",
  "subscribed",
  "是",
  "同意",
  "接受",
  "订阅",
  "x",
  "✓",
  "✔",
  "☑",
]);
const NO = new Set([
  "no",
  "n",
  "false",
  "f",
  "0",
  "off",
  "opt-out",
  "opt out",
  "optout",
  "opted out",
  "unsubscribed",
  "否",
  "不同意",
  "拒绝",
  "退订",
]);

/** Consent as "true" / "false"; anything else is kept and reported. */
export function normalizeConsent(text: string): { value: string; finding?: Finding } {
  const key = text.toLowerCase();
  if (YES.has(key)) return { value: "true" };
  if (NO.has(key)) return { value: "false" };
  return {
    value: text,
    finding: {
      field: "marketing_consent",
      rule: "consent.unrecognized",
      severity: "info",
      message: `${quote(text)} is neither yes nor no`,
    },
  };
}

/** Chinese resident ids lose spaces and dashes and get an upper-case X; other ids are kept as written. */
export function normalizeNationalId(text: string): string {
  const compact = text.replace(/[\s-]+/g, "");
  return /^\d{17}[\dxX]$/.test(compact) ? compact.toUpperCase() : text;
}
