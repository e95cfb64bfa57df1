/** Types for the benchmark data generator (plain JavaScript so it runs without a build). */
export interface GeneratorOptions {
  rows: number;
  seed?: number;
  /** Share of people with more than one record (default 0.15). */
  dupShare?: number;
  /** Most records one person gets (default 4; a duplicated person has 2 to maxCopies). */
  maxCopies?: number;
  /** A person's later records come within this many rows of the first (default 100,000). */
  spread?: number;
  /** Share of new people who join a recent person's household: same address and family name (default 0.02). */
  households?: number;
  /** Source names; with more than one, one file per source (default ["crm"]). */
  sources?: string[];
  /** Shares of people per country (default US 0.4, CN 0.25, GB 0.15, DE 0.1, FR 0.1). */
  countries?: Record<string, number>;
}
export interface GeneratedPerson {
  id: number;
  country: string;
  cn: boolean;
  given: string;
  family: string;
  dob: [number, number, number];
  phone: { cc: string; e164: string; groups: string[]; trunk: string; mobile: boolean };
  email: string;
  address: { key: string; postcode: string };
}
export interface GeneratedRecord {
  recordId: string;
  personId: string;
  source: string;
  /** 0 for a person's first record, 1… for the corrupted copies. */
  copy: number;
  /** Values in COLUMNS order. */
  fields: string[];
  person: GeneratedPerson;
}
export const COLUMNS: string[];
export const DEFAULTS: Required<Omit<GeneratorOptions, "rows">>;
/** Written country forms (lower case) → ISO code. */
export const COUNTRY_OF: Record<string, string>;
export function customerRecords(options: GeneratorOptions): Generator<GeneratedRecord>;
export function customerLines(options: GeneratorOptions): Generator<string>;
export function sourcePath(path: string, source: string): string;
export function truthPath(path: string): string;
export function writeCustomersCsv(
  path: string,
  options: GeneratorOptions & { truth?: boolean; stats?: boolean },
): Promise<{ rows: number; bytes: number; files: string[]; truth: string | undefined; stats: Record<string, number> | undefined }>;
