/**
 * How to test your own workflows: `createTestEnv` runs the real engine on an in-memory PGlite
 * with a virtual clock, so the one-hour approval timeout below takes milliseconds.
 *
 * Run it with `npx vitest run tests/workflows/example.test.ts` (which imports this file).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { createTestEnv, type TestEnv } from "../../worker/testing.ts";

const flows = (name: string) =>
  readFileSync(join(import.meta.dirname, "workflows", `${name}.flow`), "utf8");

let env: TestEnv;

beforeEach(async () => {
  env = await createTestEnv({
    workflows: {
      processOrder: flows("processOrder"),
      fulfillOrder: flows("fulfillOrder"),
      shipItem: flows("shipItem"),
    },
    tasks: {
      chargeCard: (input: { orderId: string }) => ({ chargeId: `ch_${input.orderId}` }),
      shipOrder: (input: { label?: string }) => ({ tracking: `T-${input.label}` }),
      sendEmail: () => ({ sent: true }),
      printLabel: (input: { sku: string }) => ({ id: input.sku }),
      refund: () => ({ refunded: true }),
    },
  });
});

afterEach(() => env.close());

const order = {
  orderId: "o-1",
  amount: 250,
  email: "a@example.com",
  items: [{ sku: "lamp", qty: 1 }],
};

test("the seed order charges, waits five seconds, ships and emails", async () => {
  const id = await env.start("processOrder");
  const done = await env.runToCompletion(id); // jumps the virtual clock over sleep(5)
  expect(done.status).toBe("completed");
  expect(env.calls.map((c) => c.name)).toEqual(["chargeCard", "shipOrder", "sendEmail"]);
});

test("a large order waits for approval and ships when approved", async () => {
  const id = await env.start("fulfillOrder", order);
  await env.idle(); // now suspended on Signal.next("approval")
  await env.signal(id, "approval", { approved: true, by: "ada" });
  const done = await env.runToCompletion(id);
  expect(done.output).toEqual({
    orderId: "o-1",
    status: "shipped",
    shipments: [{ sku: "lamp", qty: 1, tracking: "T-lamp" }],
  });
});

test("a large order is refunded when rejected", async () => {
  const id = await env.start("fulfillOrder", order);
  await env.signal(id, "approval", { approved: false, by: "bob" }); // buffered until the wait
  const done = await env.runToCompletion(id);
  expect(done.output).toEqual({ orderId: "o-1", status: "rejected", by: "bob" });
  expect(env.calls.map((c) => c.name)).toContain("refund");
});

test("nobody answering within the hour approves automatically", async () => {
  const id = await env.start("fulfillOrder", order);
  await env.advance("1h");
  const done = await env.result(id);
  expect(done.status).toBe("completed");
  const logs = (await env.events(id)).filter((e) => e.type === "log");
  expect(JSON.stringify(logs[0].data)).toContain("approved automatically");
});
