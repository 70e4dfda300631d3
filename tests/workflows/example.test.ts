// The example test of examples/order-processing (vitest only collects tests/**): run it here.
import "../../examples/order-processing/order.test.ts";
