/**
 * Email: trimmed and lower-cased, nothing else (the address a customer gave is never rewritten beyond case;
 * "Ann <ann@x.com>" gives its address). Syntax is checked with validator's isEmail (internationalized
 * addresses allowed); a bad address keeps its value and gets a finding. A separate match key drops dots and
 * +tags where the provider ignores them (Gmail), so j.smith+shop@gmail.com and jsmith@googlemail.com meet.
 */
import validator from "validator";
import type { Finding } from "../../model/finding.js";
import { quote } from "./text.js";

const DOT_INSENSITIVE = new Set(["gmail.com", "googlemail.com"]);

export interface EmailResult {
  email: string;
  key: string;
  finding?: Finding;
}

/**
 * The everyday shape (ASCII, dot-separated atoms, a domain of proper labels and a letter TLD, within the
 * length limits), which validator accepts too: checked first because isEmail costs more than the rest of
 * normalizing a record's email.
 */
const PLAIN_ADDRESS =
  /^(?=.{6,254}$)(?=[^@]{1,64}@)[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$/;

/** validator's isEmail (internationalized local parts allowed), asked only when the everyday shape does not fit. */
export function isEmailAddress(email: string): boolean {
  return PLAIN_ADDRESS.test(email) || validator.isEmail(email, { allow_utf8_local_part: true });
}

/** "Display Name <address>": the address inside the brackets. */
const NAMED = /^[^<>]*<\s*([^<>\s]+@[^<>\s]+)\s*>$/;

export function normalizeEmail(text: string): EmailResult {
  const trimmed = text
    .trim()
    .replace(/^(?:mailto:)+/i, "")
    .trim();
  const email = (NAMED.exec(trimmed)?.[1] ?? trimmed).toLowerCase();
  if (!isEmailAddress(email)) {
    return {
      email,
      key: email,
      finding: { field: "email", rule: "email.syntax", severity: "warning", message: `not an email address: ${quote(text)}` },
    };
  }
  const at = email.lastIndexOf("@");
  let local = email.slice(0, at);
  let domain = email.slice(at + 1);
  if (DOT_INSENSITIVE.has(domain)) {
    const mailbox = local.replace(/\+.*$/, "").replace(/\./g, "");
    // "+tag@gmail.com" names no mailbox at all: reported, and keyed as written so such addresses never all match.
    if (mailbox === "") {
      return {
        email,
        key: email,
        finding: {
          field: "email",
          rule: "email.syntax",
          severity: "warning",
          message: `${quote(text)} has no mailbox before its +tag`,
        },
      };
    }
    local = mailbox;
    domain = "gmail.com";
  }
  return { email, key: `${local}@${domain}` };
}
