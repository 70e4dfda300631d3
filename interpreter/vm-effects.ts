/**
 * Durable operations and their handles (LANGUAGE.md §6): starting tasks, child
 * workflows, timers and signal waits (each a command in the step's outbox), combining
 * handles (`Promise.all/allSettled/any/race`, computed here), and applying the
 * resolutions the host delivers.
 * @module
 */
import { makeError, typeError } from "./errors.ts";
import { DEFAULT_RETRY, durationMs, resolveRetry } from "./retry.ts";
import { exportJson, importJson } from "./values-json.ts";
import { describe, FULFILLED, Handle, type HandleKind, PENDING, REJECTED, VObj } from "./values.ts";
import type { Resolution, TaskOptions, VM } from "./vm-state.ts";

function newHandle(vm: VM, kind: HandleKind): Handle {
  const h = new Handle(`h${vm.nextHandle++}`, kind);
  if (kind === "task" || kind === "workflow" || kind === "timer" || kind === "signal") {
    vm.leaves.set(h.id, h);
  }
  return h;
}

function plainOptions(value: unknown, what: string): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (!(value instanceof VObj)) typeError(`${what} must be an object, got ${describe(value)}`);
  return exportJson(value, what, 1 << 16) as Record<string, unknown>;
}

/** Front-matter defaults merged with per-call options, validated (LANGUAGE.md §6). */
function taskOptions(vm: VM, value: unknown, kind: "task" | "workflow"): TaskOptions {
  const given = plainOptions(value, `the options of ${kind === "task" ? "Task" : "Workflow"}.run`);
  const defaults = vm.program.defaults;
  const out: TaskOptions = {};
  const queue = given.queue ?? defaults.queue;
  if (queue !== undefined && queue !== null) {
    if (typeof queue !== "string" || queue === "") typeError("options.queue must be a string");
    out.queue = queue;
  }
  for (const key of Object.keys(given)) {
    const v = given[key];
    if (v === null) continue;
    if (key === "priority") {
      if (typeof v !== "number" || !Number.isFinite(v)) {
        typeError("options.priority must be a number");
      }
      out.priority = v;
    } else if (key === "timeout") {
      const ms = durationMs(v);
      if (ms === null) typeError(`options.timeout ${describe(v)} is not a duration`);
      out.timeout = ms;
    } else if (key === "idempotencyKey") {
      if (typeof v !== "string") typeError("options.idempotencyKey must be a string");
      out.idempotencyKey = v;
    } else if (key !== "queue" && key !== "retry") {
      typeError(
        `unknown option "${key}" (expected queue, priority, retry, timeout, idempotencyKey)`,
      );
    }
  }
  if (kind === "task" || given.retry !== undefined) {
    const retry = resolveRetry(given.retry ?? null, defaults.retry ?? DEFAULT_RETRY);
    if (typeof retry === "string") typeError(retry);
    out.retry = retry;
  }
  return out;
}

function nameArg(value: unknown, what: string): string {
  if (typeof value !== "string" || value === "") {
    typeError(`${what} needs a name (a non-empty string), got ${describe(value)}`);
  }
  return value;
}

/**
 * `Task.run(name, inputs, options?)` / `Workflow.run(…)`: emits the command, returns the
 * handle.
 * @example
 * ```ts
 * startWork(vm, "task", ["charge", inputs]); // Handle h1, command { type: "task", … }
 * ```
 */
export function startWork(vm: VM, kind: "task" | "workflow", args: unknown[]): Handle {
  const what = kind === "task" ? "Task.run" : "Workflow.run";
  const name = nameArg(args[0], what);
  const inputs = exportJson(args[1] ?? null, `the inputs of ${kind} "${name}"`, vm.payloadBytes);
  const options = taskOptions(vm, args[2], kind);
  const h = newHandle(vm, kind);
  vm.commands.push({ type: kind, handle: h.id, name, inputs, options, line: vm.line() });
  return h;
}

/**
 * `Timer.delay(d)` (seconds or `"30s"`) and `Timer.until(iso)`.
 * @example
 * ```ts
 * startTimer(vm, "delay", ["2m"]); // fires at vm.now + 120000
 * ```
 */
export function startTimer(vm: VM, how: "delay" | "until", args: unknown[]): Handle {
  let fireAt: number;
  if (how === "delay") {
    const ms = durationMs(args[0]);
    if (ms === null) {
      typeError(`Timer.delay needs seconds or a duration like "30s", got ${describe(args[0])}`);
    }
    fireAt = vm.now + ms;
  } else {
    fireAt = typeof args[0] === "string" ? Date.parse(args[0]) : NaN;
    if (Number.isNaN(fireAt)) {
      typeError(`Timer.until needs an ISO date string, got ${describe(args[0])}`);
    }
  }
  const h = newHandle(vm, "timer");
  vm.commands.push({ type: "timer", handle: h.id, fireAt });
  return h;
}

/**
 * `Signal.next(name, { timeout }?)`.
 * @example
 * ```ts
 * waitSignal(vm, ["approval", timeoutOptions]);
 * ```
 */
export function waitSignal(vm: VM, args: unknown[]): Handle {
  const name = nameArg(args[0], "Signal.next");
  const options = plainOptions(args[1], "the options of Signal.next");
  let timeoutAt: number | null = null;
  for (const key of Object.keys(options)) {
    if (key !== "timeout") typeError(`unknown Signal.next option "${key}" (expected timeout)`);
    const ms = durationMs(options.timeout);
    if (ms === null) {
      typeError(`Signal.next timeout ${describe(options.timeout)} is not a duration`);
    }
    timeoutAt = vm.now + ms;
  }
  const h = newHandle(vm, "signal");
  vm.commands.push({ type: "signal", handle: h.id, name, timeoutAt });
  return h;
}

/**
 * `Promise.all/allSettled/any/race(list | object)`: a combined handle.
 * @example
 * ```ts
 * combine(vm, "all", [[h1, h2]]);
 * ```
 */
export function combine(vm: VM, kind: HandleKind, args: unknown[]): Handle {
  const src = args[0];
  const h = newHandle(vm, kind);
  if (Array.isArray(src)) {
    h.items = src.slice();
  } else if (src instanceof VObj) {
    h.keys = Object.keys(src);
    h.items = h.keys.map((k) => src[k]);
  } else {
    typeError(`Promise.${kind} needs a list or an object of handles, got ${describe(src)}`);
  }
  settle(vm, h);
  return h;
}

/** State, value and settle order of a member (plain values are already fulfilled). */
function member(vm: VM, v: unknown): [number, unknown, number] {
  if (!(v instanceof Handle)) return [FULFILLED, v, 0];
  settle(vm, v);
  return [v.state, v.value, v.seq];
}

function shaped(h: Handle, values: unknown[]): unknown {
  if (!h.keys) return values;
  const o = new VObj();
  h.keys.forEach((k, i) => (o[k] = values[i]));
  return o;
}

function winner(h: Handle, index: number, value: unknown): unknown {
  if (!h.keys) return value;
  const o = new VObj();
  o.key = h.keys[index];
  o.value = value;
  return o;
}

function finish(h: Handle, state: typeof FULFILLED | typeof REJECTED, value: unknown, seq: number) {
  h.state = state;
  h.value = value;
  h.seq = seq;
}

/**
 * Computes a combined handle's outcome from its members, once they allow it; emits
 * `cancel` for the pending losers of `race`/`any`. Leaf handles are left alone.
 * @example
 * ```ts
 * settle(vm, h); // h.state is FULFILLED once every member of Promise.all is
 * ```
 */
export function settle(vm: VM, h: Handle): void {
  if (h.state !== PENDING || h.items === null) return;
  const ms = h.items.map((v) => member(vm, v));
  const done = ms.filter((m) => m[0] !== PENDING);
  const first = (state: number) =>
    ms.reduce((best, m, i) => m[0] === state && (best < 0 || m[2] < ms[best][2]) ? i : best, -1);
  const maxSeq = done.reduce((a, m) => Math.max(a, m[2]), 0);
  if (h.kind === "all") {
    const fail = first(REJECTED);
    if (fail >= 0) finish(h, REJECTED, ms[fail][1], ms[fail][2]);
    else if (done.length === ms.length) {
      finish(
        h,
        FULFILLED,
        shaped(h, ms.map((m) => m[1])),
        maxSeq,
      );
    }
  } else if (h.kind === "allSettled") {
    if (done.length === ms.length) finish(h, FULFILLED, shaped(h, ms.map(settledRecord)), maxSeq);
  } else if (h.kind === "any") {
    const ok = first(FULFILLED);
    if (ok >= 0) finish(h, FULFILLED, winner(h, ok, ms[ok][1]), ms[ok][2]);
    else if (done.length === ms.length) {
      const errors = ms.map((m) => m[1]);
      const e = makeError("AggregateError", "all of Promise.any's handles failed", { errors });
      finish(h, REJECTED, e, maxSeq);
    }
  } else {
    const i = ms.reduce(
      (best, m, j) => m[0] !== PENDING && (best < 0 || m[2] < ms[best][2]) ? j : best,
      -1,
    );
    if (i >= 0) {
      const state = ms[i][0] as typeof FULFILLED | typeof REJECTED;
      finish(h, state, state === FULFILLED ? winner(h, i, ms[i][1]) : ms[i][1], ms[i][2]);
    }
  }
  if (h.state !== PENDING && (h.kind === "race" || h.kind === "any")) {
    for (const item of h.items) cancelPending(vm, item);
  }
}

function settledRecord(m: [number, unknown, number]): VObj {
  const o = new VObj();
  o.status = m[0] === FULFILLED ? "fulfilled" : "rejected";
  o[m[0] === FULFILLED ? "value" : "reason"] = m[1];
  return o;
}

function cancelPending(vm: VM, v: unknown): void {
  if (!(v instanceof Handle) || v.state !== PENDING) return;
  if (v.items) {
    for (const item of v.items) cancelPending(vm, item);
  } else if (!v.cancelled) {
    v.cancelled = true;
    vm.commands.push({ type: "cancel", handle: v.id });
  }
}

/**
 * The pending leaf handles a handle waits for (what the host must resolve).
 * @example
 * ```ts
 * pendingLeaves(allHandle); // ["h1", "h3"]
 * ```
 */
export function pendingLeaves(h: Handle, out: string[] = []): string[] {
  if (h.state !== PENDING) return out;
  if (!h.items) {
    if (!out.includes(h.id)) out.push(h.id);
    return out;
  }
  for (const item of h.items) if (item instanceof Handle) pendingLeaves(item, out);
  return out;
}

/**
 * Applies one resolution from the host; unknown or already settled handles are ignored
 * (the result of work nobody can observe any more).
 * @example
 * ```ts
 * resolve(vm, { handle: "h1", ok: true, value: 5 });
 * ```
 */
export function resolve(vm: VM, r: Resolution): void {
  const h = vm.leaves.get(r.handle);
  if (!h || h.state !== PENDING) return;
  vm.leaves.delete(r.handle);
  h.seq = vm.seq++;
  if (r.ok) {
    h.state = FULFILLED;
    h.value = importJson(r.value);
  } else {
    h.state = REJECTED;
    const e = importJson(r.error);
    h.value = e instanceof VObj ? e : makeError("Error", String(e));
  }
}
