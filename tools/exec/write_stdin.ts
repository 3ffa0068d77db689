/**
 * `write_stdin`: types into a running `exec_command` session (or just polls it) and returns the
 * new output in upstream's text format.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import { defineTool, type FunctionTool, ToolError } from "../define.ts";
import { DEFAULT_MAX_OUTPUT_TOKENS } from "./format.ts";
import {
  clampYield,
  DEFAULT_WRITE_YIELD_MS,
  ExecSessionError,
  MAX_POLL_YIELD_MS,
  MAX_YIELD_MS,
  type UnifiedExecManager,
} from "./manager.ts";
import { deltaEmitter } from "./emit.ts";

/** The argument schema (upstream's shape: sorted properties, `number` types). */
export const writeStdinParameters = z.strictObject({
  session_id: z.number(),
  chars: z.string().optional(),
  yield_time_ms: z.number().optional(),
  max_output_tokens: z.number().optional(),
});

const DESCRIPTION = [
  "Sends `chars` to the terminal of a command started by exec_command that is still running",
  "(`session_id` from its reply), then returns the output produced since the last call.",
  "Include a newline to submit a line; \\u0003 is Ctrl-C. Leave `chars` empty to only wait for",
  "more output. Typing needs a session started with `tty: true`; other sessions can be polled",
  "or interrupted with \\u0003. Waits up to `yield_time_ms` (default 250) unless the command",
  "exits first.",
].join(" ");

/** Creates the `write_stdin` tool on top of `manager`. */
export function createWriteStdinTool(manager: UnifiedExecManager): FunctionTool {
  return defineTool({
    name: "write_stdin",
    description: DESCRIPTION,
    parameters: writeStdinParameters,
    handler: async (args, ctx) => {
      if (!Number.isInteger(args.session_id)) {
        throw new ToolError("write_stdin failed: `session_id` must be the integer session ID");
      }
      const chars = args.chars ?? "";
      let result;
      try {
        result = await manager.write({
          sessionId: args.session_id,
          chars,
          yieldTimeMs: clampYield(
            args.yield_time_ms,
            DEFAULT_WRITE_YIELD_MS,
            chars === "" ? MAX_POLL_YIELD_MS : MAX_YIELD_MS,
          ),
          maxOutputTokens: Math.max(0, args.max_output_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS),
          signal: ctx.signal,
          // Output deltas belong to the exec_command call that started the session.
          onOutput: deltaEmitter(ctx, manager.sessionInfo(args.session_id)?.callId ?? ctx.callId),
        });
      } catch (err) {
        if (err instanceof ExecSessionError) throw new ToolError(err.message);
        throw new ToolError(`write_stdin failed: ${(err as Error).message}`);
      }
      if (result.exitCode !== null) {
        ctx.emit({
          type: "exec_command_end",
          call_id: result.session.callId,
          command: result.session.command,
          cwd: result.session.cwd,
          aggregated_output: result.aggregatedOutput,
          exit_code: result.exitCode,
          duration_ms: Math.round(result.durationMs),
        });
      }
      return { output: result.text, success: result.exitCode === null || result.exitCode === 0 };
    },
  });
}
