/**
 * Typed errors. Commands throw these with a message a user can act on; src/cli/main.ts is the one place
 * that turns them into exit codes (DESIGN.md §2).
 */
export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  usage: 2,
  input: 3,
  store: 4,
  internal: 70,
} as const;

export abstract class RosterError extends Error {
  abstract readonly exitCode: number;
  constructor(
    message: string,
    /** What the user can do about it, printed under the message. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags, arguments or roster.yml. */
export class UsageError extends RosterError {
  readonly exitCode = ExitCode.usage;
}

/** The input cannot be read at all: missing file, undecodable bytes, not CSV/JSON. */
export class InputError extends RosterError {
  readonly exitCode = ExitCode.input;
}

/** The store cannot be used: locked, corrupt, newer schema, no permission. */
export class StoreError extends RosterError {
  readonly exitCode = ExitCode.store;
}

/**
 * Whoever read our output went away (`roster normalize x.csv | head`): not a failure of roster's. main exits
 * quietly with 0, as a command killed by SIGPIPE would have stopped without a message.
 */
export class OutputClosedError extends Error {
  constructor() {
    super("output closed by the reader");
  }
}

/** A quality gate failed (e.g. import --max-rejects). The command's result has already been printed. */
export class QualityGateError extends RosterError {
  readonly exitCode = ExitCode.gateFailed;
}
