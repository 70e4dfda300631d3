/**
 * Drain-only probe (profiling aid): enqueues `BENCH_TASKS` no-op tasks in one batch into a fresh
 * database, drains them with one worker, repeats `ROUNDS` times, prints tasks/s per round as JSON.
 *
 *   node_modules/.bin/deno run -A [--cpu-prof] bench/queue/drain.ts
 *
 * @module
 */
import process from "node:process";
import postgres from "postgres";
import {
  connect,
  createWorker,
  defineTask,
  migrate,
  queueTasks,
  silentLogger,
} from "../../worker/mod.ts";

const SERVER = Deno.env.get("BENCH_SERVER") ?? "postgres://postgres@127.0.0.1:5432";
const N = Number(Deno.env.get("BENCH_TASKS") ?? 5000);
const ROUNDS = Number(Deno.env.get("ROUNDS") ?? 3);
const concurrency = Number(Deno.env.get("RHYTHM_CONCURRENCY") ?? 400);
const batchSize = Deno.env.get("RHYTHM_BATCH") ? Number(Deno.env.get("RHYTHM_BATCH")) : undefined;
const parallelClaims = Deno.env.get("RHYTHM_CLAIMS")
  ? Number(Deno.env.get("RHYTHM_CLAIMS"))
  : undefined;

const admin = postgres(`${SERVER}/postgres`, { max: 1, onnotice: () => {} });
const dbName = Deno.env.get("BENCH_DB") ?? "bench_queue_drain";
await admin.unsafe(`drop database if exists ${dbName} with (force)`);
await admin.unsafe(`create database ${dbName}`);
await admin.end();
const db = await connect(`${SERVER}/${dbName}`, { max: 4 });
await migrate(db);
if (Deno.env.get("EXTRA_SQL")) await db.exec(Deno.env.get("EXTRA_SQL")!);
let done = 0;
let finished = Promise.withResolvers<void>();
const noop = defineTask("noop", () => {
  if (++done === N) finished.resolve();
});
const rates: number[] = [];
const serverUs: number[] = [];
const clientUs: number[] = [];
const walBytes: number[] = [];
const probe = postgres(`${SERVER}/${dbName}`, { max: 1, onnotice: () => {} });
const TICK_US = 1e6 / 100; // USER_HZ
/** CPU time (µs) of this database's backends, from /proc (the server is local). */
async function serverCpu(): Promise<Map<number, number>> {
  const rows =
    await probe`select pid from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`;
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = (await Deno.readTextFile(`/proc/${pid}/stat`)).split(") ")[1].split(" ");
      out.set(pid, (Number(stat[11]) + Number(stat[12])) * TICK_US);
    } catch { /* gone */ }
  }
  return out;
}
const wal = async () => Number((await probe`select pg_current_wal_lsn() - '0/0' as b`)[0].b);
for (let round = 0; round < ROUNDS; round++) {
  done = 0;
  finished = Promise.withResolvers<void>();
  await queueTasks(db, Array.from({ length: N }, (_, i) => ({ task: noop, inputs: { i } })));
  const worker = createWorker(db, {
    tasks: [noop],
    concurrency,
    batchSize,
    parallelClaims,
    logger: silentLogger,
  });
  const cpu0 = await serverCpu();
  const wal0 = await wal();
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  await worker.start();
  await finished.promise;
  rates.push(Math.round(N / ((performance.now() - t0) / 1000)));
  const client1 = process.cpuUsage(client0);
  clientUs.push(+((client1.user + client1.system) / N).toFixed(1));
  walBytes.push(Math.round(((await wal()) - wal0) / N));
  const cpu1 = await serverCpu();
  let spent = 0;
  for (const [pid, us] of cpu1) spent += us - (cpu0.get(pid) ?? 0);
  serverUs.push(+(spent / N).toFixed(1));
  await worker.stop();
}
await db.close();
await probe.end();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({
  tasks: N,
  concurrency,
  batchSize,
  parallelClaims,
  rates,
  medianRate: median(rates),
  serverCpuUsPerTask: median(serverUs),
  clientCpuUsPerTask: median(clientUs),
  walBytesPerTask: median(walBytes),
}));
