import { describe, expect, it } from "vitest";
import { isUuid, uuidv7 } from "../../worker/ids.ts";

const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("execution ids (UUIDv7)", () => {
  it("sort in the order they were made, also within one millisecond", () => {
    const now = Date.now() + 60_000; // a millisecond of its own, later than any id made so far
    const ids = Array.from({ length: 1000 }, () => uuidv7(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => v7.test(id) && isUuid(id))).toBe(true);
    // the first 48 bits are that millisecond
    expect(Number.parseInt(ids[999].replace("-", "").slice(0, 12), 16)).toBe(now);
  });

  it("keep their order when the clock steps back", () => {
    const first = uuidv7(Date.now() + 120_000);
    const second = uuidv7(Date.now() - 5_000);
    expect(second > first).toBe(true);
    expect(v7.test(second)).toBe(true);
  });

  it("start from fresh random bits in a new millisecond", () => {
    const a = uuidv7(Date.now() + 180_000);
    const b = uuidv7(Date.now() + 180_001);
    expect(b > a).toBe(true);
    const tail = (id: string) => BigInt(`0x${id.slice(-12)}`);
    expect(tail(b) - tail(a)).not.toBe(1n); // not merely the previous id plus one
  });
});
