/**
 * A number per record id (an index, -1 for none), held in a typed array when record ids are dense (the store's
 * rowids are) and in a Map otherwise. A million-entry Map and Set were a third of planning a merge.
 */
export class RecordIndex {
  private readonly dense: Int32Array | undefined;
  private readonly sparse: Map<number, number> | undefined;

  /** `highest`: the largest record id to be stored; `count`: about how many will be. */
  constructor(highest: number, count: number) {
    // Dense when the array costs no more than a few times what a Map would (about 8 bytes per id either way).
    if (Number.isSafeInteger(highest) && highest >= 0 && highest <= Math.max(1024, count * 4)) {
      this.dense = new Int32Array(highest + 1).fill(-1);
    } else this.sparse = new Map();
  }

  get(id: number): number {
    if (this.dense) return Number.isInteger(id) && id >= 0 && id < this.dense.length ? this.dense[id]! : -1;
    return this.sparse!.get(id) ?? -1;
  }

  set(id: number, value: number): void {
    if (this.dense && Number.isInteger(id) && id >= 0 && id < this.dense.length) this.dense[id] = value;
    else if (this.dense) throw new RangeError(`record id ${id} is above the highest announced`);
    else this.sparse!.set(id, value);
  }
}
