/**
 * `--pseudonymize`: a value replaced by its keyed hash (HMAC-SHA256, hex). The same value and key give the same
 * pseudonym in every export, so files can still be joined on it, while without the key nobody can test a guess
 * (a plain hash of a phone number is reversed by hashing every phone number). The key comes from an environment
 * variable the user names, never from the command line, where `ps` and shell history would show it.
 */
import { createHmac } from "node:crypto";

export function pseudonymize(value: string, key: string): string {
  return createHmac("sha256", key).update(value, "utf8").digest("hex");
}
