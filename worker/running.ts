/**
 * A process-wide count of started, not yet stopped workers, so tests can fail on a leaked one.
 *
 * @module
 */

let running = 0;

/**
 * How many workers of this process are started and not yet stopped.
 *
 * @example
 * ```ts
 * if (runningWorkerCount() > 0) throw new Error("a worker leaked");
 * ```
 */
export function runningWorkerCount(): number {
  return running;
}

/**
 * Records a worker start (+1) or stop (-1). Called by the worker only.
 *
 * @example
 * ```ts
 * trackRunningWorker(+1);
 * ```
 */
export function trackRunningWorker(delta: 1 | -1): void {
  running += delta;
}
