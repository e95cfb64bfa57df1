/**
 * PLACEHOLDER, replaced by the HTML renderer's own file (issue 11, written against the same data model): it
 * exists only so that `--format html` compiles and runs. It prints the report's JSON in a self-contained page.
 */
import type { QualityReport } from "./types.js";

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function renderHtml(report: QualityReport): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>roster report</title></head><body><h1>roster report</h1><pre>${escapeHtml(JSON.stringify(report, null, 2))}</pre></body></html>\n`;
}
