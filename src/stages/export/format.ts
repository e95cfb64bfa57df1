/**
 * Rows of an export as text: CSV and TSV lines (RFC 4180 quoting, spreadsheet-safe cells), JSON Lines, or the
 * pieces of one JSON array. Values arrive as SQLite gives them (string, number, null); masks and pseudonyms are
 * applied first (`prepare`), then the cells are written (`line`). Built once per export and called per row, so
 * the per-cell work is a few character tests: a million rows must go out at hundreds of thousands a second.
 */
import { UsageError } from "../../errors.js";
import type { ExportColumn } from "./columns.js";
import { maskValue } from "./mask.js";
import { pseudonymize } from "./pseudonymize.js";
import { spreadsheetSafe } from "./spreadsheet-safe.js";

export const EXPORT_FORMATS = ["csv", "tsv", "json", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type Cell = string | number | null;

export interface RowFormatOptions {
  format: ExportFormat;
  columns: readonly ExportColumn[];
  /** Columns to mask (src/stages/export/mask.ts). */
  mask?: readonly string[];
  /** Columns to replace by their keyed hash, and the key. */
  pseudonymize?: readonly string[];
  key?: string;
  /** CSV/TSV line ending: CRLF for Excel. */
  lineEnd?: "\n" | "\r\n";
}

export interface RowFormatter {
  /** The header line (CSV/TSV), or what opens the file (JSON: "["), or nothing. */
  begin(): string;
  /** Masks and pseudonyms applied; the cells a writer may still check (an encoding) before `line`. */
  prepare(values: readonly unknown[]): Cell[];
  /** One row; `index` counts from 0 (JSON puts a comma before every row but the first). */
  line(cells: readonly Cell[], index: number): string;
  /** What closes the file after `rows` rows. */
  end(rows: number): string;
}

function asCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "bigint") return Number(value);
  return String(value);
}

/** A transform per column, or undefined where the value passes as it is. */
function transforms(options: RowFormatOptions): ((text: string) => string)[] | undefined {
  const mask = new Set(options.mask ?? []);
  const pseudo = new Set(options.pseudonymize ?? []);
  if (mask.size === 0 && pseudo.size === 0) return undefined;
  const both = [...mask].filter((name) => pseudo.has(name));
  if (both.length > 0) throw new UsageError(`${both.join(", ")}: either --mask or --pseudonymize, not both`);
  const names = new Set(options.columns.map((c) => c.name));
  for (const name of [...mask, ...pseudo]) {
    const column = options.columns.find((c) => c.name === name);
    if (!names.has(name)) {
      throw new UsageError(
        `${mask.has(name) ? "--mask" : "--pseudonymize"}: ${name} is not a column of this export`,
        `columns: ${[...names].join(", ")}`,
      );
    }
    if (column?.kind === "json") throw new UsageError(`${name} is a JSON column: mask or pseudonymize single fields (attr.NAME)`);
  }
  if (pseudo.size > 0 && !options.key) throw new UsageError("--pseudonymize needs a key (--key-env VAR)");
  const key = options.key ?? "";
  return options.columns.map((column) => {
    if (mask.has(column.name)) return (text: string) => maskValue(column.name, text);
    if (pseudo.has(column.name)) return (text: string) => pseudonymize(text, key);
    return (text: string) => text;
  });
}

function csvFormatter(options: RowFormatOptions, delimiter: string): Omit<RowFormatter, "prepare"> {
  const lineEnd = options.lineEnd ?? "\n";
  const quoteIf = delimiter === "\t" ? /[\t"\r\n]/ : /[,"\r\n]/;
  const text = (value: string) => {
    const safe = spreadsheetSafe(value);
    return quoteIf.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  const cell = (value: Cell) => (value === null ? "" : typeof value === "number" ? String(value) : text(value));
  return {
    begin: () => options.columns.map((c) => text(c.name)).join(delimiter) + lineEnd,
    line(cells) {
      let out = cell(cells[0] ?? null);
      for (let i = 1; i < cells.length; i++) out += delimiter + cell(cells[i] ?? null);
      return out + lineEnd;
    },
    end: () => "",
  };
}

function jsonObject(columns: readonly ExportColumn[], cells: readonly Cell[]): string {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as ExportColumn;
    const value = cells[i] ?? null;
    row[column.name] = column.kind === "json" && typeof value === "string" ? parseJson(value) : value;
  }
  return JSON.stringify(row);
}

/** A JSON column holds JSON; should a row hold anything else, it is kept as the text it is. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function rowFormatter(options: RowFormatOptions): RowFormatter {
  const perColumn = transforms(options);
  const prepare = (values: readonly unknown[]): Cell[] => {
    const cells = values.map(asCell);
    if (perColumn) {
      for (let i = 0; i < cells.length; i++) {
        const value = cells[i];
        if (value !== null && value !== "" && value !== undefined) cells[i] = (perColumn[i] as (text: string) => string)(String(value));
      }
    }
    return cells;
  };
  const { columns } = options;
  switch (options.format) {
    case "csv":
      return { prepare, ...csvFormatter(options, ",") };
    case "tsv":
      return { prepare, ...csvFormatter(options, "\t") };
    case "jsonl":
      return { prepare, begin: () => "", line: (cells) => `${jsonObject(columns, cells)}\n`, end: () => "" };
    case "json":
      return {
        prepare,
        begin: () => "[",
        line: (cells, index) => `${index === 0 ? "\n" : ",\n"}${jsonObject(columns, cells)}`,
        end: (rows) => (rows === 0 ? "]\n" : "\n]\n"),
      };
  }
}

/** The format from `--format`, else from the output file's extension, else CSV. */
export function exportFormatFor(format: string | undefined, out: string | undefined): ExportFormat {
  if (format !== undefined) {
    if ((EXPORT_FORMATS as readonly string[]).includes(format)) return format as ExportFormat;
    throw new UsageError(`--format ${format}: export writes ${EXPORT_FORMATS.join(", ")}`);
  }
  const ext = out && out !== "-" ? /\.([^./\\]+)$/.exec(out.toLowerCase())?.[1] : undefined;
  if (ext === "tsv" || ext === "tab") return "tsv";
  if (ext === "json") return "json";
  if (ext === "jsonl" || ext === "ndjson") return "jsonl";
  return "csv";
}
