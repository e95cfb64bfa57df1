// Pairwise precision, recall and F1 of a clustering against a ground truth, the measure the dedupe literature
// (FEBRL, Splink, the recordlinkage toolkit) reports: every pair of records put in one cluster is a predicted
// match, every pair of records of one person a true match.
//
// Counted from cluster sizes, never by listing pairs: a cluster of n records holds C(n, 2) pairs, and the pairs
// that are both predicted and true are those inside one cell of the contingency table (cluster × person). So a
// million records cost one pass and two maps, whatever the cluster sizes (one cluster of 1M records is 5·10^11
// pairs, still exact in a double: below 2^53).
//
// Keys are `source:source_id`. The universe is every key on either side:
// - a key absent from `predicted` (or whose cluster id is null/undefined: a record dedupe left unclustered) is
//   a singleton there, so its true pairs count as missed (fn);
// - a key absent from `truth` is its own person (unlabelled: nothing says it matches anything), so any pair the
//   prediction puts it in counts as false (fp).
// Empty denominators: with no predicted pairs precision is 1 (no false claim was made), with no true pairs
// recall is 1 (nothing was missed). So all singletons give precision 1, recall 0, F1 0 when the truth has pairs,
// and F1 is 0 whenever precision + recall is 0. No result is ever NaN.

/** n choose 2. */
export function pairsIn(n) {
  return (n * (n - 1)) / 2;
}

/** Adds one to `counts[id]`, skipping records without a cluster (singletons contribute no pair). */
function countInto(counts, id) {
  if (id === null || id === undefined) return;
  counts.set(id, (counts.get(id) ?? 0) + 1);
}

function sumPairs(counts) {
  let pairs = 0;
  for (const n of counts.values()) pairs += pairsIn(n);
  return pairs;
}

/**
 * @param {Map<string, string | number | null | undefined>} predicted key → cluster id
 * @param {Map<string, string | number>} truth key → person id
 */
export function scorePairwise(predicted, truth) {
  const clusterSizes = new Map();
  const personSizes = new Map();
  // Contingency cells: cluster id → (person id → records). Nested maps, not a joined string key, so ids of any
  // type and content (a ":" in a person id) cannot collide.
  const cells = new Map();
  for (const clusterId of predicted.values()) countInto(clusterSizes, clusterId);
  for (const personId of truth.values()) countInto(personSizes, personId);
  for (const [key, clusterId] of predicted) {
    if (clusterId === null || clusterId === undefined) continue;
    const personId = truth.get(key);
    if (personId === null || personId === undefined) continue;
    let row = cells.get(clusterId);
    if (!row) {
      row = new Map();
      cells.set(clusterId, row);
    }
    countInto(row, personId);
  }
  let tp = 0;
  for (const row of cells.values()) tp += sumPairs(row);
  const predictedPairs = sumPairs(clusterSizes);
  const truePairs = sumPairs(personSizes);
  const fp = predictedPairs - tp;
  const fn = truePairs - tp;
  const precision = predictedPairs === 0 ? 1 : tp / predictedPairs;
  const recall = truePairs === 0 ? 1 : tp / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1, truePairs, predictedPairs };
}
