/**
 * The panel of mock tasks: one card per task with its JavaScript function and its latency
 * and failure knobs. Edits go straight into the list it was given.
 * @module
 */
import { defaultMock, type MockTask } from "../mocks.ts";
import { h } from "./dom.ts";

function knob(label: string, value: number, step: string, set: (v: number) => void) {
  return h(
    "label",
    { class: "knob" },
    label,
    h("input", {
      type: "number",
      min: 0,
      step,
      value,
      oninput: (e: Event) => set(Number((e.target as HTMLInputElement).value) || 0),
    }),
  );
}

function card(task: MockTask, remove: () => void): HTMLElement {
  return h(
    "div",
    { class: "mock", "data-task": task.name },
    h(
      "div",
      { class: "mock-head" },
      h("input", {
        class: "mock-name",
        value: task.name,
        "aria-label": "task name",
        oninput: (e: Event) => (task.name = (e.target as HTMLInputElement).value.trim()),
      }),
      h("button", { class: "icon", title: "Remove this task", onclick: remove }, "✕"),
    ),
    h("textarea", {
      class: "mock-code",
      spellcheck: "false",
      rows: 2,
      "aria-label": `code of ${task.name}`,
      oninput: (e: Event) => (task.code = (e.target as HTMLTextAreaElement).value),
    }, task.code),
    h(
      "div",
      { class: "knobs" },
      knob("latency ms", task.latencyMs, "50", (v) => (task.latencyMs = v)),
      knob("fail rate", task.failRate, "0.1", (v) => (task.failRate = Math.min(1, v))),
      knob("fail first", task.failFirst, "1", (v) => (task.failFirst = Math.floor(v))),
    ),
  );
}

/**
 * Renders the editable list of mock tasks into `container`.
 * @example
 * ```ts
 * renderMocks(document.querySelector("#mocks")!, project.tasks);
 * ```
 */
export function renderMocks(container: HTMLElement, tasks: MockTask[]): void {
  const draw = () => {
    container.replaceChildren(
      ...tasks.map((task, i) =>
        card(task, () => {
          tasks.splice(i, 1);
          draw();
        })
      ),
      h("button", {
        class: "ghost",
        onclick: () => {
          tasks.push(defaultMock(`task${tasks.length + 1}`));
          draw();
        },
      }, "+ Add a mock task"),
    );
  };
  draw();
}
