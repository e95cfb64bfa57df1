/**
 * Spreadsheet safety for cells of untrusted text (OWASP "CSV injection"). A spreadsheet evaluates a cell that
 * begins with = + - or @ as a formula, and TAB, CR, LF and NUL in front hide such a prefix from a reader's eye
 * or from a naive check (Excel and LibreOffice skip leading whitespace and control characters before looking
 * for the formula sign). The cell then gets a leading apostrophe, which spreadsheets show the text behind as it
 * is. csv-stringify's own escape_formulas misses LF and NUL, and quotes negative numbers, so roster has its own.
 *
 * A cell that is a plain number as a whole (-42, 3.5, +8613800138000, 1e-3) cannot hold a formula: by default it is
 * left as written, so numeric columns stay numbers and E.164 phones survive an export → import round trip. A file
 * meant to be edited in a spreadsheet and read back (review's decisions file) asks for `numbersAsText`: there a
 * phone such as +1415… must not become the number 1415… when the spreadsheet saves it.
 */

/** = + - @ TAB CR LF NUL: what a cell must not begin with. */
const FORMULA_START = /^[=+\-@\t\r\n\0]/;

/** The same test on the first character's code: an export asks it of millions of cells. */
function startsWithFormulaCharacter(text: string): boolean {
  const code = text.charCodeAt(0);
  // = + - @, and TAB CR LF NUL (all below 14; the other control characters there are no formula prefix)
  return code === 61 || code === 43 || code === 45 || code === 64 || (code <= 13 && FORMULA_START.test(text));
}
/** A signed decimal number, nothing before or after it. */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function isPlainNumber(text: string): boolean {
  return PLAIN_NUMBER.test(text);
}

/** Whether a spreadsheet could read this cell as a formula. */
export function startsLikeFormula(text: string): boolean {
  return startsWithFormulaCharacter(text) && !PLAIN_NUMBER.test(text);
}

export interface SpreadsheetSafeOptions {
  /** Protect signed numbers too (+1415…, -2), so a spreadsheet keeps them as the text they were. */
  numbersAsText?: boolean;
}

/** The cell as a spreadsheet should get it: an apostrophe in front of anything that starts like a formula. */
export function spreadsheetSafe(text: string, options: SpreadsheetSafeOptions = {}): string {
  if (!startsWithFormulaCharacter(text)) return text;
  return options.numbersAsText || !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}
