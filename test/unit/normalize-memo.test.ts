import { describe, expect, it } from "vitest";
import { memoize, memoize3 } from "../../src/stages/normalize/memo.js";

describe("memoize3", () => {
  it("computes once per distinct triple, and never confuses where the parts split", () => {
    const calls: string[] = [];
    const joined = memoize3((a, b, c) => {
      calls.push(`${a}|${b}|${c}`);
      return `${a}|${b}|${c}`;
    });
    expect(joined("a", "bc", "")).toBe("a|bc|");
    expect(joined("ab", "c", "")).toBe("ab|c|");
    expect(joined("a", "bc", "")).toBe("a|bc|");
    expect(joined("", "", "abc")).toBe("||abc");
    expect(calls).toEqual(["a|bc|", "ab|c|", "||abc"]);
  });

  it("remembers undefined answers too", () => {
    let calls = 0;
    const lookup = memoize((key) => {
      calls++;
      return key === "known" ? 1 : undefined;
    });
    expect([lookup("nope"), lookup("nope"), lookup("known"), lookup("known")]).toEqual([undefined, undefined, 1, 1]);
    expect(calls).toBe(2);
  });

  it("stays bounded: past the limit it starts again, still answering right", () => {
    let calls = 0;
    const square = memoize((key) => {
      calls++;
      return Number(key) ** 2;
    }, 3);
    for (const key of ["1", "2", "3"]) square(key);
    expect(calls).toBe(3);
    expect(square("4")).toBe(16); // the fourth entry clears the cache
    expect(square("1")).toBe(1);
    expect(calls).toBe(5); // "1" was forgotten and computed again
    expect(square("4")).toBe(16);
    expect(calls).toBe(5); // "4" was kept
  });
});
