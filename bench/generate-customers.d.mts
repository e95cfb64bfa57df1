/** Types for the benchmark data generator (plain JavaScript so it runs without a build). */
export function customerLines(options: { rows: number; seed?: number }): Generator<string>;
export function writeCustomersCsv(path: string, options: { rows: number; seed?: number }): Promise<{ rows: number; bytes: number }>;
