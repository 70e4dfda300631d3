/**
 * The shared conformance cases through the front end: every `diagnostics` case reports a
 * diagnostic on the expected line (with the expected text), and every other case — a
 * program that must run — passes `parse` + `check` with no diagnostics at all.
 */
import { describe, expect, it } from "vitest";
import { check } from "../../interpreter/check.ts";
import { parse } from "../../interpreter/parse.ts";
import { conformanceCases } from "./fixture-files.ts";

function frontEnd(source: string) {
  const { program, frontMatter, diagnostics } = parse(source);
  return [...diagnostics, ...check(program, frontMatter, source)];
}

describe("conformance cases through parse and check", () => {
  for (const c of conformanceCases()) {
    const wanted = c.expect.diagnostics as { line: number; messageIncludes?: string }[] | undefined;
    if (wanted) {
      it(`${c.file}: ${c.name} reports its diagnostics`, () => {
        const found = frontEnd(c.source);
        for (const want of wanted) {
          const match = found.find((d) =>
            d.line === want.line && d.message.includes(want.messageIncludes ?? "")
          );
          expect(match, JSON.stringify(found)).toBeDefined();
        }
      });
    } else {
      it(`${c.file}: ${c.name} has no diagnostics`, () => {
        expect(frontEnd(c.source)).toEqual([]);
      });
    }
  }
});
