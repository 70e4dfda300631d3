/**
 * Metrics in the Prometheus text exposition format (version 0.0.4), written by hand:
 *
 * - `rhythm_executions{queue,kind,status}` — a gauge read from the database at scrape time;
 * - `rhythm_claim_latency_seconds{queue}` — from ready (`run_at`) to claimed;
 * - `rhythm_task_duration_seconds{task,outcome}` — one observation per task attempt;
 * - `rhythm_workflow_step_duration_seconds{workflow,outcome}` — one per workflow step.
 *
 * The histograms are observed in THIS process (through `addEngineObserver` in `tracing.ts`):
 * a server that runs no worker and no inline steps exposes them empty; scrape every process
 * that does work, as usual with Prometheus.
 *
 * @module
 */
import { addEngineObserver } from "../tracing.ts";
import type { StatusCount } from "../queries/http-stats.ts";

/** Upper bounds (seconds) of the latency buckets (claims, steps). */
export const LATENCY_BUCKETS = [
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];
/** Upper bounds (seconds) of the task duration buckets. */
export const DURATION_BUCKETS = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
  300,
];

type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  counts: number[];
  sum: number;
  count: number;
}

/** A histogram with labels: cumulative bucket counts, sum and count per label set. */
export interface Histogram {
  readonly name: string;
  readonly help: string;
  readonly buckets: readonly number[];
  /** Records one value (in seconds) for the label set. */
  observe(labels: Labels, seconds: number): void;
  /** The lines of its exposition. */
  render(): string[];
}

/**
 * Creates a histogram.
 *
 * @example
 * ```ts
 * const h = createHistogram("job_seconds", "Job time.", [0.1, 1]);
 * h.observe({ job: "a" }, 0.5);
 * h.render(); // ["# HELP job_seconds Job time.", "# TYPE job_seconds histogram", …]
 * ```
 */
export function createHistogram(name: string, help: string, buckets: readonly number[]): Histogram {
  const series = new Map<string, Series>();
  return {
    name,
    help,
    buckets,
    observe(labels, seconds) {
      const key = JSON.stringify(Object.entries(labels).sort());
      let s = series.get(key);
      if (!s) series.set(key, s = { labels, counts: buckets.map(() => 0), sum: 0, count: 0 });
      buckets.forEach((bound, i) => {
        if (seconds <= bound) s.counts[i]++;
      });
      s.sum += seconds;
      s.count++;
    },
    render() {
      const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
      for (const s of series.values()) {
        buckets.forEach((bound, i) => {
          lines.push(
            `${name}_bucket${labelText({ ...s.labels, le: String(bound) })} ${s.counts[i]}`,
          );
        });
        lines.push(`${name}_bucket${labelText({ ...s.labels, le: "+Inf" })} ${s.count}`);
        lines.push(`${name}_sum${labelText(s.labels)} ${s.sum}`);
        lines.push(`${name}_count${labelText(s.labels)} ${s.count}`);
      }
      return lines;
    },
  };
}

/**
 * `{a="1",b="x\"y"}` with Prometheus escaping (backslash, quote, newline); `""` for no labels.
 *
 * @example
 * ```ts
 * labelText({ queue: 'a"b' }); // '{queue="a\\"b"}'
 * ```
 */
export function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
  return `{${entries.map(([k, v]) => `${k}="${escape(v)}"`).join(",")}}`;
}

/** The engine's histograms, fed by an engine observer. */
export interface MetricsRegistry {
  readonly claimLatency: Histogram;
  readonly taskDuration: Histogram;
  readonly stepDuration: Histogram;
  /** Stops observing the engine. */
  close(): void;
}

/**
 * Creates the histograms and subscribes them to the engine's observations in this process.
 *
 * @example
 * ```ts
 * const metrics = createMetricsRegistry();
 * // … later
 * metrics.close();
 * ```
 */
export function createMetricsRegistry(): MetricsRegistry {
  const claimLatency = createHistogram(
    "rhythm_claim_latency_seconds",
    "Time from an execution becoming ready to a worker claiming it.",
    LATENCY_BUCKETS,
  );
  const taskDuration = createHistogram(
    "rhythm_task_duration_seconds",
    "Duration of task attempts.",
    DURATION_BUCKETS,
  );
  const stepDuration = createHistogram(
    "rhythm_workflow_step_duration_seconds",
    "Duration of workflow steps (advance the program and commit).",
    LATENCY_BUCKETS,
  );
  const outcome = (ok: boolean) => (ok ? "ok" : "error");
  const close = addEngineObserver({
    claim: (e) => claimLatency.observe({ queue: e.queue }, e.latencyMs / 1000),
    taskAttempt: (e) => taskDuration.observe({ task: e.name, outcome: outcome(e.ok) }, e.ms / 1000),
    workflowStep: (e) =>
      stepDuration.observe({ workflow: e.workflow, outcome: outcome(e.ok) }, e.ms / 1000),
  });
  return { claimLatency, taskDuration, stepDuration, close };
}

let shared: MetricsRegistry | null = null;

/**
 * The process-wide registry (created on first use), shared by every app of the process.
 *
 * @example
 * ```ts
 * createHttpApp({ db, metrics: processMetrics() });
 * ```
 */
export function processMetrics(): MetricsRegistry {
  shared ??= createMetricsRegistry();
  return shared;
}

/**
 * The whole exposition: the execution counts, then the histograms.
 *
 * @example
 * ```ts
 * const text = renderMetrics(await countExecutions(db), processMetrics());
 * ```
 */
export function renderMetrics(counts: readonly StatusCount[], registry: MetricsRegistry): string {
  const lines = [
    "# HELP rhythm_executions Executions by queue, kind and status.",
    "# TYPE rhythm_executions gauge",
    ...counts.map((r) =>
      `rhythm_executions${labelText({ queue: r.queue, kind: r.kind, status: r.status })} ${r.count}`
    ),
    ...registry.claimLatency.render(),
    ...registry.taskDuration.render(),
    ...registry.stepDuration.render(),
  ];
  return lines.join("\n") + "\n";
}
