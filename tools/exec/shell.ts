/**
 * `shell`: runs an argv (no shell parsing) to completion in the thread's sandbox.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import { defineTool, type FunctionTool, ToolError } from "../define.ts";
import type { UnifiedExecManager } from "./manager.ts";
import { ApprovalMemory } from "./authorize.ts";
import { runOnce } from "./run_once.ts";
import { shellJoin } from "./shell_argv.ts";
import { resolveWorkdir } from "./workdir.ts";

/** The argument schema. */
export const shellParameters = z.strictObject({
  command: z.array(z.string()),
  workdir: z.string().optional(),
  timeout_ms: z.number().optional(),
  sandbox_permissions: z.enum(["use_default", "require_escalated"]).optional(),
  justification: z.string().optional(),
  prefix_rule: z.array(z.string()).optional(),
});

const DESCRIPTION = [
  "Runs a program with arguments and returns its exit code and output (stdout and stderr",
  'together). `command` is the argument vector, e.g. ["ls", "-la"]; to use shell syntax run',
  '["bash", "-lc", "<script>"]. `workdir` is the directory to run in; `timeout_ms` (default',
  "10000) kills the command when exceeded.",
].join(" ");

/** Creates the `shell` tool on top of `manager`. */
export function createShellTool(
  manager: UnifiedExecManager,
  memory: ApprovalMemory = new ApprovalMemory(),
): FunctionTool {
  return defineTool({
    name: "shell",
    description: DESCRIPTION,
    parameters: shellParameters,
    handler: (args, ctx) => {
      if (args.command.length === 0 || args.command[0] === "") {
        throw new ToolError('`command` must be a non-empty array of strings, e.g. ["ls", "-la"]');
      }
      const workdir = resolveWorkdir(ctx.cwd, args.workdir);
      return runOnce(manager, ctx, {
        argv: args.command,
        display: shellJoin(args.command),
        workdir,
        timeoutMs: args.timeout_ms,
        tool: "shell",
        memory,
        escalated: args.sandbox_permissions === "require_escalated",
        justification: args.justification,
      });
    },
  });
}
