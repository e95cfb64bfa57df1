/**
 * What a phone number or a postal code says about the country, only where it says one thing.
 *
 * - A calling code is evidence when exactly one country uses it (+86 CN, +49 DE, +852 HK). Shared codes are not:
 *   +1 (US, CA and the Caribbean), +7 (RU, KZ), +44 (GB and the Crown Dependencies), +39 (IT, VA), +61 (AU and
 *   its islands). libphonenumber could often tell the country from the area code, but a number says where it
 *   was issued, not where the customer lives, so roster uses it only as far as it is unambiguous.
 * - A postal code is evidence only in a format no other country uses: Canada's A1A 1A1, the United Kingdom's
 *   outward/inward code (without the GY, JE, IM and GX prefixes of Guernsey, Jersey, the Isle of Man and
 *   Gibraltar, which share its format), the Netherlands' 1234 AB, and the hyphenated forms of Japan
 *   (123-4567), Brazil (12345-678), Poland (12-345) and Portugal (1234-567). All-digit codes (10115, 200001,
 *   2000) are used by dozens of countries and say nothing.
 */
import { type CountryCode, getCountries, getCountryCallingCode } from "libphonenumber-js/max";

/** Calling code → the countries that use it (libphonenumber's metadata, the same bundle normalize parses with). */
const COUNTRIES_BY_CALLING_CODE: ReadonlyMap<string, readonly CountryCode[]> = (() => {
  const byCode = new Map<string, CountryCode[]>();
  for (const country of getCountries()) {
    const code = getCountryCallingCode(country);
    const list = byCode.get(code);
    if (list) list.push(country);
    else byCode.set(code, [country]);
  }
  return byCode;
})();

const E164 = /^\+[1-9]\d{6,14}$/;

/** The country of an E.164 number when its calling code belongs to one country only. */
export function countryOfPhone(e164: string): string | undefined {
  if (!E164.test(e164)) return undefined;
  // Calling codes are prefix-free (ITU-T E.164), so the first one that matches is the only one.
  for (let length = 1; length <= 3; length++) {
    const countries = COUNTRIES_BY_CALLING_CODE.get(e164.slice(1, 1 + length));
    if (countries) return countries.length === 1 ? countries[0] : undefined;
  }
  return undefined;
}

/** Canada leaves out D F I O Q U (read as other characters), and W and Z as first letter. */
const CANADA = /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/;
const UNITED_KINGDOM = /^(?!GY|JE|IM|GX)(?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|GIR ?0AA)$/;
/** The Netherlands leave out SA, SD and SS as letter pairs. */
const NETHERLANDS = /^[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}$/;

const FORMATS: readonly (readonly [RegExp, string])[] = [
  [CANADA, "CA"],
  [UNITED_KINGDOM, "GB"],
  [NETHERLANDS, "NL"],
  [/^\d{3}-\d{4}$/, "JP"],
  [/^\d{5}-\d{3}$/, "BR"],
  [/^\d{2}-\d{3}$/, "PL"],
  [/^\d{4}-\d{3}$/, "PT"],
];

/** The country whose postal code format this is, when only one country writes postal codes this way. */
export function countryOfPostalCode(postalCode: string): string | undefined {
  const code = postalCode.trim().toUpperCase().replace(/\s+/g, " ");
  for (const [format, country] of FORMATS) if (format.test(code)) return country;
  return undefined;
}
