/**
 * Email checks beyond syntax: a likely typo in a common domain or its top-level domain (with the domain meant), a disposable domain
 * (the community-maintained list, via disposable-email-domains-js), and role accounts that reach a team rather
 * than a person.
 */
import { disposableEmailBlocklistSet } from "disposable-email-domains-js";
import { distance } from "fastest-levenshtein";
import { memoize } from "../normalize/memo.js";

/** Domains customers mistype most; a domain one or two edits away from one of these is probably a typo. */
const COMMON_DOMAINS = [
  "gmail.com",
  "googlemail.com",
  "yahoo.com",
  "hotmail.com",
  "outlook.com",
  "live.com",
  "icloud.com",
  "aol.com",
  "msn.com",
  "proton.me",
  "protonmail.com",
  "gmx.de",
  "web.de",
  "qq.com",
  "163.com",
  "126.com",
  "sina.com",
  "yeah.net",
  "foxmail.com",
  "yahoo.co.uk",
  "btinternet.com",
];
/** Real providers that sit one edit from a common one: never "corrected" (mail.com is not a gmail.com typo). */
const KNOWN = new Set([
  ...COMMON_DOMAINS,
  "mail.com",
  "email.com",
  "gmx.com",
  "gmx.net",
  "ymail.com",
  "rocketmail.com",
  "hotmail.co.uk",
  "hotmail.fr",
  "live.co.uk",
  "outlook.de",
  "me.com",
  "mac.com",
  "fastmail.com",
  "zoho.com",
  "yandex.com",
  "mail.ru",
  "139.com",
  "189.cn",
  "sohu.com",
  "aliyun.com",
]);

/**
 * Providers whose main domain is NAME.com, with the other domains they really have: a NAME.con, NAME.cmo or
 * NAME.om is then a typo of NAME.com. ".co" is one only when the provider has no NAME.co.XX domain
 * (hotmail.co may be a cut-off hotmail.co.uk); .cm (Cameroon), .om (Oman) and .co (Colombia) are real
 * top-level domains, so only these providers' names are judged, never example.co or company.om.
 */
const DOT_COM_PROVIDERS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({
    gmail: [],
    googlemail: [],
    icloud: [],
    msn: [],
    qq: [],
    "163": [],
    "126": [],
    foxmail: [],
    protonmail: ["ch"],
    btinternet: [],
    ymail: [],
    rocketmail: [],
    sohu: [],
    aliyun: [],
    sina: ["cn", "com.cn"],
    yahoo:
      "co.uk co.jp co.in co.id co.nz co.th co.kr co.za fr de es it ca ie gr se dk no pl at be ch cn in com.br com.au com.mx com.ar com.hk com.tw com.sg com.ph com.vn com.tr".split(
        " ",
      ),
    hotmail: "co.uk co.jp co.th co.za fr de it es nl be ca se no dk fi gr ch at cl com.br com.ar com.mx com.au com.tr".split(" "),
    outlook:
      "co.uk co.jp co.th co.id co.nz fr de es it jp ie be at cl sa kr ph my dk sk cz hu lv pt in com.br com.au com.ar com.vn com.gr com.tr".split(
        " ",
      ),
    live: "co.uk co.za co.kr fr de nl it ca be se dk no at ie cn in jp cl ru com.au com.mx com.ar com.pt com.sg com.my".split(" "),
    aol: "co.uk de fr it nl be at ch se jp".split(" "),
  }),
);

/** A top-level domain one keystroke from "com": con, cmo, ocm, om, cm, comm, cpm, xom (not "com" itself). */
function isComTypo(tld: string): boolean {
  if (tld === "com") return false;
  if (distance(tld, "com") === 1) return true;
  // Two neighbouring letters swapped: one slip of the fingers, two edits.
  return tld.length === 3 && [...tld].sort().join("") === "cmo" && (tld[0] === "c" || tld[2] === "m");
}

/** gmail.con → gmail.com, yahoo.cmo → yahoo.com; undefined for anything else. */
function topLevelTypo(domain: string): string | undefined {
  const dot = domain.indexOf(".");
  const name = domain.slice(0, dot);
  const regional = DOT_COM_PROVIDERS.get(name);
  const tld = domain.slice(dot + 1);
  if (dot <= 0 || !regional || regional.includes(tld) || !isComTypo(tld)) return undefined;
  if (tld === "co" && regional.some((other) => other.startsWith("co."))) return undefined;
  return `${name}.com`;
}

const ROLE_ACCOUNTS = new Set([
  "info",
  "admin",
  "administrator",
  "support",
  "sales",
  "contact",
  "office",
  "help",
  "service",
  "noreply",
  "no-reply",
  "webmaster",
  "postmaster",
  "hostmaster",
  "marketing",
  "billing",
  "accounts",
  "hr",
  "jobs",
  "team",
  "hello",
  "enquiries",
  "inquiries",
]);

/**
 * The common domain a mistyped one most likely meant (gmial.com → gmail.com), if any. Remembered per domain:
 * a million addresses share a few thousand domains, and each answer costs dozens of edit distances.
 */
export const domainTypo: (domain: string) => string | undefined = memoize(typoOf, 10_000);

function typoOf(domain: string): string | undefined {
  if (KNOWN.has(domain)) return undefined;
  const topLevel = topLevelTypo(domain);
  if (topLevel || domain.length < 5) return topLevel;
  const name = domain.split(".")[0];
  let best: string | undefined;
  let bestDistance = 3;
  for (const known of COMMON_DOMAINS) {
    // yahoo.co.jp, yahoo.ca, hotmail.de: the provider's own regional domains, not typos.
    if (Math.abs(known.length - domain.length) > 2 || known.split(".")[0] === name) continue;
    const d = distance(domain, known);
    // One edit for short domains, two for longer ones (a swapped pair of letters is two: gmial.com).
    if (d < bestDistance && d <= (domain.length >= 8 ? 2 : 1)) {
      best = known;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * The list as a Set, built once: the library's own isDisposableEmailDomain rebuilds the Set of ~100,000
 * domains on every call (33 s of a 41 s run over 100k records).
 */
let disposable: ReadonlySet<string> | undefined;

export function isDisposableDomain(domain: string): boolean {
  disposable ??= disposableEmailBlocklistSet();
  return disposable.has(domain.trim().toLowerCase());
}

export function isRoleAccount(local: string): boolean {
  return ROLE_ACCOUNTS.has(local.replace(/\+.*$/, ""));
}
