/**
 * `roster report --format html -o FILE` on a real store (two exports imported, deduplicated and merged), opened
 * from disk in headless Chromium: the page shows the figures the JSON report of the same store holds, asks the
 * network for nothing, and screenshots. The renderer's own tests use hand-made reports; this one checks that
 * the command and the renderer agree on real data.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatPercent } from "../../src/stages/report/html-format.js";
import type { QualityReport } from "../../src/stages/report/types.js";
import { dumpDom, findChromium, PNG_SIGNATURE, type RecordingProxy, screenshot, startRecordingProxy } from "../helpers/chromium.js";
import { cli } from "../helpers/run.js";
import { writeFile } from "../helpers/temp.js";
import { CRM_CSV, SHOP_JSONL } from "../helpers/two-exports.js";
import { row, section, visibleText } from "../unit/report-html-text.js";

const chromium = findChromium();
const US = ["--country", "US"];

describe.skipIf(chromium === undefined)("roster report --format html, in Chromium", () => {
  let dir: string;
  let proxy: RecordingProxy;
  let report: QualityReport;
  let url: string;
  const run = (args: string[]) => cli([...US, ...args], { cwd: dir });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "roster-report-html-cli-"));
    writeFile(dir, "crm.csv", CRM_CSV);
    writeFile(dir, "shop.jsonl", SHOP_JSONL);
    for (const args of [["import", "crm.csv", "shop.jsonl"], ["dedupe"], ["merge"]]) expect(run(args).code).toBe(0);
    const json = run(["report", "--format", "json", "--no-record"]);
    expect(json.code).toBe(0);
    report = JSON.parse(json.stdout) as QualityReport;
    const html = run(["report", "--format", "html", "-o", "报告.html", "--no-record"]);
    expect(html.code, html.stderr).toBe(0);
    expect(html.stdout).toBe("");
    url = pathToFileURL(join(dir, "报告.html")).href;
    proxy = await startRecordingProxy();
  }, 180_000);
  afterAll(async () => {
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the page the command wrote shows the store's figures and requests nothing", async () => {
    const before = proxy.requests.length;
    const dom = await dumpDom(url, { proxy });
    expect(proxy.pageRequests(before)).toEqual([]);
    expect(readFileSync(join(dir, "报告.html"), "utf8")).not.toMatch(/https?:\/\//);
    const fields = section(dom, "fields");
    for (const field of report.fields) {
      expect(visibleText(row(fields, field.field))).toContain(formatPercent(field.completeness));
    }
    expect(report.duplicates).not.toBeNull();
    const duplicates = report.duplicates as NonNullable<QualityReport["duplicates"]>;
    expect(visibleText(section(dom, "duplicates"))).toContain(`Duplicate rate ${formatPercent(duplicates.rate)}`);
    expect(visibleText(dom)).toContain(`${report.records} records`);
    for (const source of report.sources) expect(visibleText(section(dom, "sources"))).toContain(source);
  });

  it("screenshots as a real page", async () => {
    const png = await screenshot(url, join(dir, "report.png"), { proxy, windowSize: { width: 1000, height: 1200 } });
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.length).toBeGreaterThan(20_000);
  });
});
