/**
 * The shared body of `shell` and `shell_command`: run one command to completion in the
 * sandbox, emit the command events, and format upstream's shell reply.
 *
 * @module
 */

import { type ToolContext, ToolError, type ToolResult } from "../define.ts";
import { formatShellReply, snapshotText } from "./format.ts";
import type { UnifiedExecManager } from "./manager.ts";
import { deltaEmitter } from "./emit.ts";
import type { OutputSnapshot } from "./head_tail_buffer.ts";
import { ApprovalMemory, authorizeCommand, retryOutsideSandbox } from "./authorize.ts";

/** Upstream's default timeout of the `shell` tools. */
export const DEFAULT_SHELL_TIMEOUT_MS = 10_000;
/** Exit code reported for a command killed by its timeout. */
export const TIMEOUT_EXIT_CODE = 124;

const encoder = new TextEncoder();

/** Runs `argv` for a `shell`-style tool call and returns the tool result. */
export async function runOnce(
  manager: UnifiedExecManager,
  ctx: ToolContext,
  req: {
    argv: string[];
    display: string;
    workdir: string;
    timeoutMs?: number;
    tool: string;
    /** Approvals remembered for the session (default: none). */
    memory?: ApprovalMemory;
    escalated?: boolean;
    justification?: string;
  },
): Promise<ToolResult> {
  const memory = req.memory ?? new ApprovalMemory();
  const call = {
    argv: req.argv,
    summary: req.display,
    escalated: req.escalated ?? false,
    justification: req.justification,
  };
  const sandbox = await authorizeCommand(ctx, memory, call);
  const first = await runOnceIn(manager, ctx, req, sandbox);
  const text = typeof first.output === "string" ? first.output : "";
  const exit = Number(text.match(/^Exit code: (-?\d+)/)?.[1] ?? NaN);
  const retry = await retryOutsideSandbox(
    ctx,
    memory,
    call,
    sandbox,
    Number.isNaN(exit) ? null : exit,
    text,
  );
  return retry ? await runOnceIn(manager, ctx, req, retry) : first;
}

async function runOnceIn(
  manager: UnifiedExecManager,
  ctx: ToolContext,
  req: { argv: string[]; display: string; workdir: string; timeoutMs?: number; tool: string },
  sandbox: ToolContext["sandbox"],
): Promise<ToolResult> {
  const timeoutMs = Math.max(1, Math.floor(req.timeoutMs ?? DEFAULT_SHELL_TIMEOUT_MS));
  const callId = ctx.callId;
  let result;
  try {
    result = await manager.run({
      argv: req.argv,
      cwd: req.workdir,
      env: ctx.env,
      sandbox,
      timeoutMs,
      signal: ctx.signal,
      onStart: () =>
        ctx.emit({
          type: "exec_command_begin",
          call_id: callId,
          command: req.display,
          cwd: req.workdir,
        }),
      onOutput: deltaEmitter(ctx, callId),
    });
  } catch (err) {
    throw new ToolError(`${req.tool} failed for \`${req.display}\`: ${(err as Error).message}`);
  }
  let output: OutputSnapshot = result.output;
  let exitCode = result.exitCode;
  if (result.timedOut) {
    exitCode = TIMEOUT_EXIT_CODE;
    const note = encoder.encode(`command timed out after ${timeoutMs} milliseconds\n`);
    const head = new Uint8Array(note.length + output.head.length);
    head.set(note);
    head.set(output.head, note.length);
    output = { ...output, head };
  }
  ctx.emit({
    type: "exec_command_end",
    call_id: callId,
    command: req.display,
    cwd: req.workdir,
    aggregated_output: snapshotText(output),
    exit_code: exitCode,
    duration_ms: Math.round(result.durationMs),
  });
  return {
    output: formatShellReply({ exitCode, wallTimeMs: result.durationMs, output }),
    success: exitCode === 0,
  };
}
