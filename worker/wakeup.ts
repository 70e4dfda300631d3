/**
 * When a worker looks for work. NOTIFY is a hint, polling is the truth:
 *
 * - a LISTEN on the schema's channel wakes the worker as soon as work in one of its queues is
 *   committed (or tells it when delayed work will be ready, via a timer);
 * - a slow poll wakes it regardless, catching lost notifications;
 * - after the listening connection comes back, it wakes at once to re-check what it missed;
 * - at start a self-probe sends a notification to itself; when it does not arrive (LISTEN
 *   behind a transaction pooler), listening is switched off and the log says so.
 *
 * Notifications on the channel are JSON: `{"queue", "at"}` (work ready at epoch ms `at`),
 * `{"cancel": id}` (abort a running execution), `{"probe": token}` (the self-probe).
 *
 * @module
 */
import { channelOf, type Db } from "./db/driver.ts";
import { uuidv7 } from "./ids.ts";
import type { Logger } from "./logger.ts";

/** Options of {@link createWakeup}. */
export interface WakeupOptions {
  db: Db;
  queues: readonly string[];
  /** Poll every this many milliseconds. */
  pollIntervalMs: number;
  /** Use LISTEN at all (false: polling only). */
  listen: boolean;
  /** How long the self-probe waits for its notification. */
  probeTimeoutMs: number;
  /** Called when there may be ready work; `reason` is for logs and tests. */
  onWake: (reason: "notify" | "poll" | "timer" | "resubscribe") => void;
  /** Called when a running execution was cancelled. */
  onCancel: (id: string) => void;
  logger: Logger;
}

/** A started wake-up source. */
export interface Wakeup {
  /** Starts listening (with the self-probe) and polling; resolves true when LISTEN works. */
  start(): Promise<boolean>;
  /** Stops everything. */
  stop(): Promise<void>;
}

/**
 * Creates the wake-up source of one worker.
 *
 * @example
 * ```ts
 * const wakeup = createWakeup({ db, queues: ["default"], pollIntervalMs: 2000, listen: true,
 *   probeTimeoutMs: 1000, onWake: () => pump(), onCancel: (id) => abort(id), logger });
 * const listening = await wakeup.start();
 * ```
 */
export function createWakeup(options: WakeupOptions): Wakeup {
  const queues = new Set(options.queues);
  const probes = new Map<string, () => void>();
  let stopped = false;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let delayTimer: ReturnType<typeof setTimeout> | undefined;
  let delayAt = Infinity;
  let unlisten: (() => Promise<void>) | null = null;

  function wake(reason: Parameters<WakeupOptions["onWake"]>[0]) {
    if (!stopped) options.onWake(reason);
  }

  function schedule(at: number) {
    if (at >= delayAt) return; // an earlier wake-up is already set
    clearTimeout(delayTimer);
    delayAt = at;
    // `at` is run_at floored to the millisecond: wake 2 ms later so the row is surely due. A
    // client clock behind the server's makes the claim find nothing; the poll catches up.
    delayTimer = setTimeout(() => {
      delayAt = Infinity;
      wake("timer");
    }, Math.max(0, at + 2 - Date.now()));
  }

  function onNotify(payload: string) {
    let message: { queue?: string; at?: number; cancel?: string; probe?: string };
    try {
      message = JSON.parse(payload);
    } catch {
      return; // not ours
    }
    if (message.probe !== undefined) probes.get(message.probe)?.();
    else if (message.cancel !== undefined) options.onCancel(message.cancel);
    else if (message.queue !== undefined && queues.has(message.queue)) {
      if (typeof message.at === "number" && message.at > Date.now() + 1) schedule(message.at);
      else wake("notify");
    }
  }

  function poll() {
    pollTimer = setTimeout(() => {
      if (stopped) return;
      wake("poll");
      poll();
    }, options.pollIntervalMs);
  }

  async function probe(): Promise<boolean> {
    const token = uuidv7();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arrived = new Promise<boolean>((resolve) => {
      probes.set(token, () => resolve(true));
      timer = setTimeout(() => resolve(false), options.probeTimeoutMs);
    });
    await options.db.query("select pg_notify($1, $2)", [
      channelOf(options.db.schema),
      JSON.stringify({ probe: token }),
    ]);
    const ok = await arrived;
    clearTimeout(timer);
    probes.delete(token);
    return ok;
  }

  async function startListening(): Promise<boolean> {
    try {
      unlisten = await options.db.listen(channelOf(options.db.schema), onNotify, {
        onResubscribe: () => {
          options.logger("info", "listen connection restored: re-checking for work");
          wake("resubscribe");
        },
        onDisconnect: () => options.logger("warn", "listen connection lost: reconnecting"),
      });
    } catch (error) {
      options.logger("warn", `LISTEN failed (${(error as Error).message}): polling only`);
      return false;
    }
    if (stopped) { // stopped while LISTEN was being set up: `stop` found nothing to unlisten
      await unlisten().catch(() => {});
      unlisten = null;
      return false;
    }
    if (await probe()) return true;
    if (stopped) return false; // `stop` has unlistened
    options.logger(
      "warn",
      `LISTEN did not deliver a probe notification within ${options.probeTimeoutMs} ms ` +
        `(a transaction-mode pooler?): polling every ${options.pollIntervalMs} ms instead`,
    );
    await unlisten();
    unlisten = null;
    return false;
  }

  return {
    async start() {
      poll();
      return options.listen ? await startListening() : false;
    },
    async stop() {
      stopped = true;
      clearTimeout(pollTimer);
      clearTimeout(delayTimer);
      const u = unlisten;
      unlisten = null;
      await u?.().catch(() => {});
    },
  };
}
