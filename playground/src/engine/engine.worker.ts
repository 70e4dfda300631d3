/**
 * The engine's Web Worker: PGlite, the runtime that executes flows and the virtual clock all
 * live here, so the page never freezes while Postgres or a workflow step is busy. The page
 * drives it through `InBrowserSource` (see `protocol.ts` for the messages).
 * @module
 */
/// <reference lib="webworker" />
import { VirtualClock } from "./clock.ts";
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

const clock = new VirtualClock();
let booting: Promise<Booted> | null = null;

function notify(notice: EngineNotice): void {
  self.postMessage(notice);
}

clock.onChange((state) => notify({ notice: "clock", state }));

async function ready(): Promise<Runtime> {
  const booted = await booting;
  if (!booted?.runtime) throw new Error("the engine has not booted: call boot first");
  return booted.runtime;
}

function controlClock(request: ClockAction) {
  if (request.action === "pause") clock.pause();
  if (request.action === "resume") clock.resume();
  if (request.action === "next") clock.skipToNextTimer();
  if (request.action === "advance") clock.advance(request.ms);
  if (request.action === "autoSkip") clock.setAutoSkip(request.on);
  return clock.state();
}

const methods: Record<string, (...args: never[]) => unknown> = {
  async boot(options: BootOptions): Promise<BootInfo> {
    booting ??= bootRuntime(clock, options).then((booted) => {
      booted.runtime?.onChange(() => notify({ notice: "changed" }));
      return booted;
    });
    const { runtime, timings, cached } = await booting;
    return { description: runtime?.description ?? "PGlite only", timings, cached };
  },
  start: async (request: RunRequest) => (await ready()).start(request),
  signal: async (id: string, name: string, payload: unknown) =>
    (await ready()).signal(id, name, payload),
  cancel: async (id: string) => (await ready()).cancel(id),
  list: async (filter: never) => (await ready()).list(filter),
  get: async (id: string) => (await ready()).get(id),
  events: async (id: string) => (await ready()).events(id),
  clock: (action: ClockAction) => controlClock(action),
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
