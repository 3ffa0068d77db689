/**
 * The built-in tools as threads declare them: each one's recorded declaration
 * (`builtin_specs.json`, generated from the tools by `builtin_specs_gen.ts` and checked by a
 * test) paired with a loader of its implementation, so a thread's first request goes out before
 * any tool implementation or zod is loaded.
 *
 * @module
 */

import specs from "./builtin_specs.json" with { type: "json" };
import { lazyTool, type ToolDeclaration } from "./lazy.ts";
import type { Tool } from "./tool.ts";

const DECLARATIONS = specs.tools as unknown as Record<string, ToolDeclaration>;

/** The recorded declaration of the built-in tool `name`. */
export function builtinDeclaration(name: string): ToolDeclaration {
  const declaration = DECLARATIONS[name];
  if (!declaration) throw new Error(`no recorded declaration of a built-in tool named ${name}`);
  return declaration;
}

/** The built-in tool `name`, declared now and loaded by `load` on its first call. */
export function builtinTool(name: string, load: () => Promise<Tool>): Tool {
  return lazyTool(builtinDeclaration(name), load);
}

/** The request entry of `tool_search` (a `tool_search` declaration, not a function). */
export function toolSearchDeclaration(): Record<string, unknown> {
  return structuredClone(specs.tool_search) as Record<string, unknown>;
}
