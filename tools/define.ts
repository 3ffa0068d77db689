/**
 * The tool framework: a tool is a name, our own description, an argument schema (zod) or a
 * freeform grammar, a parallel flag and a handler. Tools never throw at the agent: bad arguments
 * and failures become outputs the model can read. The schema-free parts (tool kinds, context,
 * results) live in `tool.ts` and are re-exported here.
 *
 * @example A custom tool
 * ```ts
 * import { z } from "npm:zod@^4.6.7";
 * import { defineTool } from "./define.ts";
 *
 * const roll = defineTool({
 *   name: "roll_die",
 *   description: "Rolls a die with the given number of sides.",
 *   parameters: z.strictObject({ sides: z.number() }),
 *   parallel: true,
 *   handler: ({ sides }) => String(1 + Math.floor(Math.random() * sides)),
 * });
 * ```
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import { type FunctionTool, guard, type ToolContext, type ToolReturn } from "./tool.ts";

export * from "./tool.ts";

/**
 * The JSON schema of `schema` as upstream shapes it: draft-free, properties sorted by name,
 * `required` in declaration order (always present), `additionalProperties: false`, no
 * integer bounds, no descriptions unless given with `.describe()`.
 */
export function toolJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const raw = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  delete raw.$schema;
  return tidy(raw) as Record<string, unknown>;
}

function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (node === null || typeof node !== "object") return node;
  const obj = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (obj.type === "integer") {
    // zod adds safe-integer bounds; upstream shapes have none.
    if (obj.minimum === Number.MIN_SAFE_INTEGER) delete obj.minimum;
    if (obj.maximum === Number.MAX_SAFE_INTEGER) delete obj.maximum;
  }
  for (const [k, v] of Object.entries(obj)) {
    if (k === "properties" && v && typeof v === "object") {
      const props = v as Record<string, unknown>;
      const sorted: Record<string, unknown> = {};
      for (const name of Object.keys(props).sort()) sorted[name] = tidy(props[name]);
      out.properties = sorted;
    } else {
      out[k] = tidy(v);
    }
  }
  if (out.type === "object" && out.properties) {
    if (!out.required) out.required = [];
    const { type, properties, required, additionalProperties, ...rest } = out;
    return {
      type,
      properties,
      required,
      additionalProperties: additionalProperties ?? false,
      ...rest,
    };
  }
  return out;
}

/** Options of {@linkcode defineTool}. */
export interface FunctionToolOptions<S extends z.ZodType> {
  name: string;
  description: string;
  /** A zod schema of the arguments; use `z.strictObject` for objects. */
  parameters: S;
  parallel?: boolean;
  handler(args: z.output<S>, ctx: ToolContext): ToolReturn | Promise<ToolReturn>;
}

/** Formats zod issues as one line the model can act on. */
export function describeIssues(toolName: string, error: z.ZodError): string {
  const parts = error.issues.map((i) => {
    const path = i.path.length ? i.path.join(".") : "arguments";
    return `${path}: ${i.message}`;
  });
  return `failed to parse function arguments for ${toolName}: ${parts.join("; ")}`;
}

/** Defines a function tool whose arguments are validated with `parameters`. */
export function defineTool<S extends z.ZodType>(opts: FunctionToolOptions<S>): FunctionTool {
  return {
    kind: "function",
    name: opts.name,
    description: opts.description,
    parameters: toolJsonSchema(opts.parameters),
    parallel: opts.parallel ?? false,
    run(raw, ctx) {
      let json: unknown;
      try {
        json = raw.trim() === "" ? {} : JSON.parse(raw);
      } catch (err) {
        return Promise.resolve({
          output: `failed to parse function arguments for ${opts.name}: ${(err as Error).message}`,
          success: false,
        });
      }
      const parsed = opts.parameters.safeParse(json);
      if (!parsed.success) {
        return Promise.resolve({
          output: describeIssues(opts.name, parsed.error),
          success: false,
        });
      }
      return guard(() => opts.handler(parsed.data, ctx));
    },
  };
}
