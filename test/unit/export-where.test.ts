/** `--where` expressions into plain filters, and the errors a user gets for bad ones (pure: no store). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { EXPORT_KINDS } from "../../src/stages/export/columns.js";
import { consentStatus } from "../../src/stages/export/consent.js";
import { parseWhere } from "../../src/stages/export/where.js";

function usage(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error("no usage error");
}

describe("--where", () => {
  it("FIELD=VALUE and FIELD!=VALUE on canonical fields, values trimmed, quotes keep spaces", () => {
    expect(parseWhere("country=CN", "customers")).toEqual({ kind: "field", column: "country", numeric: false, op: "=", value: "CN" });
    expect(parseWhere(" city != 北京市 ", "records")).toEqual({ kind: "field", column: "city", numeric: false, op: "!=", value: "北京市" });
    expect(parseWhere('full_name=" 张伟 "', "records")).toMatchObject({ value: " 张伟 " });
    expect(parseWhere("email=", "customers")).toMatchObject({ op: "=", value: "" });
    expect(parseWhere("cluster_id=17", "records")).toMatchObject({ column: "cluster_id", numeric: true, value: "17" });
    // a value may hold = or != itself: the first operator splits
    expect(parseWhere("company=A=B!=C", "records")).toMatchObject({ column: "company", op: "=", value: "A=B!=C" });
  });

  it("attributes as attr.NAME; source on customers means one of their records", () => {
    expect(parseWhere("attr.会员等级=金卡", "records")).toEqual({
      kind: "field",
      column: "attr.会员等级",
      attribute: "会员等级",
      numeric: false,
      op: "=",
      value: "金卡",
    });
    expect(parseWhere("attr.vip!=yes", "customers")).toMatchObject({ kind: "field", attribute: "vip", op: "!=" });
    expect(parseWhere("source=crm", "customers")).toEqual({ kind: "source", op: "=", value: "crm" });
    expect(parseWhere("source=crm", "records")).toMatchObject({ kind: "field", column: "source" });
    expect(parseWhere("severity=error", "findings")).toMatchObject({ kind: "field", column: "severity" });
  });

  it("changed compares dates: a bare date means whole days", () => {
    expect(parseWhere("changed>=2026-11-01", "customers")).toEqual({ kind: "changed", op: ">=", at: "2026-11-01" });
    expect(parseWhere("changed>2026-11-01", "customers")).toEqual({ kind: "changed", op: ">=", at: "2026-11-02" });
    expect(parseWhere("changed<=2026-12-31", "records")).toEqual({ kind: "changed", op: "<", at: "2027-01-01" });
    expect(parseWhere("changed<2026-03-01", "records")).toEqual({ kind: "changed", op: "<", at: "2026-03-01" });
    expect(parseWhere("changed>=2026-11-01T08:00:00+08:00", "customers")).toEqual({
      kind: "changed",
      op: ">=",
      at: "2026-11-01T00:00:00.000Z",
    });
    expect(parseWhere("changed>2026-11-01T00:00:00Z", "rejects")).toEqual({ kind: "changed", op: ">=", at: "2026-11-01T00:00:00.001Z" });
  });

  it("cluster_size with any comparison; findings and !findings", () => {
    expect(parseWhere("cluster_size>=2", "records")).toEqual({ kind: "cluster_size", op: ">=", size: 2 });
    expect(parseWhere("cluster_size=1", "customers")).toEqual({ kind: "cluster_size", op: "=", size: 1 });
    expect(parseWhere("findings", "records")).toEqual({ kind: "findings", present: true });
    expect(parseWhere(" !findings", "customers")).toEqual({ kind: "findings", present: false });
  });

  it("bad expressions are usage errors naming the expression and saying what would do", () => {
    expect(usage(() => parseWhere("country", "customers")).message).toBe('--where "country": not a filter');
    expect(usage(() => parseWhere("contry=CN", "customers")).message).toBe('--where "contry=CN": contry is no field of customers');
    expect(usage(() => parseWhere("contry=CN", "customers")).hint).toContain("country");
    expect(usage(() => parseWhere("attr.x=1", "findings")).message).toBe('--where "attr.x=1": attr.x is no field of findings');
    expect(usage(() => parseWhere("changed>=yesterday", "customers")).message).toBe('--where "changed>=yesterday": "yesterday" is no date');
    expect(usage(() => parseWhere("changed>=2026-02-30", "customers")).message).toContain("is no date");
    expect(usage(() => parseWhere("changed=2026-11-01", "customers")).message).toContain("changed compares with >=, >, < or <=");
    expect(usage(() => parseWhere("cluster_size>=two", "records")).message).toContain("cluster_size takes a whole number");
    expect(usage(() => parseWhere("cluster_size>=2", "pairs")).message).toContain("cluster_size is no filter of pairs");
    expect(usage(() => parseWhere("findings", "rejects")).message).toContain("findings filters records and customers, not rejects");
    expect(usage(() => parseWhere("country>CN", "customers")).message).toContain("country compares with = or != only");
    expect(usage(() => parseWhere("", "records")).message).toBe('--where "": not a filter');
  });

  it("never throws anything but a usage error, whatever is typed", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.constantFrom(...EXPORT_KINDS), (text, what) => {
        try {
          parseWhere(text, what);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          expect((error as Error).message.startsWith(`--where ${JSON.stringify(text)}: `)).toBe(true);
        }
      }),
    );
  });
});

describe("consent status", () => {
  it("reads normalize's true/false and the raw forms it maps, in English and Chinese", () => {
    for (const given of ["true", "yes", "Y", "1", "是", "同意", " TRUE "]) expect(consentStatus(given)).toBe("given");
    for (const withdrawn of ["false", "no", "0", "否", "不同意", "退订"]) expect(consentStatus(withdrawn)).toBe("withdrawn");
    for (const unrecorded of [null, undefined, "", "  "]) expect(consentStatus(unrecorded)).toBe("unrecorded");
    for (const unclear of ["maybe", "稍后", "2"]) expect(consentStatus(unclear)).toBe("unclear");
  });
});
