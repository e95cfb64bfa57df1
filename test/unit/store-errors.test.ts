// SQLite's failures as the messages roster prints (exit 4): a lock names its kind unless it is the plain timeout.
import { describe, expect, it } from "vitest";
import { toStoreError } from "../../src/store/errors.js";

const sqliteError = (code: string, message = "database is locked") => Object.assign(new Error(message), { code });

describe("toStoreError", () => {
  it("the busy timeout running out says so; a lock that comes at once names its SQLite code", () => {
    expect(toStoreError(sqliteError("SQLITE_BUSY"), "/s.db")?.message).toBe(
      "store /s.db is locked by another process (waited past the busy timeout)",
    );
    for (const code of ["SQLITE_BUSY_SNAPSHOT", "SQLITE_BUSY_RECOVERY", "SQLITE_LOCKED"]) {
      expect(toStoreError(sqliteError(code), "/s.db")?.message).toBe(`store /s.db is locked by another process (${code})`);
    }
  });

  it("leaves errors that are not SQLite's alone", () => {
    expect(toStoreError(new Error("boom"), "/s.db")).toBeUndefined();
    expect(toStoreError(Object.assign(new Error("x"), { code: "ENOENT" }), "/s.db")).toBeUndefined();
  });
});
