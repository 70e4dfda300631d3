/**
 * Serves the built playground (`npm run playground:build` → `playground/dist/`) from a Hono
 * app as the dashboard of that app's own HTTP API: `GET /dashboard` redirects to
 * `/dashboard/?api=` (same origin), and `/dashboard/*` serves the static files. Runs on Deno
 * and Node (it reads files with `node:fs`), not on Deno Deploy (no filesystem).
 *
 * Mount it before the app is served. When the app has bearer tokens, the API's auth also
 * covers these paths: open `/dashboard/?api=&token=…` after allowing `/dashboard` through.
 * @module
 */
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import type { Hono } from "hono";

/** Content types of the files a playground build holds, by extension. */
export const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".data": "application/octet-stream",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

/**
 * Adds the dashboard routes to `app`, serving files from `root` (default `playground/dist`).
 * @example
 * ```ts
 * import { createHttpApp } from "./worker/http.ts";
 * import { mountDashboard } from "./playground/serve-dashboard.ts";
 * const app = createHttpApp({ db });
 * mountDashboard(app);
 * Deno.serve({ port: 8000 }, app.fetch); // http://localhost:8000/dashboard
 * ```
 */
export function mountDashboard(app: Hono, root = "playground/dist"): void {
  const base = resolve(root);
  app.get("/dashboard", (c) => c.redirect("/dashboard/?api="));
  app.get("/dashboard/*", async (c) => {
    const path = c.req.path.slice("/dashboard".length);
    const file = normalize(join(base, path === "/" ? "index.html" : path));
    if (!file.startsWith(base)) return c.text("forbidden", 403);
    try {
      const body = await readFile(file);
      const type = CONTENT_TYPES[extname(file)] ?? "application/octet-stream";
      const cache = extname(file) === ".html" ? "no-cache" : "public, max-age=31536000, immutable";
      return c.body(body, 200, { "content-type": type, "cache-control": cache });
    } catch {
      return c.text(`no file ${path} in the dashboard build (run npm run playground:build)`, 404);
    }
  });
}
