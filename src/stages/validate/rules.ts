/**
 * Built-in validation rules, by canonical field. A rule looks at one record's normalized values and returns
 * what is wrong with one field, or nothing; it never throws. Rules are a registry (id → rule) so reports,
 * configuration (`--max-invalid email.syntax=2%`) and documentation all use the same names.
 */

import countries from "i18n-iso-countries";
import validator from "validator";
import type { CanonicalField } from "../../fields/canonical.js";
import type { Severity } from "../../model/finding.js";
import type { RecordValues } from "../../model/record.js";
import { isRealIsoDate } from "../normalize/dates.js";
import { isEmailAddress } from "../normalize/email.js";
import { phoneFacts } from "../normalize/phone.js";
import { quote } from "../normalize/text.js";
import { checkChineseId, chineseIdBirthDate } from "./chinese-id.js";
import { domainTypo, isDisposableDomain, isRoleAccount } from "./email-rules.js";

export interface RuleContext {
  /** The default country (--country / roster.yml) for records without one. */
  defaultCountry: string | undefined;
  /** Today, as YYYY-MM-DD: dates after it are in the future. */
  today: string;
  /** Normalize's message for a field it could not normalize, to say why a value is invalid. */
  whyNotNormal: (field: CanonicalField) => string | undefined;
}

export interface Problem {
  message: string;
  suggestion?: string;
}

export interface Rule {
  id: string;
  field: CanonicalField;
  severity: Severity;
  /** One line for reports and the README. */
  description: string;
  check(value: string, record: RecordValues, context: RuleContext): Problem | undefined;
}

// Not "na" (娜 in pinyin: Li Na) nor a lone "x" (an initial): real names those.
const PLACEHOLDERS = new Set([
  "test",
  "testing",
  "asdf",
  "qwerty",
  "n/a",
  "none",
  "null",
  "nil",
  "unknown",
  "xxx",
  "xx",
  "abc",
  "aaa",
  "name",
  "first name",
  "last name",
  "customer",
  "anonymous",
  "-",
  "?",
  "无",
  "空",
  "未知",
  "测试",
  "匿名",
]);

const UNUSUAL_PHONE_TYPES = new Set(["PREMIUM_RATE", "TOLL_FREE", "SHARED_COST", "VOIP", "PERSONAL_NUMBER", "PAGER", "UAN", "VOICEMAIL"]);

const E164 = /^\+[1-9]\d{6,14}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const isPlaceholder = (value: string) => PLACEHOLDERS.has(value.toLowerCase());

/** One Latin letter, repeated or not (x, X X, Xx Xx): a lone one is an initial, a name made only of it is not. */
const LETTER = /^(\p{Script=Latin})\1*$/iu;

/**
 * A name made of placeholders only. Given and family names in their own columns reach validate joined into
 * the full name ("Test Test", "N/A N/A", "- -", Chinese ones without a space: 测试测试), so the full name is
 * judged word by word and, for Chinese, by its parts; a lone "x" (an initial) or "Na" (娜) is not one, "X X" is.
 */
function isPlaceholderName(full: string, record: RecordValues): boolean {
  if (isPlaceholder(full)) return true;
  const words = full.split(" ");
  if (words.length > 1 && (words.every(isPlaceholder) || words.every((word) => word === words[0] && LETTER.test(word)))) return true;
  const { given_name: given, family_name: family } = record;
  if (!given || !family || !isPlaceholder(given) || !isPlaceholder(family)) return false;
  const compact = (text: string) => text.replace(/\s+/g, "");
  return [family + given, given + family].some((joined) => compact(joined) === compact(full));
}

function nameRules(field: "full_name" | "given_name" | "family_name"): Rule[] {
  // Parts split from a full name would repeat its finding: they are checked only when there is no full name.
  const applies = (record: RecordValues) => field === "full_name" || record.full_name === null;
  return [
    {
      id: "name.placeholder",
      field,
      severity: "warning",
      description: "a placeholder instead of a name (test, asdf, n/a, unknown, xxx, 无; Test / Test, x / x)",
      check: (value, record) =>
        applies(record) && (field === "full_name" ? isPlaceholderName(value, record) : isPlaceholder(value))
          ? { message: `${quote(value)} is a placeholder, not a name` }
          : undefined,
    },
    {
      id: "name.digits",
      field,
      severity: "warning",
      description: "a name containing digits",
      check: (value, record) => (applies(record) && /\p{Nd}/u.test(value) ? { message: `${quote(value)} contains digits` } : undefined),
    },
  ];
}

export const BUILT_IN_RULES: readonly Rule[] = [
  {
    id: "email.syntax",
    field: "email",
    severity: "error",
    description: "not a syntactically valid email address (validator's isEmail, internationalized allowed)",
    check: (value) => (isEmailAddress(value) ? undefined : { message: `${quote(value)} is not an email address` }),
  },
  {
    id: "email.domain_typo",
    field: "email",
    severity: "warning",
    description: "a likely typo of a common email domain (gmial.com → gmail.com)",
    check(value) {
      const at = value.lastIndexOf("@");
      const meant = at > 0 ? domainTypo(value.slice(at + 1)) : undefined;
      return meant
        ? { message: `${value.slice(at + 1)} looks like a typo`, suggestion: `did you mean ${value.slice(0, at + 1)}${meant}?` }
        : undefined;
    },
  },
  {
    id: "email.disposable",
    field: "email",
    severity: "warning",
    description: "a disposable (throw-away) email domain",
    check(value) {
      const at = value.lastIndexOf("@");
      return at > 0 && isDisposableDomain(value.slice(at + 1))
        ? { message: `${value.slice(at + 1)} is a disposable email domain` }
        : undefined;
    },
  },
  {
    id: "email.role_account",
    field: "email",
    severity: "warning",
    description: "a role account (info@, admin@, sales@) rather than a person",
    check(value) {
      const at = value.lastIndexOf("@");
      return at > 0 && isRoleAccount(value.slice(0, at)) ? { message: `${value} reaches a role account, not a person` } : undefined;
    },
  },
  {
    id: "phone.invalid",
    field: "phone",
    severity: "error",
    description: "not a valid phone number for its country (libphonenumber-js)",
    check(value, _record, context) {
      if (E164.test(value) && phoneFacts(value).valid) return undefined;
      return { message: context.whyNotNormal("phone") ?? `${quote(value)} is not a valid phone number` };
    },
  },
  {
    id: "phone.type",
    field: "phone",
    severity: "info",
    description: "a number of an unusual type for a customer (premium rate, toll free, VoIP, pager, …)",
    check(value) {
      const type = E164.test(value) ? phoneFacts(value).type : undefined;
      return type && UNUSUAL_PHONE_TYPES.has(type)
        ? { message: `${value} is a ${type.toLowerCase().replace(/_/g, " ")} number` }
        : undefined;
    },
  },
  {
    id: "birth_date.invalid",
    field: "birth_date",
    severity: "error",
    description: "not a date that can be read (unparseable, impossible, or ambiguous day/month)",
    check: (value, _record, context) =>
      isRealIsoDate(value) ? undefined : { message: context.whyNotNormal("birth_date") ?? `${quote(value)} is not a real date` },
  },
  {
    id: "birth_date.future",
    field: "birth_date",
    severity: "error",
    description: "a birth date in the future",
    check: (value, _record, context) =>
      isRealIsoDate(value) && value > context.today ? { message: `born ${value}, after today` } : undefined,
  },
  {
    id: "birth_date.age",
    field: "birth_date",
    severity: "warning",
    description: "an age over 120 years",
    check(value, _record, context) {
      if (!isRealIsoDate(value)) return undefined;
      const age = Number(context.today.slice(0, 4)) - Number(value.slice(0, 4)) - (context.today.slice(5) < value.slice(5) ? 1 : 0);
      return age > 120 ? { message: `born ${value}: ${age} years old` } : undefined;
    },
  },
  {
    id: "postal_code.invalid",
    field: "postal_code",
    severity: "warning",
    description: "not a postal code of the record's country (validator's isPostalCode)",
    check(value, record, context) {
      const country = record.country ?? context.defaultCountry;
      if (!country || !(validator.isPostalCodeLocales as readonly string[]).includes(country)) return undefined;
      return validator.isPostalCode(value, country as validator.PostalCodeLocale)
        ? undefined
        : { message: `${quote(value)} is not a ${country} postal code` };
    },
  },
  {
    id: "country.unknown",
    field: "country",
    severity: "error",
    description: "a country that cannot be resolved to ISO 3166-1 alpha-2",
    check: (value, _record, context) =>
      /^[A-Z]{2}$/.test(value) && countries.isValid(value)
        ? undefined
        : { message: context.whyNotNormal("country") ?? `${quote(value)} is not a country` },
  },
  {
    id: "national_id.invalid",
    field: "national_id",
    severity: "error",
    description: "a Chinese resident id with a wrong length, check character (ISO 7064 MOD 11-2) or birth date",
    check(value, record) {
      if (record.country !== "CN" && !/^\d{17}[\dX]$/.test(value)) return undefined;
      const problem = checkChineseId(value);
      if (!problem) return undefined;
      if (problem.kind === "format") return { message: `${quote(value)} is not 17 digits and a check character` };
      if (problem.kind === "first_generation")
        return { message: `${value} is a 15-digit first-generation id, void since 2013: ask for the 18-character one` };
      if (problem.kind === "checksum")
        return {
          message: `${value} has a wrong check character`,
          suggestion: `the check character for ${value.slice(0, 17)} is ${problem.expected}`,
        };
      return { message: `${value} holds an impossible birth date (${problem.date})` };
    },
  },
  {
    id: "national_id.birth_date",
    field: "national_id",
    severity: "warning",
    description: "a Chinese resident id whose birth date differs from birth_date",
    check(value, record) {
      if (!record.birth_date || !ISO_DATE.test(record.birth_date) || checkChineseId(value)) return undefined;
      const inId = chineseIdBirthDate(value);
      return inId === record.birth_date ? undefined : { message: `the id says born ${inId}, birth_date says ${record.birth_date}` };
    },
  },
  ...nameRules("full_name"),
  ...nameRules("given_name"),
  ...nameRules("family_name"),
];

/** Every rule id validate can report (built-in, required, unreadable rows), for checking configuration. */
export const KNOWN_RULE_IDS: ReadonlySet<string> = new Set([
  ...BUILT_IN_RULES.map((rule) => rule.id),
  "required",
  "source_id.duplicate",
  "row.unreadable",
  "file.unreadable",
]);
