/** What an input is called and read as when nothing names it: a pipe's source name, tab-separated text as tsv. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultSource } from "../../src/commands/import.js";
import { decideFormat } from "../../src/io/detect.js";
import { tempDir, writeFile } from "../helpers/temp.js";

describe("defaultSource", () => {
  it("a file: its name without the extension; a missing one too (its read reports it)", () => {
    const dir = tempDir();
    expect(defaultSource(writeFile(dir, "crm-export.csv", "id\n"))).toBe("crm-export");
    expect(defaultSource(join(dir, "gone.jsonl"))).toBe("gone");
  });

  it("stdin however it is named", () => {
    for (const name of ["-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"]) expect(defaultSource(name)).toBe("stdin");
  });

  it("a pipe (a FIFO, or /dev/fd/63 from <(...)) is 'pipe', not the descriptor's number", () => {
    const dir = tempDir();
    const fifo = join(dir, "feed.csv");
    execFileSync("mkfifo", [fifo]);
    expect(defaultSource(fifo)).toBe("pipe");
    expect(defaultSource("/dev/fd/63")).toBe("pipe");
  });
});

describe("tab-separated text without a name that says so", () => {
  const head = (text: string) => Buffer.from(text);
  const tsv = "id\tname\temail\nC1\tAnn\ta@x.com\n";

  it("is tsv when read from a pipe or a file without a known extension", () => {
    expect(decideFormat("<stdin>", head(tsv), "utf-8", { encoding: "auto" }, undefined)).toMatchObject({ format: "tsv", delimiter: "\t" });
    expect(decideFormat("export", head(tsv), "utf-8", { encoding: "auto" }, "/tmp/export")).toMatchObject({ format: "tsv" });
  });

  it("stays what the flag or the extension says, and comma-separated text stays csv", () => {
    expect(decideFormat("x", head(tsv), "utf-8", { encoding: "auto", format: "csv" }, undefined)).toMatchObject({
      format: "csv",
      delimiter: "\t",
    });
    expect(decideFormat("x.csv", head(tsv), "utf-8", { encoding: "auto" }, "/tmp/x.csv")).toMatchObject({ format: "csv", delimiter: "\t" });
    expect(decideFormat("<stdin>", head("id,name\nC1,Ann\n"), "utf-8", { encoding: "auto" }, undefined)).toMatchObject({ format: "csv" });
  });
});
