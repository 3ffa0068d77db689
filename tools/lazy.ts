/**
 * Tools declared before their implementations load. A thread must send every tool's declaration
 * in its first request, but most tools are never called in a short run: a lazy tool carries its
 * declaration (name, description, parameters or grammar, parallel flag) and imports its
 * implementation on the first call. Start-up then loads neither the implementations nor the
 * schema library they validate arguments with.
 *
 * @example
 * ```ts
 * import { lazyTool } from "./lazy.ts";
 *
 * const tool = lazyTool(
 *   {
 *     kind: "function",
 *     name: "echo",
 *     description: "Echoes its text.",
 *     parameters: { type: "object", properties: {}, required: [], additionalProperties: false },
 *     parallel: true,
 *   },
 *   async () => (await import("./my_echo_tool.ts")).createEchoTool(),
 * );
 * ```
 *
 * @module
 */

import type { FreeformTool, FunctionTool, Tool, ToolContext, ToolResult } from "./tool.ts";

/** What a request needs of a tool before it runs: its declaration without the handler. */
export type ToolDeclaration =
  | Omit<FunctionTool, "run">
  | Omit<FreeformTool, "run">;

/** Runs `load` once; later calls share its promise (a failed load is tried again). */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((err) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

/**
 * A tool with `declaration`'s name, description, schema and parallel flag whose calls go to the
 * tool `load` resolves to (loaded on the first call, then reused). A load that fails, or resolves
 * to a tool of another name or kind, becomes a failed result the model can read.
 */
export function lazyTool(declaration: ToolDeclaration, load: () => Promise<Tool>): Tool {
  const loaded = once(load);
  const run = async (input: string, ctx: ToolContext): Promise<ToolResult> => {
    let tool: Tool;
    try {
      tool = await loaded();
    } catch (err) {
      return {
        output: `${declaration.name} could not be loaded: ${(err as Error).message}`,
        success: false,
      };
    }
    if (tool.kind !== declaration.kind || tool.name !== declaration.name) {
      return {
        output: `${declaration.name} could not be loaded: found ${tool.kind} tool ${tool.name}`,
        success: false,
      };
    }
    return await tool.run(input, ctx);
  };
  return { ...declaration, run } as Tool;
}
