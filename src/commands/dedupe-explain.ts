/**
 * `roster dedupe --explain A B` and `--show-model`: read the stored model and explain it. The explanation is the
 * Fellegi-Sunter waterfall of one pair: the prior, then per comparison the level the two records reach, its m,
 * u and weight, the term-frequency adjustment, the running total, and the probability. It also says which
 * blocking rule pairs the two, or, when none does, why not: the features each rule needs and how the records
 * differ on them.
 */
import { UsageError } from "../errors.js";
import { ruleFor } from "../stages/dedupe/blocking.js";
import { type RecordTable, RecordTableBuilder } from "../stages/dedupe/features.js";
import { compileAll, missingFeatures } from "../stages/dedupe/index.js";
import { type DedupeModel, PairScorer, priorWeight, probabilityOf } from "../stages/dedupe/model.js";
import { type BlockingRule, isSortedRule, ruleFeatures } from "../stages/dedupe/spec.js";
import { decisionOn, type StoredDecision } from "../store/decisions.js";
import { dedupeStoreRecords, findRecordId, latestModel, storedPair } from "../store/dedupe.js";
import { openStore } from "../store/open.js";
import type { DedupeOptions } from "./dedupe.js";

export interface WaterfallStep {
  comparison: string;
  /** The two records' values of the comparison's feature (null: missing). */
  values: [string | null, string | null];
  level: number;
  label: string;
  m: number | null;
  u: number | null;
  weight: number;
  tfAdjustment: number;
  cumulative: number;
}

export interface Explanation {
  records: [number, number];
  prior: number;
  priorWeight: number;
  steps: WaterfallStep[];
  weight: number;
  probability: number;
  /** The rule that pairs them (stored with the pair, else the first equality rule whose keys agree). */
  blockingRule: string | undefined;
  /** When no rule pairs them: per rule, what differs. */
  whyNot: { rule: string; differs: string[] }[];
  /** The stored pair's decision, when the last run stored it. */
  decision: string | undefined;
  /** A person's decision on the two records (review, unmerge), which dedupe follows whatever the model says. */
  personDecision: StoredDecision | undefined;
  modelId: number;
}

function storedModel(options: DedupeOptions) {
  const { db } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  const stored = latestModel(db);
  if (!stored) {
    db.close();
    throw new UsageError("the store has no dedupe model yet", "run roster dedupe first");
  }
  return { db, stored };
}

export function runShowModel(options: DedupeOptions): { modelId: number; trainedAt: string; model: DedupeModel } {
  const { db, stored } = storedModel(options);
  db.close();
  return { modelId: stored.id, trainedAt: stored.trainedAt, model: stored.model };
}

export function runExplain(options: DedupeOptions, references: [string, string]): Explanation {
  const { db, stored } = storedModel(options);
  try {
    const ids = references.map((reference) => {
      const id = findRecordId(db, reference);
      if (id === undefined) {
        throw new UsageError(
          `--explain: no current record ${JSON.stringify(reference)}`,
          'give a record id or source:source_id (sqlite3 STORE "SELECT id, source, source_id FROM current_records" lists them)',
        );
      }
      return id;
    }) as [number, number];
    if (ids[0] === ids[1]) throw new UsageError("--explain: give two different records");
    const builder = new RecordTableBuilder(options.attributeColumns);
    const order = ids[0] < ids[1] ? ids : ([ids[1], ids[0]] as [number, number]);
    for (const record of dedupeStoreRecords(db, order)) builder.add(record.id, record);
    const table = builder.build();
    if (missingFeatures(stored.model.specs, table).length > 0) {
      throw new UsageError("the stored dedupe model was made by another version of roster", "run roster dedupe --retrain first");
    }
    const pair = storedPair(db, order[0], order[1]);
    return {
      ...explainPair(table, stored.model, stored.id, options.settings.blockingRules, pair),
      personDecision: decisionOn(db, order[0], order[1]),
    };
  } finally {
    db.close();
  }
}

/** The waterfall for rows 0 and 1 of a two-record table. */
export function explainPair(
  table: RecordTable,
  model: DedupeModel,
  modelId: number,
  rules: readonly BlockingRule[],
  pair: { blockingRule: string; decision: string } | undefined,
): Omit<Explanation, "personDecision"> {
  const comparisons = compileAll(model.specs, table);
  const scorer = new PairScorer(model, comparisons);
  const base = priorWeight(model.prior);
  let cumulative = base;
  const steps = comparisons.map((comparison, c): WaterfallStep => {
    const level = comparison.level(0, 1);
    const levelModel = model.comparisons[c]?.levels[level];
    const tf = scorer.adjustment(c, level, 0);
    const weight = levelModel?.weight ?? 0;
    cumulative += weight + tf;
    const column = table.column(comparison.spec.feature);
    const value = (row: number) => ((column.ids[row] as number) < 0 ? null : (column.values[column.ids[row] as number] as string));
    return {
      comparison: comparison.spec.name,
      values: [value(0), value(1)],
      level,
      label: levelModel?.label ?? String(level),
      m: level === 0 ? null : (levelModel?.m ?? null),
      u: level === 0 ? null : (levelModel?.u ?? null),
      weight,
      tfAdjustment: tf,
      cumulative,
    };
  });
  const blockingRule = pair?.blockingRule ?? ruleFor(table, rules, 0, 1);
  return {
    records: [table.recordIds[0] as number, table.recordIds[1] as number],
    prior: model.prior,
    priorWeight: base,
    steps,
    weight: cumulative,
    probability: probabilityOf(cumulative),
    blockingRule,
    whyNot: blockingRule ? [] : whyNot(table, rules),
    decision: pair?.decision,
    modelId,
  };
}

/** For each equality rule, the features the two records do not share (missing on one side, or different). */
function whyNot(table: RecordTable, rules: readonly BlockingRule[]): { rule: string; differs: string[] }[] {
  return rules
    .filter((rule) => !isSortedRule(rule))
    .map((rule) => ({
      rule: rule.name,
      differs: ruleFeatures(rule).flatMap((feature) => {
        const column = table.column(feature);
        const [a, b] = [column.ids[0] as number, column.ids[1] as number];
        if (a >= 0 && a === b) return [];
        const show = (id: number) => (id < 0 ? "missing" : JSON.stringify(column.values[id]));
        return [`${feature} ${show(a)} vs ${show(b)}`];
      }),
    }));
}
