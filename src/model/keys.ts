/**
 * The keys normalize derives beside the canonical values: parts kept apart (a phone's extension, a name's
 * title and suffix) and match keys (what dedupe blocks and compares on). One registry: the normalize stage
 * fills them, the store keeps them in one JSON column (record_keys.keys), the file filter writes them as
 * columns. Adding a key is an entry here and its computation in the stage; the store needs no migration
 * (current_records exposes the ones listed in its view; every key is in `keys`).
 */
export const KEY_REGISTRY = [
  { name: "phone_ext", kind: "part", about: "the phone number's extension" },
  { name: "name_title", kind: "part", about: "a title split off the name (Dr., Mrs.)" },
  { name: "name_suffix", kind: "part", about: "a suffix split off the name (Jr., PhD)" },
  { name: "name_han", kind: "match", about: "simplified-Chinese form of a Chinese name" },
  { name: "name_key", kind: "match", about: "pinyin / folded Latin name tokens, sorted" },
  { name: "email_key", kind: "match", about: "the address with gmail dots and +tags dropped" },
  { name: "address_key", kind: "match", about: "street address with abbreviations expanded" },
] as const;

export type KeyName = (typeof KEY_REGISTRY)[number]["name"];

export const KEY_NAMES: readonly KeyName[] = KEY_REGISTRY.map((key) => key.name);

/** The keys dedupe can block on. */
export const MATCH_KEYS: readonly KeyName[] = KEY_REGISTRY.filter((key) => key.kind === "match").map((key) => key.name);

export type RecordKeys = Record<KeyName, string | null>;

export function emptyKeys(): RecordKeys {
  return { phone_ext: null, name_title: null, name_suffix: null, name_han: null, name_key: null, email_key: null, address_key: null };
}

/** What JSON.stringify would escape (quotes, backslashes, control characters, lone surrogates). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** The stored form: a JSON object in registry order, empty keys left out, so equal keys are equal text. */
export function keysJson(keys: RecordKeys): string {
  let json = "";
  for (const name of KEY_NAMES) {
    const value = keys[name];
    // Built for every record of every run: most keys need no escaping, and a regex test is cheaper than stringify.
    if (value !== null) json += `${json === "" ? "{" : ","}"${name}":${NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`}`;
  }
  return json === "" ? "{}" : `${json}}`;
}
