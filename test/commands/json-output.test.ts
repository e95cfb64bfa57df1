/**
 * --json: stdout carries exactly one JSON object, success or failure, and every key roster names is snake_case
 * (like the store's columns) with a `command` key in every result.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { capturedStreams } from "../helpers/streams.js";
import { tempDir, writeFile } from "../helpers/temp.js";

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import("../../src/cli/main.js");
  const { streams, out } = capturedStreams();
  const code = await main(args, streams);
  return { code, ...out };
}

/** stdout is one line holding one JSON object. */
function onlyObject(stdout: string): Record<string, unknown> {
  const lines = stdout.split("\n").filter((line) => line !== "");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

afterEach(() => {
  vi.doUnmock("../../src/commands/import.js");
  vi.resetModules();
});

const CSV = "id,name,email,phone,birthday\n1,Ann Lee,ann@gmial.com,+1 415 555 0100,03/04/1990\n2,Bo,bad-email,x,31/12/1980\n";

describe("--json: every failure is one JSON error object on stdout", () => {
  function setup() {
    const dir = tempDir();
    return { dir, file: writeFile(dir, "a.csv", CSV), store: join(dir, "roster.db") };
  }

  it.each([
    ["an unknown flag (commander fails before any option is read)", ["--json", "import", "--frob", "A"], "import", "usage", 2],
    ["an unknown command", ["--json", "frobnicate"], null, "usage", 2],
    ["no command", ["--json"], null, "usage", 2],
    ["a bad option value", ["--json", "import", "--max-rejects", "many", "A"], "import", "usage", 2],
    ["a bad global value", ["--country", "XX", "--json", "validate", "A"], "validate", "usage", 2],
    ["--json after the command", ["import", "--json", "--encoding", "ebcdic", "A"], "import", "usage", 2],
    ["a missing store", ["--json", "--store", "STORE", "normalize"], "normalize", "store", 4],
    ["dedupe files with no -o", ["--json", "dedupe", "A"], "dedupe", "usage", 2],
    [
      "dedupe with the review band above the threshold",
      ["--json", "dedupe", "--threshold", "0.8", "--review-threshold", "0.9"],
      "dedupe",
      "usage",
      2,
    ],
    ["dedupe on a missing store", ["--json", "--store", "STORE", "dedupe"], "dedupe", "store", 4],
  ])("%s", async (_what, args, command, code, exitCode) => {
    const { file, store } = setup();
    const argv = (args as string[]).map((arg) => (arg === "A" ? file : arg === "STORE" ? store : arg));
    const result = await run(argv);
    expect(result.code).toBe(exitCode);
    expect(onlyObject(result.stdout)).toEqual({
      command,
      ok: false,
      error: { code, exit_code: exitCode, message: expect.any(String), hint: expect.toBeOneOf([expect.any(String), null]) },
    });
    expect(result.stderr).toMatch(/error: |Usage: roster/); // the message for people stays on stderr
  });

  it("a bad roster.yml: exit 2 naming the key path, in the JSON error too", async () => {
    const { dir, file } = setup();
    const config = writeFile(dir, "roster.yml", "country: [1\n");
    const result = await run(["--json", "--config", config, "import", file]);
    expect(result.code).toBe(2);
    expect(onlyObject(result.stdout)).toMatchObject({ command: "import", ok: false, error: { code: "usage", exit_code: 2 } });
  });

  it("a command that built its result keeps it as the one object, with ok false and the error added", async () => {
    const { dir, file, store } = setup();
    // exit 3: the readable file is imported, the missing one named in files[] and in error
    const input = await run(["--json", "--store", store, "import", file, join(dir, "nope.csv")]);
    expect(input.code).toBe(3);
    expect(onlyObject(input.stdout)).toMatchObject({
      command: "import",
      ok: false,
      files: [{ status: "imported" }, { status: "failed" }],
      error: { code: "input", exit_code: 3, message: expect.stringMatching(/1 of 2 files could not be read/) },
    });
    // exit 1: the gate failed after the report was built
    const gate = await run(["--json", "validate", file]);
    expect(gate.code).toBe(1);
    expect(onlyObject(gate.stdout)).toMatchObject({ command: "validate", ok: false, passed: false, error: { code: "gate", exit_code: 1 } });
    // --warn-error fails a run whose result said ok
    const strict = await run(["--json", "--warn-error", "--store", store, "import", writeFile(dir, "empty.csv", "id\n")]);
    expect(strict.code).toBe(1);
    expect(onlyObject(strict.stdout)).toMatchObject({ command: "import", ok: false, error: { code: "gate" } });
  });

  it("validate --json with another report format wants that report in a file; stdout keeps the JSON", async () => {
    const { dir, file } = setup();
    const toStdout = await run(["--json", "validate", "--format", "junit", file]);
    expect(toStdout.code).toBe(2);
    expect(onlyObject(toStdout.stdout)).toMatchObject({
      ok: false,
      error: { code: "usage", message: expect.stringMatching(/--out FILE/) },
    });
    const toFile = await run(["--json", "validate", "--format", "junit", "--out", join(dir, "r.xml"), file]);
    expect(toFile.code).toBe(1);
    expect(onlyObject(toFile.stdout)).toMatchObject({ command: "validate", records: 2 });
  });

  it("an internal error (a bug) is exit 70 with code internal", async () => {
    vi.doMock("../../src/commands/import.js", async (original) => ({
      ...(await original<object>()),
      runImport: async () => {
        throw new TypeError("boom");
      },
    }));
    const { file, store } = setup();
    const result = await run(["--json", "--store", store, "import", file]);
    expect(result.code).toBe(70);
    expect(onlyObject(result.stdout)).toMatchObject({
      command: "import",
      ok: false,
      error: { code: "internal", exit_code: 70, message: "boom" },
    });
  });

  it("without --json a failure prints nothing on stdout", async () => {
    const { file } = setup();
    const result = await run(["import", "--frob", file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
  });
});

/**
 * Keys that are user data, not names roster chose: they are exempt. `keys`: an object whose keys are data (a
 * column → field mapping, per-field counts keyed by field name) but whose values are roster's; `opaque`: a value
 * that is data all the way down (a source record as it was read).
 */
const DATA: Record<string, "keys" | "opaque"> = {
  "files[].mapping": "keys",
  "files[].sample[].raw": "opaque",
  fields: "keys",
  // dedupe: cluster counts keyed by size band ("1", "2", "5-9", "10+").
  "clusters.by_size": "keys",
};

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Every key roster chose in `value`, with its path (array elements as `[]`). */
function ownKeys(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => ownKeys(item, `${path}[]`));
  if (value === null || typeof value !== "object") return [];
  const data = DATA[path];
  if (data === "opaque") return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const at = path === "" ? key : `${path}.${key}`;
    return [...(data === "keys" ? [] : [at]), ...ownKeys(inner, at)];
  });
}

describe("--json key style", () => {
  it("every command's result, nested objects included, uses snake_case keys and names its command", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "a.csv", CSV);
    const store = join(dir, "roster.db");
    const s = ["--json", "--store", store];
    const results = {
      init: await run([...s, "init"]),
      import: await run([...s, "import", file]),
      "import --dry-run": await run([...s, "import", "--dry-run", file]),
      "import, unreadable": await run([...s, "import", join(dir, "nope.csv")]),
      normalize: await run([...s, "normalize"]),
      "normalize --dry-run": await run([...s, "normalize", "--dry-run"]),
      "normalize files": await run([...s, "normalize", file, "-o", join(dir, "out.csv")]),
      validate: await run([...s, "validate"]),
      "validate files": await run([...s, "validate", file]),
      dedupe: await run([...s, "dedupe"]),
      "dedupe, unchanged": await run([...s, "dedupe"]),
      "dedupe --show-model": await run([...s, "dedupe", "--show-model"]),
      "dedupe --explain": await run([...s, "dedupe", "--explain", "1", "2"]),
      "dedupe files": await run([...s, "dedupe", file, "-o", join(dir, "deduped.csv")]),
      batches: await run([...s, "batches"]),
      "batches rm": await run([...s, "batches", "rm", "1"]),
      "usage error": await run([...s, "validate", "--fail-on", "sometimes"]),
    };
    const commands = Object.fromEntries(Object.entries(results).map(([name, r]) => [name, onlyObject(r.stdout).command]));
    expect(commands).toEqual({
      init: "init",
      import: "import",
      "import --dry-run": "import",
      "import, unreadable": "import",
      normalize: "normalize",
      "normalize --dry-run": "normalize",
      "normalize files": "normalize",
      validate: "validate",
      "validate files": "validate",
      dedupe: "dedupe",
      "dedupe, unchanged": "dedupe",
      "dedupe --show-model": "dedupe",
      "dedupe --explain": "dedupe",
      "dedupe files": "dedupe",
      batches: "batches",
      "batches rm": "batches",
      "usage error": "validate",
    });
    const offending = Object.entries(results).flatMap(([name, r]) =>
      ownKeys(onlyObject(r.stdout))
        .filter((path) => !SNAKE.test(path.split(".").at(-1)?.replace("[]", "") ?? ""))
        .map((path) => `${name}: ${path}`),
    );
    expect(offending).toEqual([]);
    // The walk saw the nested objects it is meant to check (not an empty or exempted result).
    const validatePaths = ownKeys(onlyObject(results["validate files"].stdout));
    expect(validatePaths).toEqual(expect.arrayContaining(["rules[].examples[].source_id", "rules[].examples[].record_id"]));
    expect(ownKeys(onlyObject(results.normalize.stdout))).toEqual(
      expect.arrayContaining(["fields.email.changed", "sources[].evidence.day_first"]),
    );
    expect(ownKeys(onlyObject(results.init.stdout))).toContain("schema_version");
    expect(ownKeys(onlyObject(results.dedupe.stdout))).toEqual(
      expect.arrayContaining(["blocking_rules[].name", "clusters.by_size", "clusters.ids_kept", "phases.training", "capped_blocks"]),
    );
    expect(ownKeys(onlyObject(results["dedupe --show-model"].stdout))).toEqual(
      expect.arrayContaining(["comparisons[].levels[].weight", "model_id"]),
    );
    expect(ownKeys(onlyObject(results["dedupe --explain"].stdout))).toEqual(
      expect.arrayContaining(["explain.steps[].tf_adjustment", "explain.why_not[].differs", "explain.prior_weight"]),
    );
  });

  it("the walk catches a camelCase key and skips only the data", () => {
    expect(ownKeys({ command: "x", sourceId: 1, fields: { Email: { inner_key: 1 } } })).toEqual([
      "command",
      "sourceId",
      "fields",
      "fields.Email.inner_key",
    ]);
    expect(ownKeys({ files: [{ mapping: { "E-Mail": "email" }, sample: [{ raw: { "First Name": { x: 1 } } }] }] })).toEqual([
      "files",
      "files[].mapping",
      "files[].sample",
      "files[].sample[].raw",
    ]);
  });
});
