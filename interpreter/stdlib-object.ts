/**
 * `Object.keys/values/entries/fromEntries/assign` and `JSON.parse/stringify`
 * (LANGUAGE.md §7), in insertion order.
 * @module
 */
import { typeError } from "./errors.ts";
import { spreadInto, toKey } from "./vm-ops.ts";
import { importJson, stringify } from "./values-json.ts";
import { describe, toNum, VObj } from "./values.ts";
import type { VM } from "./vm-state.ts";

type Fn = (vm: VM, args: unknown[]) => unknown;

function entriesOf(v: unknown, what: string): [string, unknown][] {
  if (v instanceof VObj) return Object.keys(v).map((k) => [k, v[k]]);
  if (Array.isArray(v) || typeof v === "string") {
    return Array.from({ length: v.length }, (_, i) => [String(i), v[i]]);
  }
  if (v === null || v === undefined) return typeError(`${what} needs an object, got null`);
  return [];
}

function parse(_vm: VM, args: unknown[]): unknown {
  const text = args[0];
  if (typeof text !== "string") typeError(`JSON.parse needs a string, got ${describe(text)}`);
  return importJson(JSON.parse(text));
}

function stringifyFn(_vm: VM, args: unknown[]): unknown {
  const replacer = args[1];
  if (replacer !== undefined && replacer !== null) {
    typeError("JSON.stringify's replacer argument is not supported: pass null");
  }
  const indent = args[2];
  const space = typeof indent === "number"
    ? Math.min(10, toNum(indent))
    : typeof indent === "string"
    ? indent
    : undefined;
  return stringify(args[0] ?? null, "the value", space) ?? null;
}

/**
 * The `Object.*` and `JSON.*` built-ins by name.
 * @example
 * ```ts
 * OBJECT_FUNCTIONS["Object.keys"](vm, [obj]); // ["z", "a"]
 * ```
 */
export const OBJECT_FUNCTIONS: Record<string, Fn> = {
  "Object.keys": (_vm, args) => entriesOf(args[0] ?? null, "Object.keys").map((e) => e[0]),
  "Object.values": (_vm, args) => entriesOf(args[0] ?? null, "Object.values").map((e) => e[1]),
  "Object.entries": (_vm, args) => entriesOf(args[0] ?? null, "Object.entries"),
  "Object.fromEntries": (_vm, args) => {
    const list = args[0];
    if (!Array.isArray(list)) typeError(`Object.fromEntries needs a list of [key, value] pairs`);
    const out = new VObj();
    for (const pair of list) {
      if (!Array.isArray(pair)) {
        typeError(`Object.fromEntries needs [key, value] pairs, got ${describe(pair)}`);
      }
      out[toKey(pair[0] ?? null)] = pair[1] ?? null;
    }
    return out;
  },
  "Object.assign": (_vm, args) => {
    const target = args[0];
    if (!(target instanceof VObj)) {
      typeError(`Object.assign needs an object to assign to, got ${describe(target)}`);
    }
    for (const src of args.slice(1)) spreadInto(target, src);
    return target;
  },
  "JSON.parse": parse,
  "JSON.stringify": stringifyFn,
};
