/**
 * A quality gate's outcome, returned by a command (never thrown from inside it), so a `run` command can
 * compose several; the CLI adapter turns a failed gate into exit 1 (src/cli/gate.ts).
 */
export interface GateOutcome {
  failed: boolean;
  /** What failed, for the message (undefined when nothing did). */
  reason: string | undefined;
}

export const GATE_PASSED: GateOutcome = Object.freeze({ failed: false, reason: undefined });

export function gateFailed(reason: string): GateOutcome {
  return { failed: true, reason };
}
