/** One audit_log line per command that touched the store: who ran what, when, and how it ended. */
import { hostname, userInfo } from "node:os";
import type { Db } from "./open.js";
import { writeInTurn } from "./write-turns.js";

export function writeAudit(db: Db, command: string, args: readonly string[], outcome: "ok" | "failed", details: unknown): void {
  let user: string | null = null;
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): leave it empty rather than fail the command
  }
  const insert = db.prepare("INSERT INTO audit_log (at, user, host, command, args, outcome, details) VALUES (?, ?, ?, ?, ?, ?, ?)");
  writeInTurn(db, () =>
    insert.run(new Date().toISOString(), user, hostname(), command, JSON.stringify(args), outcome, JSON.stringify(details)),
  );
}
