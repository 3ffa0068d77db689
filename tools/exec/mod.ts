/**
 * The command tools: `exec_command` and `write_stdin` (unified exec sessions), `shell` (argv)
 * and `shell_command` (string), all sharing one {@linkcode UnifiedExecManager}.
 *
 * @example
 * ```ts
 * import { createExecTools } from "./mod.ts";
 *
 * const { execCommand, writeStdin, manager } = createExecTools({});
 * // register execCommand and writeStdin; on thread shutdown:
 * await manager.shutdown();
 * ```
 *
 * @module
 */

import type { FunctionTool } from "../define.ts";
import { createExecCommandTool, type ExecIntercept } from "./exec_command.ts";
import { UnifiedExecManager } from "./manager.ts";
import { ApprovalMemory } from "./authorize.ts";
import { createShellTool } from "./shell.ts";
import { createShellCommandTool } from "./shell_command.ts";
import { createWriteStdinTool } from "./write_stdin.ts";

export type { ExecIntercept } from "./exec_command.ts";
export { ApprovalMemory, authorizeCommand, REJECTED_BY_USER } from "./authorize.ts";
export {
  type ExecRequest,
  type ExecResult,
  ExecSessionError,
  type RunRequest,
  type RunResult,
  UnifiedExecManager,
  type UnifiedExecManagerOptions,
  type WriteRequest,
} from "./manager.ts";

/** Options of {@linkcode createExecTools}. */
export interface ExecToolsOptions {
  /** The session manager to share (default: a new one with default options). */
  manager?: UnifiedExecManager;
  /** Called first for every `exec_command`; a non-null result replaces running the command. */
  intercept?: ExecIntercept;
}

/** The four command tools and their manager. */
export interface ExecTools {
  execCommand: FunctionTool;
  writeStdin: FunctionTool;
  shell: FunctionTool;
  shellCommand: FunctionTool;
  /** Call `shutdown()` on it when the thread ends. */
  manager: UnifiedExecManager;
}

/** Creates the command tools. */
export function createExecTools(opts: ExecToolsOptions = {}): ExecTools {
  const manager = opts.manager ?? new UnifiedExecManager();
  const memory = new ApprovalMemory();
  return {
    execCommand: createExecCommandTool(manager, opts.intercept, memory),
    writeStdin: createWriteStdinTool(manager),
    shell: createShellTool(manager, memory),
    shellCommand: createShellCommandTool(manager, memory),
    manager,
  };
}
