/**
 * `npm start`'s main job (main.ts) on a fresh embedded database: registers the order example,
 * runs the seed's processOrder and the richer fulfillOrder to completion, and exits 0 with
 * `--once`. It runs in a scratch directory so its `.rhythm/` never touches the repository's.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");

function run(cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(
      join(root, "node_modules/.bin/deno"),
      [
        "run",
        "-A",
        "--config",
        join(root, "deno.json"),
        join(root, "main.ts"),
        "--once",
        "--port",
        "0",
      ],
      { cwd, env: { ...process.env, DATABASE_URL: "" } },
    );
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    child.on("close", (code) => done({ code, out }));
  });
}

it("runs the order example to completion on embedded PGlite and exits 0", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "rhythm-main-"));
  symlinkSync(join(root, "examples"), join(cwd, "examples"));
  try {
    const { code, out } = await run(cwd);
    expect(out).toContain("embedded PGlite");
    expect(out).toMatch(/processOrder [0-9a-f-]{36}[\s\S]*completed: null/);
    expect(out).toMatch(
      /fulfillOrder [0-9a-f-]{36}[\s\S]*completed: \{"orderId":"order-456","status":"shipped"/,
    );
    expect(out).not.toMatch(/\n\s+at .*\.ts:\d+/); // no stack trace
    expect(code, out).toBe(0);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}, 180_000);
