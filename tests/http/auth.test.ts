import { describe, expect, it } from "vitest";
import { constantTimeEqual, matchesAnyToken, parseTokens } from "../../worker/http/auth.ts";
import { forEachDriver } from "../helpers/db.ts";
import { appFor, call } from "./helpers.ts";

describe("http: token comparison", () => {
  it("is equal only for identical strings, whatever the lengths", () => {
    expect(constantTimeEqual("s3cret", "s3cret")).toBe(true);
    expect(constantTimeEqual("s3cret", "s3creT")).toBe(false);
    expect(constantTimeEqual("s3cret", "s3cret-longer")).toBe(false);
    expect(constantTimeEqual("", "x")).toBe(false);
    expect(constantTimeEqual("ключ✓", "ключ✓")).toBe(true);
    expect(constantTimeEqual("\u0000", "")).toBe(false);
  });

  it("matches any token of a list and parses a comma-separated list", () => {
    expect(parseTokens(" alpha, beta ,,")).toEqual(["alpha", "beta"]);
    expect(parseTokens(undefined)).toEqual([]);
    expect(matchesAnyToken("beta", ["alpha", "beta"])).toBe(true);
    expect(matchesAnyToken("gamma", ["alpha", "beta"])).toBe(false);
  });
});

forEachDriver("http: bearer auth", (t) => {
  const tokens = ["alpha", "beta"];

  it("answers 401 without a bearer token and 403 with a wrong one", async () => {
    const { app } = appFor(t, { tokens });
    const missing = await call(app, "GET", "/v1/executions");
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe("unauthorized");
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const basic = await call(app, "GET", "/v1/executions", undefined, {
      authorization: "Basic YTpi",
    });
    expect(basic.status).toBe(401);
    const wrong = await call(app, "GET", "/v1/executions", undefined, {
      authorization: "Bearer alphA",
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe("forbidden");
  });

  it("lets any configured token through, and /health without one", async () => {
    const { app } = appFor(t, { tokens });
    for (const token of tokens) {
      const reply = await call(app, "GET", "/v1/executions", undefined, {
        authorization: `Bearer ${token}`,
      });
      expect(reply.status).toBe(200);
    }
    expect((await call(app, "GET", "/health")).status).toBe(200);
    expect((await call(app, "GET", "/metrics")).status).toBe(401);
    expect((await call(app, "GET", "/v1/openapi.json")).status).toBe(401);
  });

  it("refuses before reading the body: an unauthenticated start writes nothing", async () => {
    const { app } = appFor(t, { tokens });
    const reply = await call(app, "POST", "/v1/tasks/greet/runs", { inputs: 1 });
    expect(reply.status).toBe(401);
    const [{ n }] = await t.db.query<{ n: number }>("select count(*)::int as n from executions");
    expect(n).toBe(0);
  });

  it("needs no token when none is configured", async () => {
    const { app } = appFor(t);
    expect((await call(app, "GET", "/v1/executions")).status).toBe(200);
  });
});
