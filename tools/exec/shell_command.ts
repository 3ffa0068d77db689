/**
 * `shell_command`: runs a command line in the user's shell to completion in the thread's
 * sandbox.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import { defineTool, type FunctionTool, ToolError } from "../define.ts";
import type { UnifiedExecManager } from "./manager.ts";
import { ApprovalMemory } from "./authorize.ts";
import { runOnce } from "./run_once.ts";
import { resolveShell, shellArgv, shellJoin } from "./shell_argv.ts";
import { resolveWorkdir } from "./workdir.ts";

/** The argument schema. */
export const shellCommandParameters = z.strictObject({
  command: z.string(),
  workdir: z.string().optional(),
  login: z.boolean().optional(),
  timeout_ms: z.number().optional(),
  sandbox_permissions: z.enum(["use_default", "require_escalated"]).optional(),
  justification: z.string().optional(),
  prefix_rule: z.array(z.string()).optional(),
});

const DESCRIPTION = [
  "Runs a command line in the user's shell and returns its exit code and output (stdout and",
  "stderr together). `workdir` is the directory to run in; `login` (default true) starts a",
  "login shell; `timeout_ms` (default 10000) kills the command when exceeded.",
].join(" ");

/** Creates the `shell_command` tool on top of `manager`. */
export function createShellCommandTool(
  manager: UnifiedExecManager,
  memory: ApprovalMemory = new ApprovalMemory(),
): FunctionTool {
  return defineTool({
    name: "shell_command",
    description: DESCRIPTION,
    parameters: shellCommandParameters,
    handler: (args, ctx) => {
      if (args.command.trim() === "") {
        throw new ToolError("`command` is required: pass the command line to run");
      }
      const workdir = resolveWorkdir(ctx.cwd, args.workdir);
      let shell: string;
      try {
        shell = resolveShell(undefined, ctx.env, workdir);
      } catch (err) {
        throw new ToolError((err as Error).message);
      }
      const argv = shellArgv(shell, args.command, args.login ?? true);
      return runOnce(manager, ctx, {
        argv,
        display: shellJoin(argv),
        workdir,
        timeoutMs: args.timeout_ms,
        tool: "shell_command",
        memory,
        escalated: args.sandbox_permissions === "require_escalated",
        justification: args.justification,
      });
    },
  });
}
