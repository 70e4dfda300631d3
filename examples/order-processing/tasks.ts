/**
 * The tasks of the order example: plain async functions (here they only log and return made-up
 * ids). `worker.ts --tasks examples/order-processing/tasks.ts` and `main.ts` load them.
 *
 * @module
 */
import { defineTask } from "../../worker/mod.ts";

/** Charges the customer's card. */
export const chargeCard = defineTask(
  "chargeCard",
  (input: { orderId: string; amount: number }) => ({
    chargeId: `ch_${input.orderId}`,
    amount: input.amount,
  }),
);

/** Hands the parcel to the carrier. */
export const shipOrder = defineTask(
  "shipOrder",
  (input: { orderId: string; label?: string }) => ({
    tracking: `TRK-${input.label ?? input.orderId}`,
  }),
);

/** Sends an email. */
export const sendEmail = defineTask(
  "sendEmail",
  (input: { to: string; subject: string }) => ({ sent: true, to: input.to }),
);

/** Prints a shipping label for one item. */
export const printLabel = defineTask(
  "printLabel",
  (input: { orderId: string; sku: string }) => ({ id: `${input.orderId}-${input.sku}` }),
);

/** Refunds a charge. */
export const refund = defineTask(
  "refund",
  (input: { chargeId: string }) => ({ refunded: input.chargeId }),
);
