/**
 * Per-thread instances of the stateful local tools: unified exec sessions (with `apply_patch`
 * heredocs routed to the patch tool, as upstream intercepts them) and the patch tool.
 *
 * @module
 */

import type { Tool } from "../../tools/define.ts";
import { createExecTools } from "../../tools/exec/mod.ts";
import { createApplyPatchTool, runInterceptedApplyPatch } from "../../tools/apply_patch/tool.ts";
import { createReadFileTool } from "../../tools/read_file.ts";
import { createListDirTool } from "../../tools/list_dir.ts";
import { createGrepFilesTool } from "../../tools/grep_files.ts";

/** Stateful tools of one thread and how to stop them. */
export interface ThreadTools {
  execTools: { execCommand: Tool; writeStdin: Tool; shell: Tool; shellCommand: Tool };
  applyPatch: Tool;
  localTools: Record<string, Tool>;
  /** Kills every process group the thread's sessions started. */
  shutdown(): Promise<void>;
}

/** Creates the stateful tools of a new thread. */
export function createThreadTools(): ThreadTools {
  const approvedPatchPaths = new Set<string>();
  const exec = createExecTools({
    intercept: (cmd, workdir, ctx) =>
      runInterceptedApplyPatch(cmd, ctx, workdir, approvedPatchPaths),
  });
  return {
    execTools: exec,
    applyPatch: createApplyPatchTool(approvedPatchPaths),
    // Offered when named in `[tools] extra`.
    localTools: {
      read_file: createReadFileTool(),
      list_dir: createListDirTool(),
      grep_files: createGrepFilesTool(),
    },
    shutdown: () => exec.manager.shutdown(),
  };
}
