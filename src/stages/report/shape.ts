/**
 * The shape of a value, for the consistency of formats: digits become 9, Latin capitals A, other letters a,
 * Chinese characters 汉, everything else (spaces, punctuation, @, +) is kept. `+86 138-0013-8000` and
 * `+86 139-1234-5678` share the shape `+99 999-9999-9999`; `(415) 555-0101` has another one.
 * The store report shapes every raw value of a million records in one pass, so ASCII (most values) takes a
 * fast path.
 */

function isHan(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) || // CJK Unified Ideographs
    (code >= 0x3400 && code <= 0x4dbf) || // Extension A
    (code >= 0x20000 && code <= 0x2ebef) || // Extensions B to F
    (code >= 0xf900 && code <= 0xfaff) // Compatibility Ideographs
  );
}

const NOT_ASCII = /[^\x00-\x7f]/;
const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/** Code point by code point, for a value with characters beyond ASCII (Chinese names and addresses, accents). */
function unicodeShape(text: string): string {
  let shape = "";
  for (const char of text) {
    const point = char.codePointAt(0) as number;
    shape += point < 128 ? asciiShape(char) : String.fromCodePoint(unicodeShapeCode(char, point));
  }
  return shape;
}

/** Each ASCII character's shape, looked up rather than tested (measured: 4x faster than three regex replaces). */
const ASCII_SHAPES: readonly string[] = Array.from({ length: 128 }, (_, code) =>
  code >= 48 && code <= 57 ? "9" : code >= 65 && code <= 90 ? "A" : code >= 97 && code <= 122 ? "a" : String.fromCharCode(code),
);

function asciiShape(text: string): string {
  let shape = "";
  for (let i = 0; i < text.length; i++) shape += ASCII_SHAPES[text.charCodeAt(i)];
  return shape;
}

export function valueShape(text: string): string {
  return NOT_ASCII.test(text) ? unicodeShape(text) : asciiShape(text);
}

/** Each ASCII character's shape as a character code (the same classes as ASCII_SHAPES). */
const ASCII_SHAPE_CODES: Int32Array = Int32Array.from(ASCII_SHAPES, (shape) => shape.charCodeAt(0));
const HAN_CODE = "汉".charCodeAt(0);

/** The code point a non-ASCII character takes in a shape (unicodeShape's classes). */
function unicodeShapeCode(char: string, point: number): number {
  if (isHan(point)) return HAN_CODE;
  if (DIGIT.test(char)) return 57; // 9
  if (LETTER.test(char)) return char === char.toLowerCase() ? 97 : 65; // a : A
  return point;
}

/**
 * A number that stands for the value's shape, made without building the shape: two 32-bit multiplicative
 * hashes of the shape's code points, as one integer of 53 bits. Values of one shape always get one key; two
 * shapes could only share one by a collision of both hashes (for the thousands of shapes a store has, a chance
 * near 1e-8). The report counts shapes by key and builds each shape's text once, from the first value of its key:
 * a million records' raw values took 4x less time than shaping every one (BENCHMARKS.md "report").
 */
export function shapeKey(text: string): number {
  let low = 0x811c9dc5 | 0;
  let high = 0x3c6ef372 | 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 128) {
      const point = text.codePointAt(i) as number;
      const char = String.fromCodePoint(point);
      if (point > 0xffff) i++; // the second half of a surrogate pair
      code = unicodeShapeCode(char, point);
    } else code = ASCII_SHAPE_CODES[code] as number;
    low = Math.imul(low ^ code, 0x01000193);
    high = Math.imul(high ^ code, 0x5bd1e995);
  }
  return (low >>> 0) * 0x200000 + ((high >>> 11) & 0x1fffff);
}
