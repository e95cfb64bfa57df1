/** main(): every outcome becomes the exit code DESIGN.md §2 promises, with messages on stderr only. */
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { capturedStreams } from "../helpers/streams.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const streams = capturedStreams;

afterEach(() => {
  vi.doUnmock("../../src/commands/import.js");
  vi.resetModules();
});

describe("main", () => {
  it("returns 0 for help and version, 2 for usage errors", async () => {
    const { main } = await import("../../src/cli/main.js");
    const help = streams();
    expect(await main(["--help"], help.streams)).toBe(0);
    expect(help.out.stdout).toMatch(/Usage: roster/);
    const version = streams();
    expect(await main(["--version"], version.streams)).toBe(0);
    expect(version.out.stdout).toBe("0.1.0\n");
    const bad = streams();
    expect(await main(["frobnicate"], bad.streams)).toBe(2);
    expect(bad.out.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it("--warn-error turns warnings into exit 1", async () => {
    const { main } = await import("../../src/cli/main.js");
    const dir = tempDir();
    const file = writeFile(dir, "header-only.csv", "id,email\n");
    const store = join(dir, "roster.db");
    const plain = streams();
    expect(await main(["--store", store, "import", file], plain.streams)).toBe(0);
    const strict = streams();
    expect(await main(["--store", store, "--warn-error", "import", writeFile(dir, "h2.csv", "id\n")], strict.streams)).toBe(1);
    expect(strict.out.stderr).toMatch(/warning: .*h2.csv: no data rows/);
    expect(strict.out.stderr).toMatch(/1 warning printed, and --warn-error makes them fail the run/);
  });

  it("an unexpected error is exit 70 with a short message; --verbose adds the stack", async () => {
    vi.doMock("../../src/commands/import.js", async (original) => ({
      ...(await original<object>()),
      runImport: async () => {
        throw new TypeError("cannot read properties of undefined (reading 'x')");
      },
    }));
    const { main } = await import("../../src/cli/main.js");
    const dir = tempDir();
    const quiet = streams();
    expect(await main(["--store", join(dir, "r.db"), "import", "a.csv"], quiet.streams)).toBe(70);
    expect(quiet.out.stderr).toBe(
      "internal error: cannot read properties of undefined (reading 'x')\n  this is a bug in roster; run again with --verbose for the stack trace and report it\n",
    );
    const verbose = streams();
    expect(await main(["-v", "--store", join(dir, "r.db"), "import", "a.csv"], verbose.streams)).toBe(70);
    expect(verbose.out.stderr).toMatch(/TypeError: cannot read properties[\s\S]*at /);
  });
});
