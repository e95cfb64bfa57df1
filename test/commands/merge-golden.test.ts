/**
 * Golden records through the store: what the store's times and records make survivorship choose (the batches of
 * one import command tie on most_recent), and the name chosen as one group. Stores built as a user builds them:
 * import → dedupe (→ normalize first) → merge (test/helpers/merge-store.ts).
 */
import { describe, expect, it } from "vitest";
import { customerOf, customerRow, dedupe, merge, newStore, provenanceOf, recordId } from "../helpers/merge-store.js";
import { importOrThrow, query } from "../helpers/run.js";
import { writeFile } from "../helpers/temp.js";

const HEADER = "id,first_name,last_name,email,phone,birth_date,address,city,postcode,updated_at\n";

/** Jonathan Harper in two exports without updated_at: one knows his city only, the other his whole address. */
const CITY_ONLY = `${HEADER}w1,Jonathan,Harper,jon.harper@example.com,+1 503 555 0142,1984-06-09,,Portland,,\n`;
const FULL_ADDRESS = `${HEADER}k1,Jonathan,Harper,jon.harper@example.com,+1 503 555 0142,1984-06-09,12 Oak Street,Portland,97201,\n`;

describe("most_recent over batch times", () => {
  it("the batches of one import command tie, so the most complete address wins whatever order the files came in", async () => {
    for (const order of [
      ["full.csv", "city.csv"],
      ["city.csv", "full.csv"],
    ]) {
      const s = newStore();
      const files = order.map((name) => writeFile(s.dir, name, name === "full.csv" ? FULL_ADDRESS : CITY_ONLY));
      await importOrThrow(files, s.store, { source: "crm" });
      const times = query<{ imported_at: string }>(s.store, "SELECT imported_at FROM batches ORDER BY id");
      expect(times).toHaveLength(2);
      await dedupe(s.store);
      await merge(s.store);
      const full = recordId(s.store, "crm:k1");
      const id = customerOf(s.store).get("crm:k1");
      expect(customerOf(s.store).get("crm:w1")).toBe(id);
      const row = customerRow(s.store, id);
      expect(row, order.join(" ")).toMatchObject({ address_line1: "12 Oak Street", city: "Portland", postal_code: "97201" });
      expect(provenanceOf(row).address_line1).toEqual({ record: full, rule: "most_complete" });
      expect(provenanceOf(row).city).toEqual({ record: full, rule: "most_complete" });
    }
  });

  it("batches of two import commands keep their order: the later command's record is the newer one", async () => {
    const s = newStore();
    await importOrThrow([writeFile(s.dir, "full.csv", FULL_ADDRESS)], s.store, { source: "crm" });
    await importOrThrow([writeFile(s.dir, "city.csv", CITY_ONLY)], s.store, { source: "crm" });
    await dedupe(s.store);
    await merge(s.store);
    const row = customerRow(s.store, customerOf(s.store).get("crm:w1"));
    expect(provenanceOf(row).city).toEqual({ record: recordId(s.store, "crm:w1"), rule: "most_recent" });
    // The older record holds the same address and is the only one with a street and postal code: they are filled.
    expect(row).toMatchObject({ address_line1: "12 Oak Street", postal_code: "97201" });
    expect(provenanceOf(row).postal_code).toEqual({ record: recordId(s.store, "crm:k1"), rule: "same_address" });
  });
});
