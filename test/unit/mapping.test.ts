import { describe, expect, it } from "vitest";
import { fieldForHeader, headerKey } from "../../src/fields/canonical.js";
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
    // nested parts of JSON exports
    ["name.first", "given_name"],
    ["name.last", "family_name"],
    ["customer.name.first", "given_name"],
    ["contact.mobile", "phone"],
    ["address.street", "address_line1"],
    ["address.zip", "postal_code"],
    ["default_address.province_code", "region"],
    ["company.name", "company"],
    // German
    ["Vorname", "given_name"],
    ["Nachname", "family_name"],
    ["E-Mail-Adresse", "email"],
    ["Telefon", "phone"],
    ["Handy", "phone"],
    ["Geburtsdatum", "birth_date"],
    ["Geb.-Datum", "birth_date"],
    ["Straße", "address_line1"],
    ["STRASSE", "address_line1"],
    ["Str.", "address_line1"],
    ["PLZ", "postal_code"],
    ["Ort", "city"],
    ["Bundesland", "region"],
    ["Land", "country"],
    ["Firma", "company"],
    ["Kundennummer", "source_id"],
    ["Kunden-Nr.", "source_id"],
    // French
    ["Prénom", "given_name"],
    ["PRENOM", "given_name"],
    ["Nom de famille", "family_name"],
    ["Courriel", "email"],
    ["Téléphone", "phone"],
    ["Tél.", "phone"],
    ["Portable", "phone"],
    ["Date de naissance", "birth_date"],
    ["Adresse", "address_line1"],
    ["Complément d'adresse", "address_line2"],
    ["Code postal", "postal_code"],
    ["Ville", "city"],
    ["Pays", "country"],
    ["Société", "company"],
    ["N° client", "source_id"],
    // Spanish
    ["Apellido(s)", "family_name"],
    ["Apellidos", "family_name"],
    ["Correo electrónico", "email"],
    ["correo electronico", "email"],
    ["Teléfono", "phone"],
    ["Móvil", "phone"],
    ["Fecha de nacimiento", "birth_date"],
    ["Dirección", "address_line1"],
    ["Código postal", "postal_code"],
    ["Ciudad", "city"],
    ["Provincia", "region"],
    ["País", "country"],
    ["DNI", "national_id"],
    // Portuguese
    ["Sobrenome", "family_name"],
    ["Nome completo", "full_name"],
    ["Telefone", "phone"],
    ["Celular", "phone"],
    ["Data de nascimento", "birth_date"],
    ["Endereço", "address_line1"],
    ["CEP", "postal_code"],
    ["Cidade", "city"],
    ["Estado", "region"],
    ["CPF", "national_id"],
    // Italian
    ["Cognome", "family_name"],
    ["Telefono", "phone"],
    ["Cellulare", "phone"],
    ["Data di nascita", "birth_date"],
    ["Indirizzo", "address_line1"],
    ["CAP", "postal_code"],
    ["Città", "city"],
    ["Citta", "city"],
    ["Codice fiscale", "national_id"],
    // Japanese (姓/名 as in Chinese; full-width letters folded)
    ["氏名", "full_name"],
    ["姓", "family_name"],
    ["名", "given_name"],
    ["メールアドレス", "email"],
    ["電話番号", "phone"],
    ["携帯電話", "phone"],
    ["ＴＥＬ", "phone"],
    ["生年月日", "birth_date"],
    ["住所", "address_line1"],
    ["郵便番号", "postal_code"],
    ["都道府県", "region"],
    ["市区町村", "city"],
    ["会社名", "company"],
    ["顧客ID", "source_id"],
    // Salesforce contacts
    ["Mailing Street", "address_line1"],
    ["Mailing City", "city"],
    ["Mailing State/Province", "region"],
    ["Mailing Zip/Postal Code", "postal_code"],
    ["Mailing Country", "country"],
    ["Birthdate", "birth_date"],
    ["Account Name", "company"],
    ["Contact ID", "source_id"],
    ["MailingPostalCode", "postal_code"],
    // HubSpot contacts
    ["Record ID", "source_id"],
    ["Phone Number", "phone"],
    ["Mobile Phone Number", "phone"],
    ["Street Address", "address_line1"],
    ["State/Region", "region"],
    ["Postal Code", "postal_code"],
    ["Country/Region", "country"],
    ["Company Name", "company"],
    ["Create Date", "created_at"],
    ["Last Modified Date", "updated_at"],
    // Shopify customers and orders
    ["Accepts Email Marketing", "marketing_consent"],
    ["Accepts Marketing", "marketing_consent"],
    ["Default Address Address1", "address_line1"],
    ["Default Address Address2", "address_line2"],
    ["Default Address City", "city"],
    ["Default Address Province Code", "region"],
    ["Default Address Country Code", "country"],
    ["Default Address Zip", "postal_code"],
    ["Billing Name", "full_name"],
    ["Billing Street", "address_line1"],
    ["Billing Address1", "address_line1"],
    ["Billing City", "city"],
    ["Billing Zip", "postal_code"],
    ["Billing Province", "region"],
    ["Billing Country", "country"],
    ["Billing Phone", "phone"],
    // Mailchimp audience export
    ["Email Address", "email"],
    ["Address", "address_line1"],
    ["Birthday", "birth_date"],
    ["OPTIN_TIME", "created_at"],
    ["LAST_CHANGED", "updated_at"],
  ])("%s → %s", (header, field) => {
    expect(fieldForHeader(header)).toBe(field);
  });

  it("leaves unknown headers unmapped", () => {
    expect(fieldForHeader("loyalty tier")).toBeUndefined();
    expect(fieldForHeader("")).toBeUndefined();
  });

  it.each([
    "Email Opt Out", // Salesforce: the opposite of consent
    "Accepts SMS Marketing", // Shopify: texts, not e-mail
    "CC", // Mailchimp: the country of the IP address
    "MEMBER_RATING",
    "Segundo apellido",
    "Hausnummer",
    "email_marketing_consent.state", // Shopify API: subscribed/unsubscribed, not a region
    "email.verified",
    "order.id",
    "Name", // decided by the other columns (ColumnMapper)
  ])("does not map %s to a field", (header) => {
    expect(fieldForHeader(header)).toBeUndefined();
  });

  it("folds accents, ß, case and full-width forms in header keys but keeps Japanese voiced kana apart", () => {
    expect(headerKey("Straße")).toBe(headerKey("STRASSE"));
    expect(headerKey("Código Postal")).toBe("codigopostal");
    expect(headerKey("Apellido(s)")).toBe("apellidos");
    expect(headerKey("ＥＭＡＩＬ")).toBe("email");
    expect(headerKey("ド")).not.toBe(headerKey("ト"));
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
  const decisions = (mapper: ColumnMapper) => Object.fromEntries(mapper.all().map((m) => [m.column, `${m.field}/${m.by}`]));

  it("lets two synonym columns both feed the field, in header order, and says so once", () => {
    const mapper = ColumnMapper.forHeaders(["Phone", "Mobile", "notes"]);
    expect(mapper.all().map((m) => [m.column, m.field])).toEqual([
      ["Phone", "phone"],
      ["Mobile", "phone"],
      ["notes", "attributes"],
    ]);
    expect(mapper.warnings).toEqual([
      'phone comes from "Phone", else "Mobile" (each record\'s first non-empty one; a different value of the others stays in attributes)',
    ]);
  });

  it("puts explicitly mapped columns first; the synonym columns of that field stay as fallbacks", () => {
    const mapper = ColumnMapper.forHeaders(["Phone", "Handynummer privat", "Email"], {
      "Handynummer privat": "phone",
      email: "attributes",
    });
    expect(decisions(mapper)).toEqual({
      "Handynummer privat": "phone/map",
      Phone: "phone/synonym",
      Email: "attributes/map",
    });
    expect(mapper.inPrecedence().map((m) => m.column)).toEqual(["Handynummer privat", "Email", "Phone"]);
  });

  it("orders a field's columns: explicit, whole synonym, last two dotted parts, last part; then as met", () => {
    const mapper = new ColumnMapper({ work_mail: "email" });
    for (const column of ["contact.email", "customer.name.first", "email", "first_name", "work_mail", "billing.email"]) mapper.map(column);
    expect(mapper.sortByPrecedence(["contact.email", "billing.email", "email", "work_mail"])).toEqual([
      "work_mail",
      "email",
      "contact.email",
      "billing.email",
    ]);
    expect(mapper.sortByPrecedence(["customer.name.first", "first_name"])).toEqual(["first_name", "customer.name.first"]);
  });

  it("lists the columns nothing matched, not the ones --map kept out on purpose", () => {
    const mapper = ColumnMapper.forHeaders(["Email Address", "MEMBER_RATING", "LEID", "NOTES"], { NOTES: "attributes" });
    expect(mapper.unmapped()).toEqual(["MEMBER_RATING", "LEID"]);
  });

  it("flags unknown mapping targets", () => {
    expect(invalidMappingTargets({ a: "phone", b: "telephone", c: "attributes", d: "-" })).toEqual(["b=telephone"]);
  });
});

describe("a bare word for name means what the other columns leave out", () => {
  const nameField = (headers: string[], explicit = {}) =>
    ColumnMapper.forHeaders(headers, explicit)
      .all()
      .find((m) => /^(name|nom|nome|nombre)$/i.test(m.column))?.field;

  it.each([
    [["Vorname", "Name", "E-Mail"], "family_name"], // German
    [["Prénom", "Nom", "Courriel"], "family_name"], // French
    [["Nome", "Cognome", "Email"], "given_name"], // Italian
    [["Nombre", "Apellidos", "Correo electrónico"], "given_name"], // Spanish
    [["Nome", "Sobrenome", "E-mail"], "given_name"], // Brazilian, first and last name apart
    [["Nome", "E-mail", "Telefone", "CEP"], "full_name"], // Brazilian, one name column
    [["Name", "Email"], "full_name"],
    [["First Name", "Last Name", "Name"], "full_name"],
    [["Name", "Email", "Billing Name", "Billing Street"], "attributes"], // Shopify orders: Name is "#1001"
  ])("%j → %s", (headers, field) => {
    expect(nameField(headers)).toBe(field);
  });

  it("counts explicit mappings as the other columns", () => {
    expect(nameField(["Rufname", "Name"], { Rufname: "given_name" })).toBe("family_name");
  });

  it("decides a JSON key from its own record's keys", () => {
    const mapper = new ColumnMapper();
    expect(mapper.map("name", ["name", "email"]).field).toBe("full_name");
    const other = new ColumnMapper();
    expect(other.map("nome", ["nome", "cognome"]).field).toBe("given_name");
  });
});
