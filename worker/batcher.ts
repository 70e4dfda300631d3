/**
 * Groups calls into batches: those made in the same run of the microtask queue (a flush starts
 * on a microtask, never a timer), and those that arrive while a previous batch is being written.
 *
 * @module
 */

/** A function that takes one item and resolves with its result, batching under the hood. */
export type Batched<T, R> = (item: T) => Promise<R>;

/**
 * Wraps `flush(items) → results (same order)` as a per-item function. At most `lanes` flushes
 * (default 1) run at a time; items queued meanwhile go together in the next, up to `maxBatch` per
 * flush. The first
 * flush after an idle period starts on a microtask: at once, with no timer (a zero-delay timer
 * costs 1 ms or more, several under load, on every idle completion), yet items produced in the
 * same synchronous run (e.g. a batch of claimed tasks that finish at once) still share one
 * round trip; under load, batches form while a flush is in flight.
 *
 * @example
 * ```ts
 * const complete = createBatcher(async (items: Completion[]) => {
 *   const done = await completeExecutions(db, workerId, items);
 *   return items.map((c) => done.has(c.id));
 * });
 * const held = await complete({ id, attempt, output: "1" });
 * ```
 */
export function createBatcher<T, R>(
  flush: (items: T[]) => Promise<R[]>,
  maxBatch = 500,
  lanes = 1,
): Batched<T, R> {
  const queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let flushing = 0; // lanes draining (or about to)

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        const results = await flush(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]));
      } catch (error) {
        batch.forEach((b) => b.reject(error));
      }
    }
    flushing--;
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (flushing >= lanes) return;
      flushing++;
      queueMicrotask(drain);
    });
}
