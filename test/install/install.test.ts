/**
 * The install recipes the README documents, run as a user would: the packed tarball installed with
 * --omit=dev (what a production or CI machine gets) and an install from the git repository. Each installed
 * binary runs every command once on the demo fixtures, so a devDependency imported at run time (exit 70,
 * "Cannot find package") or a build step that needs dev tools fails here.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/run.js";

const work = mkdtempSync(join(tmpdir(), "roster-install-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const npm = (args: string[], cwd = work) =>
  execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    // An empty npm cache dir of our own would force a download of everything; the user's cache is fine.
    env: { ...process.env, npm_config_update_notifier: "false" },
  });

/** Every command once, against a store and a file; returns each run's exit code and output. */
function exercise(bin: string, dir: string) {
  const demo = join(ROOT, "fixtures", "demo");
  for (const name of readdirSync(demo)) copyFileSync(join(demo, name), join(dir, name));
  const run = (args: string[], env: Record<string, string> = {}) => {
    const result = spawnSync(bin, ["--store", join(dir, "roster.db"), "--no-color", ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
    return { args: args.join(" "), code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  return [
    run(["--version"]),
    run(["--help"]),
    run(["init"]),
    run(["import", "crm.csv", "shop.jsonl", "webform.json", "china-crm-gbk.csv"]),
    run(["--config", "roster.yml", "normalize"]),
    run(["normalize", "crm.csv", "-o", "crm-clean.csv"]),
    run(["validate", "--fail-on", "never"]),
    run(["validate", "--fail-on", "never", "--format", "junit", "crm.csv"]),
    run(["batches"]),
    run(["import", "--map", "Handy=phone", "crm.csv"]),
    run(["batches", "rm", "1"]),
    run(["dedupe"]),
    // The worker thread that reads half the features and computes comparisons must ship and load.
    run(["--json", "dedupe", "--full"], { ROSTER_WORKERS: "1" }),
    run(["dedupe", "crm.csv", "-o", "crm-clusters.csv"]),
    run(["merge"]),
    // Customer ids are the smallest record id of their records; batch 1's records (ids 1-40) were removed.
    run(["--json", "unmerge", "41", "--dry-run"]),
    run(["review", "--export", "pairs.csv"]),
    run(["export", "--require-consent", "--mask", "email,phone", "-o", "mailing.csv"]),
    run(["export", "records", "--format", "jsonl", "--encoding", "gbk", "-o", "records.jsonl"]),
    run(["report", "--format", "html", "-o", "report.html"]),
    run(["--json", "report", "crm.csv"]),
  ];
}

function expectAllRan(runs: ReturnType<typeof exercise>, dir: string) {
  for (const r of runs) {
    // A missing runtime dependency or native module shows up as exit 70 or a stack trace.
    expect({ args: r.args, code: r.code, stderr: r.stderr }).toEqual({
      args: r.args,
      code: 0,
      stderr: expect.not.stringMatching(/internal error|Cannot find/),
    });
  }
  expect(runs[0]?.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  expect(runs[3]?.stderr).toMatch(/china-crm-gbk\.csv.*gb18030|gbk/i);
  expect(readFileSync(join(dir, "crm-clean.csv"), "utf8").split("\n")[0]).toContain("email");
  expect(runs[7]?.stdout).toContain("<testsuites");
  expect(runs[8]?.stdout).toMatch(/china-crm-gbk/);
  expect(runs[10]?.stderr).toMatch(/removed batch 1/);
  expect(runs[11]?.stderr).toMatch(/records in \d[\d,]* clusters/);
  expect(JSON.parse(runs[12]?.stdout ?? "")).toMatchObject({ command: "dedupe", ok: true, run: "full" });
  expect(readFileSync(join(dir, "crm-clusters.csv"), "utf8").split("\n")[0]).toMatch(/cluster_id,match_probability$/);
  expect(runs[14]?.stderr).toMatch(/^\d+ customers from \d+ records/);
  expect(JSON.parse(runs[15]?.stdout ?? "")).toMatchObject({ command: "unmerge", ok: true, run: "dry-run", customer_id: 41 });
  expect(readFileSync(join(dir, "pairs.csv"), "utf8")).toMatch(/^pair_id,decision,/);
  expect(readFileSync(join(dir, "mailing.csv"), "utf8")).toMatch(/^id,source_id,given_name,/);
  expect(readFileSync(join(dir, "records.jsonl")).length).toBeGreaterThan(1000);
  expect(readFileSync(join(dir, "report.html"), "utf8")).toMatch(/^<!doctype html>[\s\S]*<svg/i);
  expect(JSON.parse(runs[20]?.stdout ?? "")).toMatchObject({ command: "report", ok: true, report: { scope: { kind: "files" } } });
}

describe("installing roster as the README says", () => {
  const clone = join(work, "roster");
  let tarball = "";
  beforeAll(() => {
    // A fresh clone of the committed HEAD, as CI and a new user get it; `npm ci` must accept the lockfile.
    execFileSync("git", ["clone", "--quiet", ROOT, clone]);
    npm(["ci"], clone);
    // npm pack runs `prepare` (the TypeScript build), which needs the dev tools npm ci installed.
    const out = npm(["pack", "--json"], clone);
    tarball = join(clone, (JSON.parse(out) as { filename: string }[])[0]?.filename ?? "");
  });

  it("npm ci and npm install leave the fresh clone unchanged (lockfile included)", () => {
    const status = () => execFileSync("git", ["status", "--porcelain", "--ignored=no"], { cwd: clone, encoding: "utf8" });
    expect(
      status()
        .split("\n")
        .filter((line) => line && !line.endsWith(".tgz")),
    ).toEqual([]);
    npm(["install"], clone);
    expect(
      status()
        .split("\n")
        .filter((line) => line && !line.endsWith(".tgz")),
    ).toEqual([]);
  });

  it("the packed tarball ships bin, dist and the vendored data, no sources, tests or fixtures", () => {
    const listing = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean);
    expect(listing).toContain("package/dist/cli/main.js");
    expect(listing).toContain("package/bin/roster.js");
    // dedupe reads the nickname list at run time, two levels above dist/stages/dedupe/
    expect(listing).toContain("package/data/nicknames/names.csv");
    expect(listing).toContain("package/data/nicknames/LICENSE");
    expect(listing.filter((f) => /^package\/(src|test|bench|fixtures)\//.test(f))).toEqual([]);
    expect(listing.filter((f) => !/^package\/(bin|dist|data)\/|^package\/[^/]+$/.test(f))).toEqual([]);
  });

  it("the tarball installed globally with --omit=dev runs every command", () => {
    const prefix = join(work, "prefix");
    npm(["install", "--global", "--prefix", prefix, "--omit=dev", tarball]);
    const installed = join(prefix, "lib", "node_modules", "roster");
    expect(existsSync(join(installed, "node_modules", "typescript"))).toBe(false);
    expect(existsSync(join(installed, "node_modules", "vitest"))).toBe(false);
    const dir = mkdtempSync(join(work, "run-"));
    expectAllRan(exercise(join(prefix, "bin", "roster"), dir), dir);
  });
});
