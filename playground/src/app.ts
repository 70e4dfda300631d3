/**
 * The playground page: editor with workflow tabs, inputs and mock tasks on the left; the
 * virtual clock and the inspector on the right; example picker, Run and Share on top.
 * Flows run in the engine's Web Worker through {@link InBrowserSource}.
 * @module
 */
import type { Diagnostic } from "../../interpreter/ast.ts";
import { checkFlow } from "./editor/checker.ts";
import { createFlowEditor } from "./editor/editor.ts";
import { EXAMPLES, type Project } from "./examples.ts";
import { encodeProject } from "./share.ts";
import type { BootInfo } from "./engine/protocol.ts";
import type { InBrowserSource } from "./source/browser.ts";
import type { Execution } from "./source/types.ts";
import { renderClock } from "./ui/clock-panel.ts";
import { h } from "./ui/dom.ts";
import { createInspector } from "./ui/inspector.ts";
import { renderMocks } from "./ui/mocks-panel.ts";
import { setStatus, type TestHooks } from "./ui/status.ts";

/** Deep copy of an example or a shared project, so edits never change the originals. */
function clone(project: Project): Project {
  return structuredClone({
    workflows: project.workflows,
    tasks: project.tasks,
    inputs: project.inputs,
  });
}

/**
 * Mounts the playground into `root` with `initial` loaded on `source` (whose engine is
 * `booting` already, started before this module loaded), and runs the project at once when
 * `options.autorun`.
 * @example
 * ```ts
 * const source = new InBrowserSource();
 * await startPlayground(document.querySelector("#app")!, EXAMPLES[0], source, source.boot(), {
 *   autorun: true,
 * });
 * ```
 */
/** How the playground starts (from the URL). */
export interface StartOptions {
  /** Run the loaded project at once (a shared link, or `?run=1`). */
  autorun?: boolean;
  /** Shown in the status line once booted (a damaged share link). */
  problem?: string;
}

export async function startPlayground(
  root: HTMLElement,
  initial: Project,
  source: InBrowserSource,
  booting: Promise<BootInfo>,
  { autorun = false, problem }: StartOptions = {},
): Promise<void> {
  const hooks = (globalThis as { rhythm?: TestHooks }).rhythm!;
  let project = clone(initial);
  let current = Object.keys(project.workflows)[0];
  let diagnostics: Diagnostic[] = [];
  let linted = false; // whether `diagnostics` holds the editor's verdict on the current flow
  let running: string | null = null;
  let readyText = "";
  let bootFailed = false;

  const tabs = h("div", { class: "tabs", "data-testid": "workflow-tabs" });
  const diagCount = h("span", { class: "diag-count", "data-testid": "diagnostics" });
  const editorHost = h("div", { id: "editor" });
  const inputs = h("textarea", {
    class: "inputs",
    spellcheck: "false",
    "data-testid": "inputs",
    "aria-label": "start inputs (JSON)",
  });
  const mocks = h("div", { "data-testid": "mocks" });
  const lowerBody = h("div", { class: "body" });
  const lowerTabs = h("div", { class: "tabs" });
  const clockBar = h("div", { class: "clock", "data-testid": "clock" });
  const inspectorHost = h("div", { class: "inspector" });

  const editor = createFlowEditor(editorHost, {
    doc: project.workflows[current],
    onChange: (doc) => (project.workflows[current] = doc),
    onDiagnostics: (found) => {
      diagnostics = found;
      linted = true;
      const errors = found.filter((d) => d.severity === "error");
      diagCount.textContent = errors.length
        ? `${errors.length} problem${errors.length > 1 ? "s" : ""}`
        : "✓ no problems";
      diagCount.classList.toggle("has-errors", errors.length > 0);
      diagCount.title = errors.map((d) => `line ${d.line}: ${d.message}`).join("\n");
    },
  });

  function drawTabs() {
    tabs.replaceChildren(
      ...Object.keys(project.workflows).map((name) =>
        h("button", {
          class: `tab${name === current ? " active" : ""}`,
          onclick: () => {
            current = name;
            editor.setDoc(project.workflows[name]);
            drawTabs();
          },
        }, `${name}.flow`)
      ),
    );
  }

  let lowerTab: "inputs" | "mocks" = "mocks";
  function drawLower() {
    lowerTabs.replaceChildren(
      ...(["mocks", "inputs"] as const).map((tab) =>
        h("button", {
          class: `tab${tab === lowerTab ? " active" : ""}`,
          "data-testid": `tab-${tab}`,
          onclick: () => {
            lowerTab = tab;
            drawLower();
          },
        }, tab === "mocks" ? "Mock tasks" : "Inputs")
      ),
    );
    lowerBody.replaceChildren(lowerTab === "mocks" ? mocks : inputs);
  }

  function load(next: Project) {
    project = clone(next);
    current = Object.keys(project.workflows)[0];
    editor.setDoc(project.workflows[current]);
    inputs.value = project.inputs;
    renderMocks(mocks, project.tasks);
    drawTabs();
  }

  const picker = h(
    "select",
    {
      "data-testid": "examples",
      "aria-label": "example flows",
      onchange: (e: Event) => {
        const example = EXAMPLES.find((x) => x.id === (e.target as HTMLSelectElement).value);
        if (example) load(example);
      },
    },
    ...EXAMPLES.map((x) => h("option", { value: x.id }, x.title)),
  );
  const runButton = h("button", {
    class: "primary",
    "data-testid": "run",
    disabled: true,
    onclick: () => void run(),
  }, "▶ Run");
  const shareLink = h("input", {
    class: "share-link",
    readonly: true,
    "data-testid": "share-link",
    placeholder: "share link appears here",
  });
  const shareButton = h("button", {
    class: "ghost",
    "data-testid": "share",
    onclick: () => void share(),
  }, "Share");
  document.getElementById("actions")!.replaceChildren(picker, runButton, shareButton, shareLink);

  root.replaceChildren(
    h(
      "div",
      { class: "left" },
      h(
        "section",
        { class: "panel" },
        h("div", { class: "panel-head" }, tabs, h("span", { class: "spacer" }), diagCount),
        editorHost,
      ),
      h("section", { class: "panel" }, h("div", { class: "panel-head" }, lowerTabs), lowerBody),
    ),
    h(
      "div",
      { class: "right" },
      h("section", { class: "panel" }, clockBar),
      h("section", { class: "panel", style: "flex:1" }, inspectorHost),
    ),
  );
  load(project);
  drawLower();

  async function share() {
    project.inputs = inputs.value;
    const url = new URL(location.href);
    url.hash = await encodeProject(project);
    history.replaceState(null, "", url);
    shareLink.value = url.href;
    shareLink.select();
    await navigator.clipboard?.writeText(url.href).catch(() => {});
  }

  async function run() {
    project.inputs = inputs.value;
    const broken = Object.entries(project.workflows).flatMap(([name, text]) =>
      (name === current && linted ? diagnostics : checkFlow(text)).filter((d) =>
        d.severity === "error"
      ).map((
        d,
      ) => `${name}.flow:${d.line}:${d.column} ${d.message}`)
    );
    if (broken.length) return setStatus("error", `Fix the flow first: ${broken[0]}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(inputs.value || "{}");
    } catch (e) {
      return setStatus("error", `Inputs are not valid JSON: ${(e as Error).message}`);
    }
    const workflow = Object.keys(project.workflows)[0];
    hooks.marks.runRequested ??= performance.now();
    try {
      running = await source.start({
        workflow,
        workflows: project.workflows,
        tasks: project.tasks,
        inputs: parsed,
      });
    } catch (e) {
      if (bootFailed) return; // the status line already says why
      return setStatus("error", `The run did not start: ${(e as Error).message}`);
    }
    setStatus("ready", readyText);
    hooks.runs.push(running);
    hooks.marks.started ??= performance.now();
    inspector.select(running);
  }

  function markEditor(execution: Execution | null) {
    if (!execution || execution.kind !== "workflow" || execution.name !== current) {
      return editor.mark(null);
    }
    const line = execution.status === "failed" ? execution.error?.line : execution.waiting?.line;
    editor.mark(line ? { line, kind: execution.status === "failed" ? "failed" : "waiting" } : null);
  }

  const inspector = createInspector(inspectorHost, source, {
    onSelect: (execution) => {
      markEditor(execution);
      if (execution && execution.id === running && execution.status === "completed") {
        hooks.completed(execution.id);
        if (execution.id === hooks.runs[0] && !hooks.firstRunEvents) {
          void source.listEvents(execution.id).then((events) => {
            hooks.firstRunEvents = events.map((e) => ({
              type: e.type,
              at: e.at - performance.timeOrigin,
            }));
          });
        }
      }
    },
    onLine: (line, execution) => {
      if (execution.name === current) editor.mark({ line, kind: "step" });
    },
  });
  const showClock = renderClock(clockBar, (action) => source.clock(action));
  source.onClock(showClock);

  setStatus("booting", "Booting Postgres (PGlite) in a Web Worker…");
  // An autorun is sent at once: the engine's worker queues it until it has booted, so the
  // registration starts the moment PGlite is up, with no round trip through the page.
  const autorunning = autorun ? run() : null;
  try {
    const info = await booting;
    const total = Object.values(info.timings).reduce((a, b) => a + b, 0);
    const from = info.origin === "shipped"
      ? " from the shipped database"
      : info.origin === "cached"
      ? " from the cached database"
      : "";
    readyText = `${info.description} · booted in ${Math.round(total)} ms${from}`;
    setStatus("ready", readyText);
    if (problem) setStatus("error", problem);
    hooks.bootInfo = info;
    for (const [name, at] of Object.entries(info.marks)) {
      hooks.marks[name] = at - performance.timeOrigin;
    }
    hooks.marks.booted = performance.now();
    runButton.disabled = false;
  } catch (e) {
    bootFailed = true;
    setStatus("error", `The engine failed to start: ${(e as Error).message}`);
  }
  await autorunning;
}
