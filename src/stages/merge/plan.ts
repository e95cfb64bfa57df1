/**
 * The merge plan (plan, then apply: DESIGN.md §5): from dedupe's clusters and the customers of the last merge,
 * one golden customer per cluster, with ids that stay stable across runs. Plain data in and out; only store/
 * writes the plan, in one transaction.
 *
 * Stable ids:
 * - a previous customer passes its id to the cluster holding most of its records (tie: the part with the
 *   smallest record id), so it keeps its id when records join or leave it;
 * - a cluster heir to several previous customers (they now form one cluster) takes the smallest, the oldest id;
 *   the others become aliases of it;
 * - a cluster heir to none (new records, or the smaller part of a split) gets a new id: its smallest record id
 *   when no customer, present, alias or retired, has that id, else one above every id in use;
 * - a previous customer none of whose records is in any cluster is retired.
 * Clusters are visited by their smallest record id, so the plan depends only on its input, never on the order of
 * clusters or records. Planning again after applying a plan, with nothing new, gives an empty plan.
 *
 * To plan a part of the store (an incremental run), pass the clusters holding the records that changed, every
 * customer holding records of those clusters, every cluster holding records of those customers, and so on until
 * nothing is added; and every other customer id in `reservedIds`.
 */
import { CANONICAL_FIELDS, type CanonicalField } from "../../fields/canonical.js";
import type { RecordValues } from "../../model/record.js";
import { completeGolden } from "./completion.js";
import { sameGolden } from "./golden-equality.js";
import { RecordIndex } from "./record-index.js";
import type { SurvivorshipSettings } from "./settings.js";
import { chooseGolden } from "./survivorship.js";
import type { FieldProvenance, MergeRecord, Provenance } from "./types.js";

export interface PreviousCustomer {
  customerId: number;
  recordIds: readonly number[];
  /** The golden values and provenance as stored: a customer whose golden record comes out the same is left alone. */
  values: RecordValues;
  provenance: Provenance;
}

export interface MergeInput {
  /** Cluster id → its records (dedupe's clusters; a record alone is a cluster of one). */
  clusters: ReadonlyMap<number, readonly MergeRecord[]>;
  previous: {
    customers: readonly PreviousCustomer[];
    /**
     * Ids no new customer may take: those that no longer name a customer (aliases, retired), and, when planning a
     * part of the store, those of the customers outside it.
     */
    reservedIds: ReadonlySet<number>;
  };
  settings: SurvivorshipSettings;
}

export interface PlannedCustomer {
  customerId: number;
  clusterId: number;
  /** Its records, ascending. */
  recordIds: number[];
  values: RecordValues;
  provenance: Provenance;
}

export interface CustomerUpdate extends PlannedCustomer {
  /** Fields whose value or provenance differ from the stored customer. */
  changedFields: CanonicalField[];
}

export interface MergePlan {
  /** Customers to insert, ascending by id. */
  create: PlannedCustomer[];
  /** Customers whose golden record changed, ascending by id. */
  update: CustomerUpdate[];
  /** Customers that carry on exactly as stored (their records may still have moved in or out). */
  unchanged: number[];
  /** Records whose customer id changes (from none, too): recordIds[i] now belongs to customerIds[i]. */
  moves: { recordIds: number[]; customerIds: number[] };
  /** Previous customers whose records joined an older customer: `from` resolves to `to` from now on. */
  aliases: { from: number; to: number }[];
  /** Previous customers none of whose records is in any cluster. */
  retired: number[];
  /** Whether applying the plan changes anything. */
  changed: boolean;
  counts: { customers: number; created: number; updated: number; unchanged: number; moved: number; aliased: number; retired: number };
}

/**
 * Told of each new customer and each record's new customer as the plan makes them (a writer can start before the
 * plan is done: store/merge-writer.ts). A cluster's moves come before its new customer; the plan itself still
 * holds everything.
 */
export interface PlanSink {
  created(customer: PlannedCustomer): void;
  moved(recordId: number, customerId: number): void;
}

interface ClusterEntry {
  clusterId: number;
  records: readonly MergeRecord[];
  smallest: number;
}

function sameProvenance(a: FieldProvenance | undefined, b: FieldProvenance | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.record === b.record && a.rule === b.rule && a.derived === b.derived;
}

function changedFields(before: PreviousCustomer, values: RecordValues, provenance: Provenance): CanonicalField[] {
  const changed: CanonicalField[] = [];
  for (const field of CANONICAL_FIELDS) {
    if ((before.values[field] ?? null) !== values[field] || !sameProvenance(before.provenance[field], provenance[field])) {
      changed.push(field);
    }
  }
  return changed;
}

/** Clusters with records, by smallest record id. */
function orderedClusters(clusters: MergeInput["clusters"]): ClusterEntry[] {
  const entries: ClusterEntry[] = [];
  for (const [clusterId, records] of clusters) {
    if (records.length === 0) continue;
    let smallest = Number.POSITIVE_INFINITY;
    for (const record of records) if (record.id < smallest) smallest = record.id;
    entries.push({ clusterId, records, smallest });
  }
  return entries.sort((a, b) => a.smallest - b.smallest);
}

/** Record id → index of its previous customer; a record in two clusters or two customers is the caller's error. */
function previousCustomerIndex(clusters: readonly ClusterEntry[], customers: readonly PreviousCustomer[]): RecordIndex {
  let highest = Number.NEGATIVE_INFINITY;
  let count = 0;
  for (const cluster of clusters) {
    for (const record of cluster.records) if (record.id > highest) highest = record.id;
    count += cluster.records.length;
  }
  for (const customer of customers) {
    for (const id of customer.recordIds) if (id > highest) highest = id;
    count += customer.recordIds.length;
  }
  const customerOf = new RecordIndex(highest, count);
  customers.forEach((customer, p) => {
    for (const id of customer.recordIds) {
      const other = customerOf.get(id);
      if (other >= 0 && other !== p) {
        throw new RangeError(`planMerge: record ${id} belongs to customers ${customers[other]!.customerId} and ${customer.customerId}`);
      }
      customerOf.set(id, p);
    }
  });
  // Seen in a cluster: marked by turning the index (-1 for none) into -3 - index, and turned back after the check.
  const flip = (p: number) => -3 - p;
  for (const cluster of clusters) {
    for (const record of cluster.records) {
      const p = customerOf.get(record.id);
      if (p <= -2) throw new RangeError(`planMerge: record ${record.id} is in more than one cluster`);
      customerOf.set(record.id, flip(p));
    }
  }
  for (const cluster of clusters) for (const record of cluster.records) customerOf.set(record.id, flip(customerOf.get(record.id)));
  return customerOf;
}

/**
 * Per previous customer (by index), the cluster that inherits its id: the one holding most of its records, ties
 * to the part with the smallest record id; -1 when none of its records is in a cluster.
 */
function heirs(clusters: readonly ClusterEntry[], customerOf: RecordIndex, customerCount: number): Int32Array {
  const heir = new Int32Array(customerCount).fill(-1);
  const heirCount = new Int32Array(customerCount);
  const heirSmallest = new Float64Array(customerCount);
  // Counts within the current cluster, reset after it through the list of customers it touched.
  const count = new Int32Array(customerCount);
  const smallest = new Float64Array(customerCount);
  const touched: number[] = [];
  clusters.forEach((cluster, c) => {
    for (const record of cluster.records) {
      const p = customerOf.get(record.id);
      if (p < 0) continue;
      if (count[p] === 0) {
        touched.push(p);
        smallest[p] = record.id;
      } else if (record.id < smallest[p]!) smallest[p] = record.id;
      count[p]!++;
    }
    for (const p of touched) {
      if (heir[p]! < 0 || count[p]! > heirCount[p]! || (count[p] === heirCount[p] && smallest[p]! < heirSmallest[p]!)) {
        heir[p] = c;
        heirCount[p] = count[p]!;
        heirSmallest[p] = smallest[p]!;
      }
      count[p] = 0;
    }
    touched.length = 0;
  });
  return heir;
}

export function planMerge(input: MergeInput, sink?: PlanSink): MergePlan {
  const customers = input.previous.customers;
  const clusters = orderedClusters(input.clusters);
  const customerOf = previousCustomerIndex(clusters, customers);
  const heir = heirs(clusters, customerOf, customers.length);

  // Heirs take the oldest id they inherit; the other ids they inherit become its aliases.
  const idOf = new Float64Array(clusters.length).fill(Number.NaN);
  const kept = new Int32Array(clusters.length).fill(-1); // index of the previous customer whose id the cluster keeps
  const retired: number[] = [];
  customers.forEach((customer, p) => {
    const c = heir[p]!;
    if (c < 0) retired.push(customer.customerId);
    else if (kept[c]! < 0 || customer.customerId < idOf[c]!) {
      kept[c] = p;
      idOf[c] = customer.customerId;
    }
  });
  const aliases: MergePlan["aliases"] = [];
  customers.forEach((customer, p) => {
    const c = heir[p]!;
    if (c >= 0 && kept[c] !== p) aliases.push({ from: customer.customerId, to: idOf[c]! });
  });

  // New ids never reuse an id that named a customer, now or before.
  const used = new Set<number>(input.previous.reservedIds);
  for (const customer of customers) used.add(customer.customerId);
  let highest = 0;
  for (const id of used) if (id > highest) highest = id;
  clusters.forEach((cluster, c) => {
    if (!Number.isNaN(idOf[c]!)) return;
    const id = used.has(cluster.smallest) ? highest + 1 : cluster.smallest;
    idOf[c] = id;
    used.add(id);
    if (id > highest) highest = id;
  });

  const create: PlannedCustomer[] = [];
  const update: CustomerUpdate[] = [];
  const unchanged: number[] = [];
  const moves: MergePlan["moves"] = { recordIds: [], customerIds: [] };
  clusters.forEach((cluster, c) => {
    const customerId = idOf[c]!;
    const recordIds: number[] = [];
    for (const record of cluster.records) {
      recordIds.push(record.id);
      const p = customerOf.get(record.id);
      if (p < 0 || customers[p]!.customerId !== customerId) {
        moves.recordIds.push(record.id);
        moves.customerIds.push(customerId);
        sink?.moved(record.id, customerId);
      }
    }
    recordIds.sort((a, b) => a - b);
    const { values, provenance } = completeGolden(chooseGolden(cluster.records, input.settings), cluster.records);
    const planned: PlannedCustomer = { customerId, clusterId: cluster.clusterId, recordIds, values, provenance };
    const before = kept[c]! >= 0 ? customers[kept[c]!]! : undefined;
    if (before === undefined) {
      create.push(planned);
      sink?.created(planned);
      return;
    }
    if (sameGolden(before, planned)) unchanged.push(customerId);
    else update.push({ ...planned, changedFields: changedFields(before, values, provenance) });
  });

  const byId = (a: { customerId: number }, b: { customerId: number }) => a.customerId - b.customerId;
  create.sort(byId);
  update.sort(byId);
  unchanged.sort((a, b) => a - b);
  aliases.sort((a, b) => a.from - b.from);
  retired.sort((a, b) => a - b);
  const counts = {
    customers: clusters.length,
    created: create.length,
    updated: update.length,
    unchanged: unchanged.length,
    moved: moves.recordIds.length,
    aliased: aliases.length,
    retired: retired.length,
  };
  const changed = counts.created + counts.updated + counts.moved + counts.aliased + counts.retired > 0;
  return { create, update, unchanged, moves, aliases, retired, changed, counts };
}
