/**
 * The programs behind the golden snapshot files and the scripted host that answers
 * their commands (deterministically, so handle ids and values are stable).
 */
import type { Command, Resolution } from "../../../interpreter/mod.ts";

export interface GoldenProgram {
  name: string;
  description: string;
  source: string;
  inputs: unknown;
  /** Index of the step whose state is saved. */
  saveAfter: number;
}

/**
 * Answers a step's commands: tasks echo `{ name, inputs }` (task "fail" fails), timers
 * fire, signals arrive with `{ signal: name }`; cancels and logs need no answer.
 */
export function respond(commands: Command[], now: number): Resolution[] {
  const out: Resolution[] = [];
  for (const c of commands) {
    if (c.type === "task" && c.name === "fail") {
      out.push({
        handle: c.handle,
        ok: false,
        error: { name: "TaskError", message: "failed", task: c.name, attempts: 3, details: null },
      });
    } else if (c.type === "task" || c.type === "workflow") {
      out.push({ handle: c.handle, ok: true, value: { name: c.name, inputs: c.inputs, at: now } });
    } else if (c.type === "timer") out.push({ handle: c.handle, ok: true, value: null });
    else if (c.type === "signal") {
      out.push({ handle: c.handle, ok: true, value: { signal: c.name } });
    }
  }
  return out;
}

export const GOLDEN_PROGRAMS: GoldenProgram[] = [
  {
    name: "v1-function-loop-finally",
    description: "suspended inside a user function, inside for-of and try/finally, with closures",
    saveAfter: 2,
    inputs: { items: ["a", "b", "c"] },
    source: `const seen = []
function process(items) {
  const out = []
  for (const item of items) {
    try {
      const r = await Task.run("work", { item })
      out.push(r.inputs.item + "@" + r.at)
    } finally {
      seen.push(() => item)
    }
  }
  return out
}
const result = process(Inputs.items)
return [result, seen.map(f => f())]
`,
  },
  {
    name: "v1-aliasing-numbers-race",
    description: "shared references, a cycle, NaN/Infinity/-0, key order and a pending race",
    saveAfter: 1,
    inputs: {},
    source: `const shared = { z: 1, a: 2, "10": 3 }
const box = { left: shared, right: shared, nums: [NaN, Infinity, -Infinity, -0] }
box.self = box
await Timer.delay(1)
const r = await Promise.race({ task: Task.run("slow", {}), timer: Timer.delay(5) })
shared.z = 9
await Timer.delay(1)
return [box.right.z, box.self.left === shared, Object.keys(shared), Number.isNaN(box.nums[0]), 1 / box.nums[3] < 0, box.nums[1] === Infinity, r.key]
`,
  },
  {
    name: "v1-signals-catch-combinators",
    description: "signal waits, a failed task caught, Promise.allSettled and all in object form",
    saveAfter: 2,
    inputs: { n: 2 },
    source: `let log = []
try {
  await Task.run("fail", {})
} catch (e) {
  log.push(e.name)
  const s = await Signal.next("approve", { timeout: "1h" })
  log.push(s.signal)
}
const both = await Promise.all({ x: Task.run("x", { n: Inputs.n }), y: Task.run("y", {}) })
const settled = await Promise.allSettled([Task.run("fail", {}), Task.run("ok", {})])
return [log, both.x.inputs.n, both.y.name, settled.map(s => s.status)]
`,
  },
];
