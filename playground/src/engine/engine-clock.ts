/**
 * The playground's clock controls on the real engine's virtual clock
 * (`worker/workflows/clock.ts`, the one `createTestEnv` uses): the VM sees `Date.now()` plus
 * an offset, and moving the clock forward shifts every deadline in the database (timers,
 * signal timeouts, retry backoffs, delayed tasks) back by as much, so they come due now.
 * "Pause" stops the engine's worker (nothing is claimed; what comes due waits), "resume"
 * starts a new one. "Skip timers" moves the clock to each deadline as soon as one exists: on
 * the engine's NOTIFY of delayed work, and at the inspector's next look as a fallback.
 * @module
 */
import { channelOf, type Db } from "../../../worker/mod.ts";
import { createVirtualClock, nextDeadline } from "../../../worker/workflows/clock.ts";
import type { ClockAction, ClockState } from "./protocol.ts";

/** What the clock needs from the runtime: pausing and resuming the engine's worker. */
export interface EngineSwitch {
  pause(): Promise<void>;
  resume(): Promise<void>;
}

/** The engine clock with the playground's controls. */
export interface EngineClock {
  /** Virtual epoch ms: give it to the worker as the workflows' clock. */
  now(): number;
  control(action: ClockAction): Promise<ClockState>;
  onChange(listener: (state: ClockState) => void): () => void;
  /** Re-checks deadlines (auto-skip) and tells listeners; call after anything happened. */
  poke(): void;
  /**
   * Skips timers the moment they are set: listens for the engine's notification of work that
   * becomes ready later (`{"queue", "at"}` with `at` in the future) and, with auto-skip on,
   * moves the clock to it at once instead of at the inspector's next poll.
   */
  listen(): Promise<void>;
}

/**
 * Creates the clock over `db`; `engine` pauses and resumes the worker.
 * @example
 * ```ts
 * const clock = createEngineClock(db, { pause: () => worker.stop(), resume: startWorker });
 * await clock.control({ action: "next" }); // fire the next timer now
 * ```
 */
export function createEngineClock(db: Db, engine: EngineSwitch): EngineClock {
  const virtual = createVirtualClock();
  const listeners = new Set<(state: ClockState) => void>();
  let paused = false;
  let autoSkip = false;
  let busy: Promise<unknown> = Promise.resolve();

  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = busy.then(fn, fn);
    busy = next.catch(() => {});
    return next;
  };

  async function state(): Promise<ClockState> {
    const ms = await nextDeadline(db);
    const now = virtual.now();
    return { now, paused, autoSkip, nextTimer: ms === null ? null : now + ms };
  }

  async function publish(): Promise<ClockState> {
    const current = await state();
    for (const listener of listeners) listener(current);
    return current;
  }

  async function skipNext(): Promise<void> {
    const ms = await nextDeadline(db);
    if (ms !== null) await virtual.shift(db, ms);
  }

  async function apply(action: ClockAction): Promise<void> {
    if (action.action === "pause" && !paused) {
      paused = true;
      await engine.pause();
    }
    if (action.action === "resume" && paused) {
      paused = false;
      await engine.resume();
    }
    if (action.action === "next") await skipNext();
    if (action.action === "advance") await virtual.shift(db, action.ms);
    if (action.action === "autoSkip") autoSkip = action.on;
  }

  return {
    now: () => virtual.now(),
    control: (action) =>
      serial(async () => {
        await apply(action);
        if (autoSkip && !paused) await skipNext();
        return await publish();
      }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    poke() {
      void serial(async () => {
        if (autoSkip && !paused) await skipNext();
        await publish();
      });
    },
    async listen() {
      await db.listen(channelOf(db.schema), (payload) => {
        if (!autoSkip || paused) return;
        let at: unknown;
        try {
          at = (JSON.parse(payload) as { at?: unknown }).at;
        } catch {
          return;
        }
        if (typeof at === "number" && at > Date.now()) {
          void serial(async () => {
            if (autoSkip && !paused) await skipNext();
          });
        }
      });
    },
  };
}
