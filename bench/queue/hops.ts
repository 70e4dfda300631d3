/**
 * Where enqueue-to-start latency goes (profiling aid): with an idle worker, timestamps each hop of
 * 200 sequential tasks — enqueue returned (insert committed), NOTIFY received, claim sent, claim
 * returned, task started — and prints the median and p99 of each step in ms as JSON.
 *
 *   node_modules/.bin/deno run -A bench/queue/hops.ts
 *
 * @module
 */
import postgres from "postgres";
import {
  connect,
  createWorker,
  type Db,
  defineTask,
  migrate,
  queueTask,
  silentLogger,
} from "../../worker/mod.ts";

const SERVER = Deno.env.get("BENCH_SERVER") ?? "postgres://postgres@127.0.0.1:5432";
const SAMPLES = Number(Deno.env.get("SAMPLES") ?? 200);
const dbName = "bench_queue_hops";
const admin = postgres(`${SERVER}/postgres`, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${dbName} with (force)`);
await admin.unsafe(`create database ${dbName}`);
await admin.end();
const base = await connect(`${SERVER}/${dbName}`, { max: 4 });
await migrate(base);

let hop: Record<string, number> = {};
const mark = (name: string) => (hop[name] ??= performance.now());
const db: Db = {
  ...base,
  query: async (sql, params) => {
    const claim = sql.includes("skip locked") && sql.includes("claimed as");
    if (claim) mark("claimSent");
    const rows = await base.query(sql, params);
    if (claim && rows.length > 0) mark("claimBack");
    return rows as never;
  },
  listen: (channel, onNotify, options) =>
    base.listen(channel, (payload) => {
      mark("notified");
      onNotify(payload);
    }, options),
} as Db;

let started: (() => void) | null = null;
const noop = defineTask("noop", () => {
  mark("taskStart");
  started?.();
});
const worker = createWorker(db, {
  tasks: [noop],
  concurrency: Number(Deno.env.get("RHYTHM_CONCURRENCY") ?? 10),
  logger: silentLogger,
});
await worker.start();
await new Promise((r) => setTimeout(r, 1000));
const steps = ["enqueued", "notified", "claimSent", "claimBack", "taskStart"];
const samples: Record<string, number[]> = Object.fromEntries(steps.map((s) => [s, []]));
for (let i = 0; i < SAMPLES; i++) {
  hop = {};
  const done = new Promise<void>((resolve) => (started = resolve));
  const t0 = performance.now();
  await queueTask(base, noop, {});
  mark("enqueued");
  await done;
  let previous = t0;
  for (const step of steps) {
    samples[step].push(hop[step] - previous);
    previous = hop[step];
  }
  samples.total ??= [];
  samples.total.push(hop.taskStart - t0);
  await new Promise((r) => setTimeout(r, 5));
}
await worker.stop();
await base.close();
const pct = (xs: number[], p: number) =>
  +[...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p / 100 * xs.length))]
    .toFixed(2);
console.log(JSON.stringify(
  Object.fromEntries(
    Object.entries(samples).map(([k, xs]) => [k, { p50: pct(xs, 50), p99: pct(xs, 99) }]),
  ),
));
