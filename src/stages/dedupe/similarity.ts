/**
 * String similarity for dedupe's comparisons. These run once per candidate pair and comparison (millions of
 * times a run), so they work on char codes in module-level typed arrays that grow when a longer string comes
 * along, and allocate nothing per call.
 *
 * Jaro-Winkler and Damerau-Levenshtein count code points, not UTF-16 code units: a CJK name with a character
 * outside the Basic Multilingual Plane (𠀀, 𠮷) is one character, as a reader sees it, so swapping or
 * replacing it costs one edit and two different astral characters do not "match" on their shared surrogate.
 * Inputs are compared as given: callers pass normalized keys (lower case, diacritics folded).
 */

export { distance as levenshtein } from "fastest-levenshtein";

// Code points of the two strings being compared and scratch rows; grown on demand, never shrunk.
let left = new Int32Array(64);
let right = new Int32Array(64);
let leftMatched = new Uint8Array(64);
let rightMatched = new Uint8Array(64);
let row0 = new Int32Array(65);
let row1 = new Int32Array(65);
let row2 = new Int32Array(65);

/** Writes the code points of `s` into `into` (which must hold s.length entries) and returns their count. */
function codePoints(s: string, into: Int32Array): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < s.length) {
      const low = s.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        into[n++] = ((unit - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
        i++;
        continue;
      }
    }
    into[n++] = unit; // BMP character, or a lone surrogate kept as itself
  }
  return n;
}

/** Code-point length of the last `b` that `load` read (so `load` can return two lengths without an array). */
let loadedB = 0;

/** Loads both strings into `left` and `right` as code points; returns a's length and sets `loadedB`. */
function load(a: string, b: string): number {
  if (a.length > left.length) {
    left = new Int32Array(a.length * 2);
    leftMatched = new Uint8Array(a.length * 2);
  }
  if (b.length > right.length) {
    right = new Int32Array(b.length * 2);
    rightMatched = new Uint8Array(b.length * 2);
  }
  const la = codePoints(a, left);
  const lb = codePoints(b, right);
  loadedB = lb;
  return la;
}

/**
 * Jaro-Winkler similarity in [0, 1], as Splink's DuckDB `jaro_winkler_similarity` computes it (checked
 * against DuckDB 1.5 on 20,000 name pairs): characters match within floor(max length / 2) - 1 positions,
 * transpositions are half the matched characters out of order (rounded down), and a common prefix of up to
 * 4 characters adds 0.1 of the remaining gap per character when the Jaro similarity is above 0.7 (Winkler's
 * boost threshold).
 *
 * Two empty strings are identical and score 1, so that jaroWinkler(s, s) = 1 holds for every s (DuckDB says
 * 0; callers treat empty values as missing before they get here); empty against non-empty scores 0. On
 * non-ASCII text DuckDB compares UTF-8 bytes, this compares code points (see the file comment).
 */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  // Jaro's greedy matching depends on which string is scanned: scan the shorter one (and, for equal lengths,
  // the one that sorts first) so the score is the same whichever way round the pair arrives.
  if (a.length > b.length || (a.length === b.length && a > b)) {
    const swap = a;
    a = b;
    b = swap;
  }
  const la = load(a, b);
  const lb = loadedB;
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  leftMatched.fill(0, 0, la);
  rightMatched.fill(0, 0, lb);

  let matches = 0;
  for (let i = 0; i < la; i++) {
    const c = left[i]!;
    const hi = Math.min(lb - 1, i + window);
    for (let j = Math.max(0, i - window); j <= hi; j++) {
      if (rightMatched[j] === 0 && right[j] === c) {
        leftMatched[i] = 1;
        rightMatched[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;

  let outOfOrder = 0;
  for (let i = 0, j = 0; i < la; i++) {
    if (leftMatched[i] === 0) continue;
    while (rightMatched[j] === 0) j++;
    if (left[i] !== right[j]) outOfOrder++;
    j++;
  }
  // Half the out-of-order characters, rounded down, as Winkler's strcmp95 and DuckDB (integer division) count
  // transpositions: "theresa" / "thesrea" has three out of order, one transposition.
  const transpositions = outOfOrder >> 1;
  const jaro = (matches / la + matches / lb + (matches - transpositions) / matches) / 3;
  if (jaro <= 0.7) return jaro;

  let prefix = 0;
  const most = Math.min(4, la, lb);
  while (prefix < most && left[prefix] === right[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * Optimal string alignment distance (Damerau-Levenshtein restricted so no substring is edited twice):
 * insertions, deletions, substitutions and swaps of two adjacent characters each cost 1, so a typed
 * transposition ("1985" / "1958", "jonh" / "john") is one edit rather than two.
 *
 * With `max`, only the band of cells within `max` of the diagonal is computed and the function returns
 * max + 1 for any distance above `max` (stopping as soon as a whole row exceeds it), which is all a
 * threshold comparison needs. Without it the exact distance is returned.
 *
 * This is the restricted distance the Splink levels ask for, not DuckDB's `damerau_levenshtein`, which is the
 * unrestricted one: "ca" / "abc" is 3 here (swap, then insert between the swapped pair is not allowed), 2 there.
 */
export function damerauLevenshtein(a: string, b: string, max?: number): number {
  if (a === b) return 0;
  const la = load(a, b);
  const lb = loadedB;
  const limit = max === undefined ? Math.max(la, lb) : Math.max(0, Math.floor(max));
  const over = limit + 1;
  if (Math.abs(la - lb) > limit) return over;
  if (la === 0) return lb;
  if (lb === 0) return la;
  if (lb + 1 > row0.length) {
    row0 = new Int32Array((lb + 1) * 2);
    row1 = new Int32Array((lb + 1) * 2);
    row2 = new Int32Array((lb + 1) * 2);
  }
  // Three rolling rows: two rows back (for transpositions), the previous row and the current one.
  let before = row0;
  let previous = row1;
  let current = row2;
  for (let j = 0; j <= lb; j++) previous[j] = j <= limit ? j : over;

  for (let i = 1; i <= la; i++) {
    const lo = Math.max(1, i - limit);
    const hi = Math.min(lb, i + limit);
    current[0] = i <= limit ? i : over;
    if (lo > 1) current[lo - 1] = over; // cells left of the band count as "too far"
    const c = left[i - 1]!;
    let rowMin = current[0]!;
    for (let j = lo; j <= hi; j++) {
      const d = right[j - 1]!;
      let best = previous[j - 1]! + (c === d ? 0 : 1);
      const deletion = previous[j]! + 1;
      if (deletion < best) best = deletion;
      const insertion = current[j - 1]! + 1;
      if (insertion < best) best = insertion;
      if (i > 1 && j > 1 && c === right[j - 2] && left[i - 2] === d && c !== d) {
        const swap = before[j - 2]! + 1;
        if (swap < best) best = swap;
      }
      if (best > over) best = over;
      current[j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (hi < lb) current[hi + 1] = over; // the next row reads one cell right of this band
    // Every later cell derives from this row (a swap from the row before it, which is no cheaper), so once
    // the whole row is past the limit the distance is too.
    if (rowMin > limit) return over;
    const spare = before;
    before = previous;
    previous = current;
    current = spare;
  }
  const distance = previous[lb]!;
  return distance > limit ? over : distance;
}

// Token boundaries of the two address keys: start and end offsets, and whether a token repeats an earlier one.
let leftStarts = new Int32Array(16);
let leftEnds = new Int32Array(16);
let rightStarts = new Int32Array(16);
let rightEnds = new Int32Array(16);

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** Splits `s` at whitespace into the offset arrays; returns the token count. */
function tokenize(s: string, starts: Int32Array, ends: Int32Array): number {
  let n = 0;
  let i = 0;
  while (i < s.length) {
    while (i < s.length && isSpace(s.charCodeAt(i))) i++;
    if (i >= s.length) break;
    const start = i;
    while (i < s.length && !isSpace(s.charCodeAt(i))) i++;
    starts[n] = start;
    ends[n] = i;
    n++;
  }
  return n;
}

function sameToken(a: string, aStart: number, aEnd: number, b: string, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let k = 0; k < aEnd - aStart; k++) if (a.charCodeAt(aStart + k) !== b.charCodeAt(bStart + k)) return false;
  return true;
}

/** Whether token t of `s` already appeared earlier in `s`. */
function repeats(s: string, starts: Int32Array, ends: Int32Array, t: number): boolean {
  for (let u = 0; u < t; u++) if (sameToken(s, starts[u]!, ends[u]!, s, starts[t]!, ends[t]!)) return true;
  return false;
}

/**
 * Overlap coefficient of two whitespace-separated token lists (address keys): |A ∩ B| / min(|A|, |B|) over
 * token *sets*, so a repeated token counts once ("12 12 main street" is the set {12, main, street}) and a
 * short address contained in a longer one ("12 main street" in "unit 4 12 main street") scores 1.
 * 0 when either side has no tokens. Tokens compare exactly (the keys are already normalized); the
 * comparison is quadratic in the token count, which for an address line is a handful.
 */
export function tokenOverlap(a: string, b: string): number {
  // A token count can be at most half the length plus one; grow the offset buffers to fit.
  const needA = (a.length >> 1) + 1;
  const needB = (b.length >> 1) + 1;
  if (needA > leftStarts.length) {
    leftStarts = new Int32Array(needA * 2);
    leftEnds = new Int32Array(needA * 2);
  }
  if (needB > rightStarts.length) {
    rightStarts = new Int32Array(needB * 2);
    rightEnds = new Int32Array(needB * 2);
  }
  const na = tokenize(a, leftStarts, leftEnds);
  const nb = tokenize(b, rightStarts, rightEnds);
  if (na === 0 || nb === 0) return 0;

  let distinctA = 0;
  let shared = 0;
  for (let t = 0; t < na; t++) {
    if (repeats(a, leftStarts, leftEnds, t)) continue;
    distinctA++;
    for (let u = 0; u < nb; u++) {
      if (sameToken(a, leftStarts[t]!, leftEnds[t]!, b, rightStarts[u]!, rightEnds[u]!)) {
        shared++;
        break;
      }
    }
  }
  let distinctB = 0;
  for (let u = 0; u < nb; u++) if (!repeats(b, rightStarts, rightEnds, u)) distinctB++;
  return shared / Math.min(distinctA, distinctB);
}

/**
 * The first run of ASCII digits in `s`, as written (leading zeros kept), or null when there is none: the
 * street number of an address key ("12a miller street" → "12"). It is the first number wherever it stands,
 * so "unit 4 12 main street" gives "4"; the same rule on both sides of a pair still compares like with like.
 */
export function firstNumber(s: string): string | null {
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) break;
    i++;
  }
  if (i === s.length) return null;
  let end = i + 1;
  while (end < s.length) {
    const c = s.charCodeAt(end);
    if (c < 48 || c > 57) break;
    end++;
  }
  return s.slice(i, end);
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * damerauLevenshtein(a, b) <= 1 without the table: equal, or one substitution, one insertion or deletion, or one
 * swap of adjacent characters. Comparison levels ask "one digit off" of millions of pairs, nearly all of which
 * differ in many places; this answers from the common prefix and suffix. Astral characters take the full path
 * (the distance counts code points).
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (la - lb > 1 || lb - la > 1) return false;
  if (SURROGATE.test(a) || SURROGATE.test(b)) return damerauLevenshtein(a, b, 1) <= 1;
  let prefix = 0;
  const shorter = Math.min(la, lb);
  while (prefix < shorter && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && a.charCodeAt(la - 1 - suffix) === b.charCodeAt(lb - 1 - suffix)) suffix++;
  if (la !== lb) return prefix + suffix >= shorter; // one insertion or deletion
  const differing = la - prefix - suffix;
  if (differing === 1) return true; // one substitution
  return differing === 2 && a.charCodeAt(prefix) === b.charCodeAt(prefix + 1) && a.charCodeAt(prefix + 1) === b.charCodeAt(prefix);
}
