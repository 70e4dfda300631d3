/**
 * Writes the golden snapshot files (`tests/interpreter/golden/*.json`): a program, a state
 * saved in the middle of a run, the resolutions that followed and the final outcome.
 * The compiled program is stored too: a durable engine resumes with the program it
 * started with (stored beside the definition), so the VM must keep running old compiled
 * programs and old states even when today's compiler emits different code.
 * Run once when adding a golden file; committed files must keep resuming forever, so do
 * not regenerate existing ones after a format change — add new ones instead.
 *
 *   node_modules/.bin/deno run -A tests/interpreter/golden/generate.ts
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { advance, compile, type Resolution } from "../../../interpreter/mod.ts";
import { GOLDEN_PROGRAMS, respond } from "./programs.ts";

const context = { executionId: "golden", workflow: "golden", version: "v", startedAt: "" };

for (const g of GOLDEN_PROGRAMS) {
  const c = compile(g.source);
  if (!c.ok) throw new Error(`${g.name}: ${JSON.stringify(c.diagnostics)}`);
  let now = 1_000_000;
  let r = advance(c.program, { state: null, inputs: g.inputs, context, now, resolutions: [] });
  const states = [r.state];
  const batches: { now: number; resolutions: Resolution[] }[] = [];
  while (r.status === "suspended") {
    now += 1000;
    const resolutions = respond(r.commands, now);
    batches.push({ now, resolutions });
    r = advance(c.program, { state: r.state, context, now, resolutions });
    states.push(r.state);
  }
  const at = Math.min(g.saveAfter, batches.length - 1);
  const file = {
    description: g.description,
    source: g.source,
    hash: c.hash,
    program: c.program,
    state: JSON.parse(JSON.stringify(states[at])),
    steps: batches.slice(at),
    expected: { status: r.status, output: r.output ?? null, error: r.error ?? null },
  };
  writeFileSync(join(import.meta.dirname!, `${g.name}.json`), JSON.stringify(file, null, 1) + "\n");
  console.log(`${g.name}: ${batches.length} steps, saved after ${at}, ${r.status}`);
}
