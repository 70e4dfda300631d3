/**
 * `npm run bench`: runs every benchmark, one after the other, and prints one JSON object
 * `{ machine, results: { interpreter, queue, workflows, browser } }` on stdout (their own
 * progress goes to stderr). The numbers in bench/README.md come from these commands.
 *
 *   npm run bench                         # all of them
 *   npm run bench -- interpreter queue    # some of them
 *
 * `queue` and `workflows` compare against other engines installed from their own package
 * (`bench/queue/package.json`, `bench/workflows/package.json`); this script runs `npm ci` there
 * the first time. They need the Postgres server of `BENCH_SERVER`
 * (default `postgres://postgres@127.0.0.1:5432`).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { cpus, totalmem } from "node:os";

interface Bench {
  script: string;
  /** A folder with its own package.json to install first. */
  packageDir?: string;
}

const benches: Record<string, Bench> = {
  interpreter: { script: "bench/interpreter.ts" },
  queue: { script: "bench/queue/bench.ts", packageDir: "bench/queue" },
  workflows: { script: "bench/workflows/bench.ts", packageDir: "bench/workflows" },
  browser: { script: "bench/browser.ts" },
};

const deno = Deno.execPath();

async function run(cmd: string, args: string[], cwd = "."): Promise<string> {
  const child = new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "inherit" }).spawn();
  const { code, stdout } = await child.output();
  const text = new TextDecoder().decode(stdout);
  if (code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${code}`);
  return text;
}

/** The last JSON object a benchmark printed (they may print progress lines before it). */
function lastJson(text: string): unknown {
  const start = text.lastIndexOf("\n{");
  return JSON.parse(start >= 0 ? text.slice(start + 1) : text);
}

const wanted = Deno.args.length ? Deno.args : Object.keys(benches);
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length) {
  console.error(
    `unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(benches).join(", ")}`,
  );
  Deno.exit(2);
}

const results: Record<string, unknown> = {};
for (const name of wanted) {
  const bench = benches[name];
  if (bench.packageDir && !existsSync(`${bench.packageDir}/node_modules`)) {
    console.error(`[bench] installing ${bench.packageDir} (npm ci)`);
    await run("npm", ["ci", "--no-audit", "--no-fund"], bench.packageDir);
  }
  console.error(`[bench] ${name}: ${bench.script}`);
  try {
    results[name] = lastJson(await run(deno, ["run", "-A", bench.script]));
  } catch (error) {
    results[name] = { error: (error as Error).message };
  }
}

const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  deno: Deno.version.deno,
  date: new Date().toISOString(),
};
console.log(JSON.stringify({ machine, results }, null, 2));
