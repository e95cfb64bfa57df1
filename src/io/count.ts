/**
 * Counts in human output: "1 row", "0 rows", "1,234 rows". Thousands separated the en-US way whatever the
 * locale, so that logs and tests read alike everywhere. Pure text (renderers in stages use it too).
 */

/** 1234 → "1,234". */
export function number(n: number): string {
  return n.toLocaleString("en-US");
}

/** count(1, "row") → "1 row", count(1234, "row") → "1,234 rows"; irregular plurals given: count(2, "batch", "batches"). */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${number(n)} ${n === 1 ? noun : plural}`;
}
