/**
 * Live progress text for reading an input: rows, rows/s and, when the size is known, percent and ETA. Shared by
 * import and the file modes of normalize and validate, so each reads a big file with the same counter.
 */
import { count, number } from "./count.js";
import type { Progress } from "./terminal.js";

/** Updates at most 5 times a second (a terminal redraw per chunk would cost more than the chunk). */
export function progressMeter(name: string, size: number | undefined, update: Progress["update"]) {
  const started = performance.now();
  let last = 0;
  return (bytes: number, rows: number) => {
    const now = performance.now();
    if (now - last < 200) return;
    last = now;
    const seconds = (now - started) / 1000;
    const rate = Math.round(rows / Math.max(seconds, 0.001));
    let text = `${name}: ${count(rows, "row")}, ${number(rate)} rows/s`;
    if (size && bytes > 0) {
      const eta = (seconds * (size - bytes)) / bytes;
      text += `, ${Math.floor((bytes / size) * 100)}%, ETA ${Math.ceil(eta)} s`;
    }
    update(text);
  };
}
