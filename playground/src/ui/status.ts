/**
 * The status line in the header, and the hooks the browser tests and the cold-start
 * benchmark read (`window.rhythm`).
 * @module
 */
import type { BootInfo } from "../engine/protocol.ts";

/** What tests and benchmarks can observe on `window.rhythm`. */
export interface TestHooks {
  bootInfo: BootInfo | null;
  /** Ids of the runs started from the page, in order. */
  runs: string[];
  /** `performance.now()` when the first run completed, or null. */
  firstCompletedAt: number | null;
  /** `performance.now()` when the bare PGlite boot (`?bare=1`) finished, or null. */
  bareReadyAt: number | null;
  /**
   * `performance.now()` at milestones of the page's start: `booted`, `started`, … and the
   * engine worker's boot phases (`workerLoaded`, `pgliteReady`, …) in the page's time.
   */
  marks: Record<string, number>;
  /** The first run's events (type, and when in the page's time), once it completed. */
  firstRunEvents: { type: string; at: number }[] | null;
  completed(id: string): void;
}

/**
 * Installs `window.rhythm` (idempotent) and returns it.
 * @example
 * ```ts
 * installHooks().runs; // []
 * ```
 */
export function installHooks(): TestHooks {
  const scope = globalThis as { rhythm?: TestHooks };
  scope.rhythm ??= {
    bootInfo: null,
    runs: [],
    firstCompletedAt: null,
    bareReadyAt: null,
    marks: {},
    firstRunEvents: null,
    completed(id) {
      if (this.firstCompletedAt === null && id === this.runs[0]) {
        this.firstCompletedAt = performance.now();
      }
    },
  };
  return scope.rhythm;
}

/**
 * Shows a status in the header (`data-state` is `booting`, `ready` or `error`).
 * @example
 * ```ts
 * setStatus("ready", "Rhythm engine on PGlite");
 * ```
 */
export function setStatus(state: "booting" | "ready" | "error", text: string): void {
  const element = document.getElementById("status");
  if (!element) return;
  element.dataset.state = state;
  element.textContent = text;
  element.title = text;
}
