/**
 * The implementations behind a thread's stateful tools (see `thread_tools.ts`): one exec
 * manager for `exec_command`, `write_stdin`, `shell` and `shell_command`, whose `apply_patch`
 * heredocs go to the patch tool, sharing the paths a person approved for the session.
 *
 * @module
 */

import type { Tool } from "../../tools/tool.ts";
import { createExecTools } from "../../tools/exec/mod.ts";
import { createApplyPatchTool, runInterceptedApplyPatch } from "../../tools/apply_patch/tool.ts";

/** The loaded tools by name, and how to stop their processes. */
export interface LoadedThreadTools {
  tools: {
    exec_command: Tool;
    write_stdin: Tool;
    shell: Tool;
    shell_command: Tool;
    apply_patch: Tool;
  };
  /** Kills every process group the thread's sessions started. */
  shutdown(): Promise<void>;
}

/** Creates one thread's command and patch tools. */
export function loadThreadTools(): LoadedThreadTools {
  const approvedPatchPaths = new Set<string>();
  const exec = createExecTools({
    intercept: (cmd, workdir, ctx) =>
      runInterceptedApplyPatch(cmd, ctx, workdir, approvedPatchPaths),
  });
  return {
    tools: {
      exec_command: exec.execCommand,
      write_stdin: exec.writeStdin,
      shell: exec.shell,
      shell_command: exec.shellCommand,
      apply_patch: createApplyPatchTool(approvedPatchPaths),
    },
    shutdown: () => exec.manager.shutdown(),
  };
}
