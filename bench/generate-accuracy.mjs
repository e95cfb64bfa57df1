// A labelled data set for the dedupe accuracy benchmark (bench/accuracy.mjs): about 10,000 generated customer
// records over three sources, split into files the way real exports arrive, with the ground truth beside them.
// Written outside the repo (default $TMPDIR/roster-accuracy/) and never committed.
//   node bench/generate-accuracy.mjs [--rows 10000] [--seed 42] [--out DIR] [--show N]
//
// The records and their corruptions (typos, nicknames, given/family swapped, missing values, phone, date and
// email variants, street abbreviations, Chinese names in simplified, traditional and pinyin) come from
// generate-customers.mjs; this file only decides which export each record lands in and how that export writes it:
// - crm.csv:    the company CRM, UTF-8 CSV with English headers (generate-customers.mjs's COLUMNS);
// - shop.jsonl: the web shop, JSON Lines with Shopify-style keys (nested default_address, nulls for empty values);
// - cn_crm.csv: the Chinese subsidiary's CRM, saved by Chinese Excel: GBK, CRLF, Chinese headers. It holds the
//   Chinese people's records of that source; the generator's other records for it (non-Chinese people) go to the
//   main CRM, as a company would keep them.
// Truth: truth.csv, `source,source_id,person_id`, one line per record of every file.
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { COLUMNS, customerRecords } from "./generate-customers.mjs";

export const SOURCES = ["crm", "shop", "cn_crm"];

/** cn_crm.csv's columns: Chinese headers (each a synonym in src/fields/synonyms.ts), family name first. */
const CHINESE_COLUMNS = [
  ["客户编号", "customer_id"],
  ["姓", "last_name"],
  ["名", "first_name"],
  ["手机", "phone"],
  ["邮箱", "email"],
  ["出生日期", "date_of_birth"],
  ["地址", "street"],
  ["城市", "city"],
  ["省份", "state"],
  ["邮编", "postcode"],
  ["国家", "country"],
  ["公司", "company"],
  ["创建时间", "created_at"],
];

const at = Object.fromEntries(COLUMNS.map((name, i) => [name, i]));

function csvField(value) {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const csvLine = (fields, eol) => `${fields.map(csvField).join(",")}${eol}`;

/** A Shopify customers-API-like object: empty values as null, the address nested as Shopify nests it. */
function shopObject(f) {
  const v = (name) => f[at[name]] || null;
  return {
    id: f[at.customer_id],
    first_name: v("first_name"),
    last_name: v("last_name"),
    email: v("email"),
    phone: v("phone"),
    birthday: v("date_of_birth"),
    created_at: v("created_at"),
    default_address: {
      company: v("company"),
      address1: v("street"),
      city: v("city"),
      province: v("state"),
      zip: v("postcode"),
      country: v("country"),
    },
  };
}

let gbkTable;
/**
 * Character → GBK bytes. Node can decode GBK but not encode it, so the table is the decoder run backwards over
 * every two-byte sequence (lead 0x81-0xFE, trail 0x40-0xFE except 0x7F); the first sequence giving a character
 * wins, as an encoder would choose.
 */
function gbkBytes() {
  if (gbkTable) return gbkTable;
  gbkTable = new Map();
  const decoder = new TextDecoder("gbk", { fatal: true });
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      let ch;
      try {
        ch = decoder.decode(Uint8Array.of(lead, trail));
      } catch {
        continue;
      }
      if ([...ch].length === 1 && !gbkTable.has(ch)) gbkTable.set(ch, [lead, trail]);
    }
  }
  return gbkTable;
}

/**
 * Encodes text as GBK the way Chinese Excel saves a CSV: a character GBK lacks (ö in "Müller & Söhne GmbH")
 * becomes "?". Returns the bytes and the characters replaced, so the loss is reported rather than hidden.
 */
export function encodeGbk(text) {
  const table = gbkBytes();
  const out = [];
  const replaced = new Map();
  for (const ch of text) {
    const code = ch.codePointAt(0);
    const bytes = code < 0x80 ? [code] : table.get(ch);
    if (bytes) out.push(...bytes);
    else {
      out.push(0x3f);
      replaced.set(ch, (replaced.get(ch) ?? 0) + 1);
    }
  }
  return { bytes: Buffer.from(out), replaced };
}

/** Which export a generated record lands in (see the header comment). */
function exportOf(record) {
  return record.source === "cn_crm" && !record.person.cn ? "crm" : record.source;
}

/** How a Chinese person's record writes their name: pinyin, simplified or traditional characters. */
function nameScript(record) {
  const name = record.fields[at.first_name] + record.fields[at.last_name];
  if (/[A-Za-z]/.test(name)) return "pinyin";
  const { given, family } = record.person;
  return name === given + family || name === family + given ? "simplified" : "traditional";
}

/**
 * Writes crm.csv, shop.jsonl, cn_crm.csv and truth.csv into `dir`. Returns the files (path, source, format,
 * encoding), the truth path, the records (for --show) and counts.
 */
export async function writeAccuracySet(dir, { rows = 10_000, seed = 42 } = {}) {
  await mkdir(dir, { recursive: true });
  const records = [...customerRecords({ rows, seed, sources: SOURCES })].map((r) => ({ ...r, source: exportOf(r) }));
  const crm = [COLUMNS.join(",") + "\n"];
  const shop = [];
  const cn = [CHINESE_COLUMNS.map(([header]) => header).join(",") + "\r\n"];
  const truth = ["source,source_id,person_id\n"];
  const people = new Map();
  const chineseNames = { simplified: 0, traditional: 0, pinyin: 0 };
  for (const r of records) {
    if (r.source === "crm") crm.push(csvLine(r.fields, "\n"));
    else if (r.source === "shop") shop.push(`${JSON.stringify(shopObject(r.fields))}\n`);
    else
      cn.push(
        csvLine(
          CHINESE_COLUMNS.map(([, name]) => r.fields[at[name]]),
          "\r\n",
        ),
      );
    truth.push(`${r.source},${r.recordId},${r.personId}\n`);
    people.set(r.personId, (people.get(r.personId) ?? 0) + 1);
    if (r.person.cn) chineseNames[nameScript(r)]++;
  }
  const files = [
    { path: join(dir, "crm.csv"), source: "crm", format: "csv", encoding: "utf-8", rows: crm.length - 1 },
    { path: join(dir, "shop.jsonl"), source: "shop", format: "jsonl", encoding: "utf-8", rows: shop.length },
    { path: join(dir, "cn_crm.csv"), source: "cn_crm", format: "csv", encoding: "gbk", rows: cn.length - 1 },
  ];
  await writeFile(files[0].path, crm.join(""));
  await writeFile(files[1].path, shop.join(""));
  const gbk = encodeGbk(cn.join(""));
  await writeFile(files[2].path, gbk.bytes);
  const truthFile = join(dir, "truth.csv");
  await writeFile(truthFile, truth.join(""));
  let truePairs = 0;
  for (const n of people.values()) truePairs += (n * (n - 1)) / 2;
  return { files, truth: truthFile, records, people: people.size, truePairs, chineseNames, gbkReplaced: gbk.replaced };
}

/** `n` people with more than one record, spread evenly over the set, each with their records side by side. */
export function showTruePairs(records, n) {
  const byPerson = new Map();
  for (const r of records) byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), r]);
  const duplicated = [...byPerson.values()].filter((rs) => rs.length > 1);
  const step = Math.max(1, Math.floor(duplicated.length / Math.max(1, n)));
  const lines = [];
  for (let i = 0; i < duplicated.length && lines.length < n; i += step) {
    const rs = duplicated[i];
    lines.push(
      [`${rs[0].personId} (${rs.length} records)`, ...rs.map((r) => `  ${r.source.padEnd(6)} ${r.fields.slice(0, -1).join(" | ")}`)].join(
        "\n",
      ),
    );
  }
  return lines.join("\n");
}

async function main() {
  const { values } = parseArgs({
    options: { rows: { type: "string" }, seed: { type: "string" }, out: { type: "string" }, show: { type: "string" } },
  });
  const rows = Number(values.rows ?? 10_000);
  const seed = Number(values.seed ?? 42);
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(seed)) throw new Error("--rows and --seed must be whole numbers");
  const dir = values.out ?? join(tmpdir(), "roster-accuracy");
  const set = await writeAccuracySet(dir, { rows, seed });
  for (const f of set.files) console.error(`${f.path}: ${f.rows} records (${f.format}, ${f.encoding})`);
  console.error(`${set.truth}: ${set.records.length} records of ${set.people} people, ${set.truePairs} true pairs`);
  const c = set.chineseNames;
  console.error(`Chinese people's records: ${c.simplified} simplified, ${c.traditional} traditional, ${c.pinyin} pinyin`);
  if (set.gbkReplaced.size)
    console.error(`cn_crm.csv: not in GBK, written as "?": ${[...set.gbkReplaced].map(([ch, n]) => `${ch} ×${n}`).join(", ")}`);
  if (values.show) console.log(showTruePairs(set.records, Number(values.show)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err.message);
    process.exitCode = 1;
  });
}
