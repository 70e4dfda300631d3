/**
 * The systems of the workflow benchmark, each behind one small interface: Rhythm (this repo),
 * DBOS Transact and Absurd. Every step of every workflow calls `mark(w, s, "start" | "end")` so
 * step latency (a step ends → the next step of the same workflow starts) is measured the same
 * way, in process, for all of them.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { createWorker, type Db, defineTask, migrate, registerWorkflows } from "../../worker/mod.ts";
import { connect } from "../../worker/connect.ts";
import { uuidv7 } from "../../worker/ids.ts";
import { insertWorkflows } from "../../worker/queries/workflow-start.ts";

/** Records a step boundary: workflow index, step number (1-based). */
export type Mark = (w: number, s: number, at: "start" | "end") => void;

/** One system under test. */
export interface System {
  name: string;
  /** Why it cannot run here, or null. */
  unavailable(): string | null;
  /** Prepares the database at `url` and starts workers. */
  setup(url: string, mark: Mark): Promise<void>;
  /** Starts `count` workflows of `steps` sequential no-op steps, resolves when all finished. */
  run(count: number, steps: number): Promise<void>;
  close(): Promise<void>;
}

const rhythmFlow = `
let s = 1
while (s <= Inputs.steps) {
  await Task.run("noop", { w: Inputs.w, s })
  s++
}
return s - 1`;

function rhythm(): System {
  let db: Db;
  let worker: ReturnType<typeof createWorker>;
  let finished: () => void = () => {};
  let remaining = 0;
  return {
    name: "rhythm",
    unavailable: () => null,
    async setup(url, mark) {
      db = await connect(url, { max: 20 });
      await migrate(db);
      await registerWorkflows(db, { bench: rhythmFlow });
      const noop = defineTask("noop", (input: { w: number; s: number }) => {
        mark(input.w, input.s, "start");
        mark(input.w, input.s, "end");
        return null;
      });
      // a workflow holds one slot from its claim to its end (inline chains): 300 in flight
      worker = createWorker(db, {
        tasks: [noop],
        concurrency: 300,
        logger: () => {},
        pollIntervalMs: 1000,
      });
      await worker.start();
      // completion is observed through the database: one listener on the workflow's finish
      await db.listen("bench_done", () => {
        if (--remaining === 0) finished();
      });
      await db.exec(`
        create or replace function bench_done() returns trigger language plpgsql as $$
        begin perform pg_notify('bench_done', new.id::text); return null; end $$;
        drop trigger if exists bench_done on executions;
        create trigger bench_done after update of status on executions for each row
          when (new.kind = 'workflow' and new.status = 'completed') execute function bench_done();`);
    },
    async run(count, steps) {
      remaining = count;
      const done = new Promise<void>((r) => (finished = r));
      for (let from = 0; from < count; from += 500) {
        const n = Math.min(500, count - from);
        await insertWorkflows(
          db,
          Array.from({ length: n }, (_, i) => ({
            id: uuidv7(),
            name: "bench",
            queue: null,
            inputs: JSON.stringify({ w: from + i, steps }),
            priority: 0,
            idempotencyKey: null,
            parentId: null,
          })),
        );
      }
      await done;
    },
    async close() {
      await worker.stop();
      await db.close();
    },
  };
}

function dbos(): System {
  // deno-lint-ignore no-explicit-any
  let DBOS: any;
  let mark: Mark;
  // deno-lint-ignore no-explicit-any
  let workflow: (w: number, steps: number) => Promise<any>;
  return {
    name: "dbos",
    unavailable: () =>
      existsSync(new URL("./node_modules/@dbos-inc/dbos-sdk", import.meta.url))
        ? null
        : "not installed (cd bench/workflows && npm install)",
    async setup(url, m) {
      mark = m;
      ({ DBOS } = await import("@dbos-inc/dbos-sdk"));
      DBOS.setConfig({
        name: "bench",
        systemDatabaseUrl: url,
        logLevel: "error",
      });
      const step = (w: number, s: number) => () => {
        mark(w, s, "start");
        mark(w, s, "end");
        return Promise.resolve(null);
      };
      workflow = DBOS.registerWorkflow(async (w: number, steps: number) => {
        for (let s = 1; s <= steps; s++) {
          await DBOS.runStep(step(w, s), { name: `s${s}` });
        }
        return steps;
      }, { name: "bench" });
      await DBOS.launch();
    },
    async run(count, steps) {
      const handles = [];
      for (let w = 0; w < count; w++) {
        handles.push(await DBOS.startWorkflow(workflow)(w, steps));
      }
      await Promise.all(handles.map((h) => h.getResult()));
    },
    async close() {
      await DBOS.shutdown();
    },
  };
}

const ABSURD_SQL = new URL("./absurd.sql", import.meta.url);

function absurd(): System {
  // deno-lint-ignore no-explicit-any
  let app: any;
  // deno-lint-ignore no-explicit-any
  let worker: any;
  return {
    name: "absurd",
    unavailable() {
      if (!existsSync(new URL("./node_modules/absurd-sdk", import.meta.url))) {
        return "not installed (cd bench/workflows && npm install)";
      }
      if (!existsSync(ABSURD_SQL)) {
        return "absurd-sdk installs, but Absurd's database schema does not: it is created by " +
          "`absurdctl init` (a Python tool from PyPI, unreachable from this machine) from " +
          "sql/absurd.sql of the Absurd repository, which the npm package does not ship; put " +
          "that file at bench/workflows/absurd.sql to include Absurd";
      }
      return null;
    },
    async setup(url, mark) {
      const { Absurd } = await import("absurd-sdk");
      const pg = await import("pg");
      const pool = new pg.default.Pool({ connectionString: url, max: 20 });
      await pool.query(readFileSync(ABSURD_SQL, "utf8"));
      app = new Absurd({ db: pool, queueName: "default" });
      await app.createQueue("default");
      type Ctx = {
        step: (name: string, fn: () => Promise<unknown>) => Promise<unknown>;
      };
      app.registerTask(
        { name: "bench" },
        async (p: { w: number; steps: number }, ctx: Ctx) => {
          for (let s = 1; s <= p.steps; s++) {
            await ctx.step(`s${s}`, () => {
              mark(p.w, s, "start");
              mark(p.w, s, "end");
              return Promise.resolve(null);
            });
          }
          return p.steps;
        },
      );
      worker = await app.startWorker({
        concurrency: 100,
        batchSize: 20,
        pollInterval: 0.05,
      });
    },
    async run(count, steps) {
      const ids = [];
      for (let w = 0; w < count; w++) {
        ids.push((await app.spawn("bench", { w, steps })).taskID);
      }
      await Promise.all(
        ids.map((id) => app.awaitTaskResult(id, { timeout: 600 })),
      );
    },
    async close() {
      await worker?.close?.();
      await app?.close?.();
    },
  };
}

/** All systems, Rhythm first. */
export const systems: System[] = [rhythm(), dbos(), absurd()];
