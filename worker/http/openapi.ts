/**
 * The OpenAPI 3.1 document of the HTTP API, served at `/v1/openapi.json`. A test checks that its
 * paths are exactly the app's routes and that sample responses match the schemas declared here,
 * so change both together.
 *
 * @module
 */

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: Schema = {}): Schema => ({ type: [type, "null"], ...extra });
const json = (schema: Schema) => ({ "application/json": { schema } });
const STATUSES = ["pending", "running", "suspended", "completed", "failed", "cancelled"];

function object(properties: Record<string, Schema>, optional: string[] = []): Schema {
  const required = Object.keys(properties).filter((key) => !optional.includes(key));
  return { type: "object", properties, required };
}

const schemas: Record<string, Schema> = {
  Error: object({
    error: object({
      code: { type: "string" },
      message: { type: "string" },
      details: { type: "object" },
    }),
  }),
  StartRequest: {
    ...object({
      inputs: {},
      idempotencyKey: { type: "string", minLength: 1, maxLength: 256 },
      queue: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$" },
      priority: { type: "integer", minimum: -2147483648, maximum: 2147483647 },
    }, ["inputs", "idempotencyKey", "queue", "priority"]),
    additionalProperties: false,
  },
  Started: object({
    id: { type: "string", format: "uuid" },
    status: { type: "string", enum: STATUSES },
    created: { type: "boolean" },
  }),
  Execution: object({
    id: { type: "string", format: "uuid" },
    kind: { type: "string", enum: ["task", "workflow"] },
    name: { type: "string" },
    queue: { type: "string" },
    status: { type: "string", enum: STATUSES },
    inputs: {},
    output: {},
    error: nullable("object", {
      description: "name, message, retryable; line (.flow) for workflow failures",
    }),
    parentId: nullable("string"),
    priority: { type: "integer" },
    attempts: { type: "integer" },
    maxAttempts: { type: "integer" },
    timeoutMs: nullable("integer"),
    idempotencyKey: nullable("string"),
    runAt: nullable("string", {
      format: "date-time",
      description: "when it is due; null while a workflow waits with no deadline",
    }),
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" },
    startedAt: nullable("string", { format: "date-time" }),
    finishedAt: nullable("string", { format: "date-time" }),
  }),
  ExecutionDetail: {
    allOf: [
      ref("Execution"),
      object({
        version: nullable("string"),
        children: {
          type: "array",
          items: object({
            id: { type: "string" },
            kind: { type: "string" },
            name: { type: "string" },
            status: { type: "string" },
          }),
        },
      }),
    ],
  },
  ExecutionPage: object({
    executions: { type: "array", items: ref("Execution") },
    nextCursor: nullable("string"),
  }),
  Event: object({
    id: { type: "integer" },
    executionId: { type: "string" },
    type: { type: "string" },
    at: { type: "string", format: "date-time" },
    attempt: nullable("integer"),
    workerId: nullable("string"),
    data: {},
  }),
  Events: object({ events: { type: "array", items: ref("Event") } }),
  SignalRequest: { ...object({ payload: {} }, ["payload"]), additionalProperties: false },
  SignalAccepted: object({
    id: { type: "string" },
    signal: { type: "string" },
    accepted: { type: "boolean" },
  }),
  CancelRequest: {
    ...object({ reason: { type: "string", maxLength: 1000 } }, ["reason"]),
    additionalProperties: false,
  },
  Cancelled: object({
    id: { type: "string" },
    status: { type: "string", enum: STATUSES },
    cancelled: { type: "array", items: { type: "string" } },
  }),
  WorkflowList: object({
    workflows: {
      type: "array",
      items: object({
        name: { type: "string" },
        currentVersion: { type: "string" },
        versions: { type: "integer" },
        updatedAt: { type: "string", format: "date-time" },
      }),
    },
  }),
  Workflow: object({
    name: { type: "string" },
    currentVersion: nullable("string"),
    versions: {
      type: "array",
      items: object({
        version: { type: "string" },
        source: { type: "string" },
        createdAt: { type: "string", format: "date-time" },
      }),
    },
  }),
  RegisterRequest: {
    ...object({ name: { type: "string" }, source: { type: "string" } }),
    additionalProperties: false,
  },
  Registered: object({
    name: { type: "string" },
    version: { type: "string" },
    change: { type: "string", enum: ["created", "updated", "unchanged"] },
  }),
  Health: object({
    status: { type: "string", enum: ["ok", "unavailable"] },
    database: { type: "string", enum: ["reachable", "unreachable"] },
    migrations: object({
      applied: nullable("integer"),
      latest: { type: "integer" },
      current: { type: "boolean" },
    }),
  }),
};

const errorResponse = (description: string) => ({ description, content: json(ref("Error")) });

const ERRORS: Record<string, string> = {
  "400": "Malformed JSON or an invalid field (details.field names it)",
  "401": "Missing or malformed bearer token (when tokens are configured)",
  "403": "Bearer token not valid",
  "404": "Unknown execution or workflow",
  "409": "The execution is finished or not a workflow",
  "413": "Body or payload over the size limit",
  "422": "The workflow source has errors (details.diagnostics)",
  "501": "Not available in this build",
};

function responses(ok: Record<string, [string, Schema | null]>, errors: string[]) {
  const out: Record<string, unknown> = {};
  for (const [status, [description, schema]] of Object.entries(ok)) {
    out[status] = schema ? { description, content: json(schema) } : { description };
  }
  for (const status of ["400", "401", "403", ...errors]) {
    out[status] = errorResponse(ERRORS[status]);
  }
  return out;
}

const idParam = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string", format: "uuid" },
};
const nameParam = { name: "name", in: "path", required: true, schema: { type: "string" } };
const body = (schema: Schema, required = true) => ({ required, content: json(schema) });
const queryParam = (name: string, schema: Schema) => ({ name, in: "query", schema });

const startOperation = (kind: string) => ({
  summary: `Start a ${kind}`,
  parameters: [nameParam],
  requestBody: body(ref("StartRequest"), false),
  responses: responses(
    {
      "201": ["Started", ref("Started")],
      "200": ["The idempotency key was used before: the existing execution", ref("Started")],
    },
    kind === "workflow" ? ["404", "413", "501"] : ["413"],
  ),
});

const paths = {
  "/v1/workflows/{name}/runs": { post: startOperation("workflow") },
  "/v1/tasks/{name}/runs": { post: startOperation("task") },
  "/v1/executions": {
    get: {
      summary: "List executions, newest first",
      parameters: [
        queryParam("status", { type: "string", enum: STATUSES }),
        queryParam("name", { type: "string" }),
        queryParam("queue", { type: "string" }),
        queryParam("kind", { type: "string", enum: ["task", "workflow"] }),
        queryParam("limit", { type: "integer", minimum: 1, maximum: 500, default: 50 }),
        queryParam("cursor", { type: "string", description: "nextCursor of the previous page" }),
      ],
      responses: responses({ "200": ["A page", ref("ExecutionPage")] }, []),
    },
  },
  "/v1/executions/{id}": {
    get: {
      summary: "One execution with its version and children",
      parameters: [idParam],
      responses: responses({ "200": ["The execution", ref("ExecutionDetail")] }, ["404"]),
    },
  },
  "/v1/executions/{id}/events": {
    get: {
      summary: "The history; a live stream with Accept: text/event-stream",
      parameters: [idParam],
      responses: {
        ...responses({ "200": ["The events", ref("Events")] }, ["404"]),
        "200": {
          description: "The events (JSON), or a server-sent event stream ending with `event: end`",
          content: { ...json(ref("Events")), "text/event-stream": { schema: { type: "string" } } },
        },
      },
    },
  },
  "/v1/executions/{id}/signals/{name}": {
    post: {
      summary: "Send a signal to a workflow execution",
      parameters: [idParam, nameParam],
      requestBody: body(ref("SignalRequest"), false),
      responses: responses(
        { "202": ["Stored; delivered FIFO to the workflow", ref("SignalAccepted")] },
        ["404", "409", "413", "501"],
      ),
    },
  },
  "/v1/executions/{id}/cancel": {
    post: {
      summary: "Cancel an execution and its unfinished children",
      parameters: [idParam],
      requestBody: body(ref("CancelRequest"), false),
      responses: responses({ "200": ["Cancelled (or already finished)", ref("Cancelled")] }, [
        "404",
      ]),
    },
  },
  "/v1/workflows": {
    get: {
      summary: "List workflow definitions",
      responses: responses({ "200": ["The workflows", ref("WorkflowList")] }, []),
    },
    post: {
      summary: "Register a workflow source",
      requestBody: body(ref("RegisterRequest")),
      responses: responses(
        {
          "201": ["A new version", ref("Registered")],
          "200": ["Unchanged: this version existed", ref("Registered")],
        },
        ["413", "422", "501"],
      ),
    },
  },
  "/v1/workflows/{name}": {
    get: {
      summary: "A workflow's versions and sources, newest first",
      parameters: [nameParam],
      responses: responses({ "200": ["The workflow", ref("Workflow")] }, ["404"]),
    },
  },
  "/health": {
    get: {
      summary: "Database reachable and migrations current (no auth)",
      security: [],
      responses: {
        "200": { description: "Healthy", content: json(ref("Health")) },
        "503": { description: "Unhealthy", content: json(ref("Health")) },
      },
    },
  },
  "/metrics": {
    get: {
      summary: "Prometheus metrics",
      responses: {
        ...responses({ "200": ["Prometheus text format 0.0.4", null] }, []),
        "200": {
          description: "Prometheus text format 0.0.4",
          content: { "text/plain": { schema: { type: "string" } } },
        },
      },
    },
  },
  "/v1/openapi.json": {
    get: {
      summary: "This document",
      responses: responses({ "200": ["OpenAPI 3.1", { type: "object" }] }, []),
    },
  },
};

/**
 * The OpenAPI document (a fresh object each call).
 *
 * @example
 * ```ts
 * Object.keys(openApiDocument().paths); // ["/v1/workflows/{name}/runs", …]
 * ```
 */
export function openApiDocument(): Record<string, unknown> {
  return structuredClone({
    openapi: "3.1.0",
    info: {
      title: "Rhythm",
      version: "1",
      description: "Durable workflows: start runs, send signals, watch executions.",
    },
    components: {
      schemas,
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    },
    security: [{ bearer: [] }],
    paths,
  });
}
