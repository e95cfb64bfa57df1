/**
 * The interactive review session as a state machine: a key in, the next state and what to do (store a
 * decision, take one back) out. The command applies the effects to the store and draws the screen; keeping the
 * rules here lets them be tested key by key, with no terminal.
 *
 * y and n decide the pair on screen and move on; s skips it; u takes back the last y or n of this session (the
 * decision is removed and that pair comes back on screen; pairs skipped after it come round again); q quits. After
 * the last pair the session waits for u or q, so the last decision can still be taken back.
 */
import type { Decision } from "./types.js";

export interface SessionState {
  /** Pairs in the session. */
  readonly total: number;
  /** The pair on screen; `total` once past the last one. */
  readonly index: number;
  /** The decisions of this session that still stand, in the order made (the undo stack). */
  readonly decided: readonly { index: number; decision: Decision }[];
  /** Pairs skipped and not shown again since. */
  readonly skipped: readonly number[];
  readonly quit: boolean;
}

export type SessionEffect =
  | { kind: "decide"; index: number; decision: Decision }
  | { kind: "undo"; index: number; decision: Decision }
  | { kind: "skip"; index: number }
  | { kind: "nothing_to_undo" }
  | { kind: "quit" }
  /** A key that means nothing here (another letter; y, n or s after the last pair). */
  | { kind: "ignored"; key: string };

export function startSession(total: number): SessionState {
  return { total, index: 0, decided: [], skipped: [], quit: total === 0 };
}

export const sessionOver = (state: SessionState) => state.quit;

/** Whether every pair has had its turn (the session then waits for u or q). */
export const pastLastPair = (state: SessionState) => state.index >= state.total;

export function pressKey(state: SessionState, key: string): { state: SessionState; effect: SessionEffect } {
  if (state.quit) return { state, effect: { kind: "ignored", key } };
  const lower = key.toLowerCase();
  if (lower === "q") return { state: { ...state, quit: true }, effect: { kind: "quit" } };
  if (lower === "u") {
    const last = state.decided.at(-1);
    if (!last) return { state, effect: { kind: "nothing_to_undo" } };
    return {
      state: {
        ...state,
        index: last.index,
        decided: state.decided.slice(0, -1),
        skipped: state.skipped.filter((index) => index < last.index),
      },
      effect: { kind: "undo", index: last.index, decision: last.decision },
    };
  }
  if (pastLastPair(state) || (lower !== "y" && lower !== "n" && lower !== "s")) return { state, effect: { kind: "ignored", key } };
  const index = state.index;
  if (lower === "s") return { state: { ...state, index: index + 1, skipped: [...state.skipped, index] }, effect: { kind: "skip", index } };
  const decision: Decision = lower === "y" ? "same" : "different";
  return {
    state: { ...state, index: index + 1, decided: [...state.decided, { index, decision }] },
    effect: { kind: "decide", index, decision },
  };
}

export function sessionCounts(state: SessionState): { same: number; different: number; skipped: number } {
  const same = state.decided.filter((entry) => entry.decision === "same").length;
  return { same, different: state.decided.length - same, skipped: state.skipped.length };
}
