/**
 * The HTML report's one stylesheet, inlined into the page (the CSP allows inline styles and nothing else).
 *
 * Colours are custom properties set three times: light (the default), dark (prefers-color-scheme: dark), and
 * print (white paper, dark ink, whatever the screen's scheme). Charts use the same properties through their CSS
 * classes, so they follow. The dark palette keeps body text above 12:1 and muted text above 7:1 against its
 * background (WCAG AAA is 7:1); bars are a light blue on near-black rather than the light theme's dark blue.
 * The fonts are the system's: no font file may be fetched.
 */
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --paper: #ffffff; --ink: #1a1a1a; --muted: #4a4a4a; --rule: #d0d0d0; --panel: #f4f6f8;
  --bar: #1f5fa8; --track: #e3e8ee; --error: #a4161a; --warning: #8a5a00; --info: #3c5a7a;
}
@media (prefers-color-scheme: dark) {
  :root {
    --paper: #121417; --ink: #eceff3; --muted: #b9c0c9; --rule: #3a4049; --panel: #1c2026;
    --bar: #7fb4f0; --track: #2e343c; --error: #ff9a9a; --warning: #f5c56b; --info: #a9c4e4;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0 auto; max-width: 1040px; padding: 24px;
  background: var(--paper); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
}
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 0 0 10px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 1.05em; margin: 16px 0 6px; }
p, li { max-width: 72ch; }
.scope, .note { color: var(--muted); }
section { margin: 28px 0; }
.headline { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 10px; margin: 16px 0 0; }
.headline div { background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; }
.headline dt { color: var(--muted); font-size: 0.85em; }
.headline dd { margin: 2px 0 0; font-size: 1.45em; font-weight: 600; }
.headline dd.words { font-size: 1em; font-weight: 400; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--rule); vertical-align: middle; }
th { color: var(--muted); font-weight: 600; font-size: 0.9em; }
tbody th { color: var(--ink); }
caption { text-align: left; padding: 0 0 6px; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.metric { white-space: nowrap; }
td.metric svg { vertical-align: middle; margin-right: 6px; }
.wide { overflow-x: auto; }
code, .shape { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK SC", monospace; font-size: 0.9em; }
.severity { font-size: 0.85em; font-weight: 600; border: 1px solid currentColor; border-radius: 3px; padding: 0 4px; }
.severity.error { color: var(--error); }
.severity.warning { color: var(--warning); }
.severity.info { color: var(--info); }
svg { display: block; max-width: 100%; height: auto; overflow: visible; }
td svg { display: inline-block; max-width: none; }
svg .track { fill: var(--track); }
svg .fill { fill: var(--bar); }
svg text { fill: var(--ink); font-size: 12px; }
svg .label { fill: var(--muted); }
svg .line { stroke: var(--bar); stroke-width: 2; }
svg .dot { fill: var(--bar); }
.trend td svg { display: block; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 8px 24px; }
footer { margin-top: 32px; color: var(--muted); font-size: 0.85em; }
@media print {
  :root {
    color-scheme: light;
    --paper: #ffffff; --ink: #000000; --muted: #333333; --rule: #999999; --panel: #ffffff;
    --bar: #1f4f8a; --track: #dddddd; --error: #8b0000; --warning: #6b4500; --info: #23405f;
  }
  body { max-width: none; padding: 0; font-size: 11pt; }
  /* Browsers drop backgrounds when printing; bars are the content here, so keep their ink. */
  svg, .headline div { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section { break-before: page; margin: 0; }
  /* The first section shares the headline's page. */
  main > section:first-child { break-before: auto; }
  h2, h3 { break-after: avoid-page; }
  tr, svg, .headline { break-inside: avoid; }
  .wide { overflow: visible; }
}
`;
