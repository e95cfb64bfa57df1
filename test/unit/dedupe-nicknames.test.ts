import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { areNicknames, buildNicknameIndex, nicknameGroups } from "../../src/stages/dedupe/nicknames.js";
import { ROOT } from "../helpers/run.js";

describe("areNicknames on the vendored list", () => {
  it.each([
    ["william", "bill"],
    ["william", "will"],
    ["william", "billy"],
    ["margaret", "peggy"],
    ["margaret", "maggie"],
    ["robert", "bob"],
    ["robert", "bobby"],
    ["elizabeth", "liz"],
    ["elizabeth", "beth"],
    ["katherine", "kate"],
    ["james", "jim"],
    ["anthony", "tony"],
    ["jennifer", "jen"],
    // siblings: both nicknames of one full name, neither listing the other
    ["jim", "jimmy"],
    ["kate", "katie"],
    ["peggy", "maggie"],
    ["liz", "beth"],
  ])("%s / %s are nicknames (both ways)", (a, b) => {
    expect(areNicknames(a, b)).toBe(true);
    expect(areNicknames(b, a)).toBe(true);
  });

  it.each([
    ["william", "robert"], // two full names that share "bill" in the list
    ["rose", "ann"], // two full names inside the compound "roseann"
    ["john", "nathan"],
    ["mary", "rose"],
    ["william", "margaret"],
    ["bob", "peggy"],
    ["john", "jane"],
    ["smith", "smyth"],
  ])("%s / %s are not", (a, b) => {
    expect(areNicknames(a, b)).toBe(false);
    expect(areNicknames(b, a)).toBe(false);
  });

  it("identical names are not nicknames: the exact level takes them first", () => {
    expect(areNicknames("william", "william")).toBe(false);
    expect(areNicknames("Bill", "bill")).toBe(false);
  });

  it("lowers ASCII capitals; does not fold accents (callers pass folded keys)", () => {
    expect(areNicknames("William", "BILL")).toBe(true);
    expect(areNicknames("MARGARET", "Peggy")).toBe(true);
    expect(areNicknames("wílliam", "bill")).toBe(false);
  });

  it("unknown, empty, non-Latin and multi-word input is false, never an error", () => {
    expect(areNicknames("zzyzx", "bill")).toBe(false);
    expect(areNicknames("william", "zzyzx")).toBe(false);
    expect(areNicknames("", "")).toBe(false);
    expect(areNicknames("", "bill")).toBe(false);
    expect(areNicknames("伟", "威廉")).toBe(false);
    expect(areNicknames("william smith", "bill smith")).toBe(false);
    expect(areNicknames(" bill", "william")).toBe(false);
  });
});

describe("nicknameGroups", () => {
  it("puts a name and its nicknames in a shared group", () => {
    const william = nicknameGroups("william");
    const bill = nicknameGroups("bill");
    expect(william.length).toBeGreaterThan(0);
    expect(william.some((g) => bill.includes(g))).toBe(true);
    expect(nicknameGroups("WILLIAM")).toEqual(william);
  });

  it("is broader than areNicknames: William and Robert both sit in the group headed by bill", () => {
    expect(nicknameGroups("william").some((g) => nicknameGroups("robert").includes(g))).toBe(true);
    expect(areNicknames("william", "robert")).toBe(false);
  });

  it("returns ascending ids, and one frozen empty array for unknown names", () => {
    for (const name of ["bill", "liz", "ann", "kit"]) {
      const groups = nicknameGroups(name);
      expect([...groups].sort((a, b) => a - b)).toEqual(groups);
      expect(Object.isFrozen(groups)).toBe(true);
    }
    expect(nicknameGroups("zzyzx")).toEqual([]);
    expect(nicknameGroups("")).toBe(nicknameGroups("zzyzx"));
    expect(Object.isFrozen(nicknameGroups("zzyzx"))).toBe(true);
  });
});

describe("buildNicknameIndex (the CSV format)", () => {
  it("reads the triples, skips the header, blank lines, other relationships and malformed lines", () => {
    const index = buildNicknameIndex(
      [
        "name1,relationship,name2",
        "alexander,has_nickname,alex",
        "",
        "alexander,is_translation_of:en-sp,alejandro",
        "  Alexander , HAS_NICKNAME , Sandy ",
        "broken line",
        "a,has_nickname,b,c",
        "x,has_nickname,",
        "same,has_nickname,same",
        "zack,has_nickname,alex\r",
      ].join("\r\n"),
    );
    expect([...index.ids.keys()].sort()).toEqual(["alex", "alexander", "sandy", "zack"]);
    expect(index.ids.has("alejandro")).toBe(false);
    expect(index.ids.has("relationship")).toBe(false);
    const alex = index.ids.get("alex")!;
    expect(index.groups[alex]).toEqual([0, 1]); // alexander's group and zack's
    expect(index.canonical[index.ids.get("alexander")!]).toBe(1);
    expect(index.canonical[alex]).toBe(0);
    expect([...index.related[alex]!]).toEqual([index.ids.get("alexander"), index.ids.get("zack")].sort());
  });

  it("the shipped file is the upstream triple format and loads every line", () => {
    const text = readFileSync(join(ROOT, "data", "nicknames", "names.csv"), "utf8");
    const lines = text.split(/\r?\n/).filter(Boolean);
    expect(lines[0]).toBe("name1,relationship,name2");
    expect(lines.slice(1).every((line) => /^[^,]+,has_nickname,[^,]+$/.test(line))).toBe(true);
    const index = buildNicknameIndex(text);
    const names = new Set(lines.slice(1).flatMap((line) => [line.split(",")[0], line.split(",")[2]]));
    expect(index.ids.size).toBe(names.size);
    expect(index.ids.size).toBeGreaterThan(2000);
  });

  it("ships its licence and a note of where it came from", () => {
    expect(readFileSync(join(ROOT, "data", "nicknames", "LICENSE"), "utf8")).toMatch(/Apache License\s+Version 2\.0/);
    expect(readFileSync(join(ROOT, "data", "nicknames", "README.md"), "utf8")).toMatch(/carltonnorthern\/nicknames[\s\S]*[0-9a-f]{40}/);
  });
});

describe("shipping the list", () => {
  it("npm pack puts data/nicknames in the package", () => {
    // --ignore-scripts: the listing needs no build; test/install checks the real tarball.
    const out = execFileSync("npm", ["pack", "--dry-run", "--ignore-scripts", "--json", "--loglevel=error"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(["data/nicknames/names.csv", "data/nicknames/LICENSE", "data/nicknames/README.md"]));
  });

  it("the loader's relative path reaches the list from dist/ as well as from src/", () => {
    for (const dir of ["src", "dist"]) {
      const module = pathToFileURL(join(ROOT, dir, "stages", "dedupe", "nicknames.js"));
      expect(existsSync(fileURLToPath(new URL("../../../data/nicknames/names.csv", module)))).toBe(true);
    }
  });
});
