#!/usr/bin/env node
// npm run bench:phones [-- --rows N | --csv FILE] [--country US]
// libphonenumber-js alone on exactly the phone column of a CSV, one core, with the calls roster's normalize
// makes for a phone (src/stages/normalize/phone.ts, parsePhone): NFKC, the extension split, an international
// number parsed without a region, else the written form with the record's region (its country column as roster
// reads it, else --country), then the 00… and country-code-without-+ forms; each parse followed by getType()
// (which is how normalize tells validity). What roster adds around it is left out: no memo, no findings.
// This is the yardstick for the phone share of normalize and validate.
import { createReadStream, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { getCountryCallingCode, parsePhoneNumberFromString } from "libphonenumber-js/max";
import { CsvParser } from "../dist/io/csv-parser.js";
import { countryCode } from "../dist/stages/normalize/country.js";
import { writeCustomersCsv } from "./generate-customers.mjs";

const E164 = /^\+[1-9]\d{6,14}$/;
const EXTENSION = /(?:ext\.?|extension|x|#|转|分机)\s*(\d{1,6})\s*$/i;

function callingCode(region) {
  try {
    return region ? getCountryCallingCode(region) : undefined;
  } catch {
    return undefined;
  }
}

function tryParse(text, region) {
  const parsed = parsePhoneNumberFromString(text, region);
  if (!parsed) return undefined;
  const valid = parsed.getType() !== undefined || parsed.isValid();
  return valid ? parsed : undefined;
}

/** The E.164 form, or undefined: normalize's parse path without its caches. */
export function parseLikeNormalize(original, region) {
  const text = original.normalize("NFKC");
  if (/[^\x00-\x7f]/.test(text) && /\p{Nd}/u.test(text.replace(/[0-9]/g, ""))) return undefined;
  const extension = EXTENSION.exec(text);
  const main = extension ? text.slice(0, extension.index) : text;
  const digits = main.replace(/[^\d+]/g, "");
  const international = E164.test(main) ? tryParse(main, undefined) : undefined;
  if (international) return international.number;
  const code = callingCode(region);
  const candidates = [main];
  if (digits.startsWith("00")) candidates.push(`+${digits.slice(2)}`);
  if (code && digits.startsWith(code) && !digits.startsWith("+")) candidates.push(`+${digits}`);
  for (const candidate of candidates) {
    const parsed = tryParse(candidate, region);
    if (parsed) return parsed.number;
  }
  return undefined;
}

/** [phone text, region] of every row with a phone, read with roster's CSV parser (not timed). */
export async function phoneColumn(csv, defaultRegion = "US") {
  const phones = [];
  let phoneAt;
  let countryAt;
  const parser = new CsvParser(",", {
    record: (fields) => {
      if (phoneAt === undefined) {
        phoneAt = fields.indexOf("phone");
        countryAt = fields.indexOf("country");
        return;
      }
      const phone = fields[phoneAt]?.trim();
      if (phone) phones.push([phone, countryCode(fields[countryAt]?.trim() ?? "") ?? defaultRegion]);
    },
    reject: () => {},
  });
  for await (const text of createReadStream(csv, { encoding: "utf8", highWaterMark: 1 << 20 })) parser.push(text);
  parser.end();
  return phones;
}

/** libphonenumber-js alone on the CSV's phone column, one core. */
export async function phonesAlone(csv, defaultRegion = "US") {
  const phones = await phoneColumn(csv, defaultRegion);
  const started = process.hrtime.bigint();
  let valid = 0;
  const distinct = new Set();
  for (const [phone, region] of phones) {
    const e164 = parseLikeNormalize(phone, region);
    if (e164) valid++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const [phone] of phones) distinct.add(phone);
  return { phones: phones.length, valid, distinct: distinct.size, seconds };
}

async function main() {
  const { values } = parseArgs({
    options: { rows: { type: "string", default: "1000000" }, csv: { type: "string" }, country: { type: "string", default: "US" } },
  });
  let csv = values.csv;
  if (!csv) {
    csv = join(tmpdir(), "roster-bench", `customers-${values.rows}.csv`);
    if (!existsSync(csv)) await writeCustomersCsv(csv, { rows: Number(values.rows), seed: 42 });
  }
  const r = await phonesAlone(csv, values.country);
  console.log(
    `libphonenumber-js alone (normalize's calls, no cache), ${csv}: ${r.phones.toLocaleString("en-US")} phones ` +
      `(${r.distinct.toLocaleString("en-US")} distinct texts, ${r.valid.toLocaleString("en-US")} valid) in ${r.seconds.toFixed(2)} s = ` +
      `${Math.round(r.phones / r.seconds).toLocaleString("en-US")} phones/s`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
