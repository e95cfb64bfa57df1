// Shared by the normalize and validate benchmarks: the generated customers (made once, outside the repo), a
// store holding them (imported once, copied fresh per run), timing a roster run with its peak RSS, and the
// yardstick: libphonenumber-js alone on the same phones (bench/phones.mjs).
import { spawnSync } from "node:child_process";
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeCustomersCsv } from "./generate-customers.mjs";

export { phonesAlone } from "./phones.mjs";

export const bin = join(import.meta.dirname, "..", "bin", "roster.js");

export async function benchData() {
  const { values } = parseArgs({ options: { rows: { type: "string", default: "1000000" } } });
  const rows = Number(values.rows);
  const dir = join(tmpdir(), "roster-bench");
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, `customers-${rows}.csv`);
  if (!existsSync(csv)) await writeCustomersCsv(csv, { rows, seed: 42 });
  const template = join(dir, `normalize-template-${rows}.db`);
  if (!existsSync(template)) {
    console.error(`importing ${csv} once into ${template} …`);
    const run = spawnSync(process.execPath, [bin, "-q", "--store", template, "import", csv], { stdio: "inherit" });
    if (run.status !== 0) process.exit(1);
  }
  return { rows, dir, csv, template };
}

/**
 * A fresh copy of the template store, for one run, flushed to disk before it is handed over: otherwise the
 * kernel is still writing the copy's gigabyte back while the timed run writes its own (a full merge measured
 * 21-26 s right after the copy and 18-20 s after a sync), and the figure holds the bench's copying.
 */
export function freshStore(template, path) {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  copyFileSync(template, path);
  const fd = openSync(path, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Run roster with these arguments; exit 1 (a failed gate) counts as done. Seconds and peak RSS in MB. */
export function timedRoster(args, env = process.env) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--import", join(import.meta.dirname, "report-rss.mjs"), bin, ...args], {
    env,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0 && run.status !== 1) throw new Error(run.stderr);
  return { seconds, peakMb: Number(/peak-rss-kb (\d+)/.exec(run.stderr)?.[1] ?? 0) / 1024 };
}

/**
 * The median of `times` runs (each preparing its own input with `prepare`): one run on a shared 2-core machine
 * can be off by 5%, and the goals are close enough for that to matter. Also returns every run's seconds.
 */
export function medianRun(times, run) {
  const runs = Array.from({ length: times }, () => run()).sort((a, b) => a.seconds - b.seconds);
  const median = runs[Math.floor(runs.length / 2)];
  return { ...median, all: runs.map((r) => r.seconds.toFixed(2)).join(" / ") };
}

export const rate = (n, seconds) => Math.round(n / seconds).toLocaleString("en-US");
