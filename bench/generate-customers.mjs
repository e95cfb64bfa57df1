// Generates realistic, deterministic customer CSV data for benchmarks and tests.
// Output is written outside the repo (default: $TMPDIR/roster-bench) and never committed.
//   node bench/generate-customers.mjs --rows 1000000 --out /tmp/roster-bench/customers-1m.csv [--seed 42]
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const HEADER = "customer_id,first_name,last_name,email,phone,date_of_birth,street,city,state,postcode,country,company,created_at";

// '|'-separated so multi-word names like "van der Berg" survive the split.
const list = (s) => s.split("|");
const GIVEN = list(
  "James|Mary|John|Patricia|Robert|Jennifer|Michael|Linda|William|Elizabeth|David|Barbara|Richard|Susan|Joseph|Jessica|Thomas|Sarah|Charles|Karen|Chris|Nancy|Daniel|Lisa|Matthew|Betty|Anthony|Sandra|Mark|Ashley|Paul|Emily|Steven|Donna|Andrew|Michelle|Joshua|Carol|Kevin|Amanda|Brian|Melissa|George|Deborah|Ryan|Stephanie|Jacob|Rebecca|Gary|Laura|Eric|Sharon|Jonathan|Cynthia|Liam|Olivia|Noah|Emma|Zoë|José",
);
const FAMILY = list(
  "Smith|Johnson|Williams|Brown|Jones|Garcia|Miller|Davis|Rodriguez|Martinez|Wilson|Anderson|Taylor|Thomas|Moore|Jackson|Martin|Lee|Thompson|White|Harris|Clark|Lewis|Robinson|Walker|Young|Allen|King|Wright|Scott|Hill|Green|Adams|Baker|Nelson|Carter|Mitchell|Roberts|Turner|Phillips|Campbell|Parker|Evans|Edwards|Collins|Stewart|Morris|Murphy|Cook|Rogers|McDonald|O'Brien|van der Berg|Smith-Jones|MacLeod|D'Angelo|de la Cruz|Müller|Nguyen|Kowalski",
);
// [hanzi, pinyin] pairs so Chinese rows can derive pinyin-ish email addresses.
const pairs = (s) => list(s).map((p) => p.split(":"));
const CN_FAMILY = pairs(
  "张:zhang|王:wang|李:li|刘:liu|陈:chen|杨:yang|黄:huang|赵:zhao|吴:wu|周:zhou|徐:xu|孙:sun|马:ma|朱:zhu|胡:hu|郭:guo|何:he|林:lin|罗:luo|高:gao|欧阳:ouyang|司马:sima",
);
const CN_GIVEN = pairs(
  "伟:wei|芳:fang|娜:na|敏:min|静:jing|丽:li|强:qiang|磊:lei|军:jun|洋:yang|勇:yong|艳:yan|杰:jie|娟:juan|涛:tao|明:ming|超:chao|秀英:xiuying|建华:jianhua|志强:zhiqiang|晓东:xiaodong|婷婷:tingting",
);
// [city, state, ZIP prefix] keeps city/state/postcode consistent within a row.
const US_PLACES = pairs(
  "San Francisco:CA:941|Los Angeles:CA:900|New York:NY:100|Brooklyn:NY:112|Chicago:IL:606|Houston:TX:770|Austin:TX:787|Seattle:WA:981|Boston:MA:021|Miami:FL:331|Denver:CO:802|Portland:OR:972|Atlanta:GA:303|Phoenix:AZ:850",
);
const CN_PLACES = pairs(
  "北京:北京市:100:朝阳区,海淀区,东城区|上海:上海市:200:浦东新区,徐汇区,静安区|广州:广东省:510:天河区,越秀区|深圳:广东省:518:南山区,福田区|杭州:浙江省:310:西湖区|成都:四川省:610:武侯区|南京:江苏省:210:鼓楼区",
);
const CN_ROADS = list("建国路|中山路|人民路|解放路|南京路|长安街|科技园路|天府大道");
const STREETS = list("Main|Oak|Pine|Maple|Cedar|Elm|Washington|Lake|Hill|Park|High|Church|Mill|Sunset|Ridge");
const SUFFIXES = list("St|Street|Ave|Avenue|Rd|Road|Blvd|Ln|Dr|Way|Ct");
const COMPANIES = pairs(
  "Acme Corp:acme.com|Globex:globex.com|Initech:initech.com|Umbrella Ltd:umbrella.co.uk|Stark Industries:stark.com|Wayne Enterprises:wayne.com|Hooli:hooli.com|Contoso:contoso.com|Northwind Traders:northwind.com|Soylent Inc.:soylent.com|阿里巴巴:alibaba.com|腾讯:tencent.com|华为:huawei.com",
);
const WEST_DOMAINS = list("gmail.com|gmail.com|gmail.com|yahoo.com|outlook.com|hotmail.com|icloud.com|aol.com|proton.me");
const CN_DOMAINS = list("qq.com|qq.com|163.com|126.com|sina.com|gmail.com|outlook.com");
const US_COUNTRY = list("USA|United States|US");
const CN_COUNTRY = list("China|中国|CN");

// mulberry32: tiny, fast 32-bit PRNG; Math.random can't be seeded, and we need repeatable files.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Bundle the helpers every field generator needs around one PRNG stream.
function makeRng(seed) {
  const next = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  return { int, chance: (p) => next() < p, pick: (arr) => arr[Math.floor(next() * arr.length)] };
}

const pad = (n, width) => String(n).padStart(width, "0");
const ascii = (s) =>
  s
    .normalize("NFD")
    .toLowerCase()
    .replace(/[^a-z]/g, ""); // "O'Brien" -> "obrien", "Zoë" -> "zoe"

// RFC 4180: quote only when needed, doubling any inner quotes.
function csvField(value) {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function email(r, first, last, domains, company) {
  if (r.chance(0.03)) return "";
  const digits = r.chance(0.5) ? String(r.int(1, 99)) : "";
  const local = r.pick([`${first}.${last}`, `${first}${last}`, `${first[0]}${last}`, `${first}_${last}`]) + digits;
  const domain = company && r.chance(0.3) ? company[1] : r.pick(domains);
  const addr = `${local}@${domain}`;
  return r.chance(0.01) ? addr.toUpperCase() : addr; // some exports shout
}

function phone(r, cn) {
  if (r.chance(0.03)) return "";
  if (cn) {
    const [p, a, b] = [r.pick(["138", "139", "150", "186", "177"]), pad(r.int(0, 9999), 4), pad(r.int(0, 9999), 4)];
    return r.pick([`+86 ${p}-${a}-${b}`, `${p}${a}${b}`, `0086 ${p}${a}${b}`]);
  }
  const [area, line] = [r.pick(["415", "212", "312", "206", "617", "512"]), pad(r.int(100, 199), 4)]; // 555-01xx: reserved fictional
  return r.pick([`(${area}) 555-${line}`, `${area}.555.${line}`, `+1 ${area} 555 ${line}`]);
}

function dateOfBirth(r, cn) {
  if (r.chance(0.05)) return "";
  const [y, m, d] = [r.int(1940, 2006), r.int(1, 12), r.int(1, 28)];
  if (cn && r.chance(0.3)) return `${y}年${m}月${d}日`;
  return r.pick([`${y}-${pad(m, 2)}-${pad(d, 2)}`, `${pad(m, 2)}/${pad(d, 2)}/${y}`, `${y}${pad(m, 2)}${pad(d, 2)}`]);
}

// Rare quote/newline streets exercise the importer's CSV edge cases. Only Western rows
// (80%) get them, so the odds are scaled up to land near 1 in 2000 / 1 in 5000 overall.
function westernStreet(r) {
  if (r.chance(1 / 1600)) return `${r.int(1, 99)} "Old Mill" Rd`;
  if (r.chance(1 / 4000)) return `Unit ${r.int(1, 9)}\nBlock B`;
  const street = `${r.int(1, 9999)} ${r.pick(STREETS)} ${r.pick(SUFFIXES)}`;
  return r.chance(0.15) ? `${street}, Apt ${r.int(1, 40)}` : street;
}

function westernRow(r, company) {
  const [first, last] = [r.pick(GIVEN), r.pick(FAMILY)];
  const [city, state, zip] = r.pick(US_PLACES);
  return [
    first,
    last,
    email(r, ascii(first), ascii(last), WEST_DOMAINS, company),
    phone(r, false),
    dateOfBirth(r, false),
    westernStreet(r),
    city,
    state,
    zip + pad(r.int(0, 99), 2),
    r.pick(US_COUNTRY),
  ];
}

function chineseRow(r, company) {
  const [[last, lastPy], [first, firstPy]] = [r.pick(CN_FAMILY), r.pick(CN_GIVEN)];
  const [city, province, prefix, districts] = r.pick(CN_PLACES);
  const street = `${r.pick(districts.split(","))}${r.pick(CN_ROADS)}${r.int(1, 300)}号`;
  // Pinyin email puts the family name first (zhang.wei88@qq.com), as is common in China.
  return [
    first,
    last,
    email(r, lastPy, firstPy, CN_DOMAINS, company),
    phone(r, true),
    dateOfBirth(r, true),
    street,
    city,
    province,
    prefix + pad(r.int(0, 999), 3),
    r.pick(CN_COUNTRY),
  ];
}

const START = Date.UTC(2015, 0, 1);
const SPAN = Date.UTC(2026, 0, 1) - START;

function createdAt(r) {
  // Whole seconds only: matches typical export timestamps and keeps lines short.
  return new Date(START + r.int(0, SPAN / 1000 - 1) * 1000).toISOString().replace(".000Z", "Z");
}

export function* customerLines({ rows, seed = 42 }) {
  const r = makeRng(seed);
  yield `${HEADER}\n`;
  for (let i = 1; i <= rows; i++) {
    const company = r.chance(0.3) ? null : r.pick(COMPANIES);
    const body = r.chance(0.2) ? chineseRow(r, company) : westernRow(r, company);
    const fields = [`C${pad(i, 7)}`, ...body, company ? company[0] : "", createdAt(r)];
    yield `${fields.map(csvField).join(",")}\n`;
  }
}

const BATCH_CHARS = 64 * 1024;

export async function writeCustomersCsv(path, { rows, seed }) {
  const out = createWriteStream(path);
  const failed = once(out, "error").then(([err]) => {
    throw err;
  });
  failed.catch(() => {}); // surfaced via Promise.race below; avoid an unhandled rejection
  let batch = "";
  // Joining lines into ~64 KiB strings avoids per-line write() overhead.
  for (const line of customerLines({ rows, seed })) {
    batch += line;
    if (batch.length >= BATCH_CHARS) {
      if (!out.write(batch)) await Promise.race([once(out, "drain"), failed]);
      batch = "";
    }
  }
  out.end(batch);
  await Promise.race([once(out, "close"), failed]);
  return { rows, bytes: out.bytesWritten };
}

async function main() {
  const { values } = parseArgs({ options: { rows: { type: "string" }, out: { type: "string" }, seed: { type: "string" } } });
  const rows = Number(values.rows ?? 1_000_000);
  const seed = Number(values.seed ?? 42);
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(seed)) throw new Error("--rows and --seed must be integers");
  const out = values.out ?? join(tmpdir(), "roster-bench", `customers-${rows}.csv`);
  await mkdir(dirname(out), { recursive: true });
  const t0 = performance.now();
  const { bytes } = await writeCustomersCsv(out, { rows, seed });
  const secs = ((performance.now() - t0) / 1000).toFixed(2);
  console.error(`wrote ${rows} rows, ${(bytes / 1e6).toFixed(1)} MB to ${out} in ${secs} s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err.message);
    process.exitCode = 1;
  });
}
