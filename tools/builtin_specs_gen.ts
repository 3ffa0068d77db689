/**
 * Generates `builtin_specs.json`, the recorded declarations of the built-in tools, from the tools
 * themselves (their zod schemas and descriptions). Threads declare built-in tools from the
 * recording so that start-up loads neither the tools nor zod; `tests/builtin_specs_test.ts`
 * fails when the recording and the tools disagree.
 *
 * Run after changing a tool's name, description, schema or parallel flag:
 * `deno task gen`.
 *
 * @module
 */

import type { Tool } from "./tool.ts";
import type { ToolDeclaration } from "./lazy.ts";
import { createExecTools } from "./exec/mod.ts";
import { createApplyPatchTool } from "./apply_patch/tool.ts";
import { createUpdatePlanTool } from "./update_plan.ts";
import { createRequestUserInputTool } from "./request_user_input.ts";
import { createRequestPermissionsTool } from "./request_permissions.ts";
import { createViewImageTool } from "./view_image.ts";
import { createGoalTools } from "./goals.ts";
import { createAgentTools } from "./agents/mod.ts";
import { createToolSearchTool, toolSearchSpec } from "./tool_search.ts";
import { createReadFileTool } from "./read_file.ts";
import { createListDirTool } from "./list_dir.ts";
import { createGrepFilesTool } from "./grep_files.ts";

/** The content of `builtin_specs.json`. */
export interface BuiltinSpecs {
  /** Declarations by tool name. */
  tools: Record<string, ToolDeclaration>;
  /** The `tool_search` entry of a request's `tools` (not a function declaration). */
  tool_search: Record<string, unknown>;
}

function declarationOf(tool: Tool): ToolDeclaration {
  switch (tool.kind) {
    case "function":
      return {
        kind: "function",
        name: tool.name,
        description: tool.description,
        parameters: tool.parameters,
        parallel: tool.parallel,
      };
    case "custom":
      return {
        kind: "custom",
        name: tool.name,
        description: tool.description,
        format: tool.format,
        parallel: tool.parallel,
      };
    case "hosted":
      throw new Error(`${tool.name} is hosted: it is declared by its own spec`);
  }
}

/** Builds the recording from the tools as they are now. */
export async function generateBuiltinSpecs(): Promise<BuiltinSpecs> {
  const exec = createExecTools();
  const tools: Tool[] = [
    exec.execCommand,
    exec.writeStdin,
    exec.shell,
    exec.shellCommand,
    createUpdatePlanTool(),
    createRequestUserInputTool(),
    createRequestPermissionsTool(),
    createApplyPatchTool(),
    createViewImageTool(),
    ...createGoalTools(),
    ...createAgentTools(),
    createToolSearchTool(() => []),
    createReadFileTool(),
    createListDirTool(),
    createGrepFilesTool(),
  ];
  await exec.manager.shutdown();
  const out: BuiltinSpecs = { tools: {}, tool_search: toolSearchSpec() };
  for (const tool of tools) out.tools[tool.name] = declarationOf(tool);
  return out;
}

/** The file's text: two-space JSON, as `deno fmt` leaves it. */
export function builtinSpecsText(specs: BuiltinSpecs): string {
  return JSON.stringify(specs, null, 2) + "\n";
}

if (import.meta.main) {
  const file = new URL("./builtin_specs.json", import.meta.url);
  await Deno.writeTextFile(file, builtinSpecsText(await generateBuiltinSpecs()));
  console.log(`wrote ${file.pathname}`);
}
