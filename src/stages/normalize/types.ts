/** Shared shapes of the normalize stage: pure functions from values to canonical values and findings. */
export type DateOrder = "dmy" | "mdy";

export interface NormalizeContext {
  /** Default region (ISO 3166-1 alpha-2) when a record has no country. */
  country: string | undefined;
  /** Day-first or month-first, decided per source from the data or set in roster.yml. */
  dateOrder: DateOrder | undefined;
}
