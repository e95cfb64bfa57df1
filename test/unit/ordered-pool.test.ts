import { describe, expect, it } from "vitest";
import { OrderedPool } from "../../src/pipeline/ordered-pool.js";

const ECHO = new URL("../helpers/echo-worker.mjs", import.meta.url);
type Task = { value: number; delayMs: number; fail?: boolean };

describe("OrderedPool", () => {
  it("delivers results in the order the tasks were given, whichever worker finishes first", async () => {
    const delivered: number[] = [];
    const pool = new OrderedPool<Task, number>(ECHO, undefined, 3, (result) => {
      delivered.push(result);
    });
    // Early tasks are the slowest, so later ones finish first.
    for (let value = 0; value < 12; value++) await pool.submit({ value, delayMs: (12 - value) * 3 });
    await pool.finish();
    expect(delivered).toEqual(Array.from({ length: 12 }, (_, i) => i * 10));
  });

  it("never has more than maxInFlight tasks given and not yet delivered", async () => {
    let inFlight = 0;
    let most = 0;
    const pool = new OrderedPool<Task, number>(
      ECHO,
      undefined,
      2,
      () => {
        inFlight--;
      },
      4,
    );
    for (let value = 0; value < 20; value++) {
      await pool.submit({ value, delayMs: 2 });
      inFlight++;
      most = Math.max(most, inFlight);
    }
    await pool.finish();
    expect(inFlight).toBe(0);
    expect(most).toBeLessThanOrEqual(4);
  });

  it("a failed task fails the pool with its message and code, and the workers stop", async () => {
    const delivered: number[] = [];
    let firstDelivered = () => {};
    const first = new Promise<void>((resolve) => {
      firstDelivered = resolve;
    });
    const pool = new OrderedPool<Task, number>(ECHO, undefined, 2, (result) => {
      delivered.push(result);
      firstDelivered();
    });
    await pool.submit({ value: 1, delayMs: 1 });
    await first; // the failure comes after task 1 is delivered, however slowly the workers start
    await pool.submit({ value: 2, delayMs: 1, fail: true });
    await expect(pool.finish()).rejects.toMatchObject({ message: "task 2 failed", code: "SQLITE_BUSY" });
    expect(delivered).toEqual([10]);
  });

  it("an error while delivering a result fails the pool too", async () => {
    const pool = new OrderedPool<Task, number>(ECHO, undefined, 1, () => {
      throw new Error("the report could not be written");
    });
    await pool.submit({ value: 1, delayMs: 1 });
    await expect(pool.finish()).rejects.toThrow("the report could not be written");
  });
});
