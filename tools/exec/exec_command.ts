/**
 * `exec_command`: runs a shell command in the thread's sandbox, waits up to `yield_time_ms`,
 * and returns its output in upstream's text format; a command still running keeps a session
 * for `write_stdin`.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import {
  defineTool,
  type FunctionTool,
  type ToolContext,
  ToolError,
  type ToolResult,
} from "../define.ts";
import { DEFAULT_MAX_OUTPUT_TOKENS } from "./format.ts";
import { clampYield, DEFAULT_EXEC_YIELD_MS, type UnifiedExecManager } from "./manager.ts";
import { deltaEmitter } from "./emit.ts";
import { EXEC_ENV_OVERLAY, resolveShell, shellArgv, shellJoin } from "./shell_argv.ts";
import { resolveWorkdir } from "./workdir.ts";
import { ApprovalMemory, authorizeCommand, retryOutsideSandbox } from "./authorize.ts";
import type { SandboxPolicy } from "../../lib/sandbox/policy.ts";

/**
 * A hook that may take over a command before it runs (the lead routes `apply_patch <<'EOF'`
 * heredocs to the apply_patch tool). Returning `null` lets the command run normally.
 */
export type ExecIntercept = (
  cmd: string,
  workdir: string,
  ctx: ToolContext,
) => Promise<ToolResult | null>;

/** The argument schema (upstream's shape: sorted properties, `number` types, `cmd` required). */
export const execCommandParameters = z.strictObject({
  cmd: z.string(),
  workdir: z.string().optional(),
  shell: z.string().optional(),
  login: z.boolean().optional(),
  tty: z.boolean().optional(),
  yield_time_ms: z.number().optional(),
  max_output_tokens: z.number().optional(),
  sandbox_permissions: z.enum(["use_default", "require_escalated"]).optional(),
  justification: z.string().optional(),
  prefix_rule: z.array(z.string()).optional(),
});

const DESCRIPTION = [
  "Runs a command line in a shell and returns what it printed (stdout and stderr together).",
  "`cmd` is the command line; `workdir` the directory to run it in (relative paths start at the",
  "session's working directory). `shell` picks the shell (default: $SHELL, else /bin/bash) and",
  "`login` whether it starts as a login shell (default true).",
  "The call waits up to `yield_time_ms` (default 10000) for the command to finish. If it is still",
  "running then, the reply carries a session ID: use write_stdin with it to read more output or,",
  "for commands started with `tty: true` (a real terminal, needed for interactive programs such",
  "as a REPL), to type input.",
  "Long output keeps its beginning and end within `max_output_tokens` (default 10000).",
].join(" ");

/** Creates the `exec_command` tool on top of `manager`. */
export function createExecCommandTool(
  manager: UnifiedExecManager,
  intercept?: ExecIntercept,
  memory: ApprovalMemory = new ApprovalMemory(),
): FunctionTool {
  return defineTool({
    name: "exec_command",
    description: DESCRIPTION,
    parameters: execCommandParameters,
    handler: async (args, ctx) => {
      if (args.cmd.trim() === "") {
        throw new ToolError("`cmd` is required: pass the command line to run");
      }
      const workdir = resolveWorkdir(ctx.cwd, args.workdir);
      if (intercept) {
        const taken = await intercept(args.cmd, workdir, ctx);
        if (taken) return taken;
      }
      let shell: string;
      try {
        shell = resolveShell(args.shell, ctx.env, workdir);
      } catch (err) {
        throw new ToolError((err as Error).message);
      }
      const argv = shellArgv(shell, args.cmd, args.login ?? true);
      const display = shellJoin(argv);
      const call = {
        argv,
        summary: args.cmd,
        escalated: args.sandbox_permissions === "require_escalated",
        justification: args.justification,
      };
      // Runs the command with `sandbox` and reports it (begin, output, end events).
      const start = async (sandbox: SandboxPolicy) => {
        const callId = ctx.callId;
        let result;
        try {
          result = await manager.exec({
            argv,
            cwd: workdir,
            env: { ...ctx.env, ...EXEC_ENV_OVERLAY },
            sandbox,
            tty: args.tty ?? false,
            yieldTimeMs: clampYield(args.yield_time_ms, DEFAULT_EXEC_YIELD_MS),
            maxOutputTokens: Math.max(0, args.max_output_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS),
            signal: ctx.signal,
            callId,
            display,
            onStart: () =>
              ctx.emit({
                type: "exec_command_begin",
                call_id: callId,
                command: display,
                cwd: workdir,
              }),
            onOutput: deltaEmitter(ctx, callId),
          });
        } catch (err) {
          throw new ToolError(`exec_command failed for \`${display}\`: ${(err as Error).message}`);
        }
        ctx.emit({
          type: "exec_command_end",
          call_id: callId,
          command: display,
          cwd: workdir,
          aggregated_output: result.aggregatedOutput,
          exit_code: result.exitCode,
          duration_ms: Math.round(result.durationMs),
        });
        return result;
      };
      const sandbox = await authorizeCommand(ctx, memory, call);
      let result = await start(sandbox);
      const retry = await retryOutsideSandbox(
        ctx,
        memory,
        call,
        sandbox,
        result.exitCode,
        result.aggregatedOutput,
      );
      if (retry) result = await start(retry);
      return { output: result.text, success: result.exitCode === null || result.exitCode === 0 };
    },
  });
}
