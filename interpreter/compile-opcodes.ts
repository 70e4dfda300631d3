/**
 * The instruction set of the `.flow` VM. A function's code is a flat array of numbers:
 * an opcode followed by its operands. The VM is a stack machine; every expression leaves
 * exactly one value on the operand stack.
 *
 * Operand names: `k` a constant index, `d`/`s` scope depth/slot, `n` a count, `t` a jump
 * target (absolute pc), `f` a function index.
 * @module
 */

/** push consts[k] */
export const CONST = 0;
/** push null */
export const NULL = 1;
/** push operand n (a small integer) */
export const INT = 2;
/** drop the top */
export const POP = 3;
/** duplicate the top */
export const DUP = 4;
/** a b → a b a b */
export const DUP2 = 5;
/** a b → b a */
export const SWAP = 6;
/** d s: push the variable */
export const LOAD = 7;
/** d s: pop into the variable */
export const STORE = 8;
/** s: push a variable of the innermost scope */
export const LOAD0 = 9;
/** s: pop into a variable of the innermost scope */
export const STORE0 = 10;
/** s: push a variable of the parent scope */
export const LOAD1 = 11;
/** k: push the global named consts[k] (`Inputs`, `Math.PI`, `String` …) */
export const GLOBAL = 12;
/** n: enter a new block scope of n slots */
export const ENTER = 13;
/** leave the innermost block scope */
export const EXIT = 14;
/** replace the innermost scope by a copy (per-iteration `let` bindings) */
export const COPYSCOPE = 15;
/** k: obj → obj[consts[k]] */
export const GET = 16;
/** obj key → obj[key] */
export const GETI = 17;
/** k: obj value → value, sets obj[consts[k]] */
export const SET = 18;
/** obj key value → value, sets obj[key] */
export const SETI = 19;
/** n: pop n values, push an array of them */
export const ARRAY = 20;
/** arr v → arr (v appended) */
export const APPEND = 21;
/** arr iterable → arr (items appended) */
export const SPREAD = 22;
/** push a new empty object */
export const OBJECT = 23;
/** k: obj v → obj, sets obj[consts[k]] */
export const PROP = 24;
/** obj key v → obj */
export const PROPC = 25;
/** obj src → obj, copies src's own keys */
export const OSPREAD = 26;
/** f: push a closure of function f over the current scope */
export const CLOSURE = 27;
/** n k: callee args… → result (consts[k] names the callee for messages) */
export const CALL = 28;
/** k n: obj args… → result: calls method consts[k] of obj */
export const CALLM = 29;
/** k n: args… → result: calls the built-in named consts[k] */
export const CALLB = 30;
/** k: callee argsArray → result */
export const CALLS = 31;
/** k: obj argsArray → result */
export const CALLMS = 32;
/** k: argsArray → result */
export const CALLBS = 33;
/** return the top from the current function */
export const RET = 34;
/** throw the top */
export const THROW = 35;
/** wait for the top (a handle) and replace it with its result */
export const AWAIT = 36;
/** t: jump */
export const JMP = 37;
/** t: pop; jump when falsy */
export const JF = 38;
/** t: pop; jump when truthy */
export const JT = 39;
/** t: when the top is falsy jump (keeping it), else pop (`&&`) */
export const JFK = 40;
/** t: when the top is truthy jump (keeping it), else pop (`||`) */
export const JTK = 41;
/** t: when the top is not null jump (keeping it), else pop (`??`) */
export const JNNK = 42;
/** t n: when the top is null, drop n more values and jump keeping null (`?.`) */
export const JNULL = 43;
export const ADD = 44;
export const SUB = 45;
export const MUL = 46;
export const DIV = 47;
export const MOD = 48;
export const POW = 49;
export const EQ = 50;
export const NE = 51;
export const LT = 52;
export const LE = 53;
export const GT = 54;
export const GE = 55;
export const NEG = 56;
export const POS = 57;
export const NOT = 58;
export const TYPEOF = 59;
/** n: pop n parts, push their string concatenation (template literals) */
export const TEMPLATE = 60;
/** c f: push a try handler: catch at c, finally at f (-1 when absent) */
export const TRY = 61;
/** t: normal end of a try/catch block: run the finally, else jump to t */
export const TRYEND = 62;
/** d: end of a finally block at static scope depth d: resume the completion */
export const ENDFIN = 63;
/** t h s d n: jump to t leaving handlers down to h, scopes down to s (from depth d), stack to n */
export const LEAVE = 64;
/** iterable → arr 0 (for-of state) */
export const ITER = 65;
/** obj → keys 0 (for-in state) */
export const ITERKEYS = 66;
/** t: arr i → arr i+1 item, or jump to t when done (state stays) */
export const NEXT = 67;
/** value → array (array patterns: strings split into code points) */
export const TOARRAY = 68;
/** n: arr → arr.slice(n) */
export const SLICE = 69;
/** k: obj → copy without the keys in the array consts[k] */
export const OREST = 70;
/** k: value → value; TypeError when null (destructuring of null) */
export const NOTNULL = 71;
/** a b c → b c a */
export const ROT3 = 72;
/** s n: adds n (±1) to a number variable of the innermost scope (`i++` as a statement) */
export const INCL = 73;
/** keys obj key → keys obj obj[key]; appends key, as a property name, to the array keys */
export const GETK = 74;
/** k: keys obj → copy of obj without the keys in consts[k] and in the array keys */
export const ORESTK = 75;

/** Operand count of each opcode, for the disassembler and jump patching. */
export const OPERANDS: readonly number[] = (() => {
  const n = new Array<number>(76).fill(0);
  for (const op of [CONST, INT, LOAD0, STORE0, LOAD1, GLOBAL, ENTER, GET, SET, ARRAY, PROP]) {
    n[op] = 1;
  }
  for (const op of [CLOSURE, CALLS, CALLMS, CALLBS, JMP, JF, JT, JFK, JTK, JNNK, TEMPLATE]) {
    n[op] = 1;
  }
  for (const op of [TRYEND, ENDFIN, NEXT, SLICE, OREST, NOTNULL, ORESTK]) n[op] = 1;
  for (const op of [LOAD, STORE, CALL, CALLM, CALLB, JNULL, TRY, INCL]) n[op] = 2;
  n[LEAVE] = 5;
  return n;
})();
