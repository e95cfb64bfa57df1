/**
 * The report's renderers on a realistic report (a CRM and a shop, Chinese and English customers): text with and
 * without colour, JSON that parses back to the model, Markdown tables whose cells cannot break out.
 */
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { emptyValues, type RecordValues } from "../../src/model/record.js";
import { assembleReport } from "../../src/stages/report/assemble.js";
import { FileTally } from "../../src/stages/report/file-tally.js";
import { evaluateGates, parseGateFlag } from "../../src/stages/report/gates.js";
import { buildDuplicates, buildProfile } from "../../src/stages/report/profile.js";
import { renderMarkdown } from "../../src/stages/report/render-markdown.js";
import { renderText } from "../../src/stages/report/render-text.js";
import type { QualityReport } from "../../src/stages/report/types.js";

const now = new Date("2026-04-18T00:00:00Z");
const v = (partial: Partial<RecordValues>): RecordValues => ({ ...emptyValues(), ...partial });

function sampleReport(): QualityReport {
  const tally = new FileTally(now);
  const crm = [
    v({ email: "william.turner@example.com", phone: "+14155550101", city: "San Francisco", country: "US", updated_at: "2026-03-01" }),
    v({ email: "zhangwei@example.cn", phone: "+8613800138000", city: "北京", country: "CN", updated_at: "2024-05-01" }),
  ];
  for (const r of crm) tally.add("crm", r, r, [], now);
  const shop = v({ email: "rob.nakamura@exmaple", phone: null, city: "New York | NY", country: "US" });
  tally.add("shop", shop, shop, [{ field: "email", rule: "email.syntax", severity: "error", message: "no domain" }], now);
  return assembleReport({
    generatedAt: now.toISOString(),
    scope: { kind: "store", path: "/data/roster.db" },
    figures: tally.figures(),
    duplicates: buildDuplicates({
      records: 3,
      clusterSizes: [
        [1, 1],
        [2, 1],
      ],
      customers: 2,
      splitByGuard: 0,
      reviewBacklog: 1,
    }),
    profile: buildProfile(
      {
        customers: 2,
        country: [
          ["US", 1],
          ["CN", 1],
        ],
        region: [[null, 2]],
        city: [
          ["San Francisco", 1],
          ["<b>北京</b>", 1],
        ],
        birthDate: [
          ["1986-04-18", 1],
          [null, 1],
        ],
        consent: [
          ["true", 1],
          [null, 1],
        ],
        source: [
          ["crm", 2],
          ["shop", 1],
        ],
        sources: [
          ["crm + shop", 1],
          ["crm", 1],
        ],
        recencyDays: [[10, 2]],
        by: [],
      },
      now,
    ),
    trend: [
      { runId: 1, at: "2026-04-01T00:00:00Z", metrics: { records: 2, "duplicates.rate": 0, "completeness.email": 100 } },
      { runId: 2, at: "2026-04-10T00:00:00Z", metrics: { records: 3, "duplicates.rate": 50, "completeness.email": 100 } },
    ],
  });
}

const ANSI = /\u001b\[\d+m/;

describe("text", () => {
  const report = sampleReport();
  const gates = evaluateGates([parseGateFlag("completeness.phone=95", "under")], report.metrics);

  it("without colour: no escape codes, aligned columns, bars, every section", () => {
    const text = renderText(report, new Chalk({ level: 0 }), gates);
    expect(text).not.toMatch(ANSI);
    for (const title of [
      "fields",
      "findings by rule",
      "by source",
      "freshness",
      "before and after cleaning",
      "duplicates",
      "customers (客户画像)",
      "trend",
      "gates",
    ]) {
      expect(text).toContain(`\n${title}\n`);
    }
    const lines = text.split("\n");
    const header = lines.find((l) => l.startsWith("field ") && l.includes("complete")) as string;
    const email = lines.find((l) => l.startsWith("email ")) as string;
    // The "complete" column ends where its header ends: numbers are right-aligned under it.
    expect(email.indexOf("100%") + 4).toBe(header.indexOf("complete") + "complete".length);
    expect(email).toContain("██████████");
    expect(text).toContain("FAIL  completeness.phone is 66.67, under 95");
    expect(text).toMatch(/records\s+[▁-█]{3}\s+3\s+3\s+=/); // sparkline over two runs and now
    expect(text).toMatch(/<b>北京<\/b>\s+1 customer\s+50.0%/); // text is no HTML: shown as sent
  });

  it("with colour: the same text under the escape codes", () => {
    const coloured = renderText(report, new Chalk({ level: 1 }), gates);
    expect(coloured).toMatch(ANSI);
    expect(coloured.replace(/\u001b\[\d+m/g, "")).toBe(renderText(report, new Chalk({ level: 0 }), gates));
    expect(coloured).toContain("\u001b[31mFAIL\u001b[39m");
  });

  it("an empty store says what to run next instead of empty tables", () => {
    const empty = assembleReport({
      generatedAt: now.toISOString(),
      scope: { kind: "store", path: "/x.db" },
      figures: new FileTally(now).figures(),
      duplicates: null,
      profile: null,
      trend: [],
    });
    const text = renderText(empty);
    expect(text).toContain("0 records from 0 sources");
    expect(text).toContain("dedupe has not run: roster dedupe");
    expect(text).toContain("merge has not run: roster merge");
    expect(text).toContain("no earlier report runs recorded yet");
  });
});

describe("json", () => {
  it("is the QualityReport: it parses back to the very same object", () => {
    const report = sampleReport();
    const parsed = JSON.parse(JSON.stringify(report)) as QualityReport;
    expect(parsed).toEqual(report);
    expect(parsed.metrics["duplicates.rate"]).toBeCloseTo(100 / 3, 9);
  });
});

describe("markdown", () => {
  const report = sampleReport();
  const markdown = renderMarkdown(report, evaluateGates([parseGateFlag("duplicates.rate=5", "over")], report.metrics));

  it("has a heading with the gates' outcome, and tables with their header separators", () => {
    expect(markdown.startsWith("## roster report: failed\n")).toBe(true);
    expect(markdown).toContain("- ❌ duplicates.rate is 33.33, over 5");
    expect(markdown).toContain(
      "| field | filled | complete | valid | unique | consistent | most common format |\n|---|---:|---:|---:|---:|---:|---|",
    );
    // Three emails, three shapes: a tie, broken alphabetically.
    expect(markdown).toContain("| email | 3 | 100% | 66.7% | 100% | 33.3% | aaa.aaaaaaaa@aaaaaaa |");
    expect(markdown).toContain("#### By combination of sources");
  });

  it("escapes cells: a pipe cannot end one, HTML cannot open a tag", () => {
    expect(markdown).toContain("| city | 3 | 100% | 100% | 100% | 33.3% | Aaa Aaaa \\| AA |");
    expect(markdown).toContain("&lt;b&gt;北京&lt;/b&gt;");
    expect(markdown).not.toContain("<b>");
    // Every table row has as many cells as its header.
    for (const block of markdown.split("\n\n").filter((b) => b.startsWith("|"))) {
      const rows = block.split("\n").filter((row) => row !== "");
      const cells = (row: string) => row.replace(/\\\|/g, "").split("|").length;
      for (const row of rows) expect(cells(row), row).toBe(cells(rows[0] as string));
    }
  });
});
