import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

const made: string[] = [];
afterEach(() => {
  while (made.length > 0) rmSync(made.pop() as string, { recursive: true, force: true });
});

/** A fresh directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "roster-test-"));
  made.push(dir);
  return dir;
}

/** Write a file into a directory and return its path. */
export function writeFile(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A copy of the store in `dir` (roster.db) in a new temporary directory, for a test that changes it. */
export function copyStore(dir: string): { dir: string; store: string } {
  const other = tempDir();
  copyFileSync(join(dir, "roster.db"), join(other, "roster.db"));
  return { dir: other, store: join(other, "roster.db") };
}
