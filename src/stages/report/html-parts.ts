/**
 * Small HTML building blocks the report's sections share. Arguments named `…Html` are markup already built (and
 * escaped) by the caller; every other string is plain text and is escaped here.
 */
import { escapeHtml } from "./html-format.js";

/** One report section; printed, each starts a page but the first (html-style.ts). */
export function sectionHtml(id: string, title: string, bodyHtml: string): string {
  return `<section id="${escapeHtml(id)}" aria-labelledby="${escapeHtml(id)}-title"><h2 id="${escapeHtml(id)}-title">${escapeHtml(title)}</h2>\n${bodyHtml}</section>\n`;
}

/** A plain sentence in place of figures that do not exist (dedupe never ran, no earlier report, …). */
export function noteHtml(sentence: string): string {
  return `<p class="note">${escapeHtml(sentence)}</p>\n`;
}

export interface Column {
  title: string;
  /** Right-aligned figures. */
  numeric?: boolean;
}

export type Cell = { html: string; className?: string };

/** Plain text as a cell. */
export function textCell(text: string, className?: string): Cell {
  return className === undefined ? { html: escapeHtml(text) } : { html: escapeHtml(text), className };
}

/** A table with a caption (its accessible name), header cells and rows of cells; wide tables scroll on screens. */
export function tableHtml(caption: string, columns: readonly Column[], rows: readonly Cell[][]): string {
  const head = columns.map((column) => `<th scope="col"${column.numeric ? ' class="num"' : ""}>${escapeHtml(column.title)}</th>`).join("");
  const body = rows
    .map((cells) => {
      const tds = cells.map((cell, index) => {
        const className = cell.className ?? (columns[index]?.numeric ? "num" : undefined);
        const tag = index === 0 ? "th" : "td";
        const scope = index === 0 ? ' scope="row"' : "";
        return `<${tag}${scope}${className ? ` class="${className}"` : ""}>${cell.html}</${tag}>`;
      });
      return `<tr>${tds.join("")}</tr>`;
    })
    .join("\n");
  return `<div class="wide"><table><caption class="note">${escapeHtml(caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>\n`;
}

/**
 * Headline figures as a definition list of cards. A value that is words rather than a figure ("not merged yet")
 * is set smaller, so the cards that hold numbers stand out.
 */
export function figuresHtml(figures: readonly [string, string][], label?: string): string {
  const items = figures
    .map(
      ([name, value]) =>
        `<div><dt>${escapeHtml(name)}</dt><dd${/^[\d<]/.test(value) ? "" : ' class="words"'}>${escapeHtml(value)}</dd></div>`,
    )
    .join("");
  return `<dl class="headline"${label === undefined ? "" : ` aria-label="${escapeHtml(label)}"`}>${items}</dl>\n`;
}
