/**
 * Per-thread instances of the stateful local tools: unified exec sessions (with `apply_patch`
 * heredocs routed to the patch tool, as upstream intercepts them) and the patch tool.
 *
 * @module
 */

import type { Tool } from "../../tools/define.ts";
import { createExecTools } from "../../tools/exec/mod.ts";
import { createApplyPatchTool, runInterceptedApplyPatch } from "../../tools/apply_patch/tool.ts";

/** Stateful tools of one thread and how to stop them. */
export interface ThreadTools {
  execTools: { execCommand: Tool; writeStdin: Tool; shell: Tool; shellCommand: Tool };
  applyPatch: Tool;
  localTools: Record<string, Tool>;
  /** Kills every process group the thread's sessions started. */
  shutdown(): Promise<void>;
}

/** Local tools offered through `[tools] extra`, loaded only when named there. */
const LOCAL_TOOLS: Record<string, () => Promise<Tool>> = {
  read_file: async () => (await import("../../tools/read_file.ts")).createReadFileTool(),
  list_dir: async () => (await import("../../tools/list_dir.ts")).createListDirTool(),
  grep_files: async () => (await import("../../tools/grep_files.ts")).createGrepFilesTool(),
};

/** Creates the stateful tools of a new thread; `extra` names the optional local tools wanted. */
export async function createThreadTools(extra: string[] = []): Promise<ThreadTools> {
  const localTools: Record<string, Tool> = {};
  for (const name of extra) {
    const make = LOCAL_TOOLS[name];
    if (make) localTools[name] = await make();
  }
  const approvedPatchPaths = new Set<string>();
  const exec = createExecTools({
    intercept: (cmd, workdir, ctx) =>
      runInterceptedApplyPatch(cmd, ctx, workdir, approvedPatchPaths),
  });
  return {
    execTools: exec,
    applyPatch: createApplyPatchTool(approvedPatchPaths),
    localTools,
    shutdown: () => exec.manager.shutdown(),
  };
}
