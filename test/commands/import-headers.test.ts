/** runImport on real export layouts: header synonyms by language and CRM, fields fed by several columns. */

import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runNormalize } from "../../src/commands/normalize.js";
import { importOrThrow, normalizeOptions, query, quietTerminal, ROOT } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const FIXTURES = join(ROOT, "fixtures", "mapping");

const FIELDS =
  "source_id, given_name, family_name, full_name, email, phone, birth_date, company, address_line1, address_line2, city, region, " +
  "postal_code, country, national_id, marketing_consent, created_at, updated_at";

/** Each stored record's non-null canonical fields, plus its attributes as an object. */
function storedRecords(store: string): Record<string, unknown>[] {
  return query<Record<string, string | null>>(store, `SELECT line, ${FIELDS}, attributes FROM records ORDER BY line`).map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      if (value === null) continue;
      out[key] = key === "attributes" ? JSON.parse(value as string) : value;
    }
    return out;
  });
}

async function importFixture(name: string, overrides = {}) {
  const store = join(tempDir(), "roster.db");
  const result = await importOrThrow([join(FIXTURES, name)], store, overrides);
  return { store, file: result.files[0], records: storedRecords(store) };
}

describe("CRM and shop exports", () => {
  it("Salesforce contacts: Phone, else Mobile; Email Opt Out is not consent", async () => {
    const { records, file } = await importFixture("salesforce-contacts.csv");
    expect(records[0]).toEqual({
      line: 2,
      source_id: "0035g00000A1bCdAAJ",
      given_name: "Grace",
      family_name: "Hopper",
      email: "grace.hopper@example.com",
      phone: "(415) 555-0132",
      birth_date: "12/9/1986",
      company: "Acme Logistics",
      address_line1: "742 Market St",
      city: "San Francisco",
      region: "CA",
      postal_code: "94103",
      country: "United States",
      created_at: "3/14/2023",
      updated_at: "6/1/2024",
      attributes: { Salutation: "Ms.", Title: "CTO", Mobile: "(415) 555-0199", "Email Opt Out": "0", "Lead Source": "Web" },
    });
    expect(records[1]).toMatchObject({ source_id: "0035g00000A1bCeAAJ", phone: "+44 7700 900123" });
    expect(records[1]?.attributes).not.toHaveProperty("Mobile");
    expect(file?.unmapped).toEqual(["Salutation", "Title", "Email Opt Out", "Lead Source"]);
    expect(file?.warnings).toEqual([expect.stringContaining('phone comes from "Phone", else "Mobile"')]);
  });

  it("HubSpot contacts: Phone Number, else Mobile Phone Number; State/Region and Country/Region", async () => {
    const { records, file } = await importFixture("hubspot-contacts.csv");
    expect(records[0]).toMatchObject({
      source_id: "51",
      given_name: "Maria",
      family_name: "de la Cruz",
      phone: "+1 212 555 0143",
      address_line1: "350 Fifth Avenue",
      region: "NY",
      postal_code: "10118",
      country: "United States",
      company: "Cruz Design",
      created_at: "2023-05-02 10:14",
      updated_at: "2024-01-15 08:30",
    });
    expect(records[1]).toMatchObject({ phone: "+81 3-1234-5678", city: "Chiyoda-ku", region: "Tokyo", country: "Japan" });
    expect(file?.unmapped).toEqual(["Contact owner", "Lifecycle Stage", "Marketing contact status"]);
  });

  it("Shopify customers: Default Address columns, e-mail consent but not SMS consent", async () => {
    const { records, file } = await importFixture("shopify-customers.csv");
    expect(records[0]).toMatchObject({
      source_id: "'7012345678901",
      given_name: "Emma",
      family_name: "Smith-Jones",
      email: "emma.sj@example.co.uk",
      marketing_consent: "yes",
      address_line1: "10 Downing Lane",
      address_line2: "Flat 2",
      city: "London",
      region: "ENG",
      country: "GB",
      postal_code: "SW1A 2AA",
      phone: "+44 7700 900456",
    });
    // Both phones filled and different: the first in column order is the field, the other is kept.
    expect(records[1]).toMatchObject({ company: "Berg BV", phone: "+31 20 123 4567", marketing_consent: "no" });
    expect(records[1]?.attributes).toMatchObject({ Phone: "+31 6 12345678", "Accepts SMS Marketing": "yes" });
    expect(file?.unmapped).toEqual(["Accepts SMS Marketing", "Total Spent", "Total Orders", "Note", "Tax Exempt", "Tags"]);
  });

  it("Shopify orders: the customer is the Billing Name, never the order number in Name", async () => {
    const { records, file } = await importFixture("shopify-orders.csv");
    expect(records.map((r) => r.full_name ?? null)).toEqual(["Li Na", null, "Tom Wright"]);
    expect(records[0]).toMatchObject({
      source_id: "5512345678901",
      email: "li.na@example.cn",
      address_line1: "88 Jianguo Rd Unit 5",
      address_line2: "Unit 5",
      city: "Beijing",
      postal_code: "100022",
      region: "BJ",
      country: "CN",
      phone: "+86 139 1234 5678",
      marketing_consent: "yes",
    });
    expect(records[0]?.attributes).toMatchObject({ Name: "#1001", "Billing Address1": "88 Jianguo Rd", "Shipping Name": "Li Na" });
    expect(records[2]).toMatchObject({ phone: "+1 217 555 0101", address_line1: "1 Main St" });
    expect(records[2]?.attributes).not.toHaveProperty("Billing Address1"); // the same as Billing Street
    expect(file?.unmapped).toContain("Name");
    expect(file?.unmapped).toContain("Shipping Street");
  });

  it("Mailchimp audience: Email Address, OPTIN_TIME and LAST_CHANGED; the list's own columns listed as unmapped", async () => {
    const { records, file } = await importFixture("mailchimp-subscribed.csv");
    expect(records[0]).toMatchObject({
      email: "isabella.rossi@example.it",
      given_name: "Isabella",
      family_name: "Rossi",
      address_line1: "Via Roma 1  Milano  MI  20121  IT",
      phone: "+39 02 1234 5678",
      birth_date: "05/17",
      created_at: "2022-09-01 10:00:00",
      updated_at: "2024-02-10 08:00:00",
    });
    expect(file?.unmapped).toEqual(expect.arrayContaining(["MEMBER_RATING", "OPTIN_IP", "CONFIRM_TIME", "LATITUDE", "CC", "LEID", "EUID"]));
    expect(file?.unmapped).not.toContain("Email Address");
  });
});

describe("exports in other languages", () => {
  async function importText(name: string, text: string) {
    const store = join(tempDir(), "roster.db");
    const path = writeFile(tempDir(), name, text);
    const result = await importOrThrow([path], store);
    return { records: storedRecords(store), file: result.files[0] };
  }

  it("German, Excel's sep=; line and all", async () => {
    const { records, file } = await importFixture("kunden-de.csv");
    expect(records[0]).toEqual({
      line: 3,
      source_id: "K-10001",
      given_name: "Jürgen",
      family_name: "Müller",
      email: "juergen.mueller@example.de",
      phone: "030 12345678",
      birth_date: "15.03.1980",
      address_line1: "Hauptstraße 5",
      postal_code: "10115",
      city: "Berlin",
      country: "Deutschland",
      attributes: { Anrede: "Frau", Kundengruppe: "Stammkunde" },
    });
    expect(records.map((r) => r.line)).toEqual([3, 4, 5]);
    expect(records[2]).toMatchObject({ address_line1: "Am Markt 1, Hinterhaus", city: "Dresden" });
    expect(file?.unmapped).toEqual(["Anrede", "Kundengruppe"]);
  });

  it("French: Prénom/Nom, Courriel, N° client", async () => {
    const { records, file } = await importText(
      "clients.csv",
      "N° client;Civilité;Prénom;Nom;Courriel;Téléphone;Date de naissance;Adresse;Complément d'adresse;Code postal;Ville;Pays\n" +
        "FR-01;Mme;Élodie;Lefèvre;elodie.lefevre@example.fr;01 23 45 67 89;02/05/1988;12 rue de la Paix;Bât. B;75002;Paris;France\n",
    );
    expect(records[0]).toMatchObject({
      source_id: "FR-01",
      given_name: "Élodie",
      family_name: "Lefèvre",
      email: "elodie.lefevre@example.fr",
      phone: "01 23 45 67 89",
      birth_date: "02/05/1988",
      address_line1: "12 rue de la Paix",
      address_line2: "Bât. B",
      postal_code: "75002",
      city: "Paris",
      country: "France",
    });
    expect(file?.unmapped).toEqual(["Civilité"]);
  });

  it("Spanish: Nombre is the given name next to Apellidos", async () => {
    const { records, file } = await importText(
      "clientes.csv",
      "Nº de cliente,Nombre,Apellidos,Correo electrónico,Teléfono,Fecha de nacimiento,Dirección,Código postal,Ciudad,Provincia,País,DNI\n" +
        "ES-7,María José,García López,mj.garcia@example.es,+34 912 345 678,1992-11-30,Calle Mayor 3,28013,Madrid,Madrid,España,12345678Z\n",
    );
    expect(records[0]).toMatchObject({
      source_id: "ES-7",
      given_name: "María José",
      family_name: "García López",
      email: "mj.garcia@example.es",
      phone: "+34 912 345 678",
      address_line1: "Calle Mayor 3",
      postal_code: "28013",
      city: "Madrid",
      region: "Madrid",
      country: "España",
      national_id: "12345678Z",
    });
    expect(file?.unmapped).toEqual([]);
  });

  it("Brazilian Portuguese: a lone Nome is the full name; CEP, Estado, CPF", async () => {
    const { records, file } = await importText(
      "clientes-br.csv",
      "Código do cliente;Nome;E-mail;Celular;CPF;CEP;Endereço;Complemento;Bairro;Cidade;Estado\n" +
        "BR-1;João da Silva;joao.silva@example.com.br;(11) 91234-5678;123.456.789-09;01310-100;Av. Paulista, 1000;Apto 12;Bela Vista;São Paulo;SP\n",
    );
    expect(records[0]).toMatchObject({
      source_id: "BR-1",
      full_name: "João da Silva",
      email: "joao.silva@example.com.br",
      phone: "(11) 91234-5678",
      national_id: "123.456.789-09",
      postal_code: "01310-100",
      address_line1: "Av. Paulista, 1000",
      address_line2: "Apto 12",
      city: "São Paulo",
      region: "SP",
    });
    expect(records[0]).not.toHaveProperty("given_name");
    expect(file?.unmapped).toEqual(["Bairro"]);
  });

  it("Italian: Nome/Cognome, Telefono else Cellulare, CAP, Codice fiscale", async () => {
    const { records } = await importText(
      "clienti.csv",
      "Codice cliente;Nome;Cognome;Email;Telefono;Cellulare;Data di nascita;Indirizzo;CAP;Città;Provincia;Codice fiscale\n" +
        "IT-3;Giulia;Bianchi;giulia.bianchi@example.it;;+39 347 123 4567;14/07/1990;Via Garibaldi 7;10122;Torino;TO;BNCGLI90L54L219X\n",
    );
    expect(records[0]).toMatchObject({
      source_id: "IT-3",
      given_name: "Giulia",
      family_name: "Bianchi",
      phone: "+39 347 123 4567",
      birth_date: "14/07/1990",
      address_line1: "Via Garibaldi 7",
      postal_code: "10122",
      city: "Torino",
      region: "TO",
      national_id: "BNCGLI90L54L219X",
    });
  });

  it("Japanese: 姓/名, 都道府県/市区町村/番地, kana readings kept as attributes", async () => {
    const { records, file } = await importText(
      "顧客.csv",
      "顧客ID,姓,名,セイ,メイ,メールアドレス,電話番号,生年月日,郵便番号,都道府県,市区町村,番地,建物名,会社名\n" +
        "JP-1,佐藤,健二,サトウ,ケンジ,kenji.sato@example.jp,03-1234-5678,1980/04/01,100-0005,東京都,千代田区,丸の内1-1,丸の内ビル3F,佐藤商事\n",
    );
    expect(records[0]).toMatchObject({
      source_id: "JP-1",
      family_name: "佐藤",
      given_name: "健二",
      email: "kenji.sato@example.jp",
      phone: "03-1234-5678",
      birth_date: "1980/04/01",
      postal_code: "100-0005",
      region: "東京都",
      city: "千代田区",
      address_line1: "丸の内1-1",
      address_line2: "丸の内ビル3F",
      company: "佐藤商事",
      attributes: { セイ: "サトウ", メイ: "ケンジ" },
    });
    expect(file?.unmapped).toEqual(["セイ", "メイ"]);
  });
});

describe("JSON records of different shapes", () => {
  it("each record keeps its own email, phone and birth date; normalize derives the same from raw", async () => {
    const { store, records, file } = await importFixture("webshop-mixed-shapes.jsonl");
    expect(records.map((r) => [r.source_id, r.email, r.birth_date])).toEqual([
      ["W-1001", "ana.souza@example.com", "1990-02-01"],
      ["W-1002", "bo.ek@example.org", "1985-07-30"],
      ["W-1003", "cy.young@example.net", "1979-12-24"],
      ["W-1004", "dee@example.com", "2001-03-04"],
    ]);
    expect(records[1]).toMatchObject({ given_name: "Bo", family_name: "Ek", phone: "+46 70 123 45 67", address_line1: "Storgatan 1" });
    expect(records[3]?.attributes).toEqual({ "contact.email": "dee.okafor@work.example.com" });
    expect(file?.warnings.map((w) => w.replace(/^.*?: /, "").replace(/ \(.*/, ""))).toEqual([
      'email comes from "email", else "contact.email"',
      'birth_date comes from "dob", else "birthday"',
      'city comes from "city", else "address.city"',
    ]);

    await runNormalize(normalizeOptions(store), { terminal: quietTerminal().terminal, stdout: new PassThrough() });
    const normalized = query<{ email: string | null; birth_date: string | null }>(
      store,
      "SELECT email, birth_date FROM records ORDER BY line",
    );
    expect(normalized).toEqual([
      { email: "ana.souza@example.com", birth_date: "1990-02-01" },
      { email: "bo.ek@example.org", birth_date: "1985-07-30" },
      { email: "cy.young@example.net", birth_date: "1979-12-24" },
      { email: "dee@example.com", birth_date: "2001-03-04" },
    ]);
  });

  it("an explicit mapping takes precedence for every record", async () => {
    const { records } = await importFixture("webshop-mixed-shapes.jsonl", { mappings: { "contact.email": "email" } });
    expect(records.map((r) => r.email)).toEqual([
      "ana.souza@example.com",
      "bo.ek@example.org",
      "cy.young@example.net",
      "dee.okafor@work.example.com",
    ]);
    expect(records[3]?.attributes).toEqual({ email: "dee@example.com" });
  });
});
