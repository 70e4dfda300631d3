/**
 * Workflow benchmark: Rhythm vs DBOS Transact vs Absurd on the local Postgres server, each in
 * a fresh database (so `pg_stat_database` counts only it).
 *
 *   cd bench/workflows && npm install && cd ../.. && node_modules/.bin/deno run -A bench/workflows/bench.ts
 *
 * Per system: 1,000 workflows of 3 sequential no-op steps started at once (workflows/s, step
 * latency under that load, transactions / rows / WAL bytes written and server / client CPU per
 * step), 50 such workflows
 * one at a time (step latency on an idle system), and one workflow of 1,000 steps (latency at
 * step 10 vs step 1,000). Step latency is "step k ended → step k+1 started", taken in process.
 * Prints JSON on stdout.
 *
 * @module
 */
import process from "node:process";
import postgres from "postgres";
import { type System, systems } from "./systems.ts";

const SERVER = Deno.env.get("BENCH_SERVER") ??
  "postgres://postgres@127.0.0.1:5432";
const N = Number(Deno.env.get("BENCH_WORKFLOWS") ?? 1000);
const LONG = Number(Deno.env.get("BENCH_LONG_STEPS") ?? 1000);
const ONLY = Deno.env.get("BENCH_SYSTEMS")?.split(",");

const marks = new Map<string, number>();
const mark = (w: number, s: number, at: "start" | "end") =>
  marks.set(`${w}:${s}:${at}`, performance.now());

function latencies(count: number, steps: number, from = 2): number[] {
  const out: number[] = [];
  for (let w = 0; w < count; w++) {
    for (let s = from; s <= steps; s++) {
      const end = marks.get(`${w}:${s - 1}:end`);
      const start = marks.get(`${w}:${s}:start`);
      if (end !== undefined && start !== undefined) out.push(start - end);
    }
  }
  return out;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return round(
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))],
  );
}

const round = (x: number) => Math.round(x * 100) / 100;
const mean = (xs: number[]) => round(xs.reduce((a, b) => a + b, 0) / xs.length);

async function counters(sql: postgres.Sql) {
  await new Promise((r) => setTimeout(r, 1100)); // stats are flushed at most once a second
  await sql`select pg_stat_clear_snapshot()`;
  const [row] = await sql`
    select (xact_commit + xact_rollback)::float8 as xact,
           (tup_inserted + tup_updated + tup_deleted)::float8 as rows,
           pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 as wal
      from pg_stat_database where datname = current_database()`;
  return row as unknown as { xact: number; rows: number; wal: number };
}

const TICK_US = 1e6 / 100; // USER_HZ, the unit of /proc/<pid>/stat times

/** CPU time in µs so far of the server backends of the current database (from /proc). */
async function backendCpu(sql: postgres.Sql): Promise<number> {
  const rows = await sql`
    select pid from pg_stat_activity
     where datname = current_database() and pid <> pg_backend_pid()`;
  let total = 0;
  for (const { pid } of rows) {
    try {
      const fields = (await Deno.readTextFile(`/proc/${pid}/stat`)).split(
        ") ",
      )[1].split(" ");
      total += (Number(fields[11]) + Number(fields[12])) * TICK_US; // utime + stime
    } catch {
      // exited, or the server is not local
    }
  }
  return total;
}

async function measure(system: System) {
  const database = `bench_wf_${system.name}`;
  const admin = postgres(`${SERVER}/postgres`, { onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${database} with (force)`);
  await admin.unsafe(`create database ${database}`);
  await admin.end();
  const url = `${SERVER}/${database}`;
  const sql = postgres(url, { onnotice: () => {} });
  try {
    await system.setup(url, mark);
    await system.run(10, 3); // warm-up
    marks.clear();
    const before = await counters(sql);
    const server0 = await backendCpu(sql);
    const client0 = process.cpuUsage();
    const t0 = performance.now();
    await system.run(N, 3);
    const seconds = (performance.now() - t0) / 1000;
    const client = process.cpuUsage(client0);
    const server1 = await backendCpu(sql);
    const after = await counters(sql);
    const loaded = latencies(N, 3);
    const steps = N * 3;
    console.error(
      `  ${system.name}: ${N} workflows in ${seconds.toFixed(2)} s`,
    );

    const idleAll: number[] = [];
    for (let i = 0; i < 50; i++) {
      marks.clear();
      await system.run(1, 3);
      idleAll.push(...latencies(1, 3));
    }

    marks.clear();
    const l0 = performance.now();
    await system.run(1, LONG);
    const longSeconds = (performance.now() - l0) / 1000;
    const long = latencies(1, LONG);
    // `long[i]` is the latency from step i+1 to step i+2. The ratio compares medians over 50-step
    // windows (steps 10–59 and the last 50), which one GC pause or checkpoint cannot move; the
    // means of the 5 steps up to step 10 and up to the last are kept beside it.
    const at = (k: number) => mean(long.slice(Math.max(0, k - 7), k - 2)); // steps k-5…k
    const early = percentile(long.slice(8, 58), 50); // steps 10–59
    const late = percentile(long.slice(-50), 50); // the last 50 steps
    console.error(
      `  ${system.name}: a ${LONG}-step workflow in ${longSeconds.toFixed(2)} s`,
    );
    return {
      system: system.name,
      workflowsPerSecond: round(N / seconds),
      stepLatencyMs: {
        idleP50: percentile(idleAll, 50),
        idleP99: percentile(idleAll, 99),
        loadedP50: percentile(loaded, 50),
        loadedP99: percentile(loaded, 99),
      },
      longWorkflow: {
        steps: LONG,
        seconds: round(longSeconds),
        medianSteps10To59Ms: early,
        medianLast50StepsMs: late,
        ratio: round(late / early),
        meanOf5AtStep10Ms: at(10),
        meanOf5AtLastStepMs: at(LONG),
        ratioOfMeansOf5: round(at(LONG) / at(10)),
      },
      perStep: {
        transactions: round((after.xact - before.xact) / steps),
        rowsWritten: round((after.rows - before.rows) / steps),
        walBytes: Math.round((after.wal - before.wal) / steps),
        // CPU of the 1,000 workflows' run: server backends of this database (connections that
        // closed during the run are not counted) and this whole benchmark process
        serverCpuUs: Math.round((server1 - server0) / steps),
        clientCpuUs: Math.round((client.user + client.system) / steps),
      },
    };
  } finally {
    await system.close().catch(() => {});
    await sql.end();
  }
}

const results = [];
const skipped: Record<string, string> = {};
for (const system of systems) {
  if (ONLY && !ONLY.includes(system.name)) continue;
  const why = system.unavailable();
  if (why) {
    skipped[system.name] = why;
    console.error(`  ${system.name}: skipped: ${why}`);
    continue;
  }
  console.error(`${system.name}…`);
  try {
    results.push(await measure(system));
  } catch (error) {
    skipped[system.name] = `failed: ${(error as Error).message}`;
    console.error(`  ${system.name}: failed:`, error);
  }
}
console.log(JSON.stringify(
  {
    workflows: N,
    stepsPerWorkflow: 3,
    machine: `${navigator.hardwareConcurrency} cores, ${Deno.build.os}`,
    results,
    skipped,
  },
  null,
  2,
));
Deno.exit(0);
