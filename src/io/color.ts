/**
 * Whether a stream gets colour (DESIGN.md §1), apart from chalk: main.ts decides how to print an error before
 * any command loads, and importing chalk there would cost every `roster --help` its load time.
 */
export interface Streams {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
}

export interface OutputFlags {
  color?: boolean; // commander's --no-color sets this to false
  quiet?: boolean;
  verbose?: boolean;
  json?: boolean;
}

/** Colour only for a TTY, and never with NO_COLOR, TERM=dumb, CI or --no-color. */
export function colorAllowed(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flags: OutputFlags): boolean {
  if (flags.color === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  if (isCi(env)) return false;
  return stream.isTTY === true;
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}
