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

/** = + - @ TAB CR LF NUL. */
const FORMULA_START = /^[=+\-@\t\r\n\0]/;
/** A signed decimal number, nothing before or after it. */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function isPlainNumber(text: string): boolean {
  return PLAIN_NUMBER.test(text);
}

/** Whether a spreadsheet could read this cell as a formula. */
export function startsLikeFormula(text: string): boolean {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text);
}

export interface SpreadsheetSafeOptions {
  /** Protect signed numbers too (+1415…, -2), so a spreadsheet keeps them as the text they were. */
  numbersAsText?: boolean;
}

/** The cell as a spreadsheet should get it: an apostrophe in front of anything that starts like a formula. */
export function spreadsheetSafe(text: string, options: SpreadsheetSafeOptions = {}): string {
  if (!FORMULA_START.test(text)) return text;
  return options.numbersAsText || !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}
