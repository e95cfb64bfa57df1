/**
 * Entry point: parse argv, run the command, and turn every outcome into an exit code (DESIGN.md §2).
 * This file holds the only process.exit in roster (an interrupt ends by its own signal, in io/interrupt.ts).
 */
import { CommanderError } from "commander";
import { ExitCode, OutputClosedError, QualityGateError, RosterError } from "../errors.js";
import { colorAllowed, type Streams } from "../io/color.js";
import { count } from "../io/count.js";
import { toStoreError } from "../store/errors.js";
import { buildProgram, type CliContext } from "./program.js";

/** What a failure is called in --json output, by exit code. */
const ERROR_CODES: Record<number, string> = {
  [ExitCode.gateFailed]: "gate",
  [ExitCode.usage]: "usage",
  [ExitCode.input]: "input",
  [ExitCode.store]: "store",
  [ExitCode.internal]: "internal",
};

interface Failure {
  exitCode: number;
  message: string;
  hint: string | undefined;
}

export async function main(argv: readonly string[], streams: Streams): Promise<number> {
  const context: CliContext = { streams, storePath: undefined };
  const program = buildProgram(context);
  let failure: Failure | undefined;
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    const warnings = context.terminal?.warnings ?? 0;
    if (warnings > 0 && program.opts().warnError === true) {
      throw new QualityGateError(`${count(warnings, "warning")} printed, and --warn-error makes them fail the run`);
    }
  } catch (error) {
    if (error instanceof OutputClosedError) return ExitCode.ok; // nobody reads stdout any more
    // Help and --version come through here too, with exit code 0; commander already printed the message.
    if (error instanceof CommanderError && error.exitCode === 0) return ExitCode.ok;
    failure = reportError(error, argv, streams, context);
  }
  if (wantsJson(argv, context)) {
    printJson(streams, context, failure, () =>
      commandOf(
        argv,
        program.commands.map((command) => command.name()),
      ),
    );
  }
  return failure?.exitCode ?? ExitCode.ok;
}

function reportError(error: unknown, argv: readonly string[], streams: Streams, context: CliContext): Failure {
  if (error instanceof CommanderError) {
    // commander already printed its message on stderr (for no command at all: the help, and "(outputHelp)").
    const message = error.code === "commander.help" ? "no command given" : error.message.replace(/^error: /, "");
    return { exitCode: ExitCode.usage, message, hint: "run with --help for usage" };
  }
  // Colour and verbosity as decided once for the run; before the options were read, from argv and the stream.
  const terminal = context.terminal;
  const useColor = terminal ? terminal.color.level > 0 : colorAllowed(streams.stderr, streams.env, { color: !argv.includes("--no-color") });
  const red = (text: string) => (useColor ? `\u001b[31m${text}\u001b[39m` : text);
  const known = error instanceof RosterError ? error : toStoreError(error, context.storePath ?? "(store)");
  if (known) {
    streams.stderr.write(`${red("error:")} ${known.message}\n`);
    if (known.hint) streams.stderr.write(`  ${known.hint}\n`);
    return { exitCode: known.exitCode, message: known.message, hint: known.hint };
  }
  const verbose = terminal ? terminal.flags.verbose === true : argv.includes("-v") || argv.includes("--verbose");
  const message = (error as Error)?.message ?? String(error);
  const hint = "this is a bug in roster; run again with --verbose for the stack trace and report it";
  streams.stderr.write(`${red("internal error:")} ${message}\n`);
  streams.stderr.write(verbose ? `${(error as Error)?.stack ?? ""}\n` : `  ${hint}\n`);
  return { exitCode: ExitCode.internal, message, hint };
}

/** Arguments before `--`: after it, `--json` would be a file name. */
function optionArgs(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf("--");
  return end === -1 ? argv : argv.slice(0, end);
}

/** From the parsed options when there are any; from argv when commander failed before (unknown flag, bad value). */
function wantsJson(argv: readonly string[], context: CliContext): boolean {
  return context.terminal ? context.terminal.flags.json === true : optionArgs(argv).includes("--json");
}

/** Global options that take a value: the word after them is not the command. */
const VALUE_OPTIONS = new Set(["--store", "--config", "--country"]);

/** The command argv names (null when it names none roster knows), for an error printed before it ran. */
function commandOf(argv: readonly string[], commands: readonly string[]): string | null {
  const args = optionArgs(argv);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith("-")) return commands.includes(arg) ? arg : null;
  }
  return null;
}

/**
 * Under --json, stdout carries exactly one object: the command's result, or, when the run failed, that result
 * with `ok: false` and an `error` (a gate that failed after the result was built, --warn-error), or only
 * `{command, ok, error}` when it failed before a result existed (usage, unreadable input, store unavailable).
 */
function printJson(streams: Streams, context: CliContext, failure: Failure | undefined, command: () => string | null): void {
  const result = context.terminal?.jsonResult;
  if (!failure) {
    if (result) streams.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const error = {
    code: ERROR_CODES[failure.exitCode] ?? "internal",
    exit_code: failure.exitCode,
    message: failure.message,
    hint: failure.hint ?? null,
  };
  streams.stdout.write(`${JSON.stringify(result ? { ...result, ok: false, error } : { command: command(), ok: false, error })}\n`);
}

/** Called by bin/roster.js. */
export async function run(): Promise<void> {
  const streams: Streams = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
  const code = await main(process.argv.slice(2), streams);
  // Let stdout drain (a pipe may be slow) before exiting.
  process.stdout.write("", () => process.exit(code));
}
