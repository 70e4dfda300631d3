/**
 * Queue benchmark: the same no-op workload through Rhythm, graphile-worker and pg-boss on the
 * local Postgres server, each in its own fresh database (so `pg_stat_database` counts only it).
 *
 *   cd bench/queue && npm install && cd ../.. && node_modules/.bin/deno run -A bench/queue/bench.ts
 *
 * Per system (after `BENCH_WARMUP` tasks enqueued and drained unmeasured, default 0): 5,000 tasks
 * enqueued in one batch, then drained by one worker (in this process);
 * 5,000 enqueued one by one, then drained; enqueue-to-start latency with an idle worker (200
 * sequential samples); idle queries per second of a worker with nothing to do (counted in the
 * client driver); and
 * transactions and rows written per task over both drains; CPU time per drained task of the
 * database's server backends (read from /proc: the server must be local) and of this process,
 * which noise from other work on the machine inflates far less than the rates. Prints JSON.
 *
 * The enqueue-and-drain part runs `BENCH_ROUNDS` times (default 3), the systems taking turns
 * (round 1 in the order given, round 2 starting with the second system …), each round in a fresh
 * database; latency and idle load are measured in round 1 only (`BENCH_DRAIN_ONLY=1` skips them).
 * Drain rates are reported per round and as medians over the rounds, with Rhythm's medians as
 * ratios to the others'. The first system of round 1 runs in a cold process (JIT). Single drains
 * of 5,000 tasks last 0.15–0.6 s here and swing by ±30% between identical runs, so the medians
 * are the figures to compare. Each database is dropped after its round (`BENCH_KEEP=1` keeps
 * them).
 *
 * @module
 */
import process from "node:process";
import postgres from "postgres";
import { type System, systems } from "./systems.ts";

const SERVER = Deno.env.get("BENCH_SERVER") ??
  "postgres://postgres@127.0.0.1:5432";
/** A whole number from the environment, at least `min`; anything else stops the bench at once. */
function intEnv(name: string, fallback: number, min: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be a whole number ≥ ${min}, got ${JSON.stringify(raw)}`);
    Deno.exit(2);
  }
  return value;
}

const N = intEnv("BENCH_TASKS", 5000, 1);
const LATENCY_SAMPLES = 200;
/** Tasks enqueued and drained before the measured part, by every system alike (default none). */
const WARMUP = intEnv("BENCH_WARMUP", 0, 0);
const IDLE_SECONDS = 10;
const ROUNDS = intEnv("BENCH_ROUNDS", 3, 1);
/** BENCH_DRAIN_ONLY=1: skip the latency and idle measurements (for sweeps of configurations). */
const DRAIN_ONLY = Deno.env.get("BENCH_DRAIN_ONLY") === "1";

interface Counters {
  xact: number;
  rows: number;
}

async function counters(sql: postgres.Sql): Promise<Counters> {
  await new Promise((r) => setTimeout(r, 1100)); // stats are flushed at most once a second
  await sql`select pg_stat_clear_snapshot()`;
  const [row] = await sql`
    select (xact_commit + xact_rollback)::float8 as xact,
           (tup_inserted + tup_updated + tup_deleted)::float8 as rows
      from pg_stat_database where datname = current_database()`;
  return { xact: row.xact, rows: row.rows };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

const TICK_US = 1e6 / 100; // USER_HZ, the unit of /proc/<pid>/stat times

/** CPU time in µs so far of each server backend of the current database, by pid. */
async function backendCpu(sql: postgres.Sql): Promise<Map<number, number>> {
  const rows = await sql`
    select pid from pg_stat_activity
     where datname = current_database() and pid <> pg_backend_pid()`;
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = (await Deno.readTextFile(`/proc/${pid}/stat`)).split(
        ") ",
      )[1].split(" ");
      cpu.set(pid, (Number(fields[11]) + Number(fields[12])) * TICK_US); // utime + stime
    } catch {
      // exited, or the server is not local
    }
  }
  return cpu;
}

interface CpuPerTask {
  serverUs: number;
  clientUs: number;
}

async function drain(
  system: System,
  label: string,
  sql: postgres.Sql,
  cpu: CpuPerTask[],
): Promise<number> {
  const server0 = await backendCpu(sql);
  const client0 = process.cpuUsage();
  const started = performance.now();
  let done = 0;
  const finished = Promise.withResolvers<void>();
  await system.start(() => {
    if (++done === N) finished.resolve();
  });
  await finished.promise;
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(client0);
  const server1 = await backendCpu(sql);
  let serverUs = 0;
  for (const [pid, us] of server1) serverUs += us - (server0.get(pid) ?? 0);
  cpu.push({
    serverUs: serverUs / N,
    clientUs: (client.user + client.system) / N,
  });
  await system.stop();
  console.error(`  ${label}: drained ${N} in ${seconds.toFixed(2)} s`);
  return N / seconds;
}

/** Enqueues and drains `n` tasks, unmeasured: the first drain of a process runs cold code. */
async function warmUp(system: System, n: number): Promise<void> {
  if (n <= 0) return;
  await system.enqueueBatch(n);
  let done = 0;
  const finished = Promise.withResolvers<void>();
  await system.start(() => {
    if (++done === n) finished.resolve();
  });
  await finished.promise;
  await system.stop();
}

async function latency(system: System): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  let waiting: ((t: number) => void) | null = null;
  await system.start(() => waiting?.(performance.now()));
  await new Promise((r) => setTimeout(r, 1000)); // idle
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const started = new Promise<number>((resolve) => (waiting = resolve));
    const t0 = performance.now();
    await system.enqueueOne();
    samples.push((await started) - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  await system.stop();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function idleLoad(system: System): Promise<number> {
  await system.start(() => {});
  await new Promise((r) => setTimeout(r, 2000)); // past start-up
  const before = system.queries();
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
  const after = system.queries();
  await system.stop();
  return (after - before) / IDLE_SECONDS;
}

/** One round for one system: fresh database, enqueue and drain; latency and idle when `full`. */
async function run(system: System, full: boolean) {
  const admin = postgres(`${SERVER}/postgres`, { max: 1, onnotice: () => {} });
  // BENCH_DB: a prefix of the database names, so that two runs at once do not drop each other's
  const prefix = Deno.env.get("BENCH_DB") ?? "bench_queue";
  const dbName = `${prefix}_${system.name.replace(/[^a-z]/g, "_")}`;
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.unsafe(`create database ${dbName}`);
  await admin.end();
  const url = `${SERVER}/${dbName}`;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  console.error(`${system.name} (${system.config})`);
  await system.setup(url);
  await warmUp(system, WARMUP);

  const start = await counters(sql);
  let t0 = performance.now();
  await system.enqueueBatch(N);
  const batchEnqueue = N / ((performance.now() - t0) / 1000);
  const cpu: CpuPerTask[] = [];
  const batchDrain = await drain(system, "batch", sql, cpu);
  t0 = performance.now();
  for (let i = 0; i < N; i++) await system.enqueueOne();
  const singleEnqueue = N / ((performance.now() - t0) / 1000);
  const singleDrain = await drain(system, "one by one", sql, cpu);
  const end = await counters(sql);
  const perTask = {
    transactions: +((end.xact - start.xact) / (2 * N)).toFixed(2),
    rowsWritten: +((end.rows - start.rows) / (2 * N)).toFixed(2),
  };
  const lat = full ? await latency(system) : null;
  const idle = full ? await idleLoad(system) : null;
  await system.close();
  await sql.end();
  if (Deno.env.get("BENCH_KEEP") !== "1") {
    const admin = postgres(`${SERVER}/postgres`, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
  return {
    enqueuePerSecond: {
      batch: Math.round(batchEnqueue),
      oneByOne: Math.round(singleEnqueue),
    },
    drainPerSecond: {
      afterBatch: Math.round(batchDrain),
      afterOneByOne: Math.round(singleDrain),
    },
    latencyMs: lat && { p50: +lat.p50.toFixed(2), p99: +lat.p99.toFixed(2) },
    idleQueriesPerSecond: idle === null ? null : +idle.toFixed(2),
    perTask,
    cpuUsPerDrainedTask: {
      server: +((cpu[0].serverUs + cpu[1].serverUs) / 2).toFixed(1),
      client: +((cpu[0].clientUs + cpu[1].clientUs) / 2).toFixed(1),
    },
  };
}

type Round = Awaited<ReturnType<typeof run>>;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One system's rounds summed up: medians over the rounds, the first round's extras. */
function summary(system: System, rounds: Round[]) {
  const med = (pick: (r: Round) => number) => Math.round(median(rounds.map(pick)));
  return {
    system: system.name,
    config: system.config,
    enqueuePerSecond: {
      batch: med((r) => r.enqueuePerSecond.batch),
      oneByOne: med((r) => r.enqueuePerSecond.oneByOne),
    },
    drainPerSecond: {
      afterBatch: med((r) => r.drainPerSecond.afterBatch),
      afterOneByOne: med((r) => r.drainPerSecond.afterOneByOne),
    },
    drainRounds: rounds.map((
      r,
    ) => [r.drainPerSecond.afterBatch, r.drainPerSecond.afterOneByOne]),
    latencyMs: rounds[0].latencyMs,
    idleQueriesPerSecond: rounds[0].idleQueriesPerSecond,
    perTask: {
      transactions: +median(rounds.map((r) => r.perTask.transactions)).toFixed(
        2,
      ),
      rowsWritten: +median(rounds.map((r) => r.perTask.rowsWritten)).toFixed(2),
    },
    cpuUsPerDrainedTask: {
      server: +median(rounds.map((r) => r.cpuUsPerDrainedTask.server)).toFixed(
        1,
      ),
      client: +median(rounds.map((r) => r.cpuUsPerDrainedTask.client)).toFixed(
        1,
      ),
    },
  };
}

/**
 * The machine's floor: the median round trip of `select 1` and of a one-row insert committed
 * synchronously, on a scratch table. Enqueue-to-start latency cannot beat the second.
 */
async function baseline(): Promise<
  { selectOneMs: number; insertCommitMs: number }
> {
  const sql = postgres(`${SERVER}/postgres`, { max: 1, onnotice: () => {} });
  await sql`create temp table bench_floor (id serial, v text)`;
  const time = async (fn: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await fn();
      samples.push(performance.now() - t0);
    }
    return +percentile(samples, 50).toFixed(2);
  };
  const selectOneMs = await time(() => sql`select 1`);
  const insertCommitMs = await time(() => sql`insert into bench_floor (v) values ('x')`);
  await sql.end();
  return { selectOneMs, insertCommitMs };
}

// systems named as arguments run in that order (the first one runs in a cold process)
const chosen = Deno.args.length
  ? Deno.args.map((name) => {
    const found = systems.find((s) => s.name === name);
    if (!found) {
      console.error(`no system named ${name}: ${systems.map((s) => s.name).join(", ")}`);
      Deno.exit(2);
    }
    return found;
  })
  : systems;
const floor = await baseline();
const rounds = chosen.map(() => [] as Round[]);
for (let round = 0; round < ROUNDS; round++) {
  // round r starts with the r-th system: each system takes each place in turn (the cyclic order,
  // and so who runs before whom, stays the same)
  for (let k = 0; k < chosen.length; k++) {
    const i = (round + k) % chosen.length;
    console.error(`round ${round + 1} of ${ROUNDS}`);
    rounds[i].push(await run(chosen[i], round === 0 && !DRAIN_ONLY));
  }
}
const results = chosen.map((system, i) => summary(system, rounds[i]));
/** Rhythm's median drain rates ÷ each other system's. */
const rhythm = results.find((r) => r.system === "rhythm");
const ratios = rhythm
  ? Object.fromEntries(
    results.filter((r) => r !== rhythm).map((r) => [r.system, {
      afterBatch: +(rhythm.drainPerSecond.afterBatch / r.drainPerSecond.afterBatch)
        .toFixed(2),
      afterOneByOne: +(rhythm.drainPerSecond.afterOneByOne / r.drainPerSecond.afterOneByOne)
        .toFixed(2),
    }]),
  )
  : {};
console.log(
  JSON.stringify(
    {
      tasks: N,
      rounds: ROUNDS,
      server: SERVER,
      baseline: floor,
      rhythmDrainRatios: ratios,
      results,
    },
    null,
    2,
  ),
);
