/**
 * The VM: runs compiled code on live values until the program ends or waits for a
 * pending handle (DESIGN.md "Interpreter"). One loop, no host recursion for `.flow`
 * calls, so any point is resumable and deep recursion cannot overflow the JS stack;
 * only callbacks of built-ins (`map`, `sort` …) re-enter the loop, and they cannot wait.
 * @module
 */
import type { FunctionCode } from "./compile-context.ts";
import { CLOSURE, OPERANDS } from "./compile-opcodes.ts";
import { FlowThrow, makeError, toFlowError, typeError } from "./errors.ts";
import { callBuiltin, callMethod, globalValue } from "./stdlib.ts";
import {
  BuiltinRef,
  Closure,
  Completion,
  describe,
  Handle,
  PENDING,
  REJECTED,
  Scope,
  toNum,
  toStr,
  typeOf,
  VObj,
} from "./values.ts";
import { settle } from "./vm-effects.ts";
import {
  add,
  arith,
  compare,
  forInKeys,
  getProp,
  iterable,
  objectRest,
  setProp,
  spreadInto,
  toKey,
} from "./vm-ops.ts";
import {
  type Callback,
  EXIT_DONE,
  EXIT_RETURN,
  EXIT_SUSPEND,
  type ExitReason,
  Frame,
  Handler,
  type VM,
} from "./vm-state.ts";

/** An error that ends the execution whatever `catch` blocks there are (a limit). */
class Fatal extends Error {
  value: unknown;
  line: number;
  constructor(value: unknown, line: number) {
    super("fatal");
    this.value = value;
    this.line = line;
  }
}

/** A FlowThrow remembers the line it was first thrown at. */
type Thrown = FlowThrow & { line?: number };

function nulls(n: number): unknown[] {
  const a: unknown[] = [];
  for (let i = 0; i < n; i++) a.push(null);
  return a;
}

function lineAt(fn: FunctionCode, pc: number): number {
  return fn.lines[Math.max(0, Math.min(pc - 1, fn.lines.length - 1))] ?? 0;
}

function tooDeep(vm: VM): never {
  throw new FlowThrow(makeError(
    "RangeError",
    `more than ${vm.maxDepth} nested function calls (endless recursion?)`,
  ));
}

/** Pushes a frame for `callee` with `n` arguments at `stack[base…]` (not removed). */
function enter(vm: VM, callee: Closure, stack: unknown[], base: number, n: number): Frame {
  if (vm.frames.length >= vm.maxDepth) tooDeep(vm);
  const f = vm.program.functions[callee.fn];
  let vars: unknown[];
  let frameStack: unknown[];
  if (f.params >= 0) {
    vars = [];
    for (let i = 0; i < f.params; i++) vars.push(i < n ? stack[base + i] : null);
    for (let i = f.params; i < f.slots; i++) vars.push(null);
    frameStack = [];
  } else {
    vars = nulls(f.slots);
    frameStack = [stack.slice(base, base + n)];
  }
  const frame = new Frame(callee.fn, frameStack, new Scope(callee.env, vars));
  vm.frames.push(frame);
  return frame;
}

/** Routes a `return` through pending `finally` blocks; true when one was entered. */
function routeReturn(frame: Frame, value: unknown): boolean {
  const hs = frame.handlers!;
  while (hs.length) {
    const h = hs.pop()!;
    if (h.finallyPc < 0) continue;
    frame.env = h.env;
    frame.stack.length = h.sp;
    frame.stack.push(new Completion(2, value, 0, 0, 0));
    frame.pc = h.finallyPc;
    return true;
  }
  return false;
}

/** `break`/`continue` out of try blocks: runs pending `finally` blocks on the way. */
function leave(
  frame: Frame,
  env: Scope,
  target: number,
  handlerDepth: number,
  scopeDepth: number,
  depth: number,
  height: number,
): void {
  const hs = frame.handlers;
  while (hs && hs.length > handlerDepth) {
    const h = hs.pop()!;
    if (h.finallyPc < 0) continue;
    frame.env = h.env;
    frame.stack.length = h.sp;
    frame.stack.push(new Completion(3, height, target, handlerDepth, scopeDepth));
    frame.pc = h.finallyPc;
    return;
  }
  let e = env;
  for (let i = depth; i > scopeDepth; i--) e = e.parent!;
  frame.env = e;
  frame.stack.length = height;
  frame.pc = target;
}

const HANDLED = 0, BARRIER = 1, UNCAUGHT = 2;

/** Finds the nearest catch/finally for a thrown value, popping frames on the way. */
function unwind(vm: VM, value: unknown, line: number): number {
  for (;;) {
    const frame = vm.frames[vm.frames.length - 1];
    const hs = frame.handlers;
    if (hs && hs.length) {
      const h = hs.pop()!;
      frame.env = h.env;
      frame.stack.length = h.sp;
      if (h.catchPc >= 0) {
        if (h.finallyPc >= 0) hs.push(new Handler(-1, h.finallyPc, h.env, h.sp));
        frame.stack.push(value);
        frame.pc = h.catchPc;
      } else {
        frame.stack.push(new Completion(1, value, line, 0, 0));
        frame.pc = h.finallyPc;
      }
      return HANDLED;
    }
    vm.frames.pop();
    if (frame.barrier) return BARRIER;
    if (vm.frames.length === 0) return UNCAUGHT;
  }
}

function fail(vm: VM, value: unknown, line: number): void {
  vm.frames = [];
  vm.status = "failed";
  vm.error = value;
  vm.errorLine = line;
}

/** Calls a function value from a built-in with no await allowed (LANGUAGE.md §5). */
function callValue(vm: VM, fn: unknown, args: unknown[]): unknown {
  if (fn instanceof BuiltinRef && !fn.namespace) return callBuiltin(vm, fn.name, args);
  if (!(fn instanceof Closure)) return typeError(`${describe(fn)} is not a function`);
  enter(vm, fn, args, 0, args.length).barrier = true;
  vm.nested++;
  try {
    execute(vm);
    return vm.returned;
  } finally {
    vm.nested--;
  }
}

/** Whether a function's code makes closures, which could keep its scope alive after it returns. */
const closuresMade = new WeakMap<FunctionCode, boolean>();

function makesClosures(f: FunctionCode): boolean {
  let known = closuresMade.get(f);
  if (known === undefined) {
    known = false;
    for (let pc = 0; pc < f.code.length; pc += 1 + OPERANDS[f.code[pc]]) {
      if (f.code[pc] === CLOSURE) known = true;
    }
    closuresMade.set(f, known);
  }
  return known;
}

function argList(n: number, a: unknown, b: unknown, c: unknown, d: unknown): unknown[] {
  return n === 1 ? [a] : n === 2 ? [a, b] : n === 3 ? [a, b, c] : n === 4 ? [a, b, c, d] : [];
}

/**
 * A callback for a closure with simple parameters. Built-ins call it once per item, so
 * each call reuses one frame (its operand stack, and its scope when the function makes no
 * closures that could keep it) instead of allocating them; a call made while the frame is
 * still in use (it cannot happen from one built-in's loop, but stays correct) gets a new one.
 */
function closureCallback(vm: VM, callee: Closure, n: number): Callback {
  const f = vm.program.functions[callee.fn];
  const slots = f.slots;
  const m = Math.min(n, f.params);
  const keepScope = !makesClosures(f);
  let spare: Frame | null = null;
  let spareScope: Scope | null = null;
  return (a, b, c, d) => {
    if (vm.frames.length >= vm.maxDepth) tooDeep(vm);
    let frame = spare;
    let scope = spareScope;
    let vars: unknown[];
    if (scope !== null) {
      vars = scope.vars;
      for (let i = m; i < slots; i++) vars[i] = null;
    } else {
      vars = nulls(slots);
      scope = new Scope(callee.env, vars);
    }
    if (frame !== null) {
      frame.pc = 0;
      if (frame.stack.length !== 0) frame.stack.length = 0; // a write to length is slow
      frame.env = scope;
      frame.handlers = null;
    } else {
      frame = new Frame(callee.fn, [], scope);
      frame.barrier = true;
    }
    spare = spareScope = null;
    if (m > 0) vars[0] = a;
    if (m > 1) vars[1] = b;
    if (m > 2) vars[2] = c;
    if (m > 3) vars[3] = d;
    vm.frames.push(frame);
    vm.nested++;
    try {
      execute(vm);
      return vm.returned;
    } finally {
      vm.nested--;
      spare = frame;
      if (keepScope) spareScope = scope;
    }
  };
}

function makeCallback(vm: VM, fn: unknown, n: number): Callback {
  if (fn instanceof Closure && vm.program.functions[fn.fn].params >= 0) {
    return closureCallback(vm, fn, n);
  }
  return (a, b, c, d) => callValue(vm, fn, argList(n, a, b, c, d));
}

/**
 * Installs `vm.call` and `vm.callback` (used by built-ins to call `.flow` functions).
 * @example
 * ```ts
 * prepare(vm); vm.call(closure, [1]); vm.callback(closure, 2)(1, 2);
 * ```
 */
export function prepare(vm: VM): void {
  vm.call = (fn, args) => callValue(vm, fn, args);
  vm.callback = (fn, n) => makeCallback(vm, fn, n);
}

/** `self.name(...args)` where self is a plain object: calls its function property. */
function objectMethod(vm: VM, self: VObj, name: string, args: unknown[]): unknown {
  const f = self[name];
  if (f instanceof Closure || (f instanceof BuiltinRef && !f.namespace)) {
    return callValue(vm, f, args);
  }
  return typeError(`${name} is not a function (it is ${describe(f ?? null)})`);
}

/**
 * Runs the top frame until the program ends (EXIT_DONE), waits (EXIT_SUSPEND) or a
 * barrier frame returns to a built-in (EXIT_RETURN).
 * @example
 * ```ts
 * if (execute(vm) === EXIT_SUSPEND) vm.waitingOn; // the pending handle
 * ```
 */
export function execute(vm: VM): ExitReason {
  const fns = vm.program.functions;
  let frame = vm.frames[vm.frames.length - 1];
  let fn = fns[frame.fn];
  let code = fn.code, consts = fn.consts;
  let pc = frame.pc, stack = frame.stack, env = frame.env;
  let budget = vm.budget;
  for (;;) {
    try {
      for (;;) {
        if (--budget < 0) {
          const limit = vm.limits.instructions;
          const msg = `the workflow ran ${limit} instructions without waiting (an endless loop?)`;
          throw new Fatal(makeError("RangeError", msg), lineAt(fn, pc + 1));
        }
        switch (code[pc++]) {
          case 0 /* CONST */:
            stack.push(consts[code[pc++]]);
            break;
          case 1 /* NULL */:
            stack.push(null);
            break;
          case 2 /* INT */:
            stack.push(code[pc++]);
            break;
          case 3 /* POP */:
            stack.pop();
            break;
          case 4 /* DUP */:
            stack.push(stack[stack.length - 1]);
            break;
          case 5 /* DUP2 */: {
            const n = stack.length;
            stack.push(stack[n - 2], stack[n - 1]);
            break;
          }
          case 6 /* SWAP */: {
            const n = stack.length - 1;
            const t = stack[n];
            stack[n] = stack[n - 1];
            stack[n - 1] = t;
            break;
          }
          case 72 /* ROT3 */: {
            const n = stack.length - 1;
            const a = stack[n - 2];
            stack[n - 2] = stack[n - 1];
            stack[n - 1] = stack[n];
            stack[n] = a;
            break;
          }
          case 7 /* LOAD */: {
            let e = env;
            for (let d = code[pc++]; d > 0; d--) e = e.parent!;
            stack.push(e.vars[code[pc++]]);
            break;
          }
          case 8 /* STORE */: {
            let e = env;
            for (let d = code[pc++]; d > 0; d--) e = e.parent!;
            e.vars[code[pc++]] = stack.pop();
            break;
          }
          case 9 /* LOAD0 */:
            stack.push(env.vars[code[pc++]]);
            break;
          case 10 /* STORE0 */:
            env.vars[code[pc++]] = stack.pop();
            break;
          case 11 /* LOAD1 */:
            stack.push(env.parent!.vars[code[pc++]]);
            break;
          case 12 /* GLOBAL */:
            stack.push(globalValue(vm, consts[code[pc++]] as string));
            break;
          case 13 /* ENTER */:
            env = new Scope(env, nulls(code[pc++]));
            break;
          case 14 /* EXIT */:
            env = env.parent!;
            break;
          case 15 /* COPYSCOPE */:
            env = new Scope(env.parent, env.vars.slice());
            break;
          case 16 /* GET */: {
            const n = stack.length - 1;
            const o = stack[n];
            if (o instanceof VObj) {
              const v = o[consts[code[pc++]] as string];
              stack[n] = v === undefined ? null : v;
            } else stack[n] = getProp(o, consts[code[pc++]]);
            break;
          }
          case 17 /* GETI */: {
            const key = stack.pop();
            const n = stack.length - 1;
            const o = stack[n];
            if (Array.isArray(o) && typeof key === "number") {
              const v = o[key];
              stack[n] = v === undefined ? null : v;
            } else stack[n] = getProp(o, key);
            break;
          }
          case 18 /* SET */: {
            const v = stack.pop();
            const o = stack.pop();
            if (o instanceof VObj) o[consts[code[pc++]] as string] = v;
            else setProp(o, consts[code[pc++]], v);
            stack.push(v);
            break;
          }
          case 19 /* SETI */: {
            const v = stack.pop();
            const key = stack.pop();
            const o = stack.pop();
            if (
              Array.isArray(o) && typeof key === "number" && key >= 0 && key < o.length &&
              Number.isInteger(key)
            ) o[key] = v;
            else setProp(o, key, v);
            stack.push(v);
            break;
          }
          case 20 /* ARRAY */: {
            const n = code[pc++];
            stack.push(n === 0 ? [] : stack.splice(stack.length - n));
            break;
          }
          case 21 /* APPEND */: {
            const v = stack.pop();
            (stack[stack.length - 1] as unknown[]).push(v);
            break;
          }
          case 22 /* SPREAD */: {
            const items = iterable(stack.pop(), "spread");
            const a = stack[stack.length - 1] as unknown[];
            for (let i = 0; i < items.length; i++) a.push(items[i]);
            break;
          }
          case 23 /* OBJECT */:
            stack.push(new VObj());
            break;
          case 24 /* PROP */: {
            const v = stack.pop();
            (stack[stack.length - 1] as VObj)[consts[code[pc++]] as string] = v;
            break;
          }
          case 25 /* PROPC */: {
            const v = stack.pop();
            const key = stack.pop();
            (stack[stack.length - 1] as VObj)[toKey(key)] = v;
            break;
          }
          case 26 /* OSPREAD */: {
            const src = stack.pop();
            spreadInto(stack[stack.length - 1] as VObj, src);
            break;
          }
          case 27 /* CLOSURE */:
            stack.push(new Closure(code[pc++], env));
            break;
          case 28 /* CALL */: {
            const n = code[pc++];
            const k = code[pc++];
            const base = stack.length - n;
            const callee = stack[base - 1];
            frame.pc = pc;
            frame.env = env;
            if (callee instanceof Closure) {
              frame = enter(vm, callee, stack, base, n);
              stack.length = base - 1;
              fn = fns[frame.fn];
              code = fn.code;
              consts = fn.consts;
              pc = 0;
              stack = frame.stack;
              env = frame.env;
            } else if (callee instanceof BuiltinRef && !callee.namespace) {
              const args = stack.splice(base);
              stack.pop();
              vm.budget = budget;
              stack.push(callBuiltin(vm, callee.name, args));
              budget = vm.budget;
            } else typeError(`${consts[k]} is not a function (it is ${describe(callee)})`);
            break;
          }
          case 31 /* CALLS */: {
            const k = code[pc++];
            const args = stack.pop() as unknown[];
            const callee = stack.pop();
            frame.pc = pc;
            frame.env = env;
            if (callee instanceof Closure) {
              for (const a of args) stack.push(a);
              frame = enter(vm, callee, stack, stack.length - args.length, args.length);
              stack.length -= args.length;
              fn = fns[frame.fn];
              code = fn.code;
              consts = fn.consts;
              pc = 0;
              stack = frame.stack;
              env = frame.env;
              break;
            }
            if (!(callee instanceof BuiltinRef) || callee.namespace) {
              typeError(`${consts[k]} is not a function (it is ${describe(callee)})`);
            }
            vm.budget = budget;
            stack.push(callBuiltin(vm, callee.name, args));
            budget = vm.budget;
            break;
          }
          case 29 /* CALLM */:
          case 32 /* CALLMS */: {
            const spread = code[pc - 1] === 32 /* CALLMS */;
            const name = consts[code[pc++]] as string;
            const args = spread
              ? stack.pop() as unknown[]
              : stack.splice(stack.length - code[pc++]);
            const self = stack.pop();
            frame.pc = pc;
            frame.env = env;
            vm.budget = budget;
            if (self instanceof VObj) {
              const f = self[name];
              if (f instanceof Closure) {
                for (const a of args) stack.push(a);
                frame = enter(vm, f, stack, stack.length - args.length, args.length);
                stack.length -= args.length;
                fn = fns[frame.fn];
                code = fn.code;
                consts = fn.consts;
                pc = 0;
                stack = frame.stack;
                env = frame.env;
                break;
              }
              stack.push(objectMethod(vm, self, name, args));
            } else stack.push(callMethod(vm, self, name, args));
            budget = vm.budget;
            break;
          }
          case 30 /* CALLB */:
          case 33 /* CALLBS */: {
            const spread = code[pc - 1] === 33 /* CALLBS */;
            const name = consts[code[pc++]] as string;
            const args = spread
              ? stack.pop() as unknown[]
              : stack.splice(stack.length - code[pc++]);
            frame.pc = pc;
            frame.env = env;
            vm.budget = budget;
            stack.push(callBuiltin(vm, name, args));
            budget = vm.budget;
            break;
          }
          case 34 /* RET */: {
            const v = stack.pop();
            if (frame.handlers !== null && frame.handlers.length > 0 && routeReturn(frame, v)) {
              pc = frame.pc;
              env = frame.env;
              break;
            }
            vm.frames.pop();
            vm.budget = budget;
            if (frame.barrier) {
              vm.returned = v;
              return EXIT_RETURN;
            }
            if (vm.frames.length === 0) {
              vm.status = "completed";
              vm.output = v;
              return EXIT_DONE;
            }
            frame = vm.frames[vm.frames.length - 1];
            fn = fns[frame.fn];
            code = fn.code;
            consts = fn.consts;
            pc = frame.pc;
            stack = frame.stack;
            env = frame.env;
            stack.push(v);
            break;
          }
          case 35 /* THROW */:
            throw new FlowThrow(stack.pop());
          case 36 /* AWAIT */: {
            const v = stack[stack.length - 1];
            if (v instanceof Handle) {
              if (v.state === PENDING && v.items !== null) settle(vm, v);
              if (v.state === PENDING) {
                if (vm.nested > 0) {
                  typeError("a function called by a built-in (map, filter, sort …) cannot wait");
                }
                frame.pc = pc - 1;
                frame.env = env;
                vm.budget = budget;
                vm.waitingOn = v;
                return EXIT_SUSPEND;
              }
              if (v.state === REJECTED) throw new FlowThrow(v.value);
              stack[stack.length - 1] = v.value;
            }
            break;
          }
          case 37 /* JMP */:
            pc = code[pc];
            break;
          case 38 /* JF */:
            if (stack.pop()) pc++;
            else pc = code[pc];
            break;
          case 39 /* JT */:
            if (stack.pop()) pc = code[pc];
            else pc++;
            break;
          case 40 /* JFK */:
            if (stack[stack.length - 1]) {
              stack.pop();
              pc++;
            } else pc = code[pc];
            break;
          case 41 /* JTK */:
            if (stack[stack.length - 1]) pc = code[pc];
            else {
              stack.pop();
              pc++;
            }
            break;
          case 42 /* JNNK */:
            if (stack[stack.length - 1] !== null) pc = code[pc];
            else {
              stack.pop();
              pc++;
            }
            break;
          case 43 /* JNULL */: {
            const t = code[pc++];
            const extra = code[pc++];
            if (stack[stack.length - 1] === null) {
              stack.length -= extra;
              pc = t;
            }
            break;
          }
          case 44 /* ADD */: {
            const b = stack.pop();
            const n = stack.length - 1;
            const a = stack[n];
            if (typeof a === "number" && typeof b === "number") stack[n] = a + b;
            else if (typeof a === "string" && typeof b === "string") stack[n] = a + b;
            else stack[n] = add(a, b);
            break;
          }
          case 45 /* SUB */:
          case 46 /* MUL */:
          case 47 /* DIV */:
          case 48 /* MOD */:
          case 49 /* POW */: {
            const op = code[pc - 1];
            const b = stack.pop();
            const n = stack.length - 1;
            const a = stack[n];
            if (typeof a === "number" && typeof b === "number") {
              stack[n] = op === 45 /* SUB */
                ? a - b
                : op === 46 /* MUL */
                ? a * b
                : op === 47 /* DIV */
                ? a / b
                : op === 48 /* MOD */
                ? a % b
                : a ** b;
            } else stack[n] = arith(op, a, b);
            break;
          }
          case 50 /* EQ */: {
            const b = stack.pop();
            stack[stack.length - 1] = stack[stack.length - 1] === b;
            break;
          }
          case 51 /* NE */: {
            const b = stack.pop();
            stack[stack.length - 1] = stack[stack.length - 1] !== b;
            break;
          }
          case 52 /* LT */:
          case 53 /* LE */:
          case 54 /* GT */:
          case 55 /* GE */: {
            const op = code[pc - 1];
            const b = stack.pop();
            const n = stack.length - 1;
            const a = stack[n];
            const d = typeof a === "number" && typeof b === "number" ? a - b : compare(a, b);
            stack[n] = op === 52 /* LT */
              ? d < 0
              : op === 53 /* LE */
              ? d <= 0
              : op === 54 /* GT */
              ? d > 0
              : d >= 0;
            break;
          }
          case 56 /* NEG */: {
            const n = stack.length - 1;
            stack[n] = -toNum(stack[n]);
            break;
          }
          case 57 /* POS */: {
            const n = stack.length - 1;
            const v = stack[n];
            if (typeof v !== "number") stack[n] = toNum(v);
            break;
          }
          case 58 /* NOT */: {
            const n = stack.length - 1;
            stack[n] = !stack[n];
            break;
          }
          case 59 /* TYPEOF */: {
            const n = stack.length - 1;
            stack[n] = typeOf(stack[n]);
            break;
          }
          case 60 /* TEMPLATE */: {
            const parts = stack.splice(stack.length - code[pc++]);
            let s = "";
            for (const p of parts) s += typeof p === "string" ? p : toStr(p);
            stack.push(s);
            break;
          }
          case 61 /* TRY */: {
            const h = new Handler(code[pc], code[pc + 1], env, stack.length);
            pc += 2;
            (frame.handlers ??= []).push(h);
            break;
          }
          case 62 /* TRYEND */: {
            const h = frame.handlers!.pop()!;
            if (h.finallyPc >= 0) {
              stack.push(new Completion(0, null, 0, 0, 0));
              pc = h.finallyPc;
            } else pc = code[pc];
            break;
          }
          case 63 /* ENDFIN */: {
            const depth = code[pc++];
            const c = stack.pop() as Completion;
            if (c.type === 1) {
              const t: Thrown = new FlowThrow(c.value);
              t.line = c.target;
              throw t;
            } else if (c.type === 2) {
              stack.push(c.value);
              pc = code.length - 1;
            } else if (c.type === 3) {
              leave(frame, env, c.target, c.handlerDepth, c.scopeDepth, depth, c.value as number);
              pc = frame.pc;
              env = frame.env;
            }
            break;
          }
          case 64 /* LEAVE */: {
            leave(frame, env, code[pc], code[pc + 1], code[pc + 2], code[pc + 3], code[pc + 4]);
            pc = frame.pc;
            env = frame.env;
            break;
          }
          case 65 /* ITER */:
            stack.push(iterable(stack.pop(), "iterate over"), 0);
            break;
          case 66 /* ITERKEYS */:
            stack.push(forInKeys(stack.pop()), 0);
            break;
          case 67 /* NEXT */: {
            const n = stack.length - 1;
            const i = stack[n] as number;
            const a = stack[n - 1] as unknown[];
            if (i < a.length) {
              stack[n] = i + 1;
              const v = a[i];
              stack.push(v === undefined ? null : v);
              pc++;
            } else pc = code[pc];
            break;
          }
          case 68 /* TOARRAY */: {
            const n = stack.length - 1;
            stack[n] = iterable(stack[n], "destructure");
            break;
          }
          case 69 /* SLICE */: {
            const n = stack.length - 1;
            stack[n] = (stack[n] as unknown[]).slice(code[pc++]);
            break;
          }
          case 70 /* OREST */: {
            const n = stack.length - 1;
            stack[n] = objectRest(stack[n], consts[code[pc++]] as string[]);
            break;
          }
          case 74 /* GETK */: {
            const key = stack.pop();
            const n = stack.length - 1;
            (stack[n - 1] as string[]).push(toKey(key));
            stack.push(getProp(stack[n], key));
            break;
          }
          case 75 /* ORESTK */: {
            const o = stack.pop();
            const n = stack.length - 1;
            const keys = consts[code[pc++]] as string[];
            stack[n] = objectRest(o, keys.concat(stack[n] as string[]));
            break;
          }
          case 73 /* INCL */: {
            const slot = code[pc++];
            const v = env.vars[slot];
            env.vars[slot] = (typeof v === "number" ? v : toNum(v)) + code[pc++];
            break;
          }
          case 71 /* NOTNULL */:
            if (stack[stack.length - 1] === null) {
              typeError(`cannot destructure null (${consts[code[pc]]})`);
            }
            pc++;
            break;
          default:
            throw new Error(`unknown opcode ${code[pc - 1]} at ${pc - 1} in ${fn.name}`);
        }
      }
    } catch (e) {
      frame.pc = pc;
      frame.env = env;
      vm.budget = budget;
      if (e instanceof Fatal) {
        if (vm.nested > 0) throw e;
        fail(vm, e.value, e.line);
        return EXIT_DONE;
      }
      const thrown: Thrown = e instanceof FlowThrow ? e : new FlowThrow(toFlowError(e));
      if (thrown.line === undefined) thrown.line = lineAt(fn, pc);
      const where = unwind(vm, thrown.value, thrown.line);
      if (where === BARRIER) throw thrown;
      if (where === UNCAUGHT) {
        fail(vm, thrown.value, thrown.line);
        return EXIT_DONE;
      }
      frame = vm.frames[vm.frames.length - 1];
      fn = fns[frame.fn];
      code = fn.code;
      consts = fn.consts;
      pc = frame.pc;
      stack = frame.stack;
      env = frame.env;
    }
  }
}

/** Whether a value is settled (for hosts and tests). */
export { EXIT_DONE, EXIT_RETURN, EXIT_SUSPEND };
