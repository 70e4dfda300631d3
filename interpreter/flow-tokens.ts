/**
 * Hand-written tokenizers for the `.flow` grammar: automatic semicolon insertion,
 * `++`/`--` and `?.` disambiguation (after lezer-parser/javascript's `src/tokens.js`), and
 * the front-matter block at the top of a file (LANGUAGE.md §1).
 * @module
 */
import { ContextTracker, ExternalTokenizer } from "@lezer/lr";
import {
  blockCommentContent,
  blockCommentEnd,
  blockCommentNewline,
  blockCommentStart,
  FrontMatter,
  incdec,
  incdecPrefix,
  insertSemi,
  LineComment,
  newline,
  noSemi,
  questionDot,
  spaces,
  stringNewline,
} from "./parser.generated.terms.ts";

const SPACE = [
  9,
  10,
  11,
  12,
  13,
  32,
  133,
  160,
  5760,
  8192,
  8193,
  8194,
  8195,
  8196,
  8197,
  8198,
  8199,
  8200,
  8201,
  8202,
  8232,
  8233,
  8239,
  8287,
  12288,
];

const BRACE_R = 125, SEMICOLON = 59, SLASH = 47, STAR = 42, PLUS = 43, MINUS = 45;
const QUESTION = 63, DOT = 46, NEWLINE = 10, CARRIAGE_RETURN = 13;

/** Tokens that do not change whether a line break came since the last real token. */
const NEUTRAL = new Set([
  LineComment,
  spaces,
  blockCommentStart,
  blockCommentContent,
  blockCommentEnd,
]);

/**
 * Tracks whether a line break came since the last token (the parse context is `true` then),
 * which is what automatic semicolon insertion needs. A line break inside a block comment
 * counts, as in JavaScript.
 * @example
 * ```ts
 * // Referenced from flow.grammar: `@context trackNewline from "./flow-tokens.ts"`.
 * ```
 */
export const trackNewline: ContextTracker<boolean> = new ContextTracker<boolean>({
  start: false,
  shift(context, term) {
    if (NEUTRAL.has(term)) return context;
    return term == newline || term == blockCommentNewline || term == stringNewline;
  },
  strict: false,
});

/**
 * Inserts a virtual semicolon before `}`, at the end of input, or after a line break.
 * @example
 * ```ts
 * // `let a = 1\nlet b = 2` parses as two declarations.
 * ```
 */
export const insertSemicolon: ExternalTokenizer = new ExternalTokenizer((input, stack) => {
  const { next } = input;
  if (next == BRACE_R || next == -1 || stack.context) input.acceptToken(insertSemi);
}, { contextual: true, fallback: true });

/**
 * Matches (as an empty token) when no line break separates the previous token from the next,
 * for `return x`, `break label` and `continue label`, whose operand must be on the same line.
 * @example
 * ```ts
 * // `return\nx` returns nothing, then evaluates `x`.
 * ```
 */
export const noSemicolon: ExternalTokenizer = new ExternalTokenizer((input, stack) => {
  const { next } = input;
  if (SPACE.indexOf(next) > -1) return;
  const after = input.peek(1);
  if (next == SLASH && (after == SLASH || after == STAR)) return;
  if (next != BRACE_R && next != SEMICOLON && next != -1 && !stack.context) {
    input.acceptToken(noSemi);
  }
}, { contextual: true });

/**
 * Tells postfix `++`/`--` (same line as their operand) from prefix ones, and `?.` from a
 * conditional followed by a number (`a?.5:b`).
 * @example
 * ```ts
 * // `a\n++b` is `a; ++b`.
 * ```
 */
export const operatorToken: ExternalTokenizer = new ExternalTokenizer((input, stack) => {
  const { next } = input;
  if (next == PLUS || next == MINUS) {
    input.advance();
    if (next == input.next) {
      input.advance();
      const mayPostfix = !stack.context && stack.canShift(incdec);
      input.acceptToken(mayPostfix ? incdec : incdecPrefix);
    }
  } else if (next == QUESTION && input.peek(1) == DOT) {
    input.advance();
    input.advance();
    if (input.next < 48 || input.next > 57) input.acceptToken(questionDot);
  }
}, { contextual: true });

/** Reads the rest of the current line (without its line break) from the input. */
function readLine(input: { next: number; advance(): number }): string {
  let line = "";
  while (input.next != -1 && input.next != NEWLINE) {
    if (input.next != CARRIAGE_RETURN) line += String.fromCharCode(input.next);
    input.advance();
  }
  return line;
}

/**
 * Matches front matter at the very start of the file: a line of three backticks or three
 * dashes, `key: value` lines, and the same fence line again. An unclosed block runs to the
 * end of the input (parse.ts reports it).
 * @example
 * ```ts
 * // "---\nqueue: orders\n---\nreturn 1" starts with a FrontMatter token.
 * ```
 */
export const frontMatterToken: ExternalTokenizer = new ExternalTokenizer((input) => {
  if (input.pos != 0) return;
  const fence = readLine(input).trim();
  if (fence != "---" && fence != "```") return;
  while (input.next != -1) {
    input.advance(); // the line break
    if (readLine(input).trim() == fence) break;
  }
  input.acceptToken(FrontMatter);
});
