/**
 * Interpreter benchmark (issue 3, "Performance"): prints one JSON object.
 *
 *   node_modules/.bin/deno run -A bench/interpreter.ts [--quick] [--only=snapshot,compile]
 *
 * 1. CPU-bound programs on the Rhythm VM, native JS (`Function`), sval, js-interpreter
 *    and QuickJS (quickjs-emscripten, WASM): an arithmetic loop, building and sorting
 *    10,000 objects, string building. Best-of-N milliseconds after a warm-up run (the
 *    machine is shared; the best run is the least disturbed one) and ratios.
 * 2. Snapshot round trip (restore + continue + serialise, and the same through JSON text)
 *    of a typical state and of a ~1 MiB state: median microseconds over many steps after
 *    warm-up steps, wall clock and process CPU time (the machine is shared: CPU time leaves
 *    out the time other processes had the core, but counts V8's helper threads).
 * 3. Compile (parse + check + compile) of a 1,000-line flow: median (and best) milliseconds
 *    over many runs after warm-up, wall clock and process CPU time, and the median of each
 *    part (parse, check, compile to code).
 * 4. A 10,000-iteration loop with an await per iteration under runLocal: time per
 *    iteration over the last 1,000 vs the first 1,000 iterations.
 */
import Sval from "sval";
// @ts-types="npm:js-interpreter"
import JSInterpreter from "js-interpreter";
import { getQuickJS } from "quickjs-emscripten";
import process from "node:process";
import {
  advance,
  compile,
  type CompiledProgram,
  runLocal,
  type SnapshotState,
} from "../interpreter/mod.ts";
import { parse } from "../interpreter/parse.ts";
import { check } from "../interpreter/check.ts";
import { compileProgram } from "../interpreter/compile.ts";

const quick = Deno.args.includes("--quick");
const context = { executionId: "bench", workflow: "bench", version: "v", startedAt: "" };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs `f` (after one warm-up run when runs > 1); the best and the median time. */
function time(runs: number, f: () => unknown): { ms: number; medianMs: number; result: unknown } {
  let result: unknown = runs > 1 ? f() : undefined;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = f();
    samples.push(performance.now() - t);
  }
  return { ms: round(Math.min(...samples)), medianMs: round(median(samples)), result };
}

/** Milliseconds of CPU this process used since `since` (all its threads). */
function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/**
 * Runs `f` `warmup` times unmeasured, then `runs` times; median and best wall-clock
 * milliseconds and median process-CPU milliseconds of one run.
 */
function sample(runs: number, warmup: number, f: (i: number) => unknown) {
  for (let i = 0; i < warmup; i++) f(i);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    f(warmup + i);
    wall.push(performance.now() - t);
    cpu.push(cpuMs(c));
  }
  return { medianMs: median(wall), bestMs: Math.min(...wall), cpuMedianMs: median(cpu) };
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function program(source: string, name = "bench"): CompiledProgram {
  const c = compile(source);
  if (!c.ok) throw new Error(`${name}: ${JSON.stringify(c.diagnostics)}`);
  return c.program;
}

/** Each CPU program in `.flow` and in ES5 (js-interpreter runs ES5 only). */
const CPU = {
  arithmetic: {
    flow: `let s = 0
for (let i = 0; i < 1000000; i++) { s = (s + i * 3) % 1000003 }
return s`,
    es5: `var s = 0; for (var i = 0; i < 1000000; i++) { s = (s + i * 3) % 1000003 } return s;`,
  },
  sortObjects: {
    flow: `const xs = []
let seed = 1
for (let i = 0; i < 10000; i++) { seed = (seed * 16807) % 2147483647; xs.push({ id: i, v: seed % 1000 }) }
xs.sort((a, b) => a.v - b.v || a.id - b.id)
return xs[0].id + xs[9999].v`,
    es5: `var xs = []; var seed = 1;
for (var i = 0; i < 10000; i++) { seed = (seed * 16807) % 2147483647; xs.push({ id: i, v: seed % 1000 }) }
xs.sort(function (a, b) { return a.v - b.v || a.id - b.id });
return xs[0].id + xs[9999].v;`,
  },
  stringBuilding: {
    flow: `let s = ""
for (let i = 0; i < 100000; i++) { s += String.fromCharCode(97 + i % 26) }
const parts = []
for (let i = 0; i < 20000; i++) parts.push("item" + i)
return s.length + parts.join(",").length`,
    es5: `var s = ""; for (var i = 0; i < 100000; i++) { s += String.fromCharCode(97 + i % 26) }
var parts = []; for (var j = 0; j < 20000; j++) parts.push("item" + j);
return s.length + parts.join(",").length;`,
  },
};

function runRhythm(p: CompiledProgram): unknown {
  const r = advance(p, {
    state: null,
    inputs: {},
    context,
    now: 0,
    resolutions: [],
    limits: { instructions: 1e9 },
  });
  if (r.status !== "completed") throw new Error(JSON.stringify(r.error));
  return r.output;
}

function runSval(es5: string): unknown {
  const interp = new Sval({ ecmaVer: 2019, sandBox: true });
  interp.run(`exports.result = (function () { ${es5} })()`);
  return (interp.exports as { result: unknown }).result;
}

function runJsInterpreter(es5: string): unknown {
  const interp = new JSInterpreter(`(function () { ${es5} })()`);
  interp.run();
  return interp.value;
}

async function cpuBenchmarks() {
  const QuickJS = await getQuickJS();
  const out: Record<string, unknown> = {};
  for (const [name, src] of Object.entries(CPU)) {
    const p = program(src.flow, name);
    const rhythm = time(quick ? 1 : 10, () => runRhythm(p));
    const native = time(quick ? 1 : 10, () => new Function(src.es5)());
    const sval = time(quick ? 1 : 5, () => runSval(src.es5));
    // js-interpreter's Array.prototype.sort is interpreted and quadratic: 1,000 objects
    // take ~20 s, so 10,000 would take over half an hour. It is not run on that program.
    const jsi = name === "sortObjects"
      ? { ms: NaN, result: rhythm.result }
      : time(1, () => runJsInterpreter(src.es5));
    const qjs = time(quick ? 1 : 3, () => {
      const vm = QuickJS.newContext();
      const r = vm.unwrapResult(vm.evalCode(`(function () { ${src.es5} })()`));
      const v = vm.dump(r);
      r.dispose();
      vm.dispose();
      return v;
    });
    const results = [rhythm, native, sval, jsi, qjs].map((x) => x.result);
    if (new Set(results.map((r) => JSON.stringify(r))).size !== 1) {
      throw new Error(`${name}: engines disagree ${JSON.stringify(results)}`);
    }
    const fasterInterp = Number.isNaN(jsi.ms) ? sval.ms : Math.min(sval.ms, jsi.ms);
    out[name] = {
      ms: {
        rhythm: rhythm.ms,
        native: native.ms,
        sval: sval.ms,
        jsInterpreter: Number.isNaN(jsi.ms) ? "not run (quadratic sort)" : jsi.ms,
        quickjs: qjs.ms,
      },
      speedupVsFasterOfSvalAndJsInterpreter: round(fasterInterp / rhythm.ms, 1),
      ratioToQuickjs: round(rhythm.ms / qjs.ms, 2),
      ratioToNative: round(rhythm.ms / native.ms, 1),
    };
  }
  return out;
}

/** A program whose every step restores, does a little work, and suspends again. */
function snapshotProgram(setup: string): string {
  return `${setup}
let n = 0
while (true) {
  await Timer.delay(1)
  n++
}`;
}

const TYPICAL = snapshotProgram(`const v1 = 1, v2 = "two", v3 = true, v4 = null, v5 = 5.5
const v6 = { a: 1, b: [1, 2] }, v7 = [1, 2, 3], v8 = "eight", v9 = 9, v10 = { nested: { deep: 1 } }
let v11 = 11, v12 = "x".repeat(40), v13 = [v6, v6], v14 = 14, v15 = { list: v7 }
let v16 = 16, v17 = "seventeen", v18 = 18, v19 = [], v20 = { last: true }
const items = []
for (let i = 0; i < 1000; i++) items.push(i % 3 === 0 ? { id: i, name: "item" + i } : i * 1.5)`);

const MIB = snapshotProgram(`const rows = []
for (let i = 0; i < 14000; i++) rows.push({ id: i, name: "row number " + i, tags: ["a", "b"] })`);

function snapshotRoundTrip(source: string, runs: number, warmup: number) {
  const p = program(source);
  const limits = { snapshotBytes: 4 << 20, instructions: 1e8 };
  let r = advance(p, { state: null, inputs: {}, context, now: 0, resolutions: [], limits });
  const bytes = JSON.stringify(r.state).length;
  const step = (state: SnapshotState, now: number) => {
    const handle = r.waiting[0];
    r = advance(p, {
      state,
      context,
      now,
      resolutions: [{ handle, ok: true, value: null }],
      limits,
    });
    if (r.status !== "suspended") throw new Error(JSON.stringify(r.error));
    return r;
  };
  // Each step resumes the previous step's state: restore + one loop turn + serialise.
  const object = sample(runs, warmup, (i) => step(r.state, i));
  const text = sample(runs, warmup, (i) => {
    const next = step(JSON.parse(JSON.stringify(r.state)), i);
    return JSON.stringify(next.state);
  });
  // A yardstick for how fast the machine was: JSON.stringify of the same state.
  const state = r.state;
  const stringify = sample(runs, warmup, () => JSON.stringify(state));
  const micros = (ms: number) => round(ms * 1000, 0);
  return {
    stateBytes: bytes,
    steps: runs,
    warmupSteps: warmup,
    medianMicros: micros(object.medianMs),
    bestMicros: micros(object.bestMs),
    cpuMedianMicros: micros(object.cpuMedianMs),
    medianMicrosThroughJsonText: micros(text.medianMs),
    cpuMedianMicrosThroughJsonText: micros(text.cpuMedianMs),
    jsonStringifyMedianMicros: micros(stringify.medianMs),
  };
}

function thousandLineFlow(): string {
  const lines: string[] = [];
  for (let i = 0; lines.length < 1000; i++) {
    lines.push(
      `function f${i}(a, { b = ${i}, c } = {}) {`,
      `  const xs = [a, b, c, ...[${i}, "s${i}"]].filter((x) => x !== null)`,
      `  let total = 0`,
      `  for (const x of xs) { if (typeof x === "number") total += x * ${i} % 7 }`,
      `  try { total += JSON.parse("${i}") } catch (e) { total = -1 } finally { total++ }`,
      `  return { total, label: \`f${i}:\${total}\`, ok: total > 0 ? true : false }`,
      `}`,
      `const r${i} = await Task.run("t${i % 10}", { v: f${i}(${i}).total, when: Date.now() })`,
      `if (r${i}?.done ?? false) { console.log("done", ${i}) } else { sleep(1) }`,
      ``,
    );
  }
  return lines.slice(0, 1000).join("\n");
}

function compileBenchmark() {
  const source = thousandLineFlow();
  const check0 = compile(source);
  if (!check0.ok) throw new Error(JSON.stringify(check0.diagnostics.slice(0, 3)));
  const runs = quick ? 5 : 40;
  const warmup = quick ? 2 : 5;
  const whole = sample(runs, warmup, () => compile(source));
  const parsed = parse(source);
  const parts = {
    parse: sample(runs, warmup, () => parse(source)).medianMs,
    check: sample(runs, warmup, () => check(parsed.program, parsed.frontMatter, source)).medianMs,
    compileToCode: sample(
      runs,
      warmup,
      () => compileProgram(parsed.program, parsed.frontMatter, source, check0.hash),
    ).medianMs,
  };
  return {
    lines: source.split("\n").length,
    bytes: source.length,
    runs,
    medianMs: round(whole.medianMs),
    bestMs: round(whole.bestMs),
    cpuMedianMs: round(whole.cpuMedianMs),
    partsMedianMs: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(v)])),
  };
}

async function awaitLoopBenchmark() {
  const n = 10_000;
  const stamps: number[] = [];
  const source = `for (let i = 0; i < ${n}; i++) { await Task.run("tick", { i }) }\nreturn "done"`;
  const t = performance.now();
  const r = await runLocal(source, { tasks: { tick: () => stamps.push(performance.now()) } });
  const total = performance.now() - t;
  if (r.status !== "completed") throw new Error(JSON.stringify(r.error));
  const per = (from: number, to: number) => (stamps[to] - stamps[from]) / (to - from);
  const start = per(0, 1000);
  const end = per(n - 1001, n - 1);
  return {
    iterations: n,
    totalMs: round(total, 0),
    microsPerIterationFirst1000: round(start * 1000, 1),
    microsPerIterationLast1000: round(end * 1000, 1),
    endToStartRatio: round(end / start, 2),
  };
}

async function machine() {
  let cpu = "unknown";
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    cpu = /model name\s*:\s*(.*)/.exec(info)?.[1] ?? cpu;
  } catch { /* not Linux */ }
  let loadAverage = "unknown";
  try {
    loadAverage = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  } catch { /* not Linux */ }
  return {
    cpu,
    cores: navigator.hardwareConcurrency,
    loadAverage,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    os: Deno.build.os,
  };
}

/** `--only=snapshot,compile` runs only those sections (cpu, snapshot, compile, awaitLoop). */
const only = Deno.args.find((a) => a.startsWith("--only="))?.slice(7).split(",");
const wanted = (section: string) => !only || only.includes(section);

const result = {
  benchmark: "interpreter",
  command: `node_modules/.bin/deno run -A bench/interpreter.ts ${Deno.args.join(" ")}`.trim(),
  machine: await machine(),
  cpu: wanted("cpu") ? await cpuBenchmarks() : "not run",
  snapshot: wanted("snapshot")
    ? {
      typical: snapshotRoundTrip(TYPICAL, quick ? 50 : 2000, quick ? 10 : 200),
      oneMiB: snapshotRoundTrip(MIB, quick ? 5 : 40, quick ? 2 : 5),
    }
    : "not run",
  compile1000Lines: wanted("compile") ? compileBenchmark() : "not run",
  awaitLoop: wanted("awaitLoop") ? await awaitLoopBenchmark() : "not run",
  loadAverageAtEnd: (await machine()).loadAverage,
};
console.log(JSON.stringify(result, null, 2));
