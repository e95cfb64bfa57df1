/**
 * Entry point: parse argv, run the command, and turn every outcome into an exit code (DESIGN.md §2).
 * This file holds the only process.exit in roster (an interrupt ends by its own signal, in io/interrupt.ts).
 */
import { CommanderError } from "commander";
import { ExitCode, OutputClosedError, QualityGateError, RosterError } from "../errors.js";
import { colorAllowed, type Streams } from "../io/terminal.js";
import { toStoreError } from "../store/errors.js";
import { buildProgram, type CliContext } from "./program.js";

export async function main(argv: readonly string[], streams: Streams): Promise<number> {
  const context: CliContext = { streams, storePath: undefined };
  const program = buildProgram(context);
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    const warnings = context.terminal?.warnings ?? 0;
    if (warnings > 0 && program.opts().warnError === true) {
      throw new QualityGateError(`${warnings} warning(s) printed, and --warn-error makes them fail the run`);
    }
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, argv, streams, context);
  }
}

function reportError(error: unknown, argv: readonly string[], streams: Streams, context: CliContext): number {
  if (error instanceof OutputClosedError) return ExitCode.ok;
  if (error instanceof CommanderError) {
    // Help and --version come through here too, with exit code 0; commander already printed the message.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  // Colour and verbosity as decided once for the run; before the options were read, from argv and the stream.
  const terminal = context.terminal;
  const useColor = terminal ? terminal.color.level > 0 : colorAllowed(streams.stderr, streams.env, { color: !argv.includes("--no-color") });
  const red = (text: string) => (useColor ? `\u001b[31m${text}\u001b[39m` : text);
  const known = error instanceof RosterError ? error : toStoreError(error, context.storePath ?? "(store)");
  if (known) {
    streams.stderr.write(`${red("error:")} ${known.message}\n`);
    if (known.hint) streams.stderr.write(`  ${known.hint}\n`);
    return known.exitCode;
  }
  const verbose = terminal ? terminal.flags.verbose === true : argv.includes("-v") || argv.includes("--verbose");
  streams.stderr.write(`${red("internal error:")} ${(error as Error)?.message ?? String(error)}\n`);
  streams.stderr.write(
    verbose
      ? `${(error as Error)?.stack ?? ""}\n`
      : "  this is a bug in roster; run again with --verbose for the stack trace and report it\n",
  );
  return ExitCode.internal;
}

/** Called by bin/roster.js. */
export async function run(): Promise<void> {
  const streams: Streams = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
  const code = await main(process.argv.slice(2), streams);
  // Let stdout drain (a pipe may be slow) before exiting.
  process.stdout.write("", () => process.exit(code));
}
