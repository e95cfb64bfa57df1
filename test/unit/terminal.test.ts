import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { colorAllowed, Terminal } from "../../src/io/terminal.js";

const tty = { isTTY: true };

describe("colorAllowed: decided once from the stream, the environment and --no-color", () => {
  it.each([
    [{}, {}, true],
    [{ NO_COLOR: "1" }, {}, false],
    [{ NO_COLOR: "" }, {}, true], // the NO_COLOR convention: only a non-empty value disables colour
    [{ TERM: "dumb" }, {}, false],
    [{ CI: "true" }, {}, false],
    [{ CI: "0" }, {}, true],
    [{}, { color: false }, false],
  ])("env %o flags %o → %s on a TTY", (env, flags, expected) => {
    expect(colorAllowed(tty, env, flags)).toBe(expected);
  });

  it("never colours a stream that is not a TTY, whatever FORCE_COLOR says", () => {
    expect(colorAllowed({ isTTY: false }, { FORCE_COLOR: "3" }, {})).toBe(false);
    expect(colorAllowed({}, {}, {})).toBe(false);
  });
});

describe("Terminal", () => {
  function terminal(isTTY: boolean, flags = {}, env = {}) {
    const stderr = Object.assign(new PassThrough(), { isTTY });
    let written = "";
    stderr.on("data", (chunk) => {
      written += String(chunk);
    });
    const t = new Terminal({ stdin: Readable.from([]), stdout: new PassThrough(), stderr, env }, flags);
    return { t, written: () => written };
  }

  it("shows progress and colour only on a TTY, and not with --quiet", () => {
    expect(terminal(true).t.progressAllowed).toBe(true);
    expect(terminal(false).t.progressAllowed).toBe(false);
    expect(terminal(true, { quiet: true }).t.progressAllowed).toBe(false);
    expect(terminal(true, {}, { CI: "1" }).t.progressAllowed).toBe(false);
    expect(terminal(true, { json: true }).t.progressAllowed).toBe(false);
  });

  it("shows no spinner on a terminal that reports 0 columns (ora would redraw forever)", () => {
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 0 });
    const t = new Terminal({ stdin: Readable.from([]), stdout: new PassThrough(), stderr, env: {} }, {});
    expect(t.progressAllowed).toBe(false);
  });

  it("writes plain text without escape codes when colour is off, and keeps warnings under --quiet", () => {
    const { t, written } = terminal(false, { quiet: true });
    t.info("summary");
    t.warn("careful");
    t.error("broken", "do this");
    expect(written()).toBe("warning: careful\nerror: broken\n  do this\n");
  });

  it("colours on a TTY", () => {
    const { t, written } = terminal(true);
    t.warn("careful");
    expect(written()).toMatch(/\u001b\[33mwarning:\u001b\[39m careful/);
  });
});
