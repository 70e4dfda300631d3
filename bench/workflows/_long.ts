import postgres from "postgres";
import { systems } from "./systems.ts";
const L = Number(Deno.env.get("L") ?? 3000);
const marks = new Map<string, number>();
const admin = postgres("postgres://postgres@127.0.0.1:5432/postgres", { onnotice: () => {} });
await admin.unsafe("drop database if exists bench_wf_long with (force)");
await admin.unsafe("create database bench_wf_long");
await admin.end();
const sys = systems[0];
await sys.setup(
  "postgres://rbench@127.0.0.1:5432/bench_wf_long",
  (w, s, at) => marks.set(`${w}:${s}:${at}`, performance.now()),
);
await sys.run(1, L);
const lat: number[] = [];
for (let s = 2; s <= L; s++) lat.push(marks.get(`0:${s}:start`)! - marks.get(`0:${s - 1}:end`)!);
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const out = [];
for (let i = 0; i < lat.length; i += 250) out.push(med(lat.slice(i, i + 250)).toFixed(2));
console.log(out.join(" "));
await sys.close();
