/**
 * The inspector: executions on the left (with filters), the selected one on the right with
 * its status, inputs and output, where it waits, a signal form, cancel, and its timeline.
 * It reads only through a {@link DataSource}, so the playground and the dashboard share it.
 * @module
 */
import type { DataSource, Execution, ExecutionStatus } from "../source/types.ts";
import { h, json } from "./dom.ts";
import { renderTimeline } from "./timeline.ts";

/** Options of {@link createInspector}. */
export interface InspectorOptions {
  /** Called with the selected execution after each refresh (to mark its `.flow` line). */
  onSelect?: (execution: Execution | null) => void;
  /** Called when a timeline event with a `.flow` line is clicked. */
  onLine?: (line: number, execution: Execution) => void;
}

/** The mounted inspector. */
export interface Inspector {
  select(id: string | null): void;
  refresh(): Promise<void>;
}

const STATUSES: ExecutionStatus[] = [
  "pending",
  "running",
  "suspended",
  "completed",
  "failed",
  "cancelled",
];
const FINISHED = new Set(["completed", "failed", "cancelled"]);

function badge(status: string) {
  return h("span", { class: `badge st-${status}`, "data-status": status }, status);
}

/**
 * Mounts the inspector into `root`, refreshing whenever the source reports a change.
 * @example
 * ```ts
 * const inspector = createInspector(document.querySelector("#inspector")!, source);
 * inspector.select(runId);
 * ```
 */
export function createInspector(
  root: HTMLElement,
  source: DataSource,
  options: InspectorOptions = {},
): Inspector {
  let selected: string | null = null;
  let filter: { status?: ExecutionStatus; name?: string } = {};
  let pending = false;
  let error = "";
  let form: { id: string; element: HTMLElement } | null = null;
  const unfolded = new Set<number>();
  const list = h("div", { class: "exec-list", "data-testid": "executions" });
  const detail = h("div", { class: "exec-detail", "data-testid": "detail" });
  const statusFilter = h(
    "select",
    {
      "aria-label": "status filter",
      onchange: (e: Event) =>
        setFilter({
          status: (e.target as HTMLSelectElement).value as ExecutionStatus || undefined,
        }),
    },
    h("option", { value: "" }, "all statuses"),
    ...STATUSES.map((s) => h("option", { value: s }, s)),
  );
  const nameFilter = h("input", {
    placeholder: "name",
    "aria-label": "name filter",
    onchange: (e: Event) =>
      setFilter({ name: (e.target as HTMLInputElement).value.trim() || undefined }),
  });
  root.replaceChildren(
    h("div", { class: "exec-col" }, h("div", { class: "filters" }, statusFilter, nameFilter), list),
    detail,
  );

  function setFilter(change: typeof filter) {
    filter = { ...filter, ...change };
    void refresh();
  }

  async function refresh(): Promise<void> {
    try {
      const executions = await source.listExecutions({ ...filter, limit: 100 });
      drawList(executions);
      const current = selected ? await source.getExecution(selected) : null;
      const events = current ? await source.listEvents(current.id) : [];
      error = "";
      drawDetail(current, events);
      options.onSelect?.(current);
    } catch (e) {
      error = (e as Error).message;
      detail.prepend(h("p", { class: "error" }, error));
    }
  }

  function drawList(executions: Execution[]) {
    if (executions.length === 0) {
      list.replaceChildren(h("p", { class: "empty" }, "No executions yet. Press Run."));
      return;
    }
    list.replaceChildren(...executions.map((e) =>
      h(
        "button",
        {
          class: `exec-row${e.id === selected ? " selected" : ""}${e.parent ? " child" : ""}`,
          "data-id": e.id,
          onclick: () => select(e.id),
        },
        h("span", { class: "kind" }, e.kind === "task" ? "task" : "flow"),
        h("span", { class: "name" }, e.name),
        badge(e.status),
        h("span", { class: "id" }, e.id),
      )
    ));
  }

  function drawDetail(run: Execution | null, events: Parameters<typeof renderTimeline>[0]) {
    if (!run) {
      detail.replaceChildren(
        h("p", { class: "empty" }, "Select an execution to see its timeline."),
      );
      return;
    }
    const parts: (HTMLElement | null)[] = [
      h(
        "div",
        { class: "detail-head" },
        h("h3", {}, run.name, " ", h("small", {}, run.id)),
        badge(run.status),
        FINISHED.has(run.status) ? null : h("button", {
          class: "ghost danger",
          "data-testid": "cancel",
          onclick: () => source.cancel(run.id).then(refresh),
        }, "Cancel"),
      ),
      run.waiting
        ? h(
          "p",
          { class: "waiting", "data-testid": "waiting" },
          "Waiting on ",
          run.waiting.on,
          run.waiting.line ? ` at line ${run.waiting.line}` : "",
        )
        : null,
      h(
        "dl",
        { class: "io" },
        h("dt", {}, "inputs"),
        h("dd", {}, h("code", {}, json(run.inputs))),
        run.output !== undefined && run.status === "completed" ? h("dt", {}, "output") : null,
        run.output !== undefined && run.status === "completed"
          ? h("dd", { "data-testid": "output" }, h("code", {}, json(run.output)))
          : null,
        run.error ? h("dt", {}, "error") : null,
        run.error
          ? h(
            "dd",
            { class: "error", "data-testid": "error" },
            `${run.error.name}: ${run.error.message}${
              run.error.line ? ` (line ${run.error.line})` : ""
            }`,
          )
          : null,
      ),
      run.kind === "workflow" && !FINISHED.has(run.status) ? keptSignalForm(run) : null,
      renderTimeline(events, run.createdAt, (line) => options.onLine?.(line, run), unfolded),
    ];
    detail.replaceChildren(...parts.filter((part) => part !== null));
  }

  /** The same form element while the same run is shown, so typing survives refreshes. */
  function keptSignalForm(run: Execution): HTMLElement {
    if (form?.id !== run.id) form = { id: run.id, element: signalForm(run) };
    const name = form.element.querySelector<HTMLInputElement>("[data-testid=signal-name]")!;
    const waitingFor = /signal "([^"]+)"/.exec(run.waiting?.on ?? "")?.[1];
    if (waitingFor && !name.value && document.activeElement !== name) name.value = waitingFor;
    return form.element;
  }

  function signalForm(run: Execution): HTMLElement {
    const waitingFor = /signal "([^"]+)"/.exec(run.waiting?.on ?? "")?.[1] ?? "";
    const name = h("input", {
      "data-testid": "signal-name",
      placeholder: "signal name",
      value: waitingFor,
    });
    const payload = h("input", {
      "data-testid": "signal-payload",
      placeholder: "payload JSON",
      value: "{}",
    });
    const message = h("span", { class: "form-message" });
    const send = async (event: Event) => {
      event.preventDefault();
      try {
        const value = payload.value.trim() ? JSON.parse(payload.value) : null;
        await source.sendSignal(run.id, name.value.trim(), value);
        message.textContent = "sent";
      } catch (e) {
        message.textContent = (e as Error).message;
      }
    };
    return h(
      "form",
      { class: "signal-form", "data-testid": "signal-form", onsubmit: send },
      h("span", { class: "label" }, "Send a signal"),
      name,
      payload,
      h("button", { type: "submit", class: "primary small", "data-testid": "signal-send" }, "Send"),
      message,
    );
  }

  function select(id: string | null) {
    selected = id;
    void refreshSerially();
  }

  // One refresh at a time (the engine's single connection serves the engine first); changes
  // that arrive meanwhile cause exactly one more.
  let refreshing = false;
  let again = false;
  async function refreshSerially(): Promise<void> {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    try {
      do {
        again = false;
        await refresh();
      } while (again);
    } finally {
      refreshing = false;
    }
  }

  source.subscribe(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      void refreshSerially();
    });
  });
  void refreshSerially();
  return { select, refresh: refreshSerially };
}
