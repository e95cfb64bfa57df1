/**
 * io/interrupt.ts listens for signals only while something is registered to undo: otherwise a signal keeps its
 * default action and stops even synchronous work at once.
 */
import { describe, expect, it } from "vitest";
import { onInterrupt, trackPartial, untrackPartial } from "../../src/io/interrupt.js";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const listening = () => SIGNALS.map((signal) => process.listenerCount(signal));

describe("onInterrupt", () => {
  it("listens while an undo is registered, and not after the last one is done", () => {
    const before = listening();
    const first = onInterrupt(() => {});
    const second = onInterrupt(() => {});
    expect(listening()).toEqual(before.map((n) => n + 1)); // one listener per signal, however many undos
    first();
    expect(listening()).toEqual(before.map((n) => n + 1));
    second();
    second(); // done twice: harmless
    expect(listening()).toEqual(before);
  });

  it("temporary files are undos like any other", () => {
    const before = listening();
    trackPartial("/tmp/roster-test-never-written.partial-1");
    expect(listening()).toEqual(before.map((n) => n + 1));
    untrackPartial("/tmp/roster-test-never-written.partial-1");
    expect(listening()).toEqual(before);
  });
});
