/**
 * Fuzzing the front end with fast-check: random text and mutated valid programs (tokens or
 * characters deleted, inserted, swapped) through `parse` + `check`. It must never throw,
 * must finish quickly, and every diagnostic must point inside the source.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check } from "../../interpreter/check.ts";
import { parse } from "../../interpreter/parse.ts";
import { conformanceCases, readSections } from "./fixture-files.ts";

const corpus = [
  ...readSections("valid-programs.txt").map((s) => s.body),
  ...conformanceCases().map((c) => c.source),
];

const TOKENS = [
  "(",
  ")",
  "{",
  "}",
  "[",
  "]",
  ";",
  ",",
  ".",
  "?.",
  "=>",
  "=",
  "+",
  "-",
  "*",
  "**",
  "/",
  "...",
  "`",
  "${",
  "'",
  '"',
  "\n",
  "//",
  "/*",
  "*/",
  "await",
  "let",
  "const",
  "function",
  "return",
  "if",
  "else",
  "for",
  "of",
  "in",
  "while",
  "break",
  "continue",
  "try",
  "catch",
  "new",
  "Task",
  ".run",
  "x",
  "1",
  "0x",
  "1_",
  "\\",
  "---",
  "```",
  ":",
  "?",
  "!",
  "++",
  "--",
];

/** Runs the front end and checks the invariants; returns the elapsed milliseconds. */
function frontEndIsSane(source: string): number {
  const started = performance.now();
  const { program, frontMatter, diagnostics } = parse(source);
  const all = [...diagnostics, ...check(program, frontMatter, source)];
  for (const d of all) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.from).toBeGreaterThanOrEqual(0);
    expect(d.from).toBeLessThanOrEqual(d.to);
    expect(d.to).toBeLessThanOrEqual(source.length);
    expect(typeof d.message).toBe("string");
    expect(d.code).not.toBe("internal");
  }
  return performance.now() - started;
}

type Edit = { kind: "delete" | "insert" | "swap"; at: number; length: number; token: string };

function mutate(source: string, edits: Edit[]): string {
  let text = source;
  for (const edit of edits) {
    const at = text.length === 0 ? 0 : edit.at % (text.length + 1);
    if (edit.kind === "delete") text = text.slice(0, at) + text.slice(at + edit.length);
    else if (edit.kind === "insert") text = text.slice(0, at) + edit.token + text.slice(at);
    else {
      const other = (at + edit.length) % (text.length + 1);
      const [a, b] = at < other ? [at, other] : [other, at];
      text = text.slice(0, a) + text.slice(b, b + 1) + text.slice(a + 1, b) + text.slice(a, a + 1) +
        text.slice(b + 1);
    }
  }
  return text;
}

const edit = fc.record({
  kind: fc.constantFrom("delete" as const, "insert" as const, "swap" as const),
  at: fc.nat(),
  length: fc.integer({ min: 1, max: 8 }),
  token: fc.constantFrom(...TOKENS),
});

describe("the front end under fuzzing", () => {
  it("never throws on mutated valid programs and reports sane positions", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...corpus),
        fc.array(edit, { minLength: 1, maxLength: 6 }),
        (source, edits) => {
          expect(frontEndIsSane(mutate(source, edits))).toBeLessThan(1000);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("never throws on random token soup", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS, " "), { maxLength: 60 }), (tokens) => {
        expect(frontEndIsSane(tokens.join(" "))).toBeLessThan(1000);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on random unicode text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (source) => {
        expect(frontEndIsSane(source)).toBeLessThan(1000);
      }),
      { numRuns: 300 },
    );
  });

  it("parses a large program quickly", () => {
    const source = corpus.join("\n;\n").repeat(20);
    expect(frontEndIsSane(source)).toBeLessThan(5000);
  });
});
