/**
 * The default tool set of a thread, assembled here (not in the registry) so tools stay
 * independent of threads. Which tools the model sees follows the model's tool family and the
 * config, in upstream's order for the classic (gpt-5.5) family:
 * `exec_command`, `write_stdin`, [`update_plan`], `request_user_input`, `apply_patch`,
 * `view_image`, `get_goal`, `create_goal`, `update_goal`, `web_search`; then any extra local
 * tools from `[tools] extra`.
 *
 * @module
 */

import type { Tool } from "../../tools/define.ts";
import { ToolRegistry } from "../../tools/registry.ts";
import { createUpdatePlanTool } from "../../tools/update_plan.ts";
import { createRequestUserInputTool } from "../../tools/request_user_input.ts";
import { createRequestPermissionsTool } from "../../tools/request_permissions.ts";
import { createViewImageTool } from "../../tools/view_image.ts";
import { createWebSearchTool } from "../../tools/web_search.ts";
import { createGoalTools } from "../../tools/goals.ts";
import type { ModelInfo } from "../model/catalog.ts";

/** What shapes the tool set. */
export interface ToolsetOptions {
  model: ModelInfo;
  /** `[tools.update_plan] enabled`. */
  updatePlan: boolean;
  /** Declare `web_search` (provider-run). */
  webSearch: boolean;
  /** Extra local tools by name (`read_file`, `list_dir`, `grep_files`, `shell`...). */
  extra?: string[];
  /** Exec and patch tools (created per thread so each has its own sessions). */
  execTools?: { execCommand: Tool; writeStdin: Tool; shell?: Tool; shellCommand?: Tool };
  applyPatch?: Tool;
  /** Local tools available for `extra`, by name. */
  localTools?: Record<string, Tool>;
}

/** Builds the registry for a thread. */
export function buildToolset(opts: ToolsetOptions): ToolRegistry {
  const reg = new ToolRegistry();
  if (opts.execTools) {
    reg.register(opts.execTools.execCommand).register(opts.execTools.writeStdin);
  }
  if (opts.updatePlan) reg.register(createUpdatePlanTool());
  reg.register(createRequestUserInputTool());
  if (opts.applyPatch) reg.register(opts.applyPatch);
  reg.register(createViewImageTool());
  for (const t of createGoalTools()) reg.register(t);
  if (opts.webSearch) reg.register(createWebSearchTool());
  const local: Record<string, Tool> = {
    request_permissions: createRequestPermissionsTool(),
    ...(opts.execTools?.shell ? { shell: opts.execTools.shell } : {}),
    ...(opts.execTools?.shellCommand ? { shell_command: opts.execTools.shellCommand } : {}),
    ...opts.localTools,
  };
  for (const name of opts.extra ?? []) {
    const tool = local[name];
    if (tool && !reg.has(name)) reg.register(tool);
  }
  return reg;
}
