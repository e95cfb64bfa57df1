/** `roster export`: the commander adapter, and the summary on stderr (or the result object under --json). */
import { z } from "zod";
import { type ExportOptions, type ExportResult, runExport } from "../../commands/export.js";
import { UsageError } from "../../errors.js";
import { count } from "../../io/count.js";
import { EXPORT_KINDS, type ExportWhat } from "../../stages/export/columns.js";
import { exportFormatFor } from "../../stages/export/format.js";
import { type Globals, parseOptions, resolveGlobals } from "../globals.js";
import type { CliContext } from "../program.js";
import { workerCount } from "../workers.js";

const list = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "");

const ExportFlags = z.object({
  format: z.string().optional(),
  out: z.string().optional(),
  fields: z.string().optional(),
  where: z.array(z.string()).optional(),
  since: z.string().regex(/^\d+$/, "takes a run id: a merge run's for customers, a batch's for records, rejects and findings").optional(),
  provenance: z.boolean().optional(),
  requireConsent: z.boolean().optional(),
  mask: z.string().optional(),
  pseudonymize: z.string().optional(),
  keyEnv: z.string().optional(),
  excel: z.boolean().optional(),
  encoding: z.string().optional(),
});

export function exportOptionsFrom(what: string | undefined, raw: Record<string, unknown>, globals: Globals): ExportOptions {
  const flags = parseOptions(ExportFlags, raw);
  const kind = (what ?? "customers") as ExportWhat;
  if (!EXPORT_KINDS.includes(kind)) throw new UsageError(`export ${what}: export one of ${EXPORT_KINDS.join(", ")}`);
  const encoding = (flags.encoding ?? "utf-8").toLowerCase().replace(/^utf8$/, "utf-8");
  if (encoding !== "utf-8" && encoding !== "gbk") throw new UsageError(`--encoding ${flags.encoding}: export writes utf-8 or gbk`);
  const pseudonymize = list(flags.pseudonymize) ?? [];
  let key: string | undefined;
  if (pseudonymize.length > 0) {
    if (!flags.keyEnv) throw new UsageError("--pseudonymize needs --key-env VAR: the environment variable that holds the key");
    key = globals.terminal.streams.env[flags.keyEnv];
    if (!key) {
      throw new UsageError(
        `--key-env ${flags.keyEnv}: the variable is ${key === undefined ? "not set" : "empty"}`,
        `export ${flags.keyEnv}=... with a secret key (the same key gives the same pseudonyms in every export)`,
      );
    }
  } else if (flags.keyEnv) {
    throw new UsageError("--key-env names the key for --pseudonymize, which is not given");
  }
  if (globals.json && (flags.out === undefined || flags.out === "-")) {
    throw new UsageError("--json with export needs -o FILE: the exported rows go to stdout otherwise");
  }
  return {
    storePath: globals.storePath,
    busyTimeoutMs: globals.busyTimeoutMs,
    what: kind,
    format: exportFormatFor(flags.format, flags.out),
    out: flags.out,
    fields: list(flags.fields),
    where: flags.where ?? [],
    since: flags.since === undefined ? undefined : Number(flags.since),
    provenance: flags.provenance === true,
    requireConsent: flags.requireConsent === true,
    mask: list(flags.mask) ?? [],
    pseudonymize,
    key,
    excel: flags.excel === true,
    encoding,
    workers: workerCount(globals.terminal.streams.env.ROSTER_WORKERS),
  };
}

export async function exportCommand(what: string | undefined, raw: Record<string, unknown>, context: CliContext): Promise<void> {
  const globals = resolveGlobals(raw, context);
  const { terminal } = globals;
  const result = await runExport(exportOptionsFrom(what, raw, globals), { terminal, stdout: terminal.streams.stdout });
  if (result.leftOut) {
    const { withdrawn, unrecorded, unclear } = result.leftOut;
    const total = withdrawn + unrecorded + unclear;
    const why = [
      withdrawn > 0 ? `${withdrawn} withdrew consent` : "",
      unrecorded > 0 ? `${unrecorded} with no consent recorded` : "",
      unclear > 0 ? `${unclear} with a consent value that is neither yes nor no` : "",
    ].filter((part) => part !== "");
    terminal.info(`--require-consent left out ${count(total, "customer")}${why.length > 0 ? `: ${why.join(", ")}` : ""}`);
  }
  if (result.notYet) terminal.warn(`${result.notYet.reason}: ${result.notYet.hint}`);
  if (globals.json) terminal.result(resultJson(result));
  else terminal.info(`exported ${count(result.rows, NOUNS[result.what])} as ${result.format}${result.out ? ` to ${result.out}` : ""}`);
}

const NOUNS: Record<ExportWhat, string> = {
  customers: "customer",
  records: "record",
  rejects: "reject",
  findings: "finding",
  pairs: "pair",
};

function resultJson(result: ExportResult) {
  return {
    command: "export",
    ok: true,
    store: result.store,
    what: result.what,
    format: result.format,
    out: result.out,
    columns: result.columns,
    rows: result.rows,
    left_out: result.leftOut,
    not_yet: result.notYet,
    seconds: result.seconds,
  };
}
