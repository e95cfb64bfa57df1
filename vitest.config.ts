import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    setupFiles: ["test/setup-fast-check.ts"],
    // End-to-end tests spawn the built binary and big imports; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "roster", include: ["test/**/*.test.ts"], exclude: ["test/install/**"], sequence: { groupOrder: 0 } } },
      {
        // Packing and installing compile better-sqlite3 from source (about a minute each): run these alone,
        // after the rest, so they neither slow the other tests down nor race them for the two cores.
        extends: true,
        test: {
          name: "install",
          include: ["test/install/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
