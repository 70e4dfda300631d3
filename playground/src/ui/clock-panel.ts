/**
 * The virtual clock's controls: the current virtual time (ticking), "pause engine" (its
 * worker claims nothing until resumed), "next timer" (jump to the next deadline), "+1h",
 * and "skip timers" (jump to every deadline as soon as it exists).
 * @module
 */
import { formatDuration } from "./duration.ts";
import type { ClockAction, ClockState } from "../engine/protocol.ts";
import { h } from "./dom.ts";

/**
 * Mounts the clock controls; returns the function that shows a new clock state.
 * @example
 * ```ts
 * const show = renderClock(bar, (action) => source.clock(action));
 * source.onClock(show);
 * ```
 */
export function renderClock(
  container: HTMLElement,
  control: (action: ClockAction) => Promise<ClockState>,
): (state: ClockState) => void {
  const time = h("span", { class: "clock-time", "data-testid": "clock-time" }, "—");
  const next = h("span", { class: "clock-next", "data-testid": "clock-next" });
  const pause = h("button", { class: "ghost small", "data-testid": "clock-pause" }, "Pause");
  const skip = h(
    "button",
    { class: "ghost small", "data-testid": "clock-next-timer" },
    "Next timer ⇥",
  );
  const hour = h("button", { class: "ghost small", "data-testid": "clock-hour" }, "+1h");
  const auto = h("input", { type: "checkbox", "data-testid": "clock-auto" });
  const autoLabel = h(
    "label",
    { class: "clock-auto", title: "Fire every timer as soon as it is set" },
    auto,
    "skip timers",
  );
  auto.addEventListener(
    "change",
    async () => show(await control({ action: "autoSkip", on: auto.checked })),
  );
  let current: ClockState | null = null;
  let receivedAt = Date.now();
  const draw = () => {
    if (!current) return;
    const now = current.now + (Date.now() - receivedAt);
    time.textContent = new Date(now).toISOString().replace("T", " ").slice(0, 19);
    next.textContent = current.nextTimer === null
      ? "no timers"
      : `next timer in ${formatDuration(Math.max(0, current.nextTimer - now))}`;
  };
  const show = (state: ClockState) => {
    current = state;
    receivedAt = Date.now();
    auto.checked = state.autoSkip;
    pause.textContent = state.paused ? "▶ Resume engine" : "❚❚ Pause engine";
    skip.toggleAttribute("disabled", state.nextTimer === null);
    draw();
  };
  setInterval(draw, 1000);
  pause.addEventListener("click", async () => {
    show(await control({ action: current?.paused ? "resume" : "pause" }));
  });
  skip.addEventListener("click", async () => show(await control({ action: "next" })));
  hour.addEventListener(
    "click",
    async () => show(await control({ action: "advance", ms: 3_600_000 })),
  );
  container.replaceChildren(
    h("span", { class: "label" }, "Virtual clock"),
    time,
    next,
    pause,
    skip,
    hour,
    autoLabel,
  );
  void control({ action: "get" }).then(show);
  return show;
}
