import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, inject, it, vi } from "vitest";
import { cliMain } from "../../worker/cli/commands.ts";
import { registerWorkflowDir } from "../../worker/cli/workflow-files.ts";
import { forEachDriver } from "../helpers/db.ts";
import { reaches, run } from "./helpers.ts";

function capture() {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args) => void lines.push(args.join(" ")));
  vi.spyOn(console, "error").mockImplementation((...args) => void lines.push(args.join(" ")));
  return lines;
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "flows-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

afterEach(() => vi.restoreAllMocks());

it("check prints file:line:column diagnostics and exits 1 on errors, 0 when clean", async () => {
  const dir = folder({ "bad.flow": 'let x = 1\nx = Task.runn("a")\n', "good.flow": "return 1\n" });
  const lines = capture();
  expect(await cliMain(["check", join(dir, "bad.flow"), join(dir, "good.flow")])).toBe(1);
  expect(lines[0]).toMatch(/bad\.flow:2:10: error: .*runn.*\[unknown-member\]/);
  expect(lines.at(-1)).toMatch(/good\.flow: ok/);
  expect(await cliMain(["check", join(dir, "good.flow")])).toBe(0);
});

forEachDriver("workflow commands", (t) => {
  it("registers a folder, refusing the file with errors and keeping the others", async () => {
    const dir = folder({ "ok.flow": "return 2", "broken.flow": "return (" });
    const lines = capture();
    const result = await registerWorkflowDir(t.db, dir);
    expect(result.registered.map((r) => r.name)).toEqual(["ok"]);
    expect(lines.some((l) => /broken\.flow:1:\d+: error:/.test(l))).toBe(true);
    expect(lines).toContain(
      `workflow ok created (version ${result.registered[0].version.slice(0, 12)})`,
    );
  });

  it("starts, signals and prints the events of a workflow", async () => {
    const { url } = inject("postgres");
    const db = ["--database-url", url, "--schema", t.schema];
    await registerWorkflowDir(t.db, folder({ "hello.flow": 'return await Signal.next("name")' }));
    await run(t);
    const lines = capture();
    expect(await cliMain(["start", "hello", "--inputs", "{}", ...db])).toBe(0);
    const id = lines.at(-1)!;
    await reaches(t.db, id, "suspended");
    expect(await cliMain(["signal", id, "name", "--payload", '"Ada"', ...db])).toBe(0);
    await expect(cliMain(["start", "hello", "--inputs", "{}", "--wait", "--timeout", "1", ...db]))
      .rejects.toThrow(/still (pending|running|suspended) after 1 ms/);
    await reaches(t.db, id, "completed");
    lines.length = 0;
    expect(await cliMain(["events", id, ...db])).toBe(0);
    const types = lines.map((l) => l.split(" ")[1]);
    expect(types).toEqual(
      expect.arrayContaining(["created", "started", "step", "signal", "completed"]),
    );
  });
}, { drivers: ["postgres"] });
