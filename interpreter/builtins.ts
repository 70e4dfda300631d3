/**
 * The globals of a `.flow` workflow as data (LANGUAGE.md §6–7): which names exist, what
 * kind of thing each is, its members with argument counts, and which calls are durable
 * effects. The checker (`check.ts`) reads it to report unknown members and wrong argument
 * counts; the VM implements exactly the members listed here.
 *
 * Edit with small, surgical changes: both the front end and the VM depend on this table.
 * @module
 */

/** A callable member or global: argument counts (`max: Infinity` for variadic). */
export interface CallSpec {
  min: number;
  max: number;
  /** True when the call starts durable work and returns a handle (LANGUAGE.md §6). */
  effect: boolean;
}

/** A member of a built-in object: a method with its arity, or a plain property. */
export type MemberSpec = ({ kind: "method" } & CallSpec) | { kind: "property" };

/** One global name. */
export interface GlobalSpec {
  /**
   * - `namespace`: an object of members (`Task`, `Math`).
   * - `function`: a callable (`parseInt`, `task`), possibly with members (`Number.isInteger`).
   * - `error`: an error constructor, callable with or without `new`.
   * - `value`: a plain value (`Inputs`, `NaN`).
   */
  kind: "namespace" | "function" | "error" | "value";
  /** Present when the global itself can be called. */
  call?: CallSpec;
  /** Known members; reading or calling any other is a compile diagnostic unless `openMembers`. */
  members: Readonly<Record<string, MemberSpec>>;
  /** True when any member may be read (user data such as `Inputs`). */
  openMembers?: boolean;
  /** One line for the language reference and editor hovers. */
  doc: string;
}

const method = (min: number, max = min, effect = false): MemberSpec => ({
  kind: "method",
  min,
  max,
  effect,
});
const property: MemberSpec = { kind: "property" };
const call = (min: number, max = min, effect = false): CallSpec => ({ min, max, effect });

/** Builds a member table where every listed name is a property. */
function properties(names: readonly string[]): Record<string, MemberSpec> {
  return Object.fromEntries(names.map((name) => [name, property]));
}

const MATH_UNARY = [
  "abs",
  "acos",
  "acosh",
  "asin",
  "asinh",
  "atan",
  "atanh",
  "cbrt",
  "ceil",
  "clz32",
  "cos",
  "cosh",
  "exp",
  "expm1",
  "floor",
  "fround",
  "log",
  "log10",
  "log1p",
  "log2",
  "round",
  "sign",
  "sin",
  "sinh",
  "sqrt",
  "tan",
  "tanh",
  "trunc",
] as const;

/** The constants of `Math` (`Math.PI`, …). */
export const MATH_CONSTANTS: readonly string[] = [
  "E",
  "LN10",
  "LN2",
  "LOG10E",
  "LOG2E",
  "PI",
  "SQRT1_2",
  "SQRT2",
];

/** The constants of `Number` (`Number.MAX_SAFE_INTEGER`, …). */
export const NUMBER_CONSTANTS: readonly string[] = [
  "EPSILON",
  "MAX_SAFE_INTEGER",
  "MAX_VALUE",
  "MIN_SAFE_INTEGER",
  "MIN_VALUE",
  "NaN",
  "NEGATIVE_INFINITY",
  "POSITIVE_INFINITY",
];

const errorSpec = (name: string): GlobalSpec => ({
  kind: "error",
  call: call(0, 1),
  members: {},
  doc: `${name}(message) or new ${name}(message) builds { name: "${name}", message }.`,
});

/**
 * Every global a workflow can use, by name.
 * @example
 * ```ts
 * import { GLOBALS } from "./builtins.ts";
 * const run = GLOBALS.Task.members.run; // { kind: "method", min: 2, max: 3, effect: true }
 * ```
 */
export const GLOBALS: Readonly<Record<string, GlobalSpec>> = {
  Task: {
    kind: "namespace",
    members: { run: method(2, 3, true) },
    doc: "Task.run(name, inputs, options?) starts a task and returns its handle.",
  },
  Workflow: {
    kind: "namespace",
    members: { run: method(2, 3, true) },
    doc: "Workflow.run(name, inputs, options?) starts a child workflow and returns its handle.",
  },
  Timer: {
    kind: "namespace",
    members: { delay: method(1, 1, true), until: method(1, 1, true) },
    doc: 'Timer.delay(seconds | "30s") and Timer.until(isoString) return timer handles.',
  },
  Signal: {
    kind: "namespace",
    members: { next: method(1, 2, true) },
    doc: "Signal.next(name, { timeout }?) waits for the next signal of that name.",
  },
  Promise: {
    kind: "namespace",
    members: {
      all: method(1),
      allSettled: method(1),
      any: method(1),
      race: method(1),
    },
    doc: "Promise.all/allSettled/any/race(list | object) combine handles into one handle.",
  },
  Inputs: {
    kind: "value",
    members: {},
    openMembers: true,
    doc: "The inputs the execution was started with.",
  },
  Context: {
    kind: "namespace",
    members: properties(["executionId", "workflow", "version", "startedAt"]),
    doc: "Context.executionId, .workflow, .version, .startedAt describe this execution.",
  },
  Math: {
    kind: "namespace",
    members: {
      ...Object.fromEntries(MATH_UNARY.map((name) => [name, method(1)])),
      atan2: method(2),
      imul: method(2),
      pow: method(2),
      hypot: method(0, Infinity),
      max: method(0, Infinity),
      min: method(0, Infinity),
      random: method(0),
      ...properties(MATH_CONSTANTS),
    },
    doc: "All of JavaScript's Math functions and constants, Math.random included.",
  },
  JSON: {
    kind: "namespace",
    members: { parse: method(1), stringify: method(1, 3) },
    doc: "JSON.parse(text) and JSON.stringify(value, replacer?, indent?).",
  },
  Object: {
    kind: "namespace",
    members: {
      keys: method(1),
      values: method(1),
      entries: method(1),
      fromEntries: method(1),
      assign: method(1, Infinity),
    },
    doc: "Object.keys/values/entries/fromEntries/assign, in insertion order.",
  },
  Array: {
    kind: "namespace",
    members: { isArray: method(1) },
    doc: "Array.isArray(value).",
  },
  Number: {
    kind: "function",
    call: call(0, 1),
    members: {
      isFinite: method(1),
      isInteger: method(1),
      isNaN: method(1),
      isSafeInteger: method(1),
      parseFloat: method(1),
      parseInt: method(1, 2),
      ...properties(NUMBER_CONSTANTS),
    },
    doc: "Number(value) converts to a number; Number.isInteger and friends test numbers.",
  },
  String: {
    kind: "function",
    call: call(0, 1),
    members: { fromCharCode: method(0, Infinity), fromCodePoint: method(0, Infinity) },
    doc: "String(value) converts to a string.",
  },
  Boolean: {
    kind: "function",
    call: call(0, 1),
    members: {},
    doc: "Boolean(value) converts to a boolean (JavaScript truthiness).",
  },
  parseInt: {
    kind: "function",
    call: call(1, 2),
    members: {},
    doc: "parseInt(text, radix?).",
  },
  parseFloat: { kind: "function", call: call(1), members: {}, doc: "parseFloat(text)." },
  isNaN: { kind: "function", call: call(1), members: {}, doc: "isNaN(value)." },
  isFinite: { kind: "function", call: call(1), members: {}, doc: "isFinite(value)." },
  NaN: { kind: "value", members: {}, doc: "Not-a-number; null at a JSON boundary." },
  Infinity: { kind: "value", members: {}, doc: "Positive infinity; null at a JSON boundary." },
  Date: {
    kind: "namespace",
    members: { now: method(0) },
    doc: "Date.now() gives the current time in milliseconds since the epoch.",
  },
  console: {
    kind: "namespace",
    members: {
      log: method(0, Infinity),
      info: method(0, Infinity),
      warn: method(0, Infinity),
      error: method(0, Infinity),
    },
    doc: "console.log(...values) writes to the execution's log.",
  },
  Error: errorSpec("Error"),
  TypeError: errorSpec("TypeError"),
  RangeError: errorSpec("RangeError"),
  task: {
    kind: "function",
    call: call(2, 3, true),
    members: {},
    doc: "task(name, inputs, options?) is the seed syntax: await Task.run(name, inputs).",
  },
  sleep: {
    kind: "function",
    call: call(1, 1, true),
    members: {},
    doc: "sleep(seconds) is the seed syntax: await Timer.delay(seconds).",
  },
};

/**
 * Methods every string has (plus the `length` property). No regex-based methods.
 * @example
 * ```ts
 * STRING_METHODS.includes("padStart"); // true
 * ```
 */
export const STRING_METHODS: readonly string[] = [
  "at",
  "charAt",
  "charCodeAt",
  "codePointAt",
  "concat",
  "endsWith",
  "includes",
  "indexOf",
  "lastIndexOf",
  "localeCompare",
  "normalize",
  "padEnd",
  "padStart",
  "repeat",
  "replace",
  "replaceAll",
  "slice",
  "split",
  "startsWith",
  "substring",
  "toLowerCase",
  "toString",
  "toUpperCase",
  "trim",
  "trimEnd",
  "trimStart",
];

/**
 * Methods every array has (plus the `length` property).
 * @example
 * ```ts
 * ARRAY_METHODS.includes("flatMap"); // true
 * ```
 */
export const ARRAY_METHODS: readonly string[] = [
  "at",
  "concat",
  "every",
  "fill",
  "filter",
  "find",
  "findIndex",
  "findLast",
  "findLastIndex",
  "flat",
  "flatMap",
  "forEach",
  "includes",
  "indexOf",
  "join",
  "lastIndexOf",
  "map",
  "pop",
  "push",
  "reduce",
  "reduceRight",
  "reverse",
  "shift",
  "slice",
  "some",
  "sort",
  "splice",
  "toReversed",
  "toSorted",
  "toSpliced",
  "unshift",
  "with",
];

/**
 * Methods every number has.
 * @example
 * ```ts
 * NUMBER_METHODS.includes("toFixed"); // true
 * ```
 */
export const NUMBER_METHODS: readonly string[] = [
  "toExponential",
  "toFixed",
  "toPrecision",
  "toString",
];

/**
 * Built-in methods that call a function argument synchronously. A callback passed to one
 * of them may not `await` (LANGUAGE.md §5); it may start work (`Task.run` without await).
 * @example
 * ```ts
 * CALLBACK_METHODS.includes("map"); // true
 * ```
 */
export const CALLBACK_METHODS: readonly string[] = [
  "every",
  "filter",
  "find",
  "findIndex",
  "findLast",
  "findLastIndex",
  "flatMap",
  "forEach",
  "map",
  "reduce",
  "reduceRight",
  "some",
  "sort",
  "toSorted",
];

/**
 * Host globals a workflow may not touch, each with the reason shown in the diagnostic
 * (`fetch is not available in a workflow: …`).
 * @example
 * ```ts
 * HOST_GLOBALS.fetch; // "do I/O in a task and call it with Task.run"
 * ```
 */
export const HOST_GLOBALS: Readonly<Record<string, string>> = {
  fetch: "do I/O in a task and call it with Task.run",
  XMLHttpRequest: "do I/O in a task and call it with Task.run",
  WebSocket: "do I/O in a task and call it with Task.run",
  eval: "workflows cannot run code built at run time",
  Function: "workflows cannot run code built at run time",
  globalThis: "there is no global object; use the globals listed in the language reference",
  window: "there is no global object; use the globals listed in the language reference",
  self: "there is no global object; use the globals listed in the language reference",
  global: "there is no global object; use the globals listed in the language reference",
  document: "workflows do not run in a page",
  navigator: "workflows do not run in a page",
  localStorage: "keep state in variables; they survive suspension",
  sessionStorage: "keep state in variables; they survive suspension",
  require: "workflows cannot load modules; put code in a task",
  import: "workflows cannot load modules; put code in a task",
  module: "workflows cannot load modules; put code in a task",
  exports: "workflows cannot load modules; put code in a task",
  setTimeout: "use await Timer.delay(seconds) or sleep(seconds)",
  setInterval: "use a loop with await Timer.delay(seconds)",
  setImmediate: "use await Timer.delay(seconds)",
  clearTimeout: "use Promise.race with Timer.delay to time out work",
  clearInterval: "use a loop with await Timer.delay(seconds)",
  queueMicrotask: "use Task.run to start work without waiting for it",
  process: "workflows have no access to the host process; read Inputs instead",
  Deno: "workflows have no access to the host runtime; put code in a task",
  Bun: "workflows have no access to the host runtime; put code in a task",
  Buffer: "workflows have no access to the host runtime; put code in a task",
  crypto: "workflows have no access to the host runtime; put code in a task",
  performance: "use Date.now()",
};

/**
 * JavaScript globals that exist in JS but not in `.flow` (LANGUAGE.md §9), with the reason.
 * @example
 * ```ts
 * UNSUPPORTED_GLOBALS.undefined; // "there is no undefined in a workflow; use null"
 * ```
 */
export const UNSUPPORTED_GLOBALS: Readonly<Record<string, string>> = {
  undefined: "there is no undefined in a workflow; use null",
  Map: "values are JSON; use a plain object",
  Set: "values are JSON; use an array or a plain object",
  WeakMap: "values are JSON; use a plain object",
  WeakSet: "values are JSON; use an array",
  Symbol: "values are JSON only",
  BigInt: "numbers are IEEE doubles",
  RegExp: "there are no regular expressions; use string methods",
  Proxy: "there are no prototypes or proxies",
  Reflect: "there are no prototypes or proxies",
  Intl: "format values in a task",
  arguments: "declare the parameters you need, or use a rest parameter",
};

/**
 * Whether `name` is a global of the language.
 * @example
 * ```ts
 * isGlobal("Task"); // true
 * isGlobal("fetch"); // false
 * ```
 */
export function isGlobal(name: string): boolean {
  return Object.hasOwn(GLOBALS, name);
}

const NOT_FLOW = "is not part of the .flow language:";

/**
 * Words JavaScript reserves that `.flow` does not support, with the message shown after the
 * word when a program uses one (LANGUAGE.md §9). The grammar reserves them too.
 * @example
 * ```ts
 * `var ${RESERVED_WORDS.var}`; // "var is not part of the .flow language: use let or const"
 * ```
 */
export const RESERVED_WORDS: Readonly<Record<string, string>> = {
  var: `${NOT_FLOW} use let or const`,
  class: `${NOT_FLOW} there are no classes; use plain objects and functions`,
  extends: `${NOT_FLOW} there are no classes`,
  super: `${NOT_FLOW} there are no classes`,
  this: `${NOT_FLOW} there is no this; pass values as parameters`,
  switch: `${NOT_FLOW} use if / else if`,
  case: `${NOT_FLOW} use if / else if`,
  default: `${NOT_FLOW} use if / else if`,
  delete: `${NOT_FLOW} build a new object without the key (const { key, ...rest } = obj)`,
  void: `${NOT_FLOW} use null`,
  instanceof: `${NOT_FLOW} there are no prototypes; compare e.name or typeof`,
  yield: `${NOT_FLOW} there are no generators`,
  import: `is not available in a workflow: ${HOST_GLOBALS.import}`,
  export: `${NOT_FLOW} a .flow file is one workflow and exports nothing`,
  with: `${NOT_FLOW} name the object explicitly`,
  debugger: `${NOT_FLOW} use console.log`,
  enum: `${NOT_FLOW} use an object of constants`,
};
