/**
 * The engine's Web Worker: PGlite and the Rhythm engine (migrations, worker loop, workflow
 * steps, virtual clock) all live here, so the page never freezes while Postgres or a
 * workflow step is busy. The page drives it through `InBrowserSource` (see `protocol.ts`).
 * @module
 */
/// <reference lib="webworker" />
import type {
  BootInfo,
  ClockAction,
  EngineNotice,
  EngineRequest,
  EngineResponse,
} from "./protocol.ts";
import type { RunRequest, Runtime } from "./runtime.ts";
import { type Booted, type BootOptions, bootRuntime } from "./runtime-select.ts";

declare const self: DedicatedWorkerGlobalScope;

/** When this module started running (epoch ms): the worker's code has loaded. */
const workerLoadedAt = performance.timeOrigin + performance.now();

let booting: Promise<Booted> | null = null;

function notify(notice: EngineNotice): void {
  self.postMessage(notice);
}

async function ready(): Promise<Runtime> {
  const booted = await booting;
  if (!booted?.runtime) throw new Error("the engine has not booted: call boot first");
  return booted.runtime;
}

const methods: Record<string, (...args: never[]) => unknown> = {
  async boot(options: BootOptions): Promise<BootInfo> {
    booting ??= bootRuntime(options).then((booted) => {
      booted.runtime?.onChange(() => notify({ notice: "changed" }));
      booted.runtime?.onClock((state) => notify({ notice: "clock", state }));
      return booted;
    });
    const { runtime, timings, cached, origin, marks } = await booting;
    return {
      description: runtime?.description ?? "PGlite only",
      timings,
      cached,
      origin,
      marks: { workerLoaded: workerLoadedAt, ...marks },
    };
  },
  start: async (request: RunRequest) => (await ready()).start(request),
  signal: async (id: string, name: string, payload: unknown) =>
    (await ready()).signal(id, name, payload),
  cancel: async (id: string) => (await ready()).cancel(id),
  list: async (filter: never) => (await ready()).list(filter),
  get: async (id: string) => (await ready()).get(id),
  events: async (id: string) => (await ready()).events(id),
  clock: async (action: ClockAction) => (await ready()).controlClock(action),
};

self.onmessage = async (message: MessageEvent<EngineRequest>) => {
  const { id, method, args } = message.data;
  const response: EngineResponse = { id };
  try {
    const fn = methods[method];
    if (!fn) throw new Error(`unknown engine method ${method}`);
    response.result = await fn(...(args as never[]));
  } catch (error) {
    const { name, message } = error as Error;
    response.error = { name: name ?? "Error", message: message ?? String(error) };
  }
  self.postMessage(response);
};
