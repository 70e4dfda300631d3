/**
 * Methods of strings and numbers (LANGUAGE.md §7), exactly the names listed in
 * `builtins.ts` (`STRING_METHODS`, `NUMBER_METHODS`), with JavaScript's behaviour.
 * @module
 */
import { NUMBER_METHODS, STRING_METHODS } from "./builtins.ts";
import { rangeError, typeError } from "./errors.ts";
import { isCallable, toStr } from "./values.ts";
import type { VM } from "./vm-state.ts";

const stringMethods = new Set(STRING_METHODS);
const numberMethods = new Set(NUMBER_METHODS);

/** Objects become their string form, so native methods never see a `.flow` object. */
function primitive(v: unknown): unknown {
  return v !== null && typeof v === "object" ? toStr(v) : v;
}

function orNull(v: unknown): unknown {
  return v === undefined ? null : v;
}

/** Longest string `repeat`/`padStart`/`padEnd` may build (16 Mi code units). */
const MAX_STRING = 1 << 24;

function checkSize(s: string, name: string, args: unknown[]): void {
  const n = Number(primitive(args[0] ?? 0));
  const size = name === "repeat" ? s.length * n : n;
  if (size > MAX_STRING) rangeError(`${name} would build a string of ${size} characters`);
}

/**
 * Calls the string method `name` on `s`.
 * @example
 * ```ts
 * stringMethod(vm, "abc", "padStart", [5, "-"]); // "--abc"
 * ```
 */
export function stringMethod(vm: VM, s: string, name: string, args: unknown[]): unknown {
  if (!stringMethods.has(name)) typeError(`strings have no method "${name}"`);
  if ((name === "replace" || name === "replaceAll") && isCallable(args[1])) {
    const fn = args[1];
    const pattern = toStr(args[0]);
    const cb = vm.callback(fn, 3);
    const replacer = (match: string, offset: number) => toStr(cb(match, offset, s));
    return name === "replace" ? s.replace(pattern, replacer) : s.replaceAll(pattern, replacer);
  }
  if (name === "split" && args[0] === null) return [s];
  if (name === "repeat" || name === "padStart" || name === "padEnd") checkSize(s, name, args);
  const method = (String.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[
    name
  ];
  return orNull(method.apply(s, args.map(primitive)));
}

/**
 * Calls the number method `name` on `n`.
 * @example
 * ```ts
 * numberMethod(3.14159, "toFixed", [2]); // "3.14"
 * ```
 */
export function numberMethod(n: number, name: string, args: unknown[]): unknown {
  if (!numberMethods.has(name)) typeError(`numbers have no method "${name}"`);
  const method = (Number.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[
    name
  ];
  return orNull(method.apply(n, args.map((a) => (a === null ? undefined : primitive(a)))));
}
