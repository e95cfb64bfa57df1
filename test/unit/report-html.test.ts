/**
 * renderHtml (roster report --format html) as text: the page is self-contained (CSP, no URL, no script), every
 * figure of the report is on it, untrusted names are escaped, and missing figures read as sentences. The same page
 * in a real Chromium: test/e2e/report-html-chromium.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml, formatCount, formatPercent } from "../../src/stages/report/html-format.js";
import { REPORT_CSS } from "../../src/stages/report/html-style.js";
import { renderHtml } from "../../src/stages/report/render-html.js";
import type { QualityReport } from "../../src/stages/report/types.js";
import { CRM, emptyReport, fieldQuality, filesReport, storeReport, TMALL } from "./report-html-fixtures.js";
import { row, section, tagNames, unescapeHtml, visibleText } from "./report-html-text.js";

/** The elements the renderer may write; anything else in the output came from data that escaped escaping. */
const ALLOWED_TAGS = new Set(
  "!doctype html head meta title style body header h1 h2 h3 p time dl div dt dd main section table caption thead tbody tr th td svg rect g text polyline circle code span footer".split(
    " ",
  ),
);

/** The attributes the renderer writes. */
const ALLOWED_ATTRIBUTES = new Set(
  "lang charset http-equiv content name id class aria-labelledby aria-label scope datetime role width height viewbox x y rx text-anchor dominant-baseline fill points cx cy r".split(
    " ",
  ),
);

/** Every attribute name in the markup's tags (quoted values blanked first, so text inside them is not read as one). */
function attributeNames(html: string): Set<string> {
  const names = new Set<string>();
  for (const tag of html.match(/<[a-zA-Z][^>]*>/g) ?? []) {
    for (const match of tag.replace(/"[^"]*"/g, '""').matchAll(/\s([^\s=/>]+)=/g)) names.add((match[1] as string).toLowerCase());
  }
  return names;
}

describe("a self-contained page", () => {
  const html = renderHtml(storeReport());

  it("is an HTML5 document whose Content-Security-Policy forbids the network, declared before any style", () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')).toBe(true);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    expect(csp?.[1]?.split("; ")).toEqual([
      "default-src 'none'",
      "style-src 'unsafe-inline'",
      "img-src data:",
      "base-uri 'none'",
      "form-action 'none'",
    ]);
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<style>"));
    expect(html.trimEnd().endsWith("</html>")).toBe(true);
  });

  it("references nothing outside itself: no URL, no script, no link, no image, no font", () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\b(?:src|href|xlink:href|srcset|action)=/i);
    expect(html).not.toMatch(/url\(|@import|@font-face/i);
    for (const tag of ["script", "link", "img", "iframe", "object", "embed", "image", "use", "foreignobject"])
      expect(tagNames(html).has(tag)).toBe(false);
    expect([...tagNames(html)].filter((name) => !ALLOWED_TAGS.has(name))).toEqual([]);
    expect([...attributeNames(html)].filter((name) => !ALLOWED_ATTRIBUTES.has(name))).toEqual([]);
  });

  it("has every section, in the order of the issue, each with a heading", () => {
    const ids = [...html.matchAll(/<section id="([^"]+)" aria-labelledby="\1-title"><h2 id="\1-title">/g)].map((match) => match[1]);
    expect(ids).toEqual(["fields", "findings", "sources", "freshness", "duplicates", "cleaning", "profile", "trend"]);
  });

  it("draws accessible charts: every <svg> is role=img with a title first, and no chart is told by colour alone", () => {
    const svgs = html.match(/<svg [^>]*>(?:<title>[^<]*<\/title>)?/g) ?? [];
    expect(svgs.length).toBeGreaterThan(40);
    for (const open of svgs) {
      expect(open).toMatch(/ role="img" /);
      expect(open).toMatch(/<title>[^<]+<\/title>$/);
    }
    // Every bar chart row prints its value as text next to its bar.
    for (const bar of html.match(/<g class="bar-row">.*?<\/g>/g) ?? [])
      expect(bar).toMatch(/<text class="value"[^>]*>[^<]*\d[^<]*<\/text>/);
  });
});

describe("the figures", () => {
  const report = storeReport();
  const html = renderHtml(report);

  it("headline: records, customers, duplicate rate, backlog, when and of what", () => {
    const header = html.slice(html.indexOf("<header>"), html.indexOf("</header>"));
    const figures = Object.fromEntries([...header.matchAll(/<dt>([^<]+)<\/dt><dd>([^<]+)<\/dd>/g)].map((match) => [match[1], match[2]]));
    // 12,480 records in 10,510 clusters: (12480 - 10510) / 12480 = 15.78 %.
    expect(figures).toEqual({
      Records: "12,480",
      Customers: "10,412",
      "Duplicate rate": "15.8%",
      "Review backlog": "37 pairs",
      Sources: "2",
      "Median age": "118 days",
    });
    expect(header).toContain(
      'Of the store /srv/roster/customers.db, generated <time datetime="2026-12-02T03:40:00.000Z">2026-12-02T03:40:00.000Z</time>',
    );
    expect(header).toContain(`sources: ${CRM}, ${TMALL}.`);
  });

  it("per field: completeness, validity, uniqueness and consistency as text, each with a bar", () => {
    const fields = section(html, "fields");
    // By hand: 11,902 of 12,480 emails (95.37 %), 488 of them invalid (95.90 % valid), 11,350 distinct (95.36 %),
    // 4,400 in the most common shape (36.97 %).
    expect(row(fields, "email")).toMatch(/11,902 of 12,480.*95\.4%.*95\.9%.*95\.4%.*37\.0%.*9999999999@aa\.aaa<\/span> \(4,400\)/);
    // 12,468 of 12,480 names is 99.904 %: not complete, so not "100.0%".
    expect(row(fields, "full_name")).toMatch(/12,468 of 12,480.*>99\.9%.*>100\.0%.*>94\.6%.*>41\.1%/);
    expect(row(fields, "national_id")).toMatch(/4,980 of 12,480.*>39\.9%.*>99\.3%.*>99\.9%.*>96\.4%/);
    for (const field of report.fields) {
      const cells = row(fields, field.field);
      for (const value of [field.completeness, field.validity, field.uniqueness, field.consistency])
        expect(cells).toContain(`>${formatPercent(value as number)}`);
      expect(cells.match(/<svg class="meter"/g)).toHaveLength(4);
    }
  });

  it("draws each bar as long as its figure says", () => {
    const meters = [
      ...html.matchAll(
        /<svg class="meter" [^>]*><title>[^<]*: ([\d.]+)%[^<]*<\/title><rect class="track"[^>]*\/><rect class="fill" x="0" y="0" width="([\d.]+)"/g,
      ),
    ];
    expect(meters.length).toBe(report.fields.length * 4 + report.bySource.length * report.fields.length);
    for (const [, printed, width] of meters) expect(Math.abs((Number(width) / 64) * 100 - Number(printed))).toBeLessThan(0.1);
  });

  it("findings by rule, with their severity as a word", () => {
    const findings = section(html, "findings");
    expect(findings).toContain("583 findings under 5 rules");
    expect(row(findings, "email")).toBe(
      '<tr><th scope="row">email</th><td><code>email.syntax</code></td><td><span class="severity error">error</span></td><td class="num">488</td>',
    );
    expect(findings).toMatch(
      /<code>email\.disposable<\/code><\/td><td><span class="severity warning">warning<\/span><\/td><td class="num">41</,
    );
    expect(findings).toMatch(/<code>national_id\.age<\/code><\/td><td><span class="severity info">info<\/span><\/td><td class="num">2</);
  });

  it("per source: records, age and findings, and each field's completeness in each source", () => {
    const sources = section(html, "sources");
    // CRM: 88 + 41 email, 12 phone findings; Tmall: 400 email, 3 phone, 37 + 2 national id.
    expect(row(sources, CRM)).toMatch(/>7,210<.*>6,950<.*>212 days<.*>141</);
    expect(row(sources, TMALL)).toMatch(/>5,270<.*>5,270<.*>41 days<.*>442</);
    // The matrix: email is 6,902 / 7,210 = 95.73 % complete in the CRM, (6902 - 88) / 6902 = 98.72 % valid.
    const matrix = sources.slice(sources.indexOf("Completeness by source"));
    expect(row(matrix, "email")).toMatch(/95\.7% · 98\.7% valid.*94\.9% · 92\.0% valid/);
    expect(row(matrix, "national_id")).toMatch(/>0\.0%<\/td>.*94\.5% · 99\.3% valid/);
  });

  it("freshness: the median, how many records are dated, and every band", () => {
    const freshness = section(html, "freshness");
    expect(freshness).toContain("Median age 118 days");
    expect(freshness).toContain("12,220 of 12,480 records have one");
    const bands = [...freshness.matchAll(/<text class="label"[^>]*>([^<]+)<\/text>.*?<text class="value"[^>]*>([^<]+)<\/text>/g)].map(
      (m) => [unescapeHtml(m[1] as string), m[2]],
    );
    expect(bands).toEqual([
      ["≤ 30 days", "3,040 · 24.4%"],
      ["≤ 90 days", "2,830 · 22.7%"],
      ["≤ 1 year", "3,910 · 31.3%"],
      ["≤ 3 years", "2,100 · 16.8%"],
      ["older", "600 · 4.8%"],
    ]);
  });

  it("duplicates: the rate, clusters by size, what the guard split and the review backlog", () => {
    const duplicates = section(html, "duplicates");
    expect(duplicates).toContain("<dt>Clusters</dt><dd>10,510</dd>");
    expect(duplicates).toContain("<dt>Records per customer</dt><dd>1.2</dd>");
    expect(duplicates).toContain("<dt>Split by the chaining guard</dt><dd>4</dd>");
    expect(duplicates).toContain("<dt>Review backlog</dt><dd>37 pairs</dd>");
    expect(duplicates).toContain(">1,510 clusters · 3,020 records</text>");
    expect(duplicates).toContain(">0 clusters · 0 records</text>");
    expect(duplicates.match(/<g class="bar-row">/g)).toHaveLength(6);
  });

  it("before and after cleaning, per field", () => {
    expect(row(section(html, "cleaning"), "phone")).toBe(
      '<tr><th scope="row">phone</th><td class="num">41</td><td class="num">1</td><td class="num">11,020</td><td class="num">15</td>',
    );
  });

  it("profile: a chart per breakdown, unknown for customers without a value, the long tail summed", () => {
    const profile = section(html, "profile");
    expect(profile).toContain("10,412 golden customers");
    expect(profile).toContain(">上海市</text>");
    expect(profile).toMatch(/>unknown<\/text>.*?>260 · 2\.5%<\/text>/);
    // 23 cities: 15 drawn, then Town 13 … Town 20 (288 down to 281 customers) as one row: 2,276, 21.9 %.
    expect(profile).toMatch(/>8 other values<\/text>.*?>2,276 · 21\.9%<\/text>/);
    expect(profile).not.toContain("Town 13");
    expect(profile.match(/<h3>/g)).toHaveLength(3);
  });

  it("trend: a sparkline per headline metric through the earlier reports and this one", () => {
    const trend = section(html, "trend");
    expect(trend).toContain("3 earlier reports since 2026-09-01T02:00:00.000Z (run 3), then this one.");
    expect(row(trend, "Records")).toMatch(/<title>Records over 4 reports: from 9,800 to 12,480<\/title>.*>9,800<.*>12,480</);
    expect(row(trend, "Duplicate rate")).toMatch(/from 17\.2% to 15\.8%.*>17\.2%<.*>15\.8%</);
    // Four points: the oldest at the left edge, the newest (this report, the highest) at the right and the top.
    const line = /<polyline class="line" fill="none" points="([^"]+)"/.exec(row(trend, "Records"))?.[1]?.split(" ");
    expect(line).toHaveLength(4);
    expect(line?.[0]).toBe("4,36");
    expect(line?.[3]).toBe("176,4");
    // No earlier report recorded the median age: no line for it.
    expect(trend).not.toContain("Median age");
  });
});

describe("missing figures read as sentences", () => {
  it("a report on files: never deduplicated, never merged, no trend, one field nobody fills", () => {
    const html = renderHtml(filesReport());
    const text = visibleText(html);
    expect(text).not.toMatch(/\b(?:NaN|null|undefined|Infinity)\b/);
    expect(section(html, "duplicates")).toContain("Dedupe has not run on these records");
    expect(section(html, "profile")).toContain("There are no golden customers yet (merge has not run)");
    expect(section(html, "trend")).toContain("No earlier report of these records, so there is no trend yet");
    expect(section(html, "cleaning")).toContain("Normalize has changed nothing yet.");
    expect(section(html, "sources")).toContain("No source has records in this report.");
    expect(row(section(html, "fields"), "national_id")).toContain("no values to check");
    expect(text).toContain("Customers not merged yet Duplicate rate not deduplicated Review backlog not deduplicated");
    expect(html).toContain("Of 2 files: exports/会员名单.csv, exports/crm &amp; partners.jsonl, generated");
  });

  it("an empty store", () => {
    const html = renderHtml(emptyReport());
    expect(visibleText(html)).not.toMatch(/\b(?:NaN|null|undefined|Infinity)\b/);
    expect(section(html, "freshness")).toContain("No records, so no ages to show.");
    expect(html).toContain('<dt>Median age</dt><dd class="words">no records</dd>');
    expect(section(html, "findings")).toContain("No findings");
  });

  it("figures that are not numbers print n/a and draw empty bars, never NaN", () => {
    const report = storeReport();
    const email = report.fields[1] as QualityReport["fields"][number];
    email.completeness = Number.NaN;
    email.validity = Number.POSITIVE_INFINITY;
    (report.duplicates as NonNullable<QualityReport["duplicates"]>).rate = Number.NaN;
    const html = renderHtml(report);
    expect(html).not.toMatch(/NaN|Infinity/);
    expect(row(section(html, "fields"), "email")).toMatch(/width="0" height="10" rx="2"\/><\/svg>n\/a.*n\/a/);
  });
});

describe("untrusted names are escaped everywhere", () => {
  const hostile = '<script>alert("x")</script>';
  function hostileReport(): QualityReport {
    const report = storeReport();
    const source = report.bySource[1] as QualityReport["bySource"][number];
    source.source = hostile;
    report.sources = [CRM, hostile];
    report.scope = { kind: "store", path: '/tmp/"><img src=x onerror=alert(1)>.db' };
    report.generatedAt = '2026-12-02T03:40:00Z"><b>';
    const field = report.fields[3] as QualityReport["fields"][number];
    field.formats = [{ shape: "<aaa> & 'a'", count: 12 }];
    field.findings = [{ rule: "city.<i>unknown</i>", severity: "warning", count: 3 }];
    const city = report.profile?.breakdowns[1]?.rows[0];
    if (city) city.value = `O'Brien & "Sons" 上海 <b>`;
    report.profile?.breakdowns.push({
      by: "attributes.会员等级<svg onload=alert(1)>",
      rows: [{ value: "</text><script>", customers: 5, share: 0.05 }],
    });
    return report;
  }
  const html = renderHtml(hostileReport());

  it("no markup from the data reaches the page", () => {
    expect([...tagNames(html)].filter((name) => !ALLOWED_TAGS.has(name))).toEqual([]);
    expect(html).not.toMatch(/<script|<img|<b>|<i>/i);
    // Data text such as "onload=" may appear inside a quoted value (escaped, inert), never as an attribute.
    expect([...attributeNames(html)].filter((name) => !ALLOWED_ATTRIBUTES.has(name))).toEqual([]);
  });

  it("and each name is shown as written", () => {
    const text = visibleText(html);
    for (const name of [
      hostile,
      '/tmp/"><img src=x onerror=alert(1)>.db',
      "<aaa> & 'a'",
      "city.<i>unknown</i>",
      `O'Brien & "Sons" 上海 <b>`,
      "</text><script>",
    ]) {
      expect(text).toContain(name);
    }
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain('<time datetime="2026-12-02T03:40:00Z&quot;&gt;&lt;b&gt;">');
    expect(html).toContain("<h3>By attributes.会员等级&lt;svg onload=alert(1)&gt;</h3>");
  });

  it("whatever the names and numbers, the page keeps its own markup and prints no NaN (property)", () => {
    // Characters that break HTML, Chinese, a NUL; no letter that could spell NaN or null by chance.
    const name = fc.string({
      unit: fc.constantFrom("<", ">", "&", '"', "'", "/", "=", " ", "天", "猫", "市", "a", "\u0000"),
      maxLength: 12,
    });
    const figure = fc.oneof(fc.double(), fc.integer({ min: 0, max: 10_000_000 }));
    fc.assert(
      fc.property(name, name, figure, figure, (source, value, count, percent) => {
        const report = storeReport();
        report.sources = [source];
        const first = report.bySource[0] as QualityReport["bySource"][number];
        first.source = source;
        first.records = count;
        const breakdown = report.profile?.breakdowns[0];
        if (breakdown) breakdown.rows = [{ value, customers: count, share: percent }];
        report.fields.push(fieldQuality(value, count, { filled: count, distinct: count, formats: [[source, count]] }));
        (report.fields[0] as QualityReport["fields"][number]).completeness = percent;
        const html = renderHtml(report);
        expect([...tagNames(html)].filter((tag) => !ALLOWED_TAGS.has(tag))).toEqual([]);
        expect([...attributeNames(html)].filter((attribute) => !ALLOWED_ATTRIBUTES.has(attribute))).toEqual([]);
        expect(visibleText(html)).not.toMatch(/NaN|Infinity|undefined|null/);
        expect(html).toContain(escapeHtml(source));
        expect(html).not.toContain("\u0000");
      }),
      { numRuns: 60 },
    );
  });
});

describe("formatting", () => {
  it("percentages never round to a perfection or an absence that is not there", () => {
    expect([100, 99.96, 99.94, 37.04, 0.06, 0.04, 0, Number.NaN, 1.7976931348623157e308].map(formatPercent)).toEqual([
      "100.0%",
      "99.9%",
      "99.9%",
      "37.0%",
      "0.1%",
      "<0.1%",
      "0.0%",
      "n/a",
      "n/a",
    ]);
    expect(formatCount(1234567)).toBe("1,234,567");
  });

  it("escapeHtml undoes exactly (property), leaving no character that opens markup or closes an attribute", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary" }),
          fc.string({ unit: fc.constantFrom("<", ">", "&", '"', "'", "&amp;", "客", "户", "\u0000", "a") }),
        ),
        (text) => {
          const escaped = escapeHtml(text);
          expect(escaped).not.toMatch(/[<>"']/);
          const printable = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "\ufffd");
          expect(unescapeHtml(escaped)).toBe(printable);
          expect(escapeHtml(unescapeHtml(escaped))).toBe(escaped);
        },
      ),
    );
  });
});

/** WCAG relative luminance and contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

describe("the stylesheet's three palettes", () => {
  /** The custom properties of each `:root { … }` block: light, dark, print (in the stylesheet's order). */
  const palettes = [...REPORT_CSS.matchAll(/:root \{([^}]*)\}/g)].map((match) =>
    Object.fromEntries([...(match[1] as string).matchAll(/--([\w-]+): (#[0-9a-f]{6})/g)].map((pair) => [pair[1], pair[2]])),
  );

  it("are light, dark (prefers-color-scheme) and print, in that order", () => {
    expect(palettes).toHaveLength(3);
    expect(REPORT_CSS.indexOf("@media (prefers-color-scheme: dark)")).toBeLessThan(REPORT_CSS.indexOf("@media print"));
    expect(palettes[1]?.paper).not.toBe(palettes[0]?.paper);
    // Printing from a dark screen gives white paper, and the bars keep their ink.
    expect(palettes[2]?.paper).toBe("#ffffff");
    expect(REPORT_CSS).toMatch(/@media print \{[\s\S]*print-color-adjust: exact[\s\S]*break-before: page/);
  });

  it("keep text readable (4.5:1, body text 7:1) and bars visible (3:1) in each", () => {
    for (const colours of palettes) {
      for (const background of [colours.paper, colours.panel] as string[]) {
        expect(contrast(colours.ink as string, background)).toBeGreaterThanOrEqual(7);
        for (const text of ["muted", "error", "warning", "info"])
          expect(contrast(colours[text] as string, background)).toBeGreaterThanOrEqual(4.5);
      }
      expect(contrast(colours.bar as string, colours.paper as string)).toBeGreaterThanOrEqual(3);
      expect(contrast(colours.bar as string, colours.track as string)).toBeGreaterThanOrEqual(3);
    }
  });
});
