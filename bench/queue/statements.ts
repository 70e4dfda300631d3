/**
 * Statement probe (profiling aid): the claim and completion statements alone, one after the
 * other on ONE connection, no worker and no task code. Inserts `BENCH_TASKS` pending rows, then
 * claims them in batches of `RHYTHM_BATCH` and completes each batch in chunks of `COMPLETE_BATCH`,
 * `ROUNDS` times in the same database; prints the server CPU per task of that one backend (from
 * `/proc`: the server must be local) and the plan counts of its prepared statements. Steadier
 * than `drain.ts` for comparing statement or plan changes: nothing else shares the backend.
 *
 *   BENCH_DB=bench_queue_statements node_modules/.bin/deno run -A bench/queue/statements.ts
 *
 * @module
 */
import postgres from "postgres";
import { connect, migrate } from "../../worker/mod.ts";
import { claimExecutions } from "../../worker/queries/claim.ts";
import { completeExecutions } from "../../worker/queries/complete.ts";

const SERVER = Deno.env.get("BENCH_SERVER") ?? "postgres://postgres@127.0.0.1:5432";
const N = Number(Deno.env.get("BENCH_TASKS") ?? 20000);
const BATCH = Number(Deno.env.get("RHYTHM_BATCH") ?? 1000);
const COMPLETE_BATCH = Number(Deno.env.get("COMPLETE_BATCH") ?? 500);
const ROUNDS = Number(Deno.env.get("ROUNDS") ?? 3);
const dbName = Deno.env.get("BENCH_DB") ?? "bench_queue_statements";

const admin = postgres(`${SERVER}/postgres`, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${dbName} with (force)`);
await admin.unsafe(`create database ${dbName}`);
const db = await connect(`${SERVER}/${dbName}`, { max: 1 });
await migrate(db);
if (Deno.env.get("EXTRA_SQL")) await db.exec(Deno.env.get("EXTRA_SQL")!);
const [{ pid }] = await db.query<{ pid: number }>("select pg_backend_pid() as pid");
const TICK_US = 1e6 / 100; // USER_HZ
const cpu = async () => {
  const fields = (await Deno.readTextFile(`/proc/${pid}/stat`)).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
};
const workerId = crypto.randomUUID();
const serverUs: number[] = [];
const wallUs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  await db.query(
    `insert into executions (id, name, inputs)
     select gen_random_uuid(), 'noop', json_build_object('i', g)::text::json
       from generate_series(1, ${N}) g`,
  );
  const cpu0 = await cpu();
  const t0 = performance.now();
  let completed = 0;
  for (;;) {
    const rows = await claimExecutions(db, {
      workerId,
      queues: ["default"],
      names: ["noop"],
      limit: BATCH,
      leaseMs: 30_000,
      workflows: true,
    });
    if (rows.length === 0) break;
    for (let i = 0; i < rows.length; i += COMPLETE_BATCH) {
      const chunk = rows.slice(i, i + COMPLETE_BATCH);
      const held = await completeExecutions(
        db,
        workerId,
        chunk.map((r) => ({ id: r.id, attempt: r.attempt, output: "null" })),
      );
      completed += held.size;
    }
  }
  if (completed !== N) throw new Error(`completed ${completed} of ${N}`);
  serverUs.push(+(((await cpu()) - cpu0) / N).toFixed(1));
  wallUs.push(+((performance.now() - t0) * 1000 / N).toFixed(1));
}
const plans = await db.query(
  `select left(regexp_replace(statement, '\\s+', ' ', 'g'), 50) as statement,
          generic_plans::int as generic, custom_plans::int as custom
     from pg_prepared_statements order by statement`,
);
await db.close();
await admin.unsafe(`drop database if exists ${dbName} with (force)`);
await admin.end();
console.log(JSON.stringify({
  tasks: N,
  batch: BATCH,
  completeBatch: COMPLETE_BATCH,
  serverCpuUsPerTask: serverUs,
  wallUsPerTask: wallUs,
  plans,
}));
