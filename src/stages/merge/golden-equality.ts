/**
 * Whether two golden records are the same: every value, and where each came from. Written out field by field
 * because it runs for every customer of every merge, and one property access per field name in a loop over the
 * field names was the slowest part of re-planning (test/unit/merge-plan.test.ts checks that no field is missing).
 */
import type { FieldProvenance, GoldenRecord } from "./types.js";

function same(a: FieldProvenance | undefined, b: FieldProvenance | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return a.record === b.record && a.rule === b.rule && a.derived === b.derived;
}

export function sameGolden(a: GoldenRecord, b: GoldenRecord): boolean {
  return (
    (a.values.source_id ?? null) === (b.values.source_id ?? null) &&
    same(a.provenance.source_id, b.provenance.source_id) &&
    (a.values.given_name ?? null) === (b.values.given_name ?? null) &&
    same(a.provenance.given_name, b.provenance.given_name) &&
    (a.values.family_name ?? null) === (b.values.family_name ?? null) &&
    same(a.provenance.family_name, b.provenance.family_name) &&
    (a.values.full_name ?? null) === (b.values.full_name ?? null) &&
    same(a.provenance.full_name, b.provenance.full_name) &&
    (a.values.email ?? null) === (b.values.email ?? null) &&
    same(a.provenance.email, b.provenance.email) &&
    (a.values.phone ?? null) === (b.values.phone ?? null) &&
    same(a.provenance.phone, b.provenance.phone) &&
    (a.values.birth_date ?? null) === (b.values.birth_date ?? null) &&
    same(a.provenance.birth_date, b.provenance.birth_date) &&
    (a.values.company ?? null) === (b.values.company ?? null) &&
    same(a.provenance.company, b.provenance.company) &&
    (a.values.address_line1 ?? null) === (b.values.address_line1 ?? null) &&
    same(a.provenance.address_line1, b.provenance.address_line1) &&
    (a.values.address_line2 ?? null) === (b.values.address_line2 ?? null) &&
    same(a.provenance.address_line2, b.provenance.address_line2) &&
    (a.values.city ?? null) === (b.values.city ?? null) &&
    same(a.provenance.city, b.provenance.city) &&
    (a.values.region ?? null) === (b.values.region ?? null) &&
    same(a.provenance.region, b.provenance.region) &&
    (a.values.postal_code ?? null) === (b.values.postal_code ?? null) &&
    same(a.provenance.postal_code, b.provenance.postal_code) &&
    (a.values.country ?? null) === (b.values.country ?? null) &&
    same(a.provenance.country, b.provenance.country) &&
    (a.values.national_id ?? null) === (b.values.national_id ?? null) &&
    same(a.provenance.national_id, b.provenance.national_id) &&
    (a.values.marketing_consent ?? null) === (b.values.marketing_consent ?? null) &&
    same(a.provenance.marketing_consent, b.provenance.marketing_consent) &&
    (a.values.created_at ?? null) === (b.values.created_at ?? null) &&
    same(a.provenance.created_at, b.provenance.created_at) &&
    (a.values.updated_at ?? null) === (b.values.updated_at ?? null) &&
    same(a.provenance.updated_at, b.provenance.updated_at)
  );
}
