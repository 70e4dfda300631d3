import { expect, it } from "vitest";
import { queueTask } from "../../worker/client.ts";
import { uuidv7 } from "../../worker/ids.ts";
import { defineTask } from "../../worker/tasks.ts";
import { forEachDriver } from "../helpers/db.ts";
import { deferred, startWorker, statusBecomes } from "../helpers/engine.ts";
import { appFor, call } from "./helpers.ts";

interface Message {
  event: string;
  id?: string;
  data: unknown;
}

/** Reads server-sent events from a response until the stream ends, calling `onMessage`. */
async function readEvents(response: Response, onMessage: (m: Message) => void): Promise<Message[]> {
  const messages: Message[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return messages;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = frame.split("\n").filter((l) => !l.startsWith(":"));
      if (fields.length === 0) continue;
      const get = (key: string) =>
        fields.find((l) => l.startsWith(`${key}: `))?.slice(key.length + 2);
      const message = {
        event: get("event") ?? "message",
        id: get("id"),
        data: JSON.parse(get("data")!),
      };
      messages.push(message);
      onMessage(message);
    }
  }
}

forEachDriver("http: live event stream", (t) => {
  it("streams the events of a running execution until it completes, then ends", async () => {
    const { app } = appFor(t);
    const gate = deferred();
    const slow = defineTask("slow", async () => {
      await gate.promise;
      return "done";
    });
    await startWorker(t, { tasks: [slow] });
    const id = await queueTask(t.db, slow, {});
    await statusBecomes(t.db, id, "running");
    const response = await app.request(`/v1/executions/${id}/events`, {
      headers: { accept: "text/event-stream" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const seen: string[] = [];
    const messages = await readEvents(response, (m) => {
      seen.push(m.event === "end" ? "end" : (m.data as { type: string }).type);
      if (seen.length === 2) gate.resolve(); // created + started arrived while it ran
    });
    expect(seen).toEqual(["created", "started", "completed", "end"]);
    expect(messages.at(-1)!.data).toMatchObject({ id, status: "completed", output: "done" });
    expect(messages[2].id).toBe(String((messages[2].data as { id: number }).id));
  });

  it("streams a running workflow's events until it completes", async () => {
    const { app } = appFor(t);
    const source = 'const a = await Signal.next("go")\nreturn await Task.run("double", a)';
    await call(app, "POST", "/v1/workflows", { name: "waits", source });
    await startWorker(t, { tasks: [{ double: (n: number) => n * 2 }] });
    const id = (await call(app, "POST", "/v1/workflows/waits/runs", {})).body.id;
    await statusBecomes(t.db, id, "suspended");
    const response = await app.request(`/v1/executions/${id}/events`, {
      headers: { accept: "text/event-stream" },
    });
    let signalled = false;
    const messages = await readEvents(response, () => {
      if (signalled) return;
      signalled = true; // the stream is live: now let the workflow go on
      void call(app, "POST", `/v1/executions/${id}/signals/go`, { payload: 21 });
    });
    const end = messages.at(-1)!;
    expect(end).toMatchObject({ event: "end", data: { id, status: "completed", output: 42 } });
    const types = messages.slice(0, -1).map((m) => (m.data as { type: string }).type);
    expect(types[0]).toBe("created");
    expect(types.at(-1)).toBe("completed");
    expect(types.length).toBeGreaterThanOrEqual(4);
    const history = await call(app, "GET", `/v1/executions/${id}/events`);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(types);
  });

  it("resumes after Last-Event-ID", async () => {
    const { app } = appFor(t);
    const quick = defineTask("quick", () => 1);
    await startWorker(t, { tasks: [quick] });
    const id = await queueTask(t.db, quick, {});
    await statusBecomes(t.db, id, "completed");
    const all = await readEvents(
      await app.request(`/v1/executions/${id}/events`, {
        headers: { accept: "text/event-stream" },
      }),
      () => {},
    );
    const response = await app.request(`/v1/executions/${id}/events`, {
      headers: { accept: "text/event-stream", "last-event-id": all[0].id! },
    });
    const rest = await readEvents(response, () => {});
    expect(rest.map((m) => m.id)).toEqual(all.slice(1).map((m) => m.id));
  });

  it("answers 404 instead of a stream for an unknown execution", async () => {
    const { app } = appFor(t);
    const response = await app.request(`/v1/executions/${uuidv7()}/events`, {
      headers: { accept: "text/event-stream" },
    });
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe("execution_not_found");
  });
});
