/**
 * Mock tasks: JavaScript functions written in the page, with knobs for latency and failure.
 * They travel as plain data (the function's source text) to the engine's Web Worker and into
 * shared links, and are compiled there.
 * @module
 */

/** One mock task as the user edits it. */
export interface MockTask {
  name: string;
  /** A JavaScript function expression: `(inputs, { attempt }) => result` (may be async). */
  code: string;
  /** Real milliseconds each attempt takes before returning. */
  latencyMs: number;
  /** Probability (0–1) that an attempt fails with an injected error. */
  failRate: number;
  /** The first N attempts of this task (across calls) fail, so retries are reproducible. */
  failFirst: number;
}

/** A compiled mock: call it once per attempt. */
export type MockFunction = (inputs: unknown, attempt: number) => Promise<unknown>;

/**
 * Compiles a mock task's code and wraps it with its knobs.
 * @example
 * ```ts
 * const charge = compileMock({
 *   name: "chargeCard", code: "(i) => ({ charged: i.amount })",
 *   latencyMs: 0, failRate: 0, failFirst: 1,
 * });
 * await charge({ amount: 5 }, 1).catch((e) => e.message); // "chargeCard: injected failure (attempt 1)"
 * await charge({ amount: 5 }, 2); // { charged: 5 }
 * ```
 */
export function compileMock(task: MockTask): MockFunction {
  const fn = evaluateFunction(task);
  let attemptsSoFar = 0;
  return async (inputs, attempt) => {
    attemptsSoFar++;
    if (task.latencyMs > 0) await sleep(task.latencyMs);
    if (attemptsSoFar <= task.failFirst || Math.random() < task.failRate) {
      throw new Error(`${task.name}: injected failure (attempt ${attempt})`);
    }
    return await fn(inputs, { attempt });
  };
}

function evaluateFunction(task: MockTask): (inputs: unknown, context: unknown) => unknown {
  let value: unknown;
  try {
    value = new Function(`"use strict"; return (${task.code}\n);`)();
  } catch (error) {
    throw new SyntaxError(`mock task ${task.name}: ${(error as Error).message}`);
  }
  if (typeof value !== "function") {
    throw new TypeError(`mock task ${task.name}: code must be a function expression`);
  }
  return value as (inputs: unknown, context: unknown) => unknown;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A mock that returns `{ ok: true }` with no latency, for tasks a flow calls but the panel
 * does not define yet.
 * @example
 * ```ts
 * defaultMock("sendEmail").code; // "(inputs) => ({ ok: true })"
 * ```
 */
export function defaultMock(name: string): MockTask {
  return { name, code: "(inputs) => ({ ok: true })", latencyMs: 0, failRate: 0, failFirst: 0 };
}
