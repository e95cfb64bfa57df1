/**
 * Which part of the store an incremental merge re-plans (plan.ts plans any part that is closed: every customer
 * holding records of its clusters, every cluster holding records of its customers). Clusters and customers are
 * the two kinds of node of one graph, each record an edge between its cluster and its customer; a connected
 * component that is one cluster holding exactly one customer's records, none of them changed, is a customer the
 * last merge made from exactly these records, and a full merge would leave it as it is. Every other component is
 * re-planned whole: records joined or left (a cluster of two customers, a customer over two clusters), a record
 * without customer (new), or a changed record or customer in it.
 */
import { RecordIndex } from "./record-index.js";

export interface Assignments {
  /** The current records, ascending. */
  recordIds: ArrayLike<number>;
  /** Per record: its dedupe cluster. */
  clusterIds: ArrayLike<number>;
  /** Per record: its customer (its own row, else its older version's), or -1 for none. */
  customerIds: ArrayLike<number>;
}

export interface ChangedPart {
  /** The records to re-plan, ascending. */
  recordIds: number[];
  /** The customers to re-plan (read as the plan's previous customers), ascending. */
  customerIds: number[];
  /** Components left as they are: customers a full merge would find unchanged. */
  untouched: number;
}

/** Union-find over node numbers, with path halving. */
class Components {
  readonly parent: Int32Array;
  constructor(size: number) {
    this.parent = new Int32Array(size);
    for (let i = 0; i < size; i++) this.parent[i] = i;
  }
  root(node: number): number {
    const parent = this.parent;
    while (parent[node] !== node) {
      parent[node] = parent[parent[node]!]!;
      node = parent[node]!;
    }
    return node;
  }
  join(a: number, b: number): void {
    const ra = this.root(a);
    const rb = this.root(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

function highestOf(values: ArrayLike<number>, also: Iterable<number>): number {
  let highest = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > highest) highest = values[i]!;
  for (const value of also) if (value > highest) highest = value;
  return highest;
}

/**
 * The part to re-plan: the components holding a changed record (by id; ids not current are ignored) or a changed
 * customer (a customer none of whose records is current any more is re-planned alone, to be retired), and every
 * component that is not one cluster of one customer.
 */
export function changedPart(
  assignments: Assignments,
  changed: { recordIds: Iterable<number>; customerIds: Iterable<number> },
): ChangedPart {
  const { recordIds, clusterIds, customerIds } = assignments;
  const n = recordIds.length;
  if (clusterIds.length !== n || customerIds.length !== n) throw new RangeError("changedPart: one cluster and one customer per record");
  const changedCustomers = [...changed.customerIds];
  // Node numbers: clusters first, customers after, each numbered as first seen.
  const clusterNode = new RecordIndex(highestOf(clusterIds, []), n);
  const customerNode = new RecordIndex(highestOf(customerIds, changedCustomers), n);
  let nodes = 0;
  const clusterOfRecord = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let node = clusterNode.get(clusterIds[r]!);
    if (node < 0) {
      node = nodes++;
      clusterNode.set(clusterIds[r]!, node);
    }
    clusterOfRecord[r] = node;
  }
  const clusterNodes = nodes;
  const nodeOfCustomer = (customerId: number) => {
    let node = customerNode.get(customerId);
    if (node < 0) {
      node = nodes++;
      customerNode.set(customerId, node);
    }
    return node;
  };
  const customerOfRecord = new Int32Array(n);
  for (let r = 0; r < n; r++) customerOfRecord[r] = customerIds[r]! < 0 ? -1 : nodeOfCustomer(customerIds[r]!);
  const seededCustomers = changedCustomers.map(nodeOfCustomer);

  const components = new Components(nodes);
  for (let r = 0; r < n; r++) if (customerOfRecord[r]! >= 0) components.join(clusterOfRecord[r]!, customerOfRecord[r]!);

  // Per root: how many clusters and customers, and whether something in it changed.
  const clusters = new Int32Array(nodes);
  const customers = new Int32Array(nodes);
  const dirty = new Uint8Array(nodes);
  for (let node = 0; node < nodes; node++) {
    const root = components.root(node);
    if (node < clusterNodes) clusters[root]!++;
    else customers[root]!++;
  }
  for (let r = 0; r < n; r++) if (customerOfRecord[r]! < 0) dirty[components.root(clusterOfRecord[r]!)] = 1;
  for (const node of seededCustomers) dirty[components.root(node)] = 1;
  for (const id of changed.recordIds) {
    const r = indexOf(recordIds, id);
    if (r >= 0) dirty[components.root(clusterOfRecord[r]!)] = 1;
  }

  const replan = (root: number) => dirty[root] === 1 || clusters[root] !== 1 || customers[root] !== 1;
  const part: ChangedPart = { recordIds: [], customerIds: [], untouched: 0 };
  for (let r = 0; r < n; r++) if (replan(components.root(clusterOfRecord[r]!))) part.recordIds.push(recordIds[r]!);
  const seen = new Set<number>();
  const addCustomer = (customerId: number, node: number) => {
    if (!seen.has(customerId) && replan(components.root(node))) {
      seen.add(customerId);
      part.customerIds.push(customerId);
    }
  };
  for (let r = 0; r < n; r++) if (customerIds[r]! >= 0) addCustomer(customerIds[r]!, customerOfRecord[r]!);
  changedCustomers.forEach((customerId, k) => {
    addCustomer(customerId, seededCustomers[k]!);
  });
  part.customerIds.sort((a, b) => a - b);
  for (let node = 0; node < nodes; node++) if (components.root(node) === node && !replan(node)) part.untouched++;
  return part;
}

/** Index of `id` in the ascending `ids`, or -1. */
function indexOf(ids: ArrayLike<number>, id: number): number {
  let low = 0;
  let high = ids.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const value = ids[mid]!;
    if (value === id) return mid;
    if (value < id) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}
