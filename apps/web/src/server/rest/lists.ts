// One list shape on the REST API: `{ items, nextCursor, total, totalExact }`. Paged procedures
// answer it already; procedures that return a whole (small) collection as an array — zones,
// clusters, offerings, images, a project's EIPs… — are wrapped here as a single last page, so a
// client reads every list the same way.
import type { JsonSchema } from "./schemas";

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
  totalExact: boolean;
}

/** The REST answer for a procedure's result: arrays become one complete page. */
export function asRestBody(result: unknown): unknown {
  if (!Array.isArray(result)) return result;
  const page: Page<unknown> = {
    items: result,
    nextCursor: null,
    total: result.length,
    totalExact: true,
  };
  return page;
}

/** The OpenAPI schema of what asRestBody answers for a procedure with this output schema. */
export function restBodySchema(output: JsonSchema): JsonSchema {
  if (output.type !== "array") return output;
  return {
    type: "object",
    required: ["items", "nextCursor", "total", "totalExact"],
    additionalProperties: false,
    properties: {
      items: output,
      nextCursor: {
        type: ["string", "null"],
        description: "Pass as `cursor` for the next page; null on the last page.",
      },
      total: {
        type: "integer",
        description:
          "How many items match; lists that grow with the fleet stop counting at 1000 (then `totalExact` is false and `total` is a lower bound).",
      },
      totalExact: { type: "boolean", description: "Whether `total` is the exact count." },
    },
  };
}
