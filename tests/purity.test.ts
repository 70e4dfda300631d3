/**
 * The direction of imports is one way (DESIGN.md "Layout"): `interpreter/` is pure, and
 * `worker/` runs unchanged in a browser except for the CLI and the postgres.js driver.
 * These tests read the source, so a violation fails before any runtime could hide it.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  const full = join(root, dir);
  let names: string[];
  try {
    names = readdirSync(full);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(full, name);
    if (statSync(path).isDirectory()) return sourceFiles(relative(root, path));
    return /\.(ts|js|mjs)$/.test(name) ? [relative(root, path)] : [];
  });
}

/** Drops comments, so a JSDoc example that mentions `Deno.serve` can't trip a rule. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

function importsOf(text: string): string[] {
  const re =
    /(?:import|export)[^'";]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;
  return [...text.matchAll(re)].map((m) => m[1] ?? m[2] ?? m[3]);
}

const hostGlobals =
  /\b(window|document|localStorage|sessionStorage|navigator|XMLHttpRequest|fetch|setTimeout|setInterval|queueMicrotask|process|require)\s*[.(]/;

/** What makes an interpreter module impure; an empty list means pure. */
export function interpreterViolations(source: string): string[] {
  const text = stripComments(source);
  const found: string[] = [];
  for (const spec of importsOf(text)) {
    if (/(^|\/)(worker|playground)\//.test(spec)) found.push(`imports ${spec}`);
    else if (!spec.startsWith(".") && !spec.startsWith("@lezer/")) found.push(`imports ${spec}`);
  }
  if (/\bDeno\./.test(text)) found.push("uses Deno.*");
  const host = text.match(hostGlobals);
  if (host) found.push(`uses the host global ${host[1]}`);
  return found;
}

/** What stops a worker module from running in a browser; an empty list means portable. */
export function workerViolations(source: string): string[] {
  const text = stripComments(source);
  const found: string[] = [];
  for (const spec of importsOf(text)) {
    if (spec.startsWith("node:") || spec === "postgres" || /(^|\/)playground\//.test(spec)) {
      found.push(`imports ${spec}`);
    }
  }
  if (/\bDeno\./.test(text)) found.push("uses Deno.*");
  return found;
}

describe("the purity rules", () => {
  it("flag runtime, worker and DOM use in interpreter code", () => {
    expect(interpreterViolations(`import { x } from "../worker/engine.ts";`)).toHaveLength(1);
    expect(interpreterViolations(`import fs from "node:fs";`)).toHaveLength(1);
    expect(interpreterViolations(`const t = Deno.env.get("X");`)).toEqual(["uses Deno.*"]);
    expect(interpreterViolations(`document.title = "x";`)).toHaveLength(1);
    expect(interpreterViolations(`import * as acorn from "acorn";`)).toHaveLength(1);
  });

  it("accept Lezer imports, relative imports and comments that mention Deno", () => {
    const ok = `import { LRParser } from "@lezer/lr";\nimport { a } from "./ast.ts";\n// Deno.exit`;
    expect(interpreterViolations(ok)).toEqual([]);
  });

  it("flag node:, Deno and postgres.js in browser-portable worker code", () => {
    expect(workerViolations(`import postgres from "postgres";`)).toHaveLength(1);
    expect(workerViolations(`import { spawn } from "node:child_process";`)).toHaveLength(1);
    expect(workerViolations(`Deno.exit(1)`)).toHaveLength(1);
    expect(workerViolations(`import { Hono } from "hono";`)).toEqual([]);
  });
});

describe("interpreter/ is pure", () => {
  const files = sourceFiles("interpreter").filter((f) => !/\.generated\.js$/.test(f));

  it("has source files to check", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)("%s imports nothing of worker/, playground/ or a runtime", (file) => {
    expect(interpreterViolations(readFileSync(join(root, file), "utf8"))).toEqual([]);
  });
});

/** The first import cycle among `files` (relative imports only), or null. */
export function findCycle(files: Record<string, string>): string[] | null {
  const edges = (file: string) =>
    importsOf(stripComments(files[file]))
      .filter((spec) => spec.startsWith("."))
      .map((spec) => join(file, "..", spec))
      .filter((dep) => dep in files);
  const state: Record<string, "open" | "done"> = {};
  const stack: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state[file] === "done") return null;
    if (state[file] === "open") return [...stack.slice(stack.indexOf(file)), file];
    state[file] = "open";
    stack.push(file);
    for (const dep of edges(file)) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state[file] = "done";
    return null;
  };
  for (const file of Object.keys(files)) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return null;
}

describe("import cycles", () => {
  it("are found when two modules import each other", () => {
    const cycle = findCycle({
      "i/a.ts": `import { b } from "./b.ts";`,
      "i/b.ts": `import { a } from "./a.ts";`,
      "i/c.ts": `import { a } from "./a.ts";`,
    });
    expect(cycle).toEqual(["i/a.ts", "i/b.ts", "i/a.ts"]);
  });

  it("do not exist in interpreter/", () => {
    const files = Object.fromEntries(
      sourceFiles("interpreter")
        .filter((f) => f.endsWith(".ts"))
        .map((f) => [f, readFileSync(join(root, f), "utf8")]),
    );
    expect(findCycle(files)).toBeNull();
  });
});

describe("worker/ runs in a browser except the CLI and the postgres.js driver", () => {
  const hostOnly = /^worker\/(cli(\/|\.ts$)|db\/postgres)/;
  const files = sourceFiles("worker").filter((f) => !hostOnly.test(f));

  it("has source files to check", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`${file} uses no Deno.*, node:* or postgres.js`, () => {
      expect(workerViolations(readFileSync(join(root, file), "utf8"))).toEqual([]);
    });
  }
});
