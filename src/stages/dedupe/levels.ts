/**
 * Running comparisons: each level kind of spec.ts compiled, once per run, into a test on two records of the
 * table (registry by kind, as DESIGN §5 asks: a new kind is one entry here and one in the spec's union). A
 * comparison's level for a pair is the first level whose test holds, after the null check, else "else".
 */
import type { FeatureColumn, RecordTable } from "./features.js";
import { areNicknames } from "./nicknames.js";
import { damerauLevenshtein, jaroWinkler, tokenOverlap, withinOneEdit } from "./similarity.js";
import type { ComparisonSpec, FeatureName, LevelKind, LevelSpec } from "./spec.js";

/** Is this level true for records i and j (both known to have the comparison's value)? */
export type LevelTest = (i: number, j: number) => boolean;

interface LevelContext {
  table: RecordTable;
  /** The comparison's own feature. */
  column: FeatureColumn;
  /** The level's feature (its override, else the comparison's). */
  own: FeatureColumn;
  /** Similarity of the last pair asked, per feature: a comparison's three Jaro-Winkler levels compute it once. */
  similarity: (column: FeatureColumn, i: number, j: number) => number;
}

type LevelFactory<K extends LevelKind> = (level: Extract<LevelSpec, { kind: K }>, context: LevelContext) => LevelTest;

const value = (column: FeatureColumn, row: number): string | null => {
  const id = column.ids[row] as number;
  return id < 0 ? null : (column.values[id] as string);
};

/** Both records have a value of this column: a level on a missing sub-feature (no street number) is false. */
const both = (column: FeatureColumn, i: number, j: number) => (column.ids[i] as number) >= 0 && (column.ids[j] as number) >= 0;

const epochDays = new WeakMap<FeatureColumn, Float64Array>();
/** A date value's day number, computed once per distinct value. */
function dayOf(column: FeatureColumn, row: number): number {
  let days = epochDays.get(column);
  if (!days) {
    days = new Float64Array(column.values.length).fill(Number.NaN);
    epochDays.set(column, days);
  }
  const id = column.ids[row] as number;
  if (Number.isNaN(days[id])) days[id] = Date.parse(`${column.values[id]}T00:00:00Z`) / 86_400_000;
  return days[id] as number;
}

const FACTORIES: { [K in LevelKind]: LevelFactory<K> } = {
  exact:
    (_level, { own }) =>
    (i, j) =>
      (own.ids[i] as number) >= 0 && own.ids[i] === own.ids[j],
  jaro_winkler:
    (level, { own, similarity }) =>
    (i, j) =>
      both(own, i, j) && similarity(own, i, j) >= level.threshold,
  damerau: (level, { own }) =>
    level.max === 1
      ? (i, j) => both(own, i, j) && withinOneEdit(value(own, i) as string, value(own, j) as string)
      : (i, j) => both(own, i, j) && damerauLevenshtein(value(own, i) as string, value(own, j) as string, level.max) <= level.max,
  nickname:
    (_level, { column }) =>
    (i, j) =>
      areNicknames(value(column, i) as string, value(column, j) as string),
  initial:
    (_level, { column }) =>
    (i, j) => {
      const a = value(column, i) as string;
      const b = value(column, j) as string;
      return (a.length === 1 || b.length === 1) && a[0] === b[0];
    },
  swapped: (level, { table, column }) => {
    const other = table.column(level.with);
    // Chinese names compare as pinyin, where 李伟 (li / wei) and 魏丽 (wei / li) look swapped: two names
    // written in characters are swapped only if they are the same characters (伟张 / 张伟).
    const han = table.column("name_han");
    const sameCharacters = (i: number, j: number) => {
      const x = value(han, i);
      const y = value(han, j);
      return x === null || y === null || [...x].sort().join("") === [...y].sort().join("");
    };
    return (i, j) => {
      const a = value(column, i);
      const b = value(column, j);
      if (a === null || b === null || a !== value(other, j) || b !== value(other, i)) return false;
      return sameCharacters(i, j);
    };
  },
  day_month_swapped:
    (_level, { column }) =>
    (i, j) => {
      const a = value(column, i) as string;
      const b = value(column, j) as string;
      return a.slice(0, 4) === b.slice(0, 4) && a.slice(5, 7) === b.slice(8, 10) && a.slice(8, 10) === b.slice(5, 7);
    },
  within_days:
    (level, { column }) =>
    (i, j) =>
      Math.abs(dayOf(column, i) - dayOf(column, j)) <= level.days,
  token_overlap: (level, { own, table }) => {
    if (!level.plus) return (i, j) => both(own, i, j) && tokenOverlap(value(own, i) as string, value(own, j) as string) >= level.min;
    const plus = table.column(level.plus);
    const words = (row: number) => {
      const extra = value(plus, row);
      return extra === null ? (value(own, row) as string) : `${value(own, row)} ${extra}`;
    };
    return (i, j) => both(own, i, j) && tokenOverlap(words(i), words(j)) >= level.min;
  },
  prefix:
    (level, { own }) =>
    (i, j) => {
      if (!both(own, i, j)) return false;
      const a = value(own, i) as string;
      const b = value(own, j) as string;
      return a.length >= level.length && b.length >= level.length && a.slice(0, level.length) === b.slice(0, level.length);
    },
  all: (level, context) => {
    const tests = level.of.map((part) => compileLevel(part, context));
    return (i, j) => tests.every((test) => test(i, j));
  },
};

function compileLevel(level: LevelSpec, context: LevelContext): LevelTest {
  const own = "feature" in level && level.feature ? context.table.column(level.feature) : context.column;
  return (FACTORIES[level.kind] as LevelFactory<LevelKind>)(level as never, { ...context, own });
}

export const LEVEL_KINDS = Object.keys(FACTORIES) as LevelKind[];

export interface CompiledComparison {
  readonly spec: ComparisonSpec;
  /** null + levels + else. */
  readonly levelCount: number;
  /** The level of records i and j: 0 null, 1..levels.length, levels.length + 1 else. */
  level(i: number, j: number): number;
  /** The feature column a level reads (for term frequencies and explanations). */
  levelColumn(level: number): FeatureColumn;
}

/** A human label for a level: its own, else made from its kind and parameters. */
export function levelLabel(spec: ComparisonSpec, level: number): string {
  if (level === 0) return "null";
  if (level === spec.levels.length + 1) return "else (all different)";
  const definition = spec.levels[level - 1] as LevelSpec;
  if (definition.label) return definition.label;
  switch (definition.kind) {
    case "exact":
      return definition.feature ? `exact ${definition.feature}` : "exact";
    case "jaro_winkler":
      return `Jaro-Winkler >= ${definition.threshold}`;
    case "damerau":
      return `${definition.max} edit${definition.max === 1 ? "" : "s"} apart`;
    case "within_days":
      return `within ${definition.days} days`;
    case "token_overlap":
      return `words shared >= ${definition.min}`;
    case "prefix":
      return `same first ${definition.length}`;
    default:
      return definition.kind.replaceAll("_", " ");
  }
}

export function compileComparison(spec: ComparisonSpec, table: RecordTable): CompiledComparison {
  const column = table.column(spec.feature);
  let lastColumn: FeatureColumn | undefined;
  let lastA = -1;
  let lastB = -1;
  let lastSimilarity = 0;
  const similarity = (of: FeatureColumn, i: number, j: number) => {
    const a = of.ids[i] as number;
    const b = of.ids[j] as number;
    if (of !== lastColumn || a !== lastA || b !== lastB) {
      lastColumn = of;
      lastA = a;
      lastB = b;
      lastSimilarity = jaroWinkler(of.values[a] as string, of.values[b] as string);
    }
    return lastSimilarity;
  };
  const columns = spec.levels.map((level) => ("feature" in level && level.feature ? table.column(level.feature) : column));
  const tests = spec.levels.map((level) => compileLevel(level, { table, column, own: column, similarity }));
  const elseLevel = spec.levels.length + 1;
  // A neutral level is no evidence either way: the pair counts as null in this comparison.
  const neutral = spec.levels.map((level) => level.kind === "swapped" && level.neutral === true);
  const ids = column.ids;
  // Null only when no feature of the comparison is on both records.
  const alternatives = (spec.features ?? []).filter((feature) => feature !== spec.feature).map((feature) => table.column(feature).ids);
  const isNull = (i: number, j: number) => {
    if ((ids[i] as number) >= 0 && (ids[j] as number) >= 0) return false;
    for (const other of alternatives) if ((other[i] as number) >= 0 && (other[j] as number) >= 0) return false;
    return true;
  };
  return {
    spec,
    levelCount: spec.levels.length + 2,
    level(i, j) {
      if (isNull(i, j)) return 0;
      for (let t = 0; t < tests.length; t++) if ((tests[t] as LevelTest)(i, j)) return neutral[t] ? 0 : t + 1;
      return elseLevel;
    },
    levelColumn: (level) => (level >= 1 && level <= spec.levels.length ? (columns[level - 1] as FeatureColumn) : column),
  };
}

/** The features a comparison reads, for training: a comparison is not trained on pairs a rule on them selected. */
export function comparisonFeatures(spec: ComparisonSpec): FeatureName[] {
  const features = new Set<FeatureName>([spec.feature]);
  for (const feature of spec.features ?? []) features.add(feature);
  const visit = (level: LevelSpec) => {
    if ("feature" in level && level.feature) features.add(level.feature);
    if (level.kind === "swapped") features.add(level.with);
    if (level.kind === "token_overlap" && level.plus) features.add(level.plus);
    if (level.kind === "all") level.of.forEach(visit);
  };
  spec.levels.forEach(visit);
  return [...features];
}

/**
 * A rough cost of computing a comparison on one pair, for sharing comparisons between two threads: fuzzy levels
 * weigh more (Jaro-Winkler once per pair, the levels share it; word overlap the most). Measured on the 1M
 * benchmark: address 3.6 s, given name 1.7, email 1.1, phone 0.9, family name 0.9, birth date 0.4 for 3.7M pairs.
 */
export function comparisonCost(spec: ComparisonSpec): number {
  const cost = (level: LevelSpec): number =>
    level.kind === "all" ? level.of.reduce((sum, inner) => sum + cost(inner), 0) : (LEVEL_COST[level.kind] ?? 1);
  const fuzzy = spec.levels.some((level) => level.kind === "jaro_winkler") ? 4 : 0;
  return spec.levels.filter((level) => level.kind !== "jaro_winkler").reduce((sum, level) => sum + cost(level), fuzzy);
}

const LEVEL_COST: Partial<Record<LevelKind, number>> = { damerau: 3, token_overlap: 12, nickname: 1, exact: 1 };
