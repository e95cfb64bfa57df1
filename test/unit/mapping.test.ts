import { describe, expect, it } from "vitest";
import { fieldForHeader } from "../../src/fields/canonical.js";
import { ColumnMapper, cleanHeaders, invalidMappingTargets } from "../../src/fields/mapping.js";

describe("header synonyms", () => {
  it.each([
    ["Customer ID", "source_id"],
    ["客户编号", "source_id"],
    ["First Name", "given_name"],
    ["given_name", "given_name"],
    ["名", "given_name"],
    ["SURNAME", "family_name"],
    ["Last-Name", "family_name"],
    ["姓", "family_name"],
    ["Full Name", "full_name"],
    ["姓名", "full_name"],
    ["E-mail", "email"],
    ["Mail", "email"],
    ["邮箱", "email"],
    ["电子邮件", "email"],
    ["Mobile", "phone"],
    ["Tel", "phone"],
    ["Cell", "phone"],
    ["手机号", "phone"],
    ["电话", "phone"],
    ["DOB", "birth_date"],
    ["Date of Birth", "birth_date"],
    ["生日", "birth_date"],
    ["出生日期", "birth_date"],
    ["Street", "address_line1"],
    ["地址", "address_line1"],
    ["Town", "city"],
    ["suburb", "city"],
    ["市", "city"],
    ["Province", "region"],
    ["省", "region"],
    ["ZIP", "postal_code"],
    ["Post_Code", "postal_code"],
    ["邮编", "postal_code"],
    ["国家", "country"],
    ["公司", "company"],
    ["身份证号", "national_id"],
    ["National ID", "national_id"],
    ["address.city", "city"],
    ["contact.email", "email"],
  ])("%s → %s", (header, field) => {
    expect(fieldForHeader(header)).toBe(field);
  });

  it("leaves unknown headers unmapped", () => {
    expect(fieldForHeader("loyalty tier")).toBeUndefined();
    expect(fieldForHeader("")).toBeUndefined();
  });
});

describe("cleanHeaders", () => {
  it("trims, drops a BOM, names empty headers and renames repeats with a warning", () => {
    const { headers, warnings } = cleanHeaders(["\uFEFFid", " email ", "email", "", "email"]);
    expect(headers).toEqual(["id", "email", "email_2", "column_4", "email_3"]);
    expect(warnings).toEqual([
      'duplicate column "email" (column 3) kept as "email_2"',
      'duplicate column "email" (column 5) kept as "email_3"',
    ]);
  });
});

describe("ColumnMapper", () => {
  it("lets the first of two synonym columns keep the field and warns about the other", () => {
    const mapper = ColumnMapper.forHeaders(["Phone", "Mobile", "notes"]);
    expect(mapper.all().map((m) => [m.column, m.field])).toEqual([
      ["Phone", "phone"],
      ["Mobile", "attributes"],
      ["notes", "attributes"],
    ]);
    expect(mapper.warnings[0]).toMatch(/"Mobile" also looks like phone/);
  });

  it("explicit mappings win, even over an earlier synonym column", () => {
    const mapper = ColumnMapper.forHeaders(["Phone", "Handy", "Email"], { Handy: "phone", email: "attributes" });
    expect(Object.fromEntries(mapper.all().map((m) => [m.column, `${m.field}/${m.by}`]))).toEqual({
      Handy: "phone/map",
      Phone: "attributes/none",
      Email: "attributes/map",
    });
  });

  it("flags unknown mapping targets", () => {
    expect(invalidMappingTargets({ a: "phone", b: "telephone", c: "attributes", d: "-" })).toEqual(["b=telephone"]);
  });
});
