/**
 * Single key presses from a terminal, for `roster review`: stdin in raw mode, so a key counts without Enter and is
 * not echoed. Raw mode also turns Ctrl-C into a byte instead of a signal; the reader gives it back its meaning by
 * sending SIGINT to this process, so an interrupt ends review as it ends every command (io/interrupt.ts: exit
 * 130). The terminal is put back as it was when the reader closes, and before the process dies of a signal.
 */
import { onInterrupt } from "./interrupt.js";

export interface KeyInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  isRaw?: boolean;
}

export interface KeyReader {
  /** The next key: one character ("y"), or "end" when stdin closed. Keys typed ahead wait their turn. */
  next(): Promise<string>;
  /** Raw mode off, stdin released (the process can exit). */
  close(): void;
}

const CTRL_C = "\u0003";
const CTRL_D = "\u0004";
const ESCAPE = "\u001b";

export function openKeyReader(input: KeyInput, interrupt: () => void = () => process.kill(process.pid, "SIGINT")): KeyReader {
  const wasRaw = input.isRaw === true;
  input.setRawMode?.(true);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    input.setRawMode?.(wasRaw);
  };
  const forget = onInterrupt(restore);
  const queued: string[] = [];
  let waiting: ((key: string) => void) | undefined;
  let ended = false;
  const deliver = (key: string) => {
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(key);
    } else queued.push(key);
  };
  const onData = (chunk: Buffer | string) => {
    const text = String(chunk);
    // An arrow or function key arrives as one escape sequence: it means nothing here, and its letters are not keys.
    if (text.startsWith(ESCAPE)) return;
    for (const key of text) {
      if (key === CTRL_C) {
        // Undone by the interrupt handling (the terminal restored first), which then ends the process by the signal.
        interrupt();
        return;
      }
      deliver(key === CTRL_D ? "end" : key);
    }
  };
  const onEnd = () => {
    ended = true;
    deliver("end");
  };
  input.on("data", onData);
  input.on("end", onEnd);
  input.resume();
  return {
    next() {
      const key = queued.shift();
      if (key !== undefined) return Promise.resolve(key);
      if (ended) return Promise.resolve("end");
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    close() {
      input.off("data", onData);
      input.off("end", onEnd);
      input.pause();
      restore();
      forget();
    },
  };
}
