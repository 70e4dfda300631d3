/**
 * The example flows offered in the picker, each with its mock tasks and start inputs.
 * The seed's order flow comes first, verbatim.
 * @module
 */
import type { MockTask } from "./mocks.ts";

/** What the playground edits and runs: the shareable state. */
export interface Project {
  /** Workflow sources by name; the first one is started. */
  workflows: Record<string, string>;
  tasks: MockTask[];
  /** JSON text of the start inputs. */
  inputs: string;
}

/** An entry of the example picker. */
export interface Example extends Project {
  id: string;
  title: string;
}

const mock = (name: string, code: string, knobs: Partial<MockTask> = {}): MockTask => ({
  name,
  code,
  latencyMs: 150,
  failRate: 0,
  failFirst: 0,
  ...knobs,
});

const SEED = `task("chargeCard", { "orderId": "order-123", "amount": 99.99 })
sleep(5)
task("shipOrder", { "orderId": "order-123" })
task("sendEmail", { "to": "customer@example.com", "subject": "Shipped!" })
`;

const APPROVAL =
  `// An expense waits for a manager's decision; after 2 hours without one it is escalated.
const request = await Task.run("createRequest", Inputs)
let decision = null
try {
  decision = await Signal.next("approval", { timeout: "2h" })
} catch (e) {
  if (e.name !== "TimeoutError") throw e
  await Task.run("escalate", { id: request.id })
  decision = await Signal.next("approval")
}
if (!decision.approved) {
  return { status: "rejected", by: decision.by }
}
// Payments go out the next morning.
await Timer.delay("12h")
const payment = await Task.run("payExpense", { id: request.id, amount: Inputs.amount })
return { status: "paid", by: decision.by, payment }
`;

const FAN_OUT = `// Ship every order at once and wait for all of them.
const shipments = await Promise.all(
  Inputs.orders.map((id) => Task.run("shipOrder", { orderId: id })),
)
const cost = shipments.reduce((sum, s) => sum + s.cost, 0)
await Task.run("sendEmail", { to: Inputs.customer, subject: \`\${shipments.length} parcels shipped\` })
return { parcels: shipments.length, cost }
`;

const RETRIES = `// fetchQuote fails twice before it answers: the retry policy absorbs it.
try {
  const quote = await Task.run("fetchQuote", { symbol: Inputs.symbol }, {
    retry: { maxAttempts: 5, backoff: "500ms" },
  })
  return { symbol: Inputs.symbol, price: quote.price }
} catch (e) {
  console.log("gave up after", e.attempts, "attempts:", e.message)
  return { symbol: Inputs.symbol, price: null }
}
`;

const PARENT = `// Each item is packed by its own child workflow, one after the other.
const parcels = []
for (const item of Inputs.items) {
  const parcel = await Workflow.run("packItem", { item })
  parcels.push(parcel)
}
await Task.run("shipOrder", { orderId: Inputs.orderId, parcels: parcels.length })
return parcels
`;

const CHILD = `const box = await Task.run("pickBox", { size: Inputs.item.size })
sleep(30)
return await Task.run("pack", { item: Inputs.item.name, box: box.id })
`;

/**
 * Every example, the seed's order flow first.
 * @example
 * ```ts
 * EXAMPLES[0].workflows.processOrder.startsWith('task("chargeCard"'); // true
 * ```
 */
export const EXAMPLES: readonly Example[] = [
  {
    id: "order",
    title: "Order (the seed)",
    workflows: { processOrder: SEED },
    tasks: [
      mock(
        "chargeCard",
        "(inputs) => ({ charged: inputs.amount, receipt: 'rcpt-' + inputs.orderId })",
      ),
      mock("shipOrder", "(inputs) => ({ tracking: 'TRK-' + inputs.orderId.toUpperCase() })"),
      mock("sendEmail", "(inputs) => ({ sent: true, to: inputs.to })", { latencyMs: 80 }),
    ],
    inputs: "{}",
  },
  {
    id: "approval",
    title: "Approval with a signal and a timeout",
    workflows: { approveExpense: APPROVAL },
    tasks: [
      mock("createRequest", "(inputs) => ({ id: 'exp-' + Math.floor(Math.random() * 1e4) })"),
      mock("escalate", "(inputs) => ({ notified: 'finance-lead' })"),
      mock("payExpense", "(inputs) => ({ transfer: 'tr-' + inputs.id, amount: inputs.amount })"),
    ],
    inputs: '{ "employee": "ada", "amount": 120 }',
  },
  {
    id: "fan-out",
    title: "Fan-out with Promise.all",
    workflows: { shipAll: FAN_OUT },
    tasks: [
      mock("shipOrder", "(inputs) => ({ orderId: inputs.orderId, cost: 4.5 })", { latencyMs: 400 }),
      mock("sendEmail", "(inputs) => ({ sent: true })"),
    ],
    inputs: '{ "customer": "ada@example.com", "orders": ["o-1", "o-2", "o-3", "o-4"] }',
  },
  {
    id: "retries",
    title: "Retries with a flaky task",
    workflows: { quote: RETRIES },
    tasks: [mock("fetchQuote", "(inputs, { attempt }) => ({ price: 101.25, attempt })", {
      failFirst: 2,
    })],
    inputs: '{ "symbol": "RHY" }',
  },
  {
    id: "sub-workflow",
    title: "Sub-workflows",
    workflows: { packOrder: PARENT, packItem: CHILD },
    tasks: [
      mock("pickBox", "(inputs) => ({ id: 'box-' + inputs.size })"),
      mock("pack", "(inputs) => ({ item: inputs.item, box: inputs.box })"),
      mock("shipOrder", "(inputs) => ({ tracking: 'TRK-' + inputs.orderId })"),
    ],
    inputs:
      '{ "orderId": "order-7", "items": [{ "name": "lamp", "size": "L" }, { "name": "bulb", "size": "S" }] }',
  },
];
