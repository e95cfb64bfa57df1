/**
 * The report's quality gates: `--fail-under METRIC=N`, `--fail-over METRIC=N` and roster.yml's `report.checks`,
 * tested against the flat metrics (assemble.ts). Pure: gate specs and metrics in, outcomes out; the command
 * turns a failed error gate into exit 1 and an unknown metric name into exit 2 (thrown by the parsers here).
 */
import { distance } from "fastest-levenshtein";
import { UsageError } from "../../errors.js";
import { METRIC_NAMES } from "./assemble.js";

export interface ReportGate {
  metric: string;
  /** under: fails when the metric is below the limit; over: when above. */
  direction: "under" | "over";
  limit: number;
  level: "error" | "warning";
  /** Where it came from, for the message: `--fail-under completeness.email=95`, `report.checks[0]`. */
  text: string;
}

export interface GateResult extends ReportGate {
  /** The metric's value; null when the report has none (validity of a field nobody fills, duplicates before dedupe). */
  value: number | null;
  passed: boolean;
}

/** Up to five known names (metrics by default) close to a mistyped one (edit distance, or a shared prefix), closest first. */
export function closeNames(name: string, known: readonly string[] = METRIC_NAMES): string[] {
  const lower = name.toLowerCase();
  return known
    .map((candidate) => ({ candidate, d: distance(lower, candidate) }))
    .filter(({ candidate, d }) => d <= Math.max(3, Math.floor(lower.length / 3)) || candidate.startsWith(lower.split(".")[0] ?? lower))
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))
    .slice(0, 5)
    .map(({ candidate }) => candidate);
}

export function checkMetricName(metric: string, where: string): void {
  if (METRIC_NAMES.includes(metric)) return;
  const close = closeNames(metric);
  throw new UsageError(
    `${where}: unknown metric ${JSON.stringify(metric)}`,
    close.length > 0
      ? `did you mean: ${close.join(", ")}?`
      : "metrics: records, completeness.FIELD, validity.FIELD, uniqueness.FIELD, consistency.FIELD, duplicates.rate, duplicates.records_per_customer, review.backlog, customers, freshness.median_age_days",
  );
}

/** `completeness.email=95` (a trailing % allowed) for --fail-under / --fail-over. */
export function parseGateFlag(value: string, direction: "under" | "over"): ReportGate {
  const flag = `--fail-${direction}`;
  const match = /^\s*([\w.]+)\s*=\s*(-?\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
  if (!match) throw new UsageError(`${flag} takes METRIC=NUMBER (e.g. completeness.email=95), not ${JSON.stringify(value)}`);
  const metric = match[1] as string;
  checkMetricName(metric, `${flag} ${value.trim()}`);
  return { metric, direction, limit: Number(match[2]), level: "error", text: `${flag} ${metric}=${match[2]}` };
}

export function evaluateGates(gates: readonly ReportGate[], metrics: Readonly<Record<string, number>>): GateResult[] {
  return gates.map((gate) => {
    const value = metrics[gate.metric] ?? null;
    // A gate on a metric without a value fails: a CI check that cannot be made must not pass in silence.
    const passed = value !== null && (gate.direction === "under" ? value >= gate.limit : value <= gate.limit);
    return { ...gate, value, passed };
  });
}

/** "completeness.email is 91.7, under 95 (--fail-under completeness.email=95)". */
export function describeGate(result: GateResult): string {
  if (result.value === null) return `${result.metric} has no value in this report (${result.text})`;
  const shown = Number.isInteger(result.value) ? String(result.value) : result.value.toFixed(2);
  const relation = result.passed ? (result.direction === "under" ? "not under" : "not over") : result.direction;
  return `${result.metric} is ${shown}, ${relation} ${result.limit} (${result.text})`;
}
