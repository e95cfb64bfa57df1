/**
 * `roster dedupe a.csv b.jsonl -o out.csv`: the file filter. Every input row is read (validate's reading
 * options), normalized in memory, matched against every other row of every input (a model is trained on them:
 * files have no stored model), and written back with `cluster_id` and `match_probability`. No store is touched.
 * cluster_id is the row number (across the inputs, from 1) of the cluster's first row; match_probability is the
 * strongest link that holds the row in its cluster (empty for a row alone).
 */
import { performance } from "node:perf_hooks";
import { openRecordWriter, outputFormatFor } from "../io/output.js";
import type { RecordKeys } from "../model/keys.js";
import type { RecordValues } from "../model/record.js";
import { readFileRecords } from "../pipeline/file-records.js";
import { clusterRecords } from "../stages/dedupe/cluster.js";
import { assignClusterIds } from "../stages/dedupe/cluster-ids.js";
import { RecordTableBuilder } from "../stages/dedupe/features.js";
import { dedupeTableInTurns } from "../stages/dedupe/index.js";
import { normalizeRecord } from "../stages/normalize/index.js";
import { type DedupeIo, type DedupeOptions, type DedupeResult, letInterruptsThrough, strongThreshold } from "./dedupe.js";
import { clusterSizes, countAtLeast, matchEdges } from "./dedupe-clusters.js";
import { defaultSource } from "./import.js";
import { OUTPUT_COLUMNS } from "./normalize-files.js";
import { fileEvidence, sourceContext } from "./source-contexts.js";

interface HeldRow {
  source: string;
  line: number;
  values: RecordValues;
  keys: RecordKeys;
  attributes: string | null;
}

export const DEDUPE_OUTPUT_COLUMNS = [...OUTPUT_COLUMNS, "cluster_id", "match_probability"];

export async function dedupeFiles(options: DedupeOptions, io: DedupeIo): Promise<DedupeResult> {
  const started = performance.now();
  const rows: HeldRow[] = [];
  const builder = new RecordTableBuilder(options.attributeColumns);
  let format: string | undefined;
  for (const file of options.files) {
    const source = options.source ?? defaultSource(file);
    const evidence = await fileEvidence(file, source, options, options, io.stdin, { terminal: io.terminal, label: "reading dates of" });
    const { context } = sourceContext(source, options, evidence);
    const name = file === "-" ? "<stdin>" : file;
    await readFileRecords(
      file,
      source,
      options,
      { stdin: io.stdin, progress: { terminal: io.terminal, label: "reading" } },
      {
        warn: (message) => io.terminal.warn(message),
        wantsAttributes: true,
        opened: (opened) => {
          format ??= opened;
        },
        record: ({ values, line, attributes }) => {
          const normalized = normalizeRecord(values, context);
          const parsed = attributes ? (JSON.parse(attributes) as Record<string, string>) : null;
          builder.add(rows.length + 1, { values: normalized.values, keys: normalized.keys, attributes: parsed });
          rows.push({ source, line, values: normalized.values, keys: normalized.keys, attributes: attributes ?? null });
        },
        reject: (line, reason) => io.terminal.warn(`${name}:${line}: row not read: ${reason}`),
      },
    );
  }
  const table = builder.build();
  const progress = await io.terminal.progress("dedupe");
  try {
    const { settings } = options;
    const outcome = await dedupeTableInTurns(table, settings, {
      pause: letInterruptsThrough,
      phase: (phase) => progress.update(`dedupe: ${phase} (${rows.length} rows)`),
    });
    const edges = matchEdges(outcome, settings.threshold);
    const clustering = clusterRecords(table.size, edges, {
      threshold: settings.threshold,
      strongThreshold: strongThreshold(settings.threshold),
    });
    const assigned = assignClusterIds(table.recordIds, clustering.component, new Array(table.size).fill(null));
    // The strongest link of each row that its final cluster kept (a link the chaining guard cut does not count).
    const strongest = new Float64Array(table.size);
    for (let k = 0; k < edges.a.length; k++) {
      const a = edges.a[k] as number;
      const b = edges.b[k] as number;
      if (clustering.component[a] !== clustering.component[b]) continue;
      const p = edges.probability[k] as number;
      if (p > (strongest[a] as number)) strongest[a] = p;
      if (p > (strongest[b] as number)) strongest[b] = p;
    }
    const writer = openRecordWriter(options.out, outputFormatFor(options.out, format ?? "csv"), DEDUPE_OUTPUT_COLUMNS, io.stdout);
    try {
      for (let row = 0; row < rows.length; row++) {
        const held = rows[row] as HeldRow;
        const p = strongest[row] as number;
        await writer.write({
          source: held.source,
          line: held.line,
          ...held.values,
          ...held.keys,
          attributes: held.attributes,
          cluster_id: String(assigned.clusterId[row]),
          match_probability: p > 0 ? p.toFixed(6) : null,
        });
      }
      await writer.close();
    } catch (error) {
      writer.discard();
      throw error;
    }
    const matches = countAtLeast(outcome, settings.threshold);
    return {
      mode: "files",
      store: undefined,
      run: "full",
      records: table.size,
      scored: table.size,
      read: table.size,
      normalizedFirst: 0,
      trained: true,
      retrainReason: undefined,
      readWholeBecause: undefined,
      unusedComparisons: outcome.unusedComparisons,
      rules: outcome.rules,
      capped: outcome.capped,
      candidates: outcome.candidates,
      matches,
      review: outcome.pairs.count - matches,
      clusters: clusterSizes(Array.from(assigned.clusterId), clustering, assigned),
      phases: outcome.phases,
      seconds: (performance.now() - started) / 1000,
      threshold: settings.threshold,
      reviewThreshold: settings.reviewThreshold,
      out: options.out,
    };
  } finally {
    progress.stop();
  }
}
