/** In-memory streams for calling main() in-process: what it wrote to stdout and stderr, as text. */
import { PassThrough, Readable } from "node:stream";
import type { Streams } from "../../src/io/color.js";

export function capturedStreams(): { streams: Streams; out: { stdout: string; stderr: string } } {
  const out = { stdout: "", stderr: "" };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (c) => {
    out.stdout += String(c);
  });
  stderr.on("data", (c) => {
    out.stderr += String(c);
  });
  return { streams: { stdin: Readable.from([]), stdout, stderr, env: {} }, out };
}
