/**
 * Phone numbers → E.164 with libphonenumber-js. The region is the record's country, else the default country
 * (--country / roster.yml). Extensions are kept apart. A number that cannot be parsed keeps its original
 * value and gets a finding: nothing is silently dropped or guessed.
 */
// The full ("max") metadata checks number lengths per type: the default bundle accepted a 10-digit Chinese
// mobile. It parses about 10% slower (BENCHMARKS.md).
import { type CountryCode, getCountryCallingCode, type PhoneNumber, parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { Finding } from "../../model/finding.js";
import { memoize3 } from "./memo.js";
import { quote } from "./text.js";

export interface PhoneResult {
  phone: string;
  extension: string | null;
  finding?: Finding;
}

const E164 = /^\+[1-9]\d{6,14}$/;

function callingCode(region: string | undefined): string | undefined {
  try {
    return region ? getCountryCallingCode(region as CountryCode) : undefined;
  } catch {
    return undefined; // a region libphonenumber does not know
  }
}

export interface PhoneFacts {
  valid: boolean;
  /** libphonenumber's type (MOBILE, FIXED_LINE, TOLL_FREE, …), when it can tell. */
  type: string | undefined;
}

function factsOf(parsed: PhoneNumber | undefined): PhoneFacts {
  if (!parsed) return { valid: false, type: undefined };
  // With the full metadata a number is valid exactly when it has a type, and working out either costs the same
  // pattern matching: ask for the type, and for validity only in the rare case of no type.
  const type = parsed.getType();
  return { valid: type !== undefined || parsed.isValid(), type };
}

/** Facts of E.164 numbers, filled by normalize as it parses and read by validate's phone rules. */
const knownFacts = new Map<string, PhoneFacts>();
function remember(e164: string, facts: PhoneFacts): void {
  if (knownFacts.size >= 50_000) knownFacts.clear(); // bounded; the working set refills at once
  knownFacts.set(e164, facts);
}

/**
 * Whether an E.164 number is valid, and its type. A number normalize just wrote is answered from what it
 * learnt parsing it: validate never parses a phone twice.
 */
export function phoneFacts(e164: string): PhoneFacts {
  let facts = knownFacts.get(e164);
  if (!facts) {
    facts = factsOf(parsePhoneNumberFromString(e164));
    remember(e164, facts);
  }
  return facts;
}

function tryParse(text: string, region: string | undefined): PhoneNumber | undefined {
  const parsed = parsePhoneNumberFromString(text, region as CountryCode | undefined);
  const facts = factsOf(parsed);
  if (!parsed || !facts.valid) return undefined;
  remember(parsed.number, facts);
  return parsed;
}

/** Recent results: exports repeat numbers (households, re-imports), and parsing is the cost of this stage. */
const parseCached = memoize3((_: string, region: string, text: string) => parsePhone(text, region || undefined));

export function normalizePhone(text: string, region: string | undefined): PhoneResult {
  return parseCached("", region ?? "", text);
}

function parsePhone(original: string, region: string | undefined): PhoneResult {
  const text = original.normalize("NFKC"); // full-width ０-９ and ＋ fold to ASCII
  // Digits from other scripts (Arabic-Indic ٠١٢, …) survive NFKC; dropping them would change the number.
  if (/[^\x00-\x7f]/.test(text) && /\p{Nd}/u.test(text.replace(/[0-9]/g, ""))) {
    return {
      phone: original,
      extension: null,
      finding: {
        field: "phone",
        rule: "phone.unparseable",
        severity: "warning",
        message: `${quote(original)} has digits roster cannot read`,
      },
    };
  }
  const extension = /(?:ext\.?|extension|x|#|转|分机)\s*(\d{1,6})\s*$/i.exec(text);
  const main = extension ? text.slice(0, extension.index) : text;
  const digits = main.replace(/[^\d+]/g, "");
  const international = E164.test(main) ? tryParse(main, undefined) : undefined;
  // "+8601012345678" parses, but its E.164 form drops the trunk 0: always write what libphonenumber formats.
  if (international) return { phone: international.number, extension: extension?.[1] ?? international.ext ?? null };

  const code = callingCode(region);
  // Written forms seen in exports: +86 …, 0086 … (international prefix), 86 … (country code without +).
  const candidates = [main];
  if (digits.startsWith("00")) candidates.push(`+${digits.slice(2)}`);
  if (code && digits.startsWith(code) && !digits.startsWith("+")) candidates.push(`+${digits}`);
  for (const candidate of candidates) {
    const parsed = tryParse(candidate, region);
    if (parsed) return { phone: parsed.number, extension: extension?.[1] ?? parsed.ext ?? null };
  }
  const why = region
    ? `not a valid phone number for ${region}`
    : "not a valid international number, and no country is known (set --country)";
  return {
    phone: original,
    extension: null,
    finding: { field: "phone", rule: "phone.unparseable", severity: "warning", message: `${quote(original)}: ${why}` },
  };
}
