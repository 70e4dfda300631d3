/**
 * The compiler's bookkeeping: the compiled program's shape, compile-time scopes that
 * resolve every variable to a (depth, slot) pair, and the per-function code emitter
 * with jump patching and loop contexts.
 * @module
 */
import type * as AST from "./ast.ts";
import { OPERANDS } from "./compile-opcodes.ts";
import type { RetryPolicy } from "./retry.ts";

/** One compiled function: flat code, its constants and a line for every pc. */
export interface FunctionCode {
  /** The function's name for messages (`"main"` for the program). */
  name: string;
  code: number[];
  /** JSON-safe constants: strings, numbers, arrays of strings. */
  consts: unknown[];
  /** `.flow` line (1-based) of the instruction at each pc. */
  lines: number[];
  /** Size of the function scope. */
  slots: number;
  /** Simple parameter count, or -1: the argument array is on the stack for the prologue. */
  params: number;
  /**
   * The source names of the variables, one entry per compile-time scope; entry 0 is the
   * function scope. Absent in programs compiled before names were recorded.
   */
  scopes?: ScopeNames[];
  /**
   * Where the function's closures are made: the enclosing function and its scope (an
   * index into that function's `scopes`) at the `CLOSURE`. Absent for the program body and
   * in programs compiled before names were recorded.
   */
  outer?: [fn: number, scope: number];
}

/**
 * The names one compile-time scope declares. A scope that does not exist at run time keeps
 * its variables in slots of the nearest enclosing runtime scope (see {@link CScope}).
 */
export interface ScopeNames {
  /** The names are visible for the instructions at pcs `from` up to, not including, `to`. */
  from: number;
  to: number;
  /** Index of the enclosing scope in the same function's `scopes`, -1 for the function scope. */
  parent: number;
  /** True when the scope is a runtime scope (the function's own, or one made by `ENTER`). */
  runtime: boolean;
  /** `[name, slot]` in declaration order; the slot is in the nearest runtime scope. */
  names: [string, number][];
}

/** Task defaults from the front matter (LANGUAGE.md §1). */
export interface TaskDefaults {
  queue?: string;
  retry?: RetryPolicy;
}

/**
 * A compiled `.flow` program: plain JSON, addressed by the SHA-256 of its source.
 * Function 0 is the program body.
 */
export interface CompiledProgram {
  /** Compiled-program format version. */
  format: 1;
  /** SHA-256 (hex) of the source: the workflow version. */
  hash: string;
  functions: FunctionCode[];
  /** Front-matter defaults for `Task.run` / `Workflow.run` commands. */
  defaults: TaskDefaults;
  /** Front-matter `timeout` of the whole workflow in ms, or null. */
  timeout: number | null;
  /** Front-matter `description`, or null. */
  description: string | null;
}

/** A name declared in a compile-time scope. */
export interface Binding {
  slot: number;
  kind: "let" | "const" | "function" | "param";
}

/** A compile-time scope. Non-runtime scopes keep their slots in their `host`. */
export class CScope {
  names = new Map<string, Binding>();
  parent: CScope | null;
  runtime: boolean;
  host: CScope;
  size = 0;
  /** Index of this scope's entry in its function's {@link ScopeNames} list. */
  info = 0;
  constructor(parent: CScope | null, runtime: boolean) {
    this.parent = parent;
    this.runtime = runtime;
    this.host = runtime || !parent ? this : parent.host;
  }

  /** Declares `name` here and returns its slot in the host scope. */
  declare(name: string, kind: Binding["kind"]): number {
    const existing = this.names.get(name);
    if (existing) return existing.slot;
    const slot = this.host.size++;
    this.names.set(name, { slot, kind });
    return slot;
  }

  /** (depth, slot) of `name` from this scope, or null for a global. */
  resolve(name: string): { depth: number; slot: number } | null {
    const b = this.names.get(name);
    if (b) return { depth: 0, slot: b.slot };
    const outer = this.parent?.resolve(name);
    if (!outer) return null;
    return this.runtime ? { depth: outer.depth + 1, slot: outer.slot } : outer;
  }
}

/** A loop (or labelled loop) that `break`/`continue` can target. */
export interface LoopContext {
  label: string | null;
  breaks: number[];
  continues: number[];
  /** Static scope depth, handler depth and stack height at the break target. */
  breakDepth: number;
  continueDepth: number;
  handlerDepth: number;
  breakHeight: number;
  continueHeight: number;
}

/** Hooks the entry module installs, so the compiler modules need no import cycle. */
export interface CompileHooks {
  expr(c: FnCompiler, node: AST.Expression): void;
  statement(c: FnCompiler, node: AST.Statement): void;
  fn(
    c: FnCompiler,
    node: AST.FunctionDeclaration | AST.FunctionExpression | AST.ArrowFunctionExpression,
  ): number;
}

/** Shared state of one program's compilation. */
export class ProgramCompiler {
  functions: FunctionCode[] = [];
  lineStarts: number[];
  hooks: CompileHooks;
  source: string;
  /** The name the next anonymous function takes (`const f = () => …` names it `f`). */
  nameHint: string | null = null;
  constructor(source: string, hooks: CompileHooks) {
    this.hooks = hooks;
    this.source = source;
    this.lineStarts = [0];
    for (let i = 0; i < source.length; i++) {
      if (source.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  /** 1-based line of a source offset. */
  lineOf(offset: number): number {
    const a = this.lineStarts;
    let lo = 0, hi = a.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (a[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

/** Emits one function's code. */
export class FnCompiler {
  prog: ProgramCompiler;
  name: string;
  /** This function's index in the program. */
  index: number;
  /** Where this function's closures are made (see {@link FunctionCode.outer}). */
  outer: [number, number] | null;
  /** The names of every scope opened so far; entry 0 is the function scope. */
  scopeNames: ScopeNames[] = [];
  code: number[] = [];
  lines: number[] = [];
  consts: unknown[] = [];
  /** Constants other than strings and objects, by value. */
  constIndex = new Map<unknown, number>();
  stringIndex = new Map<unknown, number>();
  scope: CScope;
  fnScope: CScope;
  line = 1;
  /** Static runtime-scope depth below the function scope. */
  depth = 0;
  /** Number of active try handlers. */
  handlers = 0;
  /** Values kept on the operand stack at statement level (for-of state, completions). */
  height = 0;
  /** Number of enclosing loops within this function. */
  loopNesting = 0;
  loops: LoopContext[] = [];
  params = 0;
  /** Jumps of the enclosing optional chain (`?.`) to its end, or null outside a chain. */
  chain: number[] | null = null;

  constructor(
    prog: ProgramCompiler,
    name: string,
    scope: CScope,
    index: number,
    outer: [number, number] | null,
  ) {
    this.prog = prog;
    this.name = name;
    this.scope = scope;
    this.fnScope = scope;
    this.index = index;
    this.outer = outer;
    this.scopeNames.push({ from: 0, to: 0, parent: -1, runtime: true, names: [] });
  }

  /** Sets the line of the instructions emitted next from a node's start. */
  at(node: AST.Span): void {
    this.line = this.prog.lineOf(node.start);
  }

  /**
   * Appends up to seven words (an opcode and its operands, or several instructions).
   * Words are listed as parameters, not gathered into an array, so emitting allocates
   * nothing; the first one missing ends the list.
   */
  emit(
    w0: number,
    w1?: number,
    w2?: number,
    w3?: number,
    w4?: number,
    w5?: number,
    w6?: number,
  ): void {
    const code = this.code, lines = this.lines, line = this.line;
    code.push(w0);
    lines.push(line);
    if (w1 === undefined) return;
    code.push(w1);
    lines.push(line);
    if (w2 === undefined) return;
    code.push(w2);
    lines.push(line);
    if (w3 === undefined) return;
    code.push(w3);
    lines.push(line);
    if (w4 === undefined) return;
    code.push(w4);
    lines.push(line);
    if (w5 === undefined) return;
    code.push(w5);
    lines.push(line);
    if (w6 === undefined) return;
    code.push(w6);
    lines.push(line);
  }

  /** Emits `op` with a placeholder target; returns the operand position to patch. */
  jump(op: number, a?: number, b?: number, c?: number, d?: number): number {
    const at = this.code.length + 1;
    this.emit(op, -1, a, b, c, d);
    return at;
  }

  /** Points the jump operand at `at` to `target` (default: here). */
  patch(at: number, target = this.code.length): void {
    this.code[at] = target;
  }

  here(): number {
    return this.code.length;
  }

  /** The index of a constant; equal strings and numbers share one, objects never do. */
  constant(value: unknown): number {
    if (typeof value === "object") {
      this.consts.push(value);
      return this.consts.length - 1;
    }
    const index = typeof value === "string" ? this.stringIndex : this.constIndex;
    const found = index.get(value);
    if (found !== undefined) return found;
    this.consts.push(value);
    index.set(value, this.consts.length - 1);
    return this.consts.length - 1;
  }

  /** Opens a compile-time block scope; runtime scopes emit ENTER (patched on close). */
  openScope(runtime: boolean): { scope: CScope; enterAt: number } {
    const scope = new CScope(this.scope, runtime);
    let enterAt = -1;
    if (runtime) {
      this.emit(13, /* ENTER */ 0);
      enterAt = this.code.length - 1;
      this.depth++;
    }
    scope.info = this.scopeNames.length;
    this.scopeNames.push({ from: this.here(), to: 0, parent: this.scope.info, runtime, names: [] });
    this.scope = scope;
    return { scope, enterAt };
  }

  closeScope(opened: { scope: CScope; enterAt: number }, emitExit = true): void {
    this.recordNames(opened.scope);
    if (opened.scope.runtime) {
      this.code[opened.enterAt] = opened.scope.size;
      if (emitExit) this.emit(14 /* EXIT */);
      this.depth--;
    }
    this.scope = opened.scope.parent!;
  }

  /** Fills in the names a scope declared and where they stop being visible (here). */
  private recordNames(scope: CScope): void {
    const entry = this.scopeNames[scope.info];
    entry.to = this.here();
    for (const [name, binding] of scope.names) entry.names.push([name, binding.slot]);
  }

  finish(): FunctionCode {
    this.recordNames(this.fnScope);
    const fn: FunctionCode = {
      name: this.name,
      code: this.code,
      consts: this.consts,
      lines: this.lines,
      slots: this.fnScope.size,
      params: this.params,
      scopes: this.scopeNames,
    };
    if (this.outer) fn.outer = this.outer;
    return fn;
  }
}

/** Checks that every opcode's operand count is known (used by tests and the disassembler). */
export function instructionLength(op: number): number {
  return 1 + (OPERANDS[op] ?? 0);
}
