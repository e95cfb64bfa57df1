/**
 * A large customer export, generated quickly and deterministically: enough rows that a run takes seconds, so
 * an interrupt lands in the middle of it. Simple on purpose (the benchmark generator aims at realism instead).
 */

import { once } from "node:events";
import { createWriteStream } from "node:fs";

const GIVEN = ["Anna", "Ben", "Chloé", "David", "Eva", "Felix", "Grace", "Hugo", "Iris", "Jonas"];
const FAMILY = ["Smith", "Müller", "García", "Nguyen", "O'Brien", "Kowalski", "Rossi", "Dubois", "Tanaka", "Silva"];
const CITIES = ["Springfield", "Riverside", "Fairview", "Madison", "Georgetown"];

export async function writeBigCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write("customer_id,first_name,last_name,email,phone,date_of_birth,city,country\n");
  let chunk = "";
  for (let i = 1; i <= rows; i++) {
    const given = GIVEN[i % GIVEN.length];
    const family = FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length];
    const phone = `+1 (415) ${String(200 + (i % 800)).padStart(3, "0")}-${String(i % 10_000).padStart(4, "0")}`;
    const birth = `${1950 + (i % 50)}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
    // Every seventh address has a domain typo: validate has findings all along the file.
    const domain = i % 7 === 0 ? "gmial.com" : "Example.COM";
    chunk += `C${i},${given}, ${family} ,${given}.${family}${i}@${domain},${phone},${birth},${CITIES[i % CITIES.length]},us\n`;
    if (i % 5000 === 0) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
}
