/**
 * Email: trimmed and lower-cased, nothing else (the address a customer gave is never rewritten beyond case).
 * A separate match key drops dots and +tags where the provider ignores them (Gmail), so that
 * j.smith+shop@gmail.com and jsmith@googlemail.com meet in dedupe.
 */
import type { Finding } from "./types.js";

const DOT_INSENSITIVE = new Set(["gmail.com", "googlemail.com"]);

export interface EmailResult {
  email: string;
  key: string;
  finding?: Finding;
}

export function normalizeEmail(text: string): EmailResult {
  const email = text
    .replace(/^mailto:/i, "")
    .replace(/\s+/g, "")
    .toLowerCase();
  const at = email.lastIndexOf("@");
  if (at <= 0 || at === email.length - 1 || email.indexOf("@") !== at) {
    return {
      email,
      key: email,
      finding: { field: "email", rule: "email.syntax", severity: "warning", message: `not an email address: ${JSON.stringify(text)}` },
    };
  }
  let local = email.slice(0, at);
  let domain = email.slice(at + 1);
  if (DOT_INSENSITIVE.has(domain)) {
    domain = "gmail.com";
    local = local.replace(/\+.*$/, "").replace(/\./g, "");
  }
  return { email, key: `${local}@${domain}` };
}
