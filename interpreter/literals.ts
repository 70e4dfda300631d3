/**
 * Values of literal tokens (LANGUAGE.md §3): string escapes, template "cooked" text and
 * numbers with hex/exponent/`_` separators. Each decoder returns a problem message instead
 * of throwing, so the parser can report it as a diagnostic.
 * @module
 */

/** A decoded value, or the reason the text is not a valid literal. */
export type Decoded<T> = { value: T; problem?: undefined } | { value: T; problem: string };

const SIMPLE_ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  b: "\b",
  f: "\f",
  v: "\v",
  "0": "\0",
};

/** Decodes one escape starting at `text[i] === "\\"`; returns the text and its length. */
function decodeEscape(text: string, i: number): { out: string; length: number; problem?: string } {
  const c = text[i + 1];
  if (c === undefined) return { out: "", length: 1, problem: "A backslash ends the string" };
  if (c === "\r" && text[i + 2] === "\n") return { out: "", length: 3 };
  if (c === "\n" || c === "\r" || c === "\u2028" || c === "\u2029") return { out: "", length: 2 };
  if (c === "x") {
    const hex = text.slice(i + 2, i + 4);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return bad(2, "\\x needs two hex digits");
    return { out: String.fromCharCode(parseInt(hex, 16)), length: 4 };
  }
  if (c === "u") return decodeUnicodeEscape(text, i);
  if (c === "0" && /[0-9]/.test(text[i + 2] ?? "")) return bad(2, "Octal escapes are not allowed");
  if (/[1-9]/.test(c)) return bad(2, "Octal escapes are not allowed");
  return { out: SIMPLE_ESCAPES[c] ?? c, length: 2 };
}

function bad(length: number, problem: string): { out: string; length: number; problem: string } {
  return { out: "", length, problem };
}

function decodeUnicodeEscape(text: string, i: number) {
  if (text[i + 2] === "{") {
    const close = text.indexOf("}", i + 3);
    const hex = close < 0 ? "" : text.slice(i + 3, close);
    if (!/^[0-9a-fA-F]+$/.test(hex)) return bad(2, "\\u{…} needs hex digits");
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) return bad(close - i + 1, "\\u{…} is above 10FFFF");
    return { out: String.fromCodePoint(code), length: close - i + 1 };
  }
  const hex = text.slice(i + 2, i + 6);
  if (!/^[0-9a-fA-F]{4}$/.test(hex)) return bad(2, "\\u needs four hex digits or {…}");
  return { out: String.fromCharCode(parseInt(hex, 16)), length: 6 };
}

/** Decodes the escapes in `body` (the text between the quotes or backticks). */
function decodeBody(body: string): Decoded<string> {
  let out = "";
  let problem: string | undefined;
  for (let i = 0; i < body.length;) {
    if (body[i] !== "\\") {
      out += body[i++];
      continue;
    }
    const escape = decodeEscape(body, i);
    problem ??= escape.problem;
    out += escape.out;
    i += escape.length;
  }
  return problem === undefined ? { value: out } : { value: out, problem };
}

/**
 * The value of a quoted string token, including its quotes.
 * @example
 * ```ts
 * decodeString(String.raw`'it\'s \u{1F600}'`).value; // "it's 😀"
 * decodeString('"open').problem; // "This string is not closed: add \" before the line ends"
 * ```
 */
export function decodeString(raw: string): Decoded<string> {
  const quote = raw[0];
  const closed = raw.length >= 2 && raw.endsWith(quote) && !endsInEscape(raw.slice(1, -1));
  if (!closed) {
    const body = raw.replace(/\r?\n$/, "").slice(1);
    const problem = `This string is not closed: add ${quote} before the line ends`;
    return { value: decodeBody(body).value, problem };
  }
  return decodeBody(raw.slice(1, -1));
}

/** True when `body` ends in an odd number of backslashes (so its last quote is escaped). */
function endsInEscape(body: string): boolean {
  const match = /\\+$/.exec(body);
  return match !== null && match[0].length % 2 === 1;
}

/**
 * The cooked text of a template chunk (the raw text between `` ` ``/`}` and `${`/`` ` ``).
 * @example
 * ```ts
 * cookTemplate(String.raw`a\tb`).value; // "a\tb" with a real tab
 * ```
 */
export function cookTemplate(raw: string): Decoded<string> {
  return decodeBody(raw);
}

/**
 * The value of a number token: decimal, exponent, `0x`/`0o`/`0b`, `_` separators.
 * @example
 * ```ts
 * decodeNumber("1_000.5e1").value; // 10005
 * decodeNumber("0x1F").value; // 31
 * decodeNumber("1__0").problem; // "A number may not have two _ in a row, or _ at an edge"
 * ```
 */
export function decodeNumber(raw: string): Decoded<number> {
  const digits = raw.replaceAll("_", "");
  const value = Number(digits);
  if (/__|_$|_\.|\._|_[eE]|[eE][+-]?_|^0[xXbBoO]?_/.test(raw)) {
    return { value, problem: "A number may not have two _ in a row, or _ at an edge" };
  }
  if (/^0[0-9]/.test(raw)) {
    return { value, problem: `A number may not start with 0 (write ${Number(digits)})` };
  }
  if (Number.isNaN(value)) return { value, problem: `${raw} is not a valid number` };
  return { value };
}
