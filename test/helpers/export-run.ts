/** Running `roster export` in-process on a temporary store: the options at the CLI's defaults, stdout captured. */
import { PassThrough } from "node:stream";
import { type ExportOptions, type ExportResult, runExport } from "../../src/commands/export.js";
import { quietTerminal } from "./run.js";

export function exportOptions(storePath: string, overrides: Partial<ExportOptions> = {}): ExportOptions {
  return {
    storePath,
    busyTimeoutMs: 5000,
    what: "customers",
    format: "csv",
    out: undefined,
    fields: undefined,
    where: [],
    since: undefined,
    provenance: false,
    requireConsent: false,
    mask: [],
    pseudonymize: [],
    key: undefined,
    excel: false,
    encoding: "utf-8",
    workers: 0,
    ...overrides,
  };
}

/** The export's result and everything it wrote to stdout, as bytes and as UTF-8 text. */
export async function exported(
  storePath: string,
  overrides: Partial<ExportOptions> = {},
): Promise<{ result: ExportResult; bytes: Buffer; text: string }> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  const result = await runExport(exportOptions(storePath, overrides), { terminal: quietTerminal().terminal, stdout });
  const bytes = Buffer.concat(chunks);
  return { result, bytes, text: bytes.toString("utf8") };
}
