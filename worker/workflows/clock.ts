/**
 * The virtual clock of `createTestEnv`: the engine's production path is unchanged (SQL compares
 * with the database's `now()`, the VM gets `Date.now()`); a test clock is an offset added to
 * `Date.now()` for the VM, and advancing it shifts every waiting deadline in the database back
 * by the same amount (`run_at` of pending and suspended executions, `fire_at` of handles), so
 * what was due in three days is due now.
 *
 * @module
 */
import type { Db } from "../db/driver.ts";

/** A clock that can be moved forward. */
export interface VirtualClock {
  /** Virtual epoch milliseconds. */
  now(): number;
  /** Moves the clock `ms` forward and shifts the database's deadlines to match. */
  shift(db: Db, ms: number): Promise<void>;
}

/**
 * A clock starting at `start` (epoch ms, default the real now).
 *
 * @example
 * ```ts
 * const clock = createVirtualClock();
 * await clock.shift(db, 3 * 86_400_000); // three days later
 * ```
 */
export function createVirtualClock(start: number = Date.now()): VirtualClock {
  let offset = start - Date.now();
  return {
    now: () => Date.now() + offset,
    async shift(db, ms) {
      if (!(ms > 0)) return;
      offset += ms;
      await db.transaction(async (tx) => {
        await tx.query(
          `update executions set run_at = run_at - $1 * interval '1 millisecond'
            where status in ('pending', 'suspended') and run_at > now()
              and run_at <> 'infinity'`,
          [ms],
        );
        await tx.query(
          `update workflow_handles set fire_at = fire_at - $1 * interval '1 millisecond'
            where fire_at is not null`,
          [ms],
        );
        await tx.query(
          `select count(notify_ready(queue, now()))
             from (select distinct queue from executions
                    where status in ('pending', 'suspended') and run_at <= now()) q`,
        );
      });
    },
  };
}

/**
 * Milliseconds until the next deadline in the database (a delayed task, a retry, a timer, a
 * signal timeout), or null when nothing is scheduled.
 *
 * @example
 * ```ts
 * const ms = await nextDeadline(db); // e.g. 5000 for a sleep(5)
 * ```
 */
export async function nextDeadline(db: Db): Promise<number | null> {
  const [row] = await db.query<{ ms: number | null }>(
    `select (extract(epoch from min(run_at) - now()) * 1000)::float8 as ms from executions
      where status in ('pending', 'suspended') and run_at > now() and run_at <> 'infinity'`,
  );
  return row.ms === null ? null : Math.max(1, Math.ceil(Number(row.ms)));
}
