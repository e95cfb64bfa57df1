/**
 * audit_log.args: a command's effective flags written out as a command line, so the line says how the
 * command read and decided (the encoding, mappings from roster.yml, gates), not only which files it named.
 */
export type FlagValue = string | number | boolean | readonly string[] | undefined;

/** `--name value` per flag that is set (a repeatable flag once per value, a boolean bare), then the operands. */
export function auditArgs(flags: Record<string, FlagValue>, operands: readonly string[] = []): string[] {
  const args: string[] = [];
  for (const [name, value] of Object.entries(flags)) {
    if (value === undefined || value === false) continue;
    if (value === true) args.push(name);
    else if (typeof value === "string" || typeof value === "number") args.push(name, String(value));
    else for (const item of value) args.push(name, item);
  }
  return [...args, ...operands];
}
