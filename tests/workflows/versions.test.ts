import { expect, it } from "vitest";
import { getExecution } from "../../worker/client.ts";
import { registerWorkflows } from "../../worker/workflows/definitions.ts";
import { listWorkflows, sendSignal, startWorkflow } from "../../worker/workflows/client.ts";
import { forEachDriver } from "../helpers/db.ts";
import { reaches, register, run, settled } from "./helpers.ts";

const v1 = 'let s = await Signal.next("go")\nreturn "v1:" + s';
const v2 = 'let s = await Signal.next("go")\nlet r = await Task.run("shout", s)\nreturn "v2:" + r';

forEachDriver("workflow versions", (t) => {
  it("stores by content hash: the same source is a no-op, a changed one a new version", async () => {
    const [first] = await register(t.db, { greet: v1 });
    expect(first.change).toBe("created");
    const [again] = await register(t.db, { greet: v1 });
    expect(again).toEqual({ ...first, change: "unchanged" });
    const [changed] = await register(t.db, { greet: v2 });
    expect(changed.change).toBe("updated");
    expect(changed.version).not.toBe(first.version);
    expect((await listWorkflows(t.db)).map((w) => [w.name, w.version])).toEqual([
      ["greet", changed.version],
    ]);
  });

  it("keeps suspended executions on their version while a changed .flow is deployed", async () => {
    await register(t.db, { greet: v1 });
    await run(t, { shout: (s: string) => s.toUpperCase() });
    const old = await startWorkflow(t.db, "greet");
    await reaches(t.db, old, "suspended");
    await register(t.db, { greet: v2 });
    const fresh = await startWorkflow(t.db, "greet");
    await reaches(t.db, fresh, "suspended");
    await sendSignal(t.db, old, "go", "a");
    await sendSignal(t.db, fresh, "go", "b");
    expect((await settled(t.db, old)).output).toBe("v1:a");
    expect((await settled(t.db, fresh)).output).toBe("v2:B");
    const [oldRow] = await t.db.query<{ version: string }>(
      "select version from executions where id = $1",
      [old],
    );
    expect(oldRow.version).not.toBe((await listWorkflows(t.db))[0].version);
  });

  it("refuses a source with diagnostics, listing them all, without affecting the others", async () => {
    const result = await registerWorkflows(t.db, {
      good: "return 1",
      bad: 'let x = 1\nx = Task.runn("a")\nconst y = 2\ny = 3',
    });
    expect(result.registered.map((r) => r.name)).toEqual(["good"]);
    expect(result.rejected).toHaveLength(1);
    const lines = result.rejected[0].diagnostics.map((d) => d.line);
    expect(lines).toContain(2);
    expect(lines).toContain(4);
    await run(t);
    expect((await settled(t.db, await startWorkflow(t.db, "good"))).output).toBe(1);
    await expect(startWorkflow(t.db, "bad")).rejects.toThrow(/no workflow named "bad"/);
    expect(await getExecution(t.db, "0193f6c2-4b1e-7a3c-9f10-5c2d8e7b6a41")).toBeNull();
  });
});
