/** What `roster dedupe --show-model` and `--explain` print: terminal tables on stdout, and their --json forms. */
import stringWidth from "string-width";
import type { Explanation } from "../../commands/dedupe-explain.js";
import { count } from "../../io/count.js";
import type { Terminal } from "../../io/terminal.js";
import type { DedupeModel } from "../../stages/dedupe/model.js";

const fixed = (value: number | null, digits = 2) => (value === null ? "" : value.toFixed(digits));
const probabilityText = (value: number | null) => (value === null ? "" : value < 0.001 ? value.toExponential(2) : value.toFixed(4));

export function printModel(terminal: Terminal, model: DedupeModel, id: number, trainedAt: string): void {
  const c = terminal.stdoutColor;
  terminal.out(
    `model ${id}, trained ${trainedAt} on ${count(model.records, "record")}; prior ${model.prior.toExponential(3)} (weight ${fixed(Math.log2(model.prior / (1 - model.prior)))})`,
  );
  const width = Math.max(10, ...model.comparisons.flatMap((comparison) => comparison.levels.map((level) => level.label.length)));
  for (const comparison of model.comparisons) {
    terminal.out(c.bold(comparison.name));
    for (const level of comparison.levels.slice(1)) {
      const weight = level.weight >= 0 ? c.green(fixed(level.weight).padStart(7)) : c.red(fixed(level.weight).padStart(7));
      terminal.out(
        `  ${level.label.padEnd(width)}  m ${probabilityText(level.m).padStart(9)}  u ${probabilityText(level.u).padStart(9)}  weight ${weight}${level.tf ? c.dim(`  tf on ${level.tf}`) : ""}`,
      );
    }
  }
}

export function modelJson(model: DedupeModel) {
  return {
    prior: model.prior,
    records: model.records,
    comparisons: model.comparisons.map((comparison) => ({
      name: comparison.name,
      levels: comparison.levels.slice(1).map((level, index) => ({
        level: index + 1,
        label: level.label,
        m: level.m,
        u: level.u,
        weight: level.weight,
        tf: level.tf ?? null,
      })),
    })),
  };
}

export function printExplanation(terminal: Terminal, explanation: Explanation): void {
  const c = terminal.stdoutColor;
  const [a, b] = explanation.records;
  terminal.out(c.bold(`records ${a} and ${b}`) + c.dim(` (model ${explanation.modelId})`));
  const rows: string[][] = [["step", "record " + a, "record " + b, "level", "m", "u", "weight", "tf adj.", "total"]];
  rows.push(["prior", "", "", "", "", "", fixed(explanation.priorWeight), "", fixed(explanation.priorWeight)]);
  for (const step of explanation.steps) {
    rows.push([
      step.comparison,
      step.values[0] ?? "—",
      step.values[1] ?? "—",
      step.label,
      probabilityText(step.m),
      probabilityText(step.u),
      fixed(step.weight),
      step.tfAdjustment === 0 ? "" : fixed(step.tfAdjustment),
      fixed(step.cumulative),
    ]);
  }
  const cells = rows.map((row) => row.map((cell) => clip(cell, 28)));
  const widths = (cells[0] as string[]).map((_, column) => Math.max(...cells.map((row) => stringWidth(row[column] as string))));
  cells.forEach((row, index) => {
    const line = row.map((cell, column) => pad(cell, widths[column] as number, column >= 4)).join("  ");
    terminal.out(index === 0 ? c.bold(line) : line);
  });
  terminal.out(
    `match weight ${fixed(explanation.weight)} → match probability ${c.bold(explanation.probability.toFixed(6))}${explanation.decision ? ` (stored as ${explanation.decision})` : ""}`,
  );
  const person = explanation.personDecision;
  if (person) {
    const said = person.decision === "same" ? "the same person" : "different people";
    terminal.out(c.bold(`a person decided: ${said} (${person.origin}, ${person.decidedBy}, ${person.decidedAt}); dedupe follows that`));
  }
  if (explanation.blockingRule) terminal.out(`found by blocking rule: ${explanation.blockingRule}`);
  else {
    terminal.out(c.yellow("no blocking rule pairs these records, so dedupe never scores them. Why not:"));
    for (const rule of explanation.whyNot) terminal.out(`  ${rule.rule}: ${rule.differs.join("; ")}`);
  }
}

/** Cut to at most `columns` terminal columns (Chinese characters take two). */
function clip(text: string, columns: number): string {
  if (stringWidth(text) <= columns) return text;
  let out = "";
  for (const character of text) {
    if (stringWidth(`${out}${character}…`) > columns) break;
    out += character;
  }
  return `${out}…`;
}

/** Padded to `columns` terminal columns, on the left for numbers. */
function pad(text: string, columns: number, left: boolean): string {
  const fill = " ".repeat(Math.max(0, columns - stringWidth(text)));
  return left ? fill + text : text + fill;
}

export function explanationJson(explanation: Explanation) {
  return {
    records: explanation.records,
    model_id: explanation.modelId,
    prior: explanation.prior,
    prior_weight: explanation.priorWeight,
    steps: explanation.steps.map((step) => ({
      comparison: step.comparison,
      values: step.values,
      level: step.level,
      label: step.label,
      m: step.m,
      u: step.u,
      weight: step.weight,
      tf_adjustment: step.tfAdjustment,
      cumulative: step.cumulative,
    })),
    match_weight: explanation.weight,
    match_probability: explanation.probability,
    blocking_rule: explanation.blockingRule ?? null,
    why_not: explanation.whyNot,
    decision: explanation.decision ?? null,
    person_decision: explanation.personDecision
      ? {
          decision: explanation.personDecision.decision,
          decided_by: explanation.personDecision.decidedBy,
          decided_at: explanation.personDecision.decidedAt,
          origin: explanation.personDecision.origin,
        }
      : null,
  };
}
