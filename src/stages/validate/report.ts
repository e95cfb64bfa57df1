/**
 * The validation report: findings grouped by rule and field, with counts, shares of records and examples,
 * and the quality gates evaluated on it. Plain data, built incrementally so a million records never sit in
 * memory; the renderers (render.ts) only format it.
 */
import { count, number } from "../../io/count.js";
import type { LocatedFinding, Severity } from "../../model/finding.js";

export interface RuleSummary {
  rule: string;
  field: string;
  severity: Severity;
  /** Records with at least one finding of this rule and field. */
  records: number;
  examples: LocatedFinding[];
}

export type FailOn = "error" | "warning" | "never";

/** `--max-invalid 5%` (any rule) or `--max-invalid email.syntax=2%`; `warn` thresholds only print. */
export interface Threshold {
  rule: string | undefined;
  percent: number;
  level: "error" | "warning";
  text: string;
}

export interface GateResult {
  gate: string;
  passed: boolean;
  level: "error" | "warning";
  detail: string;
}

export interface ValidationReport {
  records: number;
  /** Records with at least one finding of each severity. */
  invalid: Record<Severity, number>;
  findings: number;
  rules: RuleSummary[];
  gates: GateResult[];
  passed: boolean;
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };
const EXAMPLES = 5;

export class ReportBuilder {
  private records = 0;
  private findings = 0;
  private readonly invalid: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  private readonly rules = new Map<string, RuleSummary>();
  /** Records breaking each rule, whatever the field (`required` on email and on phone is one share). */
  private readonly recordsByRule = new Map<string, number>();

  /** One record's findings (possibly none). */
  add(findings: readonly LocatedFinding[]): void {
    this.records++;
    this.findings += findings.length;
    const severities = new Set(findings.map((f) => f.severity));
    for (const severity of severities) this.invalid[severity]++;
    const counted = new Set<string>();
    for (const rule of new Set(findings.map((f) => f.rule))) this.recordsByRule.set(rule, (this.recordsByRule.get(rule) ?? 0) + 1);
    for (const finding of findings) {
      const key = `${finding.rule}\u0000${finding.field}`;
      let summary = this.rules.get(key);
      if (!summary) {
        summary = { rule: finding.rule, field: finding.field, severity: finding.severity, records: 0, examples: [] };
        this.rules.set(key, summary);
      }
      if (!counted.has(key)) {
        summary.records++;
        counted.add(key);
      }
      if (summary.examples.length < EXAMPLES) summary.examples.push(finding);
    }
  }

  build(failOn: FailOn, thresholds: readonly Threshold[]): ValidationReport {
    const rules = [...this.rules.values()].sort(
      (a, b) => RANK[b.severity] - RANK[a.severity] || b.records - a.records || a.rule.localeCompare(b.rule),
    );
    const gates: GateResult[] = [];
    if (failOn !== "never") {
      const failing = rules.filter((r) => RANK[r.severity] >= RANK[failOn]).reduce((sum, r) => sum + r.records, 0);
      gates.push({
        gate: `--fail-on ${failOn}`,
        level: "error",
        passed: failing === 0,
        detail:
          failing === 0
            ? `no ${failOn === "error" ? "errors" : "errors or warnings"}`
            : `${count(failing, "finding")} of severity ${failOn}${failOn === "warning" ? " or error" : ""}`,
      });
    }
    for (const threshold of thresholds) {
      const hit = threshold.rule === undefined ? this.invalid.error : (this.recordsByRule.get(threshold.rule) ?? 0);
      const percent = this.records === 0 ? 0 : (hit / this.records) * 100;
      gates.push({
        gate: threshold.text,
        level: threshold.level,
        passed: percent <= threshold.percent,
        detail: `${percent.toFixed(2)}% of ${count(this.records, "record")} (${number(hit)}) against ${threshold.percent}%`,
      });
    }
    return {
      records: this.records,
      invalid: { ...this.invalid },
      findings: this.findings,
      rules,
      gates,
      passed: gates.every((g) => g.passed || g.level === "warning"),
    };
  }
}

export function percentOf(part: number, whole: number): string {
  return whole === 0 ? "0%" : `${((part / whole) * 100).toFixed(part * 1000 < whole ? 2 : 1)}%`;
}
