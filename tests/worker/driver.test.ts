import { expect, it } from "vitest";
import { forEachDriver } from "../helpers/db.ts";

forEachDriver("driver", (t) => {
  it("round-trips select 1", async () => {
    expect(await t.db.query("select 1::int as one")).toEqual([{ one: 1 }]);
  });

  it("passes parameters of every engine type", async () => {
    const rows = await t.db.query<{ a: string[]; n: number; s: string }>(
      "select $1::text[] as a, $2::int as n, $3::text::json::text as s",
      [["x", "y"], 7, '{"b":1,"a":2}'],
    );
    expect(rows).toEqual([{ a: ["x", "y"], n: 7, s: '{"b":1,"a":2}' }]);
  });

  it("runs a repeated parameterized statement as one prepared statement on a server", async () => {
    const text = "select $1::int + 1 as n";
    const prepared = await t.db.transaction(async (tx) => {
      expect(await tx.query(text, [1])).toEqual([{ n: 2 }]);
      expect(await tx.query(text, [2])).toEqual([{ n: 3 }]);
      if (t.driver !== "postgres") return 1;
      // the same connection (a transaction): each run of an unprepared statement would be
      // parsed and planned again, and not be listed here
      const [row] = await tx.query<{ n: number }>(
        "select count(*)::int as n from pg_prepared_statements where statement = $1",
        [text],
      );
      return row.n;
    });
    expect(prepared).toBe(1);
  });

  it("works in the engine schema", async () => {
    const [row] = await t.db.query<{ schema: string }>("select current_schema() as schema");
    expect(row.schema).toBe(t.db.schema);
  });

  it("commits a transaction and rolls back a failed one", async () => {
    await t.db.transaction((tx) =>
      tx.query(
        "insert into workers (id, name, queues, tasks, concurrency) values ($1, 'a', '{}', '{}', 1)",
        [
          "00000000-0000-7000-8000-000000000001",
        ],
      )
    );
    await expect(t.db.transaction(async (tx) => {
      await tx.query(
        "insert into workers (id, name, queues, tasks, concurrency) values ($1, 'b', '{}', '{}', 1)",
        [
          "00000000-0000-7000-8000-000000000002",
        ],
      );
      await tx.query("select 1/0");
    })).rejects.toThrow(/division by zero/);
    const rows = await t.db.query<{ name: string }>("select name from workers");
    expect(rows).toEqual([{ name: "a" }]);
  });

  it("starts each test with empty engine tables", async () => {
    expect(await t.db.query("select * from workers")).toEqual([]);
  });

  it("delivers a NOTIFY sent in a transaction after commit", async () => {
    const received: string[] = [];
    const unlisten = await t.db.listen("rhythm:test_channel", (p) => received.push(p));
    t.defer(unlisten);
    await t.db.transaction(async (tx) => {
      await tx.query("select pg_notify('rhythm:test_channel', 'hello')");
      expect(received).toEqual([]);
    });
    await expect.poll(() => received).toEqual(["hello"]);
  });
});
