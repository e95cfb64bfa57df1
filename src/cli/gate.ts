/** Turning a command's returned gate outcome into exit 1 (DESIGN.md §2), after its result has been printed. */
import { QualityGateError } from "../errors.js";
import type { GateOutcome } from "../model/gate.js";

export function failOnGate(gate: GateOutcome): void {
  if (gate.failed) throw new QualityGateError(gate.reason ?? "a quality gate failed");
}
