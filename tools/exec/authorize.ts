/**
 * Approvals for the command tools: before a command runs, the approval policy decides whether it
 * runs (inside or outside the sandbox), needs the person's answer (`ctx.ui.requestApproval`), or
 * is refused. Without a UI (`exec`, sub-agents) nothing blocks: a question becomes a refusal the
 * model reads. "Always for this session" answers are remembered per thread.
 *
 * @module
 */

import { type ToolContext, ToolError } from "../define.ts";
import { makePolicy, type SandboxPolicy } from "../../lib/sandbox/policy.ts";
import {
  afterSandboxDenial,
  commandApproval,
  commandKey,
  decisionOutcome,
  nonInteractive,
} from "../../lib/agent/approval.ts";

/** Upstream's text when the person declines a command. */
export const REJECTED_BY_USER = "exec command rejected by user";

/** Commands approved "for this session", shared by a thread's command tools. */
export class ApprovalMemory {
  #keys = new Set<string>();
  /** True when `argv` was approved for the session. */
  has(argv: string[]): boolean {
    return this.#keys.has(commandKey(argv));
  }
  /** Remembers `argv` for the session. */
  add(argv: string[]): void {
    this.#keys.add(commandKey(argv));
  }
}

/** The call being authorized. */
export interface CommandCall {
  argv: string[];
  /** What the person sees (the command line). */
  summary: string;
  escalated: boolean;
  justification?: string;
}

function unsandboxed(ctx: ToolContext): SandboxPolicy {
  return makePolicy("danger-full-access", ctx.cwd);
}

async function ask(
  ctx: ToolContext,
  memory: ApprovalMemory,
  call: CommandCall,
  reason: string,
): Promise<void> {
  const decision = await ctx.ui!.requestApproval({
    kind: "command",
    call_id: ctx.callId,
    summary: call.summary,
    reason,
  });
  const outcome = decisionOutcome(decision);
  if (!outcome.run) {
    if (outcome.interrupt) ctx.interruptTurn?.();
    throw new ToolError(REJECTED_BY_USER);
  }
  if (outcome.remember) memory.add(call.argv);
}

/**
 * Decides where `call` runs. Returns the sandbox policy to run it with; throws a
 * {@linkcode ToolError} (a model-visible output) when it must not run.
 */
export async function authorizeCommand(
  ctx: ToolContext,
  memory: ApprovalMemory,
  call: CommandCall,
): Promise<SandboxPolicy> {
  let req = commandApproval({
    policy: ctx.approvalPolicy,
    sandboxMode: ctx.sandbox.mode,
    argv: call.argv,
    escalated: call.escalated,
    justification: call.justification,
    approvedForSession: memory.has(call.argv),
  });
  if (!ctx.ui) req = nonInteractive(req);
  if (req.action === "reject") throw new ToolError(req.reason);
  if (req.action === "ask") await ask(ctx, memory, call, req.reason);
  return req.placement === "unsandboxed" ? unsandboxed(ctx) : ctx.sandbox;
}

const DENIAL =
  /Read-only file system|Permission denied|Operation not permitted|Network is unreachable|Could not resolve host|Temporary failure in name resolution/;

/**
 * After a sandboxed run failed: when the failure looks like the sandbox's doing and the policy
 * says so (`on-failure`, `untrusted`), asks whether to run it again outside the sandbox.
 * Returns the unsandboxed policy to re-run with, or `null` to report the failure as it is.
 */
export async function retryOutsideSandbox(
  ctx: ToolContext,
  memory: ApprovalMemory,
  call: CommandCall,
  used: SandboxPolicy,
  exitCode: number | null,
  output: string,
): Promise<SandboxPolicy | null> {
  if (!ctx.ui || used.mode === "danger-full-access" || exitCode === null || exitCode === 0) {
    return null;
  }
  if (afterSandboxDenial(ctx.approvalPolicy) !== "ask" || !DENIAL.test(output)) return null;
  await ask(
    ctx,
    memory,
    call,
    "the command failed inside the sandbox; run it without the sandbox?",
  );
  return unsandboxed(ctx);
}
