/**
 * Reads the front matter block at the top of a `.flow` file (LANGUAGE.md §1): `key: value`
 * lines between two fences of ``` or ---. Values are JSON (scalars, or an object for
 * `retry`) or bare words. Which keys and values are allowed is the checker's business.
 * @module
 */
import type { FrontMatter } from "./ast.ts";
import type { Problem } from "./syntax-tree.ts";

/**
 * Parses the text of a `FrontMatter` token that starts at offset `from` in the file.
 * @example
 * ```ts
 * readFrontMatter("---\nqueue: orders\ntimeout: 300\n---", 0).frontMatter;
 * // { queue: "orders", timeout: 300 }
 * ```
 */
export function readFrontMatter(
  text: string,
  from: number,
): { frontMatter: FrontMatter; problems: Problem[] } {
  const frontMatter: FrontMatter = {};
  const problems: Problem[] = [];
  const lines = text.split("\n");
  const fence = lines[0].trim();
  const closed = lines.length > 1 && lines[lines.length - 1].trim() === fence;
  if (!closed) {
    const message = `The front matter is not closed: add a line of ${fence} after it`;
    problems.push({ code: "front-matter", message, from, to: from + lines[0].length });
  }
  if (!closed) return { frontMatter, problems };
  let offset = from + lines[0].length + 1;
  for (const line of lines.slice(1, -1)) {
    const problem = readLine(line.replace(/\r$/, ""), frontMatter);
    if (problem) {
      problems.push({
        code: "front-matter",
        message: problem,
        from: offset,
        to: offset + line.length,
      });
    }
    offset += line.length + 1;
  }
  return { frontMatter, problems };
}

/** Reads one `key: value` line into `out`; returns a problem message or null. */
function readLine(line: string, out: FrontMatter): string | null {
  if (line.trim() === "" || line.trim().startsWith("#")) return null;
  const match = /^\s*([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
  if (!match) return `Expected key: value in the front matter, found "${line.trim()}"`;
  const [, key, rawValue] = match;
  if (Object.hasOwn(out, key)) return `The front matter sets "${key}" twice`;
  const value = rawValue.trim();
  if (/^[[{"]/.test(value)) {
    try {
      out[key] = JSON.parse(value);
    } catch {
      return `The value of "${key}" is not valid JSON: ${value}`;
    }
    return null;
  }
  out[key] = scalar(value);
  return null;
}

/** JSON scalars (`300`, `true`, `null`) keep their type; anything else is a bare word. */
function scalar(value: string): unknown {
  if (value === "true") return true;
  if (value === "false") return false;
  if (value === "null") return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(value)) return Number(value);
  return value;
}
