/**
 * Country names, codes and common variants in English, Chinese and other languages → ISO 3166-1 alpha-2,
 * from i18n-iso-countries (names in several languages, alpha-3 codes) plus the variants exports really use.
 */
import { createRequire } from "node:module";
import countries from "i18n-iso-countries";
import { simplified } from "./chinese-names.js";
import { memoize } from "./memo.js";
import { foldLatin, HAN } from "./text.js";

const require = createRequire(import.meta.url);
const LANGUAGES = ["en", "zh", "de", "fr", "es"];
for (const lang of LANGUAGES) countries.registerLocale(require(`i18n-iso-countries/langs/${lang}.json`));

/** Variants not in the name lists. */
const ALIASES: Record<string, string> = {
  usa: "US",
  america: "US",
  unitedstates: "US",
  unitedstatesofamerica: "US",
  美国: "US",
  美國: "US",
  uk: "GB",
  greatbritain: "GB",
  britain: "GB",
  england: "GB",
  scotland: "GB",
  wales: "GB",
  northernireland: "GB",
  英国: "GB",
  prc: "CN",
  peoplesrepublicofchina: "CN",
  mainlandchina: "CN",
  chinamainland: "CN",
  中国: "CN",
  中國: "CN",
  中国大陆: "CN",
  大陆: "CN",
  中华人民共和国: "CN",
  中華人民共和國: "CN",
  hongkong: "HK",
  香港: "HK",
  macau: "MO",
  macao: "MO",
  澳门: "MO",
  taiwan: "TW",
  台湾: "TW",
  臺灣: "TW",
  southkorea: "KR",
  korea: "KR",
  韩国: "KR",
  日本: "JP",
  holland: "NL",
  deutschland: "DE",
  德国: "DE",
  russia: "RU",
  vietnam: "VN",
  uae: "AE",
  unitedkingdomofgreatbritainandnorthernireland: "GB",
  northkorea: "KP",
  koreademocraticpeoplesrepublicof: "KP",
  syria: "SY",
  moldova: "MD",
  vatican: "VA",
  vaticancity: "VA",
  etatsunis: "US",
  coreadelsur: "KR",
  hongkongsar: "HK",
  中国香港: "HK",
  中国台湾: "TW",
  中国澳门: "MO",
  澳洲: "AU",
  ivorycoast: "CI",
  czechia: "CZ",
  turkiye: "TR",
  burma: "MM",
  laos: "LA",
  iran: "IR",
  bolivia: "BO",
  venezuela: "VE",
  tanzania: "TZ",
  美利坚合众国: "US",
  英格兰: "GB",
  苏格兰: "GB",
  日本国: "JP",
  hongkongchina: "HK",
  iranislamicrepublicof: "IR",
  skorea: "KR",
  eeuu: "US",
  eua: "US",
  swaziland: "SZ",
  macedonia: "MK",
};

/**
 * Comparison form of a country name: traditional Chinese folded to simplified (英國 → 英国), accents and case
 * dropped (España = espana, GROSSBRITANNIEN = Großbritannien), "&" read as "and", punctuation and spaces gone.
 */
function countryKey(text: string): string {
  const chinese = HAN.test(text) ? simplified(text) : text;
  return foldLatin(chinese.normalize("NFKC"))
    .replace(/&/g, "and")
    .replace(/^the\s+/, "")
    .replace(/[\s.'’,()-]/g, "");
}

const INDEX: ReadonlyMap<string, string> = (() => {
  const index = new Map<string, string>();
  for (const lang of LANGUAGES) {
    for (const [code, names] of Object.entries(countries.getNames(lang, { select: "all" }))) {
      for (const name of names) if (!index.has(countryKey(name))) index.set(countryKey(name), code);
    }
  }
  for (const [code3, code2] of Object.entries(countries.getAlpha3Codes())) index.set(countryKey(code3), code2);
  for (const code of Object.keys(countries.getAlpha2Codes())) index.set(countryKey(code), code);
  for (const [alias, code] of Object.entries(ALIASES)) index.set(countryKey(alias), code);
  return index;
})();

/**
 * The alpha-2 code for a country name or code, or undefined when it cannot be told. Exports repeat a handful of
 * spellings millions of times, so answers are remembered (bounded).
 */
export const countryCode: (text: string) => string | undefined = memoize((text) => INDEX.get(countryKey(text)), 10_000);
