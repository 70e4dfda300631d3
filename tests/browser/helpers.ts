/**
 * Shared helpers of the browser end-to-end tests: build the playground (or use a prebuilt
 * `RHYTHM_PLAYGROUND_DIST`), serve it from Node on localhost, and drive Debian's Chromium
 * with playwright-core (never a downloaded browser). Screenshots go to test-results/browser/.
 */
import { createHash } from "node:crypto";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { CONTENT_TYPES } from "../../playground/serve-dashboard.ts";

export const root = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
export const screenshots = join(root, "test-results/browser");

/** A fingerprint of everything the page is built from (paths, sizes, modification times). */
function sourceFingerprint(): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (
      const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
        a.name < b.name ? -1 : 1
      )
    ) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "dist" && entry.name !== "node_modules") walk(path);
      } else {
        const { size, mtimeMs } = statSync(path);
        hash.update(`${path}:${size}:${mtimeMs}\n`);
      }
    }
  };
  for (const dir of ["playground", "interpreter", "worker", "migrations"]) walk(join(root, dir));
  hash.update(readFileSync(join(root, "package-lock.json")));
  return hash.digest("hex").slice(0, 16);
}

/**
 * Builds the playground (or reuses a build of the same sources, so the browser test files
 * share one) and returns its folder.
 */
export async function buildPlayground(): Promise<string> {
  const prebuilt = process.env.RHYTHM_PLAYGROUND_DIST;
  if (prebuilt) return resolve(prebuilt);
  const outDir = join(tmpdir(), `rhythm-playground-${sourceFingerprint()}`);
  if (existsSync(join(outDir, "index.html"))) return outDir;
  const { build } = await import("vite");
  const staging = mkdtempSync(join(tmpdir(), "rhythm-playground-build-"));
  await build({
    configFile: join(root, "playground/vite.config.ts"),
    logLevel: "error",
    build: { outDir: staging, emptyOutDir: true },
  });
  try {
    renameSync(staging, outDir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another file built the same sources
  }
  return outDir;
}

/** A fetch-style handler (a Hono app's `fetch`). */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

async function toFetch(request: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = chunks.length && request.method !== "GET" ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [key, value] of Object.entries(request.headers)) {
    if (typeof value === "string") headers.set(key, value);
  }
  return new Request(origin + request.url, { method: request.method, headers, body });
}

async function sendFetch(response: ServerResponse, answer: Response): Promise<void> {
  response.writeHead(answer.status, Object.fromEntries(answer.headers));
  response.end(Buffer.from(await answer.arrayBuffer()));
}

function sendFile(dir: string, path: string, response: ServerResponse): void {
  let file = normalize(join(dir, path));
  if (!file.startsWith(dir)) return void response.writeHead(403).end();
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!existsSync(file)) return void response.writeHead(404).end("not found");
  response.writeHead(200, {
    "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
    "cache-control": "max-age=3600",
  });
  createReadStream(file).pipe(response);
}

/**
 * Serves `dir` on an ephemeral localhost port; with `api`, requests under `/v1/` and
 * `/health` go to it instead (the dashboard and its API on one origin).
 */
export async function serveStatic(
  dir: string,
  api?: FetchHandler,
): Promise<{ url: string; close: () => Promise<void> }> {
  let origin = "";
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    if (api && (path.startsWith("/v1/") || path === "/health")) {
      toFetch(request, origin).then(api).then((answer) => sendFetch(response, answer)).catch(
        (error) => response.writeHead(500).end(String(error)),
      );
      return;
    }
    sendFile(dir, path, response);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address() as { port: number };
  origin = `http://127.0.0.1:${address.port}`;
  return {
    url: `${origin}/`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Serves every request with `handler` (a whole Hono app) on an ephemeral localhost port. */
export async function serveFetch(
  handler: FetchHandler,
): Promise<{ url: string; close: () => Promise<void> }> {
  let origin = "";
  const server: Server = createServer((request, response) => {
    toFetch(request, origin).then(handler).then((answer) => sendFetch(response, answer)).catch(
      (error) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url: `${origin}/`, close: () => new Promise((r) => server.close(() => r())) };
}

/** Launches Debian's Chromium headless with the flags CI needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Saves a full-page screenshot as test-results/browser/<name>.png. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** Collects the page's uncaught errors and console errors, for precise failure messages. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** Waits until the engine has booted (the status line says ready). */
export async function waitReady(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForSelector("#status[data-state=ready], #status[data-state=error]", { timeout });
  const state = await page.getAttribute("#status", "data-state");
  if (state !== "ready") {
    throw new Error(`the page did not boot: ${await page.textContent("#status")}`);
  }
}

/** Waits until the selected execution shows `status` in the inspector's detail. */
export async function waitDetailStatus(
  page: Page,
  status: string,
  timeout = 30_000,
): Promise<void> {
  await page.waitForSelector(`[data-testid=detail] .detail-head [data-status=${status}]`, {
    timeout,
  });
}
