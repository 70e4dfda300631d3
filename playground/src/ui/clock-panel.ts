/**
 * The virtual clock's controls: the current virtual time, pause/resume, "next timer" (jump
 * to the next timer and fire it) and "+1h".
 * @module
 */
import { formatDuration } from "../engine/duration.ts";
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
  const show = (state: ClockState) => {
    current = state;
    time.textContent = new Date(state.now).toISOString().replace("T", " ").slice(0, 19);
    auto.checked = state.autoSkip;
    pause.textContent = state.paused ? "▶ Resume" : "❚❚ Pause";
    skip.toggleAttribute("disabled", state.nextTimer === null);
    next.textContent = state.nextTimer === null
      ? "no timers"
      : `next timer in ${formatDuration(Math.max(0, state.nextTimer - state.now))}`;
  };
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
