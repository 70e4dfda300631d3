/**
 * The three queues behind one small interface for `bench.ts`.
 *
 * @module
 */
import {
  Logger,
  makeWorkerUtils,
  run as runGraphile,
  type Runner,
  type WorkerUtils,
} from "graphile-worker";
import pg from "pg";
import { PgBoss } from "pg-boss";
import {
  connect,
  createWorker,
  type Db,
  defineTask,
  migrate,
  queueTask,
  queueTasks,
  silentLogger,
  type Worker,
} from "../../worker/mod.ts";

/** One queue implementation. */
export interface System {
  name: string;
  config: string;
  setup(url: string): Promise<void>;
  enqueueBatch(n: number): Promise<void>;
  enqueueOne(): Promise<void>;
  /** Starts one worker whose no-op task calls `onTask`. */
  start(onTask: () => void): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
  /** Statements sent to the server so far, counted in the client driver. */
  queries(): number;
}

// graphile-worker and pg-boss both talk through node-postgres: count at its Client.query.
let pgQueries = 0;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  pgQueries++;
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof originalQuery;

/** Counts Rhythm's statements (queries and transaction bodies) at its driver. */
function counting(db: Db): Db & { count: number } {
  const counted = {
    ...db,
    count: 0,
    query: (
      sql: string,
      params?: readonly unknown[],
    ) => (counted.count++, db.query(sql, params)),
  } as Db & { count: number };
  return counted;
}

function rhythm(concurrency: number): System {
  let db: Db & { count: number };
  let worker: Worker | null = null;
  let onTask = () => {};
  const noop = defineTask("noop", () => onTask());
  return {
    name: "rhythm",
    config: `concurrency ${concurrency}, batches of ${
      concurrency / 2
    }, 2 claims in parallel, poll 2 s, LISTEN/NOTIFY`,
    async setup(url) {
      db = counting(await connect(url, { max: 4 }));
      await migrate(db);
    },
    async enqueueBatch(n) {
      await queueTasks(
        db,
        Array.from({ length: n }, (_, i) => ({ task: noop, inputs: { i } })),
      );
    },
    async enqueueOne() {
      await queueTask(db, noop, {});
    },
    async start(callback) {
      onTask = callback;
      worker = createWorker(db, {
        tasks: [noop],
        concurrency,
        logger: silentLogger,
      });
      await worker.start();
    },
    async stop() {
      await worker?.stop();
    },
    close: () => db.close(),
    queries: () => db.count,
  };
}

const quiet = new Logger(() => () => {});

function graphile(concurrency: number, localQueue: number, completeDelay: number): System {
  let utils: WorkerUtils;
  let runner: Runner | null = null;
  let url = "";
  let onTask = () => {};
  return {
    name: "graphile-worker",
    config:
      `concurrency ${concurrency}, localQueue ${localQueue}, completeJobBatchDelay ${completeDelay}, poll 2 s`,
    async setup(u) {
      url = u;
      utils = await makeWorkerUtils({ connectionString: url, logger: quiet });
      await utils.migrate();
    },
    async enqueueBatch(n) {
      await utils.addJobs(
        Array.from(
          { length: n },
          (_, i) => ({ identifier: "noop", payload: { i } }),
        ),
      );
    },
    async enqueueOne() {
      await utils.addJob("noop", {});
    },
    async start(callback) {
      onTask = callback;
      runner = await runGraphile({
        connectionString: url,
        concurrency,
        noHandleSignals: true,
        pollInterval: 2000,
        taskList: { noop: () => onTask() },
        logger: quiet,
        preset: {
          worker: {
            localQueue: localQueue > 0 ? { size: localQueue } : undefined,
            completeJobBatchDelay: completeDelay,
            failJobBatchDelay: completeDelay,
          },
        },
      } as never);
    },
    async stop() {
      await runner?.stop();
      runner = null;
    },
    close: async () => await utils.release(),
    queries: () => pgQueries,
  };
}

function pgBoss(
  batchSize: number,
  burst: boolean,
  pollSeconds: number,
  localConcurrency: number,
): System {
  let boss: PgBoss;
  let onTask = () => {};
  return {
    name: "pg-boss",
    config:
      `batchSize ${batchSize}${burst ? ", burstWhenBatchFull" : ""}, polling ${pollSeconds} s, ` +
      `localConcurrency ${localConcurrency}, LISTEN/NOTIFY`,
    async setup(url) {
      boss = new PgBoss(
        { connectionString: url, useListenNotify: true } as never,
      );
      boss.on("error", () => {});
      await boss.start();
      await boss.createQueue("noop", { notify: true } as never);
    },
    async enqueueBatch(n) {
      await boss.insert(
        "noop",
        Array.from({ length: n }, (_, i) => ({ data: { i } })),
      );
    },
    async enqueueOne() {
      await boss.send("noop", {});
    },
    async start(callback) {
      onTask = callback;
      await boss.work(
        "noop",
        {
          batchSize,
          burstWhenBatchFull: burst,
          pollingIntervalSeconds: pollSeconds,
          localConcurrency,
        },
        (jobs: unknown[]) => {
          for (const _ of jobs) onTask();
          return Promise.resolve();
        },
      );
    },
    async stop() {
      await boss.offWork("noop", { wait: true });
    },
    close: () => boss.stop({ graceful: false, close: true }),
    queries: () => pgQueries,
  };
}

const variant = (name: string) => Deno.env.get(name);

/** The systems in the order they run; configurations can be changed with env variables. */
export const systems: System[] = [
  rhythm(Number(variant("RHYTHM_CONCURRENCY") ?? 2000)),
  graphile(
    Number(variant("GRAPHILE_CONCURRENCY") ?? 24),
    Number(variant("GRAPHILE_LOCAL_QUEUE") ?? 1000),
    Number(variant("GRAPHILE_COMPLETE_DELAY") ?? 0),
  ),
  pgBoss(
    Number(variant("PGBOSS_BATCH") ?? 100),
    variant("PGBOSS_BURST") !== "0",
    Number(variant("PGBOSS_POLL") ?? 0.5),
    Number(variant("PGBOSS_LOCAL_CONCURRENCY") ?? 1),
  ),
];
