/**
 * Header spellings per canonical field, as real exports write them. Keys are compared after `headerKey()`
 * (canonical.ts), so case, accents, spaces and `_ - . / ( ) # : *` do not matter: "E-Mail-Adresse",
 * "e_mail_adresse" and "EMAIL ADRESSE" are one entry. Sources are named where a spelling is theirs, so that a
 * later change can be checked against the export it came from.
 *
 * Deliberately absent, because they would put a value in the wrong field:
 * - opt-OUT columns (Salesforce "Email Opt Out", HubSpot "Unsubscribed from all email"): the opposite of consent;
 * - Shopify "Accepts SMS Marketing": consent to texts, not to e-mail marketing;
 * - Mailchimp "CC": the country of the subscriber's IP address, not of their address (its "REGION", from the
 *   IP too, matches "region" like any other export's: `--map REGION=attributes` keeps it out);
 * - Spanish "Segundo apellido", Portuguese "Apelido" (surname in Portugal, nickname in Brazil), German
 *   "Hausnummer", Brazilian "Bairro" and "Número": no canonical field holds them alone;
 * - Japanese 名字 (surname in Japan) keeps its Chinese meaning, the given name; Japanese exports write 姓 or 苗字.
 */
import type { CanonicalField } from "./canonical.js";

export const SYNONYMS: Record<CanonicalField, string[]> = {
  source_id: [
    "id",
    "source_id",
    "customer id",
    "customer no",
    "customer number",
    "client id",
    "contact id", // Salesforce
    "lead id", // Salesforce
    "account id",
    "record id", // HubSpot
    "hs_object_id", // HubSpot API
    "rec_id",
    "客户编号",
    "客户id",
    "编号",
    "kundennummer",
    "kunden-nr",
    "kundennr",
    "kunden-id",
    "numéro client",
    "numéro de client",
    "n° client",
    "id client",
    "número de cliente",
    "nº de cliente",
    "id de cliente",
    "código do cliente",
    "id do cliente",
    "codice cliente",
    "id cliente",
    "顧客id",
    "顧客番号",
    "会員id",
    "会員番号",
  ],
  given_name: [
    "given_name",
    "first name",
    "given name",
    "forename",
    "firstname",
    "fname",
    "name.first",
    "name.given",
    "名",
    "名字",
    "vorname",
    "prénom",
    "primer nombre",
    "primeiro nome",
  ],
  family_name: [
    "family_name",
    "last name",
    "surname",
    "family name",
    "lastname",
    "lname",
    "name.last",
    "name.family",
    "姓",
    "姓氏",
    "苗字",
    "nachname",
    "familienname",
    "nom de famille",
    "apellido",
    "apellidos",
    "primer apellido",
    "sobrenome",
    "último nome",
    "cognome",
  ],
  full_name: [
    "full_name",
    "full name",
    "customer name",
    "contact name",
    "display name",
    "billing name", // Shopify orders
    "姓名",
    "客户名称",
    "联系人",
    "vollständiger name",
    "nom complet",
    "nombre completo",
    "nombre y apellidos",
    "nome completo",
    "nome e cognome",
    "nominativo",
    "氏名",
    "お名前",
    "名前",
  ],
  email: [
    "email",
    "e-mail",
    "mail",
    "email address", // Mailchimp, HubSpot
    "e-mail address",
    "emailaddress",
    "邮箱",
    "电子邮件",
    "电子邮箱",
    "邮件",
    "e-mail-adresse",
    "courriel",
    "adresse e-mail",
    "adresse électronique",
    "mél",
    "correo",
    "correo electrónico",
    "dirección de correo electrónico",
    "correio eletrônico",
    "correio electrónico",
    "endereço de e-mail",
    "posta elettronica",
    "indirizzo email",
    "メールアドレス",
    "メール",
    "eメール",
  ],
  phone: [
    "phone",
    "mobile", // Salesforce
    "mobilephone", // Salesforce and HubSpot API
    "tel",
    "telephone",
    "cell",
    "cellphone",
    "mobile phone",
    "phone number", // HubSpot, Mailchimp
    "mobile phone number", // HubSpot
    "mobile number",
    "contact number",
    "default address phone", // Shopify customers
    "billing phone", // Shopify orders
    "手机",
    "手机号",
    "手机号码",
    "电话",
    "电话号码",
    "联系电话",
    "telefon",
    "telefonnummer",
    "handy",
    "handynummer",
    "mobil",
    "mobiltelefon",
    "mobilnummer",
    "téléphone",
    "numéro de téléphone",
    "portable",
    "téléphone portable",
    "teléfono",
    "número de teléfono",
    "móvil",
    "celular",
    "teléfono móvil",
    "telefone",
    "telemóvel",
    "telefono",
    "cellulare",
    "numero di telefono",
    "電話番号",
    "電話",
    "携帯電話",
    "携帯電話番号",
    "携帯番号",
    "携帯",
  ],
  birth_date: [
    "birth_date",
    "date of birth",
    "dob",
    "birthday", // Mailchimp
    "birth date",
    "birthdate", // Salesforce
    "date_of_birth",
    "出生日期",
    "生日",
    "geburtsdatum",
    "geburtstag",
    "geb.-datum",
    "date de naissance",
    "fecha de nacimiento",
    "data de nascimento",
    "data di nascita",
    "生年月日",
    "誕生日",
  ],
  company: [
    "company",
    "company name", // HubSpot
    "account name", // Salesforce
    "organization",
    "organisation",
    "employer",
    "default address company", // Shopify customers
    "billing company", // Shopify orders
    "公司",
    "公司名称",
    "单位",
    "firma",
    "firmenname",
    "unternehmen",
    "société",
    "entreprise",
    "raison sociale",
    "empresa",
    "compañía",
    "razón social",
    "azienda",
    "società",
    "ragione sociale",
    "会社名",
    "会社",
    "勤務先",
  ],
  address_line1: [
    "address_line1",
    "street",
    "address", // Mailchimp (the whole address in one cell)
    "address 1",
    "address line 1",
    "street address", // HubSpot
    "address1",
    "address_1",
    "mailing street", // Salesforce
    "mailingstreet",
    "default address address1", // Shopify customers
    "billing address1", // Shopify orders
    "billing street", // Shopify orders (address1 and address2 in one)
    "地址",
    "详细地址",
    "街道",
    "straße",
    "str",
    "straße und hausnummer",
    "adresse",
    "anschrift",
    "rue",
    "adresse 1",
    "dirección",
    "domicilio",
    "calle",
    "endereço",
    "morada",
    "logradouro",
    "rua",
    "indirizzo",
    "住所",
    "住所1",
    "番地",
  ],
  address_line2: [
    "address_line2",
    "address 2",
    "address line 2",
    "address2",
    "address_2",
    "apartment",
    "suite",
    "default address address2", // Shopify customers
    "billing address2", // Shopify orders
    "adresszusatz",
    "adresse 2",
    "complément d'adresse",
    "complemento",
    "住所2",
    "建物名",
  ],
  city: [
    "city",
    "town",
    "suburb",
    "mailing city", // Salesforce
    "mailingcity",
    "default address city", // Shopify customers
    "billing city", // Shopify orders
    "城市",
    "市",
    "ort",
    "stadt",
    "wohnort",
    "ville",
    "commune",
    "ciudad",
    "localidad",
    "municipio",
    "cidade",
    "município",
    "città",
    "comune",
    "località",
    "市区町村",
  ],
  region: [
    "region",
    "state",
    "province",
    "province code", // Shopify
    "county",
    "state/province", // Salesforce
    "state/region", // HubSpot
    "mailing state/province", // Salesforce
    "mailingstate",
    "default address province code", // Shopify customers
    "billing province", // Shopify orders
    "省",
    "省份",
    "bundesland",
    "région",
    "provincia",
    "estado",
    "uf",
    "regione",
    "都道府県",
  ],
  postal_code: [
    "postal_code",
    "zip",
    "zip code",
    "zipcode",
    "postcode",
    "postal code", // HubSpot
    "post code",
    "zip/postal code", // Salesforce
    "mailing zip/postal code", // Salesforce
    "mailingpostalcode",
    "default address zip", // Shopify customers
    "billing zip", // Shopify orders
    "邮编",
    "邮政编码",
    "plz",
    "postleitzahl",
    "code postal",
    "cp",
    "código postal",
    "cep",
    "cap",
    "郵便番号",
    "〒",
  ],
  country: [
    "country",
    "country code",
    "country name",
    "nation",
    "country/region", // HubSpot
    "mailing country", // Salesforce
    "mailingcountry",
    "default address country code", // Shopify customers
    "billing country", // Shopify orders
    "国家",
    "国家/地区",
    "land",
    "pays",
    "país",
    "paese",
    "nazione",
    "国",
    "国名",
  ],
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
    "dni",
    "cpf",
    "codice fiscale",
  ],
  marketing_consent: [
    "marketing_consent",
    "consent",
    "marketing consent",
    "opt in",
    "optin",
    "newsletter",
    "subscribed",
    "accepts marketing", // Shopify (older export), Shopify orders
    "accepts email marketing", // Shopify customers
    "einwilligung",
    "consentement",
    "consentimiento",
    "consentimento",
    "consenso",
    "メルマガ",
    "メールマガジン",
  ],
  created_at: [
    "created_at",
    "created",
    "created date", // Salesforce
    "createddate",
    "create date", // HubSpot
    "createdate",
    "date created",
    "signup date",
    "registered",
    "optin_time", // Mailchimp: when the subscriber opted in
    "创建时间",
    "注册时间",
    "erstellt am",
    "angelegt am",
    "date de création",
    "date d'inscription",
    "fecha de alta",
    "fecha de registro",
    "fecha de creación",
    "data de cadastro",
    "data de criação",
    "data di creazione",
    "data registrazione",
    "登録日",
    "登録日時",
    "作成日",
    "作成日時",
  ],
  updated_at: [
    "updated_at",
    "updated",
    "modified",
    "last modified",
    "last modified date", // Salesforce, HubSpot
    "lastmodifieddate",
    "updated date",
    "last_changed", // Mailchimp
    "更新时间",
    "geändert am",
    "aktualisiert am",
    "letzte änderung",
    "date de modification",
    "fecha de modificación",
    "última modificación",
    "data de atualização",
    "data modifica",
    "更新日",
    "更新日時",
    "最終更新日",
  ],
};

/**
 * Words that mean a person's name but not which part: the full name, unless the other columns say otherwise
 * (see `nameWordField` in mapping.ts). German "Vorname, Name" and French "Prénom, Nom" use them for the
 * family name; Italian "Nome, Cognome", Spanish "Nombre, Apellidos" and Portuguese "Nome, Sobrenome" for the
 * given name; alone (English "Name", Portuguese "Nome") they hold the full name; next to another full-name
 * column (Shopify orders: "Name" is the order number, "Billing Name" the customer) they are something else.
 */
export const NAME_WORDS = ["name", "nom", "nome", "nombre"];
