/**
 * Marketing consent as `--require-consent` reads a golden customer's value. normalize writes "true" and "false"
 * (src/stages/normalize/other-fields.ts); a store exported before normalizing, or a value normalize could not
 * read, is parsed with the same table, so 是 and yes count as they would after normalize.
 */
import { normalizeConsent } from "../normalize/other-fields.js";

/** given: affirmative; withdrawn: a recorded no; unrecorded: blank; unclear: a value that is neither. */
export type ConsentStatus = "given" | "withdrawn" | "unrecorded" | "unclear";

export function consentStatus(value: string | null | undefined): ConsentStatus {
  const text = value?.trim() ?? "";
  if (text === "") return "unrecorded";
  const { value: normalized } = normalizeConsent(text);
  if (normalized === "true") return "given";
  if (normalized === "false") return "withdrawn";
  return "unclear";
}
