/**
 * Chinese resident identity numbers (GB 11643-1999): 17 digits and a check character computed with
 * ISO 7064 MOD 11-2; digits 7-14 are the holder's birth date (YYYYMMDD).
 */
import { isRealIsoDate } from "../normalize/dates.js";

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

export function chineseIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK[sum % 11] as string;
}

export type ChineseIdProblem =
  | { kind: "format" }
  | { kind: "first_generation" }
  | { kind: "checksum"; expected: string }
  | { kind: "birth_date"; date: string };

/** The birth date written inside a well-formed id, as YYYY-MM-DD. */
export function chineseIdBirthDate(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

export function checkChineseId(id: string): ChineseIdProblem | undefined {
  // 15 digits: a first-generation id (1984–2004, YYMMDD birth date, no check character), void since 2013.
  if (/^\d{15}$/.test(id)) return { kind: "first_generation" };
  if (!/^\d{17}[\dX]$/.test(id)) return { kind: "format" };
  const expected = chineseIdCheckCharacter(id.slice(0, 17));
  if (id[17] !== expected) return { kind: "checksum", expected };
  const date = chineseIdBirthDate(id);
  if (!isRealIsoDate(date)) return { kind: "birth_date", date };
  return undefined;
}
