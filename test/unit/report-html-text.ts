/**
 * Reading the rendered HTML report back in tests, without a DOM library: a section by id, a table row by its first
 * cell, the visible text, and the tags used. The renderer's output is regular (html-parts.ts), so plain string
 * slicing is enough, and a change of markup shows up as a failing test rather than a silently wrong parse.
 */

/** The markup of `<section id="ID">…</section>`; throws when the report has no such section. */
export function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`);
  if (start < 0) throw new Error(`no section ${id}`);
  return html.slice(start, html.indexOf("</section>", start) + "</section>".length);
}

/** The markup of the table row whose header cell is exactly `name` (its text, escaped as in the page). */
export function row(html: string, name: string): string {
  const start = html.indexOf(`<tr><th scope="row">${name}</th>`);
  if (start < 0) throw new Error(`no row ${name}`);
  return html.slice(start, html.indexOf("</tr>", start));
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

/** Undo escapeHtml's five entities (the only ones the renderer writes). */
export function unescapeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] as string);
}

/** What a reader sees: no stylesheet, no tags, entities decoded, SVG titles and labels included. */
export function visibleText(html: string): string {
  return unescapeHtml(
    html
      .replace(/<style>[\s\S]*?<\/style>/g, " ")
      .replace(/<[^>]*>/g, " ")
      .replace(/\s+/g, " "),
  );
}

/** Every element name opened or closed in the markup, lower-cased. */
export function tagNames(html: string): Set<string> {
  const names = new Set<string>();
  for (const match of html.matchAll(/<\/?([a-zA-Z!][\w-]*)/g)) names.add((match[1] as string).toLowerCase());
  return names;
}
