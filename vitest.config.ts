import { defineConfig } from "vitest/config";

/**
 * Three groups, run one after the other:
 * 0. `unit`: every suite, files in parallel (each file has its own schema / PGlite).
 * 1. `browser`: the playground in headless Chromium, one file at a time (CPU-heavy).
 * 2. `processes`: worker processes killed with SIGKILL and the Postgres server restarted
 *    (tests/**\/chaos.test.ts, processes.test.ts) — alone, because a server restart would cut
 *    the connections of any suite running beside it.
 */
const processes = ["tests/worker/processes.test.ts", "tests/workflows/chaos.test.ts"];
const browser = ["tests/browser/**/*.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    globalSetup: ["tests/helpers/global-setup.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/**/*.test.ts"],
          exclude: [...processes, ...browser],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: browser,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: "processes",
          include: processes,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
