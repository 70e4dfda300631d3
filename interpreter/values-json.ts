/**
 * The JSON boundary (LANGUAGE.md §3): values leaving a workflow (task inputs, outputs,
 * logs) become plain JSON exactly as `JSON.stringify` makes them (NaN → null, functions
 * dropped), within a size limit; values entering it (inputs, results, signal payloads)
 * become live `.flow` values.
 * @module
 */
import { rangeError, typeError } from "./errors.ts";
import { BuiltinRef, Closure, Handle, VObj } from "./values.ts";

/** JSON.stringify replacer: functions vanish, handles and namespaces are `{}`. */
export function jsonReplacer(_key: string, v: unknown): unknown {
  if (v instanceof Closure) return undefined;
  if (v instanceof BuiltinRef) return v.namespace ? {} : undefined;
  if (v instanceof Handle) return {};
  return v;
}

/**
 * JSON text of a `.flow` value, or a TypeError naming `what` when it has a cycle.
 * `undefined` when the value itself is a function.
 * @example
 * ```ts
 * stringify([NaN, 1], "output"); // "[null,1]"
 * ```
 */
export function stringify(
  value: unknown,
  what: string,
  indent?: string | number,
): string | undefined {
  try {
    return JSON.stringify(value, jsonReplacer, indent);
  } catch (e) {
    if (e instanceof TypeError) return typeError(`${what} contains a cycle and is not JSON`);
    return rangeError(`${what} is too deeply nested to be JSON`);
  }
}

/**
 * A `.flow` value as plain JSON data for the host, at most `limit` characters of JSON.
 * @example
 * ```ts
 * exportJson(vobj, "the output", 1 << 20); // { a: 1 }
 * ```
 */
export function exportJson(value: unknown, what: string, limit: number): unknown {
  const text = stringify(value, what);
  if (text === undefined) return null;
  if (text.length > limit) {
    rangeError(`${what} is ${text.length} bytes of JSON, over the ${limit}-byte limit`);
  }
  return JSON.parse(text);
}

/**
 * A host value (JSON data) as a live `.flow` value: objects become {@link VObj}s,
 * `undefined` and functions become `null` or vanish, as through JSON.
 * @example
 * ```ts
 * importJson({ a: [1, undefined] }); // VObj { a: [1, null] }
 * ```
 */
export function importJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const t = typeof value;
  if (t === "string" || t === "boolean") return value;
  if (t === "number") return Number.isFinite(value) ? value : null;
  let plain: unknown;
  try {
    const text = JSON.stringify(value);
    plain = text === undefined ? null : JSON.parse(text);
  } catch {
    return null;
  }
  return toLive(plain);
}

/** Converts parsed JSON into live values without recursion. */
function toLive(root: unknown): unknown {
  if (root === null || typeof root !== "object") return root;
  const wrap = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    const copy: unknown = Array.isArray(v) ? [] : new VObj();
    todo.push([v as Record<string, unknown>, copy as Record<string, unknown>]);
    return copy;
  };
  const todo: [Record<string, unknown>, Record<string, unknown>][] = [];
  const out = wrap(root);
  while (todo.length) {
    const [src, dst] = todo.pop()!;
    if (Array.isArray(src)) {
      for (let i = 0; i < src.length; i++) dst[i] = wrap(src[i]);
    } else {
      for (const k of Object.keys(src)) dst[k] = wrap(src[k]);
    }
  }
  return out;
}
