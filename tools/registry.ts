/**
 * A registry of tools: what the model sees (in registration order) and how calls are dispatched.
 * The registry imports no tool; tool sets are assembled where threads are made.
 *
 * @module
 */

import type { ToolCallItem } from "../lib/protocol/items.ts";
import { type Tool, type ToolContext, type ToolResult, toolSpec } from "./tool.ts";

/** Maps tool names to tools. Registering a name again replaces the earlier tool in place. */
export class ToolRegistry {
  #tools = new Map<string, Tool>();

  constructor(tools: Iterable<Tool> = []) {
    for (const t of tools) this.register(t);
  }

  /** Adds or replaces a tool. */
  register(tool: Tool): this {
    this.#tools.set(tool.name, tool);
    return this;
  }

  /** Removes a tool by name. */
  unregister(name: string): boolean {
    return this.#tools.delete(name);
  }

  /** The tool called `name`, if any. */
  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }

  /** True when `name` is registered. */
  has(name: string): boolean {
    return this.#tools.has(name);
  }

  /** Tool names in registration order. */
  names(): string[] {
    return [...this.#tools.keys()];
  }

  /** All tools in registration order. */
  list(): Tool[] {
    return [...this.#tools.values()];
  }

  /** The request's `tools` array. */
  specs(): Record<string, unknown>[] {
    return this.list().map(toolSpec);
  }

  /** True when a call of `name` may run alongside other parallel calls. */
  isParallel(name: string): boolean {
    return this.#tools.get(name)?.parallel ?? false;
  }

  /**
   * Runs one call. Unknown tools, wrong call kinds and handler failures come back as results
   * with `success: false` and a message for the model; this never throws.
   */
  async dispatch(call: ToolCallItem, ctx: ToolContext): Promise<ToolResult> {
    const tool = this.#tools.get(call.name);
    if (!tool) return { output: `unsupported call: ${call.name}`, success: false };
    if (tool.kind === "hosted") {
      return { output: `${call.name} is run by the model provider, not locally`, success: false };
    }
    if (tool.kind === "function") {
      // A freeform-style call of a function tool passes its input as the `input` argument.
      const raw = call.type === "function_call" ? call.arguments : JSON.stringify({
        input: call.input,
      });
      return await tool.run(raw, ctx);
    }
    if (call.type === "custom_tool_call") return await tool.run(call.input, ctx);
    // A function-style call of a freeform tool: accept `{"input": "..."}` (or a bare string).
    let input: unknown;
    try {
      input = JSON.parse(call.arguments);
    } catch {
      input = call.arguments;
    }
    if (
      input && typeof input === "object" && typeof (input as { input?: unknown }).input === "string"
    ) {
      return await tool.run((input as { input: string }).input, ctx);
    }
    if (typeof input === "string") return await tool.run(input, ctx);
    return {
      output: `${call.name} expects its input as a string (or {"input": "..."})`,
      success: false,
    };
  }
}
