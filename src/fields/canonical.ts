/**
 * The canonical customer fields (DESIGN.md §3) and the header synonyms that map onto them.
 * `source` is set by the importer, and `attributes` holds every unmapped column, so neither is a mapping target.
 */
export const CANONICAL_FIELDS = [
  "source_id",
  "given_name",
  "family_name",
  "full_name",
  "email",
  "phone",
  "birth_date",
  "company",
  "address_line1",
  "address_line2",
  "city",
  "region",
  "postal_code",
  "country",
  "national_id",
  "marketing_consent",
  "created_at",
  "updated_at",
] as const;

export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

export function isCanonicalField(name: string): name is CanonicalField {
  return (CANONICAL_FIELDS as readonly string[]).includes(name);
}

/** Header spellings per field. Keys are compared after `headerKey()`, so case, spaces, `_`, `-` and `.` do not matter. */
const SYNONYMS: Record<CanonicalField, string[]> = {
  source_id: [
    "id",
    "source_id",
    "customer id",
    "customer no",
    "customer number",
    "client id",
    "contact id",
    "account id",
    "record id",
    "rec_id",
    "客户编号",
    "客户id",
    "编号",
  ],
  given_name: ["given_name", "first name", "given name", "forename", "firstname", "fname", "名", "名字"],
  family_name: ["family_name", "last name", "surname", "family name", "lastname", "lname", "姓", "姓氏"],
  full_name: ["full_name", "name", "full name", "customer name", "contact name", "display name", "姓名", "客户名称", "联系人"],
  email: ["email", "e-mail", "mail", "email address", "e-mail address", "emailaddress", "邮箱", "电子邮件", "电子邮箱", "邮件"],
  phone: [
    "phone",
    "mobile",
    "tel",
    "telephone",
    "cell",
    "cellphone",
    "mobile phone",
    "phone number",
    "mobile number",
    "contact number",
    "手机",
    "手机号",
    "手机号码",
    "电话",
    "电话号码",
    "联系电话",
  ],
  birth_date: ["birth_date", "date of birth", "dob", "birthday", "birth date", "birthdate", "date_of_birth", "出生日期", "生日"],
  company: ["company", "company name", "organization", "organisation", "employer", "公司", "公司名称", "单位"],
  address_line1: [
    "address_line1",
    "street",
    "address",
    "address 1",
    "address line 1",
    "street address",
    "address1",
    "address_1",
    "地址",
    "详细地址",
    "街道",
  ],
  address_line2: ["address_line2", "address 2", "address line 2", "address2", "address_2", "apartment", "suite"],
  city: ["city", "town", "suburb", "城市", "市"],
  region: ["region", "state", "province", "county", "state/province", "省", "省份"],
  postal_code: ["postal_code", "zip", "zip code", "zipcode", "postcode", "postal code", "post code", "邮编", "邮政编码"],
  country: ["country", "country code", "nation", "国家", "国家/地区"],
  national_id: [
    "national_id",
    "national id",
    "ssn",
    "social security number",
    "soc_sec_id",
    "id number",
    "身份证号",
    "身份证",
    "身份证号码",
  ],
  marketing_consent: ["marketing_consent", "consent", "marketing consent", "opt in", "optin", "newsletter", "subscribed"],
  created_at: ["created_at", "created", "created date", "date created", "signup date", "registered", "创建时间", "注册时间"],
  updated_at: ["updated_at", "updated", "modified", "last modified", "updated date", "更新时间"],
};

/** The comparison form of a header: lower case, without spaces, `_`, `-`, `.` or `/`. */
export function headerKey(header: string): string {
  return header
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s_\-./]+/g, "");
}

const SYNONYM_INDEX: ReadonlyMap<string, CanonicalField> = (() => {
  const index = new Map<string, CanonicalField>();
  for (const field of CANONICAL_FIELDS) {
    for (const synonym of SYNONYMS[field]) index.set(headerKey(synonym), field);
  }
  return index;
})();

/**
 * The canonical field a header names, if any. A dotted name from flattened JSON (`address.city`) falls back
 * to its last segment, so nested exports map too.
 */
export function fieldForHeader(header: string): CanonicalField | undefined {
  const direct = SYNONYM_INDEX.get(headerKey(header));
  if (direct) return direct;
  const lastDot = header.lastIndexOf(".");
  if (lastDot <= 0) return undefined;
  // `order.id` or `items.id` identifies something else than the customer: ids only match at the top level.
  const field = SYNONYM_INDEX.get(headerKey(header.slice(lastDot + 1)));
  return field === "source_id" ? undefined : field;
}
