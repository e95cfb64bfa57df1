/** The interactive review's rules, key by key: what each key does to the session and what it asks the store to do. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  pastLastPair,
  pressKey,
  type SessionEffect,
  type SessionState,
  sessionCounts,
  startSession,
} from "../../src/stages/review/session.js";

function press(keys: string, total: number): { state: SessionState; effects: SessionEffect[] } {
  let state = startSession(total);
  const effects: SessionEffect[] = [];
  for (const key of keys) {
    const step = pressKey(state, key);
    state = step.state;
    effects.push(step.effect);
  }
  return { state, effects };
}

describe("the review session", () => {
  it("y, n, s, u then y, q: the undo takes back the n, its pair comes back, the skipped one after it too", () => {
    const { state, effects } = press("ynsuyq", 4);
    expect(effects).toEqual([
      { kind: "decide", index: 0, decision: "same" },
      { kind: "decide", index: 1, decision: "different" },
      { kind: "skip", index: 2 },
      { kind: "undo", index: 1, decision: "different" },
      { kind: "decide", index: 1, decision: "same" },
      { kind: "quit" },
    ]);
    expect(state).toMatchObject({ index: 2, quit: true, skipped: [] });
    expect(sessionCounts(state)).toEqual({ same: 2, different: 0, skipped: 0 });
  });

  it("keys in either case; other keys and a u with nothing to undo change nothing", () => {
    const { state, effects } = press("uxY\rN", 3);
    expect(effects.map((effect) => effect.kind)).toEqual(["nothing_to_undo", "ignored", "decide", "ignored", "decide"]);
    expect(sessionCounts(state)).toEqual({ same: 1, different: 1, skipped: 0 });
  });

  it("after the last pair it waits: y, n and s mean nothing, u still takes the last decision back, q quits", () => {
    const { state, effects } = press("ysyn", 3);
    expect(pastLastPair(state)).toBe(true);
    expect(state.quit).toBe(false);
    expect(effects.at(-1)).toEqual({ kind: "ignored", key: "n" });
    const undone = pressKey(state, "u");
    expect(undone.effect).toEqual({ kind: "undo", index: 2, decision: "same" });
    expect(undone.state.index).toBe(2);
    expect(pressKey(undone.state, "q").state.quit).toBe(true);
  });

  it("an empty session is over before it starts", () => {
    expect(startSession(0).quit).toBe(true);
    expect(pressKey(startSession(0), "y").effect).toEqual({ kind: "ignored", key: "y" });
  });

  it("whatever is typed, the decisions standing are the decides not undone, and the pair on screen is in range", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.constantFrom("y", "n", "s", "u", "x"), { maxLength: 40 }), (total, keys) => {
        let state = startSession(total);
        // What the store would hold: pair index → decision, applied from the effects alone.
        const store = new Map<number, string>();
        for (const key of keys) {
          const { state: next, effect } = pressKey(state, key);
          if (effect.kind === "decide") {
            expect(store.has(effect.index)).toBe(false); // a pair is decided again only after its undo
            store.set(effect.index, effect.decision);
          }
          if (effect.kind === "undo") {
            expect(store.get(effect.index)).toBe(effect.decision);
            store.delete(effect.index);
          }
          state = next;
          expect(state.index).toBeGreaterThanOrEqual(0);
          expect(state.index).toBeLessThanOrEqual(total);
        }
        expect(new Map(state.decided.map((entry) => [entry.index, entry.decision]))).toEqual(store);
        const counts = sessionCounts(state);
        expect(counts.same + counts.different).toBe(store.size);
        // A pair is never both decided and skipped, and everything before the pair on screen was one or the other.
        for (const index of state.skipped) expect(store.has(index)).toBe(false);
        for (let index = 0; index < state.index; index++) expect(store.has(index) || state.skipped.includes(index)).toBe(true);
      }),
    );
  });
});
