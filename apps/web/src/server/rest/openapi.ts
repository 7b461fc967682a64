// The OpenAPI 3.1 document, generated from the procedures' routes (their `.meta({ rest })`) and
// their zod input and output schemas.
import { endpoints, type Endpoint } from "./endpoints";
import { documentedErrorCodes, REST_ERROR_CODES } from "./error-codes";
import { restBodySchema } from "./lists";
import { TAGS } from "./route";
import { inputSchemaOf, JSON_VALUE_REF, outputSchemaOf, type JsonSchema } from "./schemas";

const errorSchema = {
  type: "object",
  required: ["code", "message", "details"],
  properties: {
    code: {
      type: "string",
      enum: documentedErrorCodes(),
      description:
        "A stable error code. Besides the domain codes (VALIDATION_FAILED, NOT_FOUND, NO_VF_AVAILABLE, …): " +
        Object.entries(REST_ERROR_CODES)
          .map(([code, meaning]) => `\`${code}\` ${meaning}`)
          .join(" "),
    },
    message: { type: "string", description: "For people; may change." },
    details: {
      type: "object",
      additionalProperties: { $ref: JSON_VALUE_REF },
      description:
        "Context. Validation errors: `fieldErrors` (field path → messages) and `formErrors`. 500: `requestId`.",
    },
  },
};

/** Any JSON value: what a JSON column (an operation's input and result, audit details) holds. */
const jsonValueSchema = {
  anyOf: [
    { type: "string" },
    { type: "number" },
    { type: "boolean" },
    { type: "null" },
    { type: "array", items: { $ref: JSON_VALUE_REF } },
    { type: "object", additionalProperties: { $ref: JSON_VALUE_REF } },
  ],
};

/** A procedure's declared output; every procedure behind an endpoint declares one. */
function outputOf(procedure: string): JsonSchema {
  const schema = outputSchemaOf(procedure);
  if (!schema) throw new Error(`${procedure} declares no .output() schema`);
  return schema;
}

// Every refusal has the one error body ({code, message, details}).
const errorBody = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };

const errorResponses = {
  "400": {
    description: "Invalid input (`VALIDATION_FAILED` with field paths) or a rule refused it.",
    content: errorBody,
  },
  "401": { description: "No or invalid API key.", content: errorBody },
  "403": { description: "The caller's role or project does not allow it.", content: errorBody },
  "404": { description: "Not found, or not visible to the caller.", content: errorBody },
  "409": {
    description:
      "Conflicts with the current state (in use, busy, already exists, Idempotency-Key reused).",
    content: errorBody,
  },
  "429": {
    description: "Rate limited; see Retry-After.",
    headers: { "Retry-After": { schema: { type: "integer" } } },
    content: errorBody,
  },
  "500": {
    description: "Unexpected; `details.requestId` identifies the logged error.",
    content: errorBody,
  },
};

function operationId(procedure: string): string {
  return procedure
    .split(".")
    .map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join("");
}

function pathParams(path: string): string[] {
  return path
    .split("/")
    .filter((s) => s.startsWith(":"))
    .map((s) => s.slice(1));
}

function withoutKeys(schema: JsonSchema, keys: string[]): JsonSchema {
  const properties = { ...(schema.properties ?? {}) };
  for (const key of keys) delete properties[key];
  return {
    ...schema,
    properties,
    required: (schema.required ?? []).filter((r) => !keys.includes(r)),
  };
}

function responseFor(endpoint: Endpoint) {
  const output = restBodySchema(outputOf(endpoint.procedure));
  if (endpoint.longRunning) {
    // The handler answers the procedure's result with its operation as operations.get shows it.
    const body = {
      ...output,
      properties: {
        ...(output.properties ?? {}),
        operation: { $ref: "#/components/schemas/Operation" },
      },
    };
    return {
      "200": {
        description: "Finished within `?wait` (the operation Succeeded or Failed).",
        content: { "application/json": { schema: body } },
      },
      "202": {
        description:
          "Accepted: the operation runs in the background. Poll the Location, or pass `?wait=<seconds>`.",
        headers: {
          Location: { schema: { type: "string" }, description: "/api/v1/operations/{id}" },
        },
        content: { "application/json": { schema: body } },
      },
    };
  }
  return { "200": { description: "OK", content: { "application/json": { schema: output } } } };
}

export function openApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of endpoints) {
    const schema = inputSchemaOf(endpoint.procedure);
    const names = pathParams(endpoint.path);
    const properties = schema?.properties ?? {};
    const parameters: unknown[] = names.map((name) => ({
      name,
      in: "path",
      required: true,
      schema: properties[name] ?? { type: "string" },
    }));
    if (endpoint.inputFrom === "query" && schema) {
      for (const [name, property] of Object.entries(properties)) {
        if (names.includes(name)) continue;
        parameters.push({
          name,
          in: "query",
          required: (schema.required ?? []).includes(name) && property.default === undefined,
          schema: property,
          ...(typeof property.description === "string"
            ? { description: property.description }
            : {}),
        });
      }
    }
    if (endpoint.longRunning) {
      parameters.push({
        name: "wait",
        in: "query",
        required: false,
        description: "Seconds to wait for the operation to finish (0–120) before answering.",
        schema: { type: "integer", minimum: 0, maximum: 120 },
      });
    }
    if (endpoint.method === "POST") {
      parameters.push({
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description:
          "Repeats with the same key (per API key or user, 24 h) replay the first response instead of acting twice.",
        schema: { type: "string", maxLength: 255 },
      });
    }
    const operation: Record<string, unknown> = {
      operationId: operationId(endpoint.procedure),
      summary: endpoint.summary,
      tags: [endpoint.tag],
      "x-trpc-procedure": endpoint.procedure,
      ...(endpoint.description ? { description: endpoint.description } : {}),
      ...(parameters.length ? { parameters } : {}),
      responses: { ...responseFor(endpoint), ...errorResponses },
    };
    const body = endpoint.inputFrom === "body" && schema ? withoutKeys(schema, names) : null;
    // Endpoints that take only path parameters take no body (and refuse one).
    if (body && Object.keys(body.properties ?? {}).length > 0) {
      operation.requestBody = {
        required: (body.required ?? []).length > 0,
        content: { "application/json": { schema: body } },
      };
    }
    const openApiPath = endpoint.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    (paths[`/api/v1${openApiPath}`] ??= {})[endpoint.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "virtfn API",
      version: "1.0.0",
      description:
        "The virtfn control plane over HTTP: the same procedures, rules and checks as the console. " +
        "Authenticate with `Authorization: Bearer vfn_<prefix>_<secret>` (create a key on the console's API keys page). " +
        "Errors are `{ code, message, details }`. Lists take `cursor` and `limit` and answer `{ items, nextCursor, total }`. " +
        "Long-running calls answer 202 with the operation and a Location; add `?wait=<seconds>` to wait for it. " +
        "POSTs honour `Idempotency-Key`. Calls are rate limited per key (429 with Retry-After).",
    },
    servers: [{ url: serverUrl ?? "/" }],
    security: [{ bearerAuth: [] }],
    tags: [...TAGS],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "vfn_<prefix>_<secret>" },
      },
      schemas: {
        Error: errorSchema,
        Operation: outputOf("operations.get"),
        JsonValue: jsonValueSchema,
      },
    },
  };
}
