/**
 * Approvals for patches in interactive sessions: under the approval policy a patch may need the
 * person's answer (`untrusted`, or writing outside the writable roots under `on-request`). An
 * approved patch is applied with full write access. Without a person (`exec`), nothing is asked
 * and the sandbox's refusal texts stand, as upstream's non-interactive path has them.
 *
 * @module
 */

import { resolve } from "../../lib/path.ts";
import type { ToolContext } from "../define.ts";
import { makePolicy, type SandboxPolicy } from "../../lib/sandbox/policy.ts";
import { decisionOutcome, patchApproval } from "../../lib/agent/approval.ts";
import { parsePatch } from "./parser.ts";

/** The text when the person declines a patch. */
export const PATCH_REJECTED_BY_USER = "patch rejected by user";

/** The absolute paths a patch writes (moves included); `null` when it does not parse. */
export function patchPaths(text: string, cwd: string): string[] | null {
  try {
    const { hunks } = parsePatch(text);
    return hunks.flatMap((h) =>
      h.type === "update" && h.movePath
        ? [resolve(cwd, h.path), resolve(cwd, h.movePath)]
        : [resolve(cwd, h.path)]
    );
  } catch {
    return null;
  }
}

/**
 * The policy to apply the patch with, or a refusal text. Only asks when `ctx.ui` is present;
 * `approved` holds paths approved for the session.
 */
export async function approvePatch(
  ctx: ToolContext,
  text: string,
  cwd: string,
  approved: Set<string>,
): Promise<{ policy: SandboxPolicy } | { refused: string }> {
  if (!ctx.ui) return { policy: ctx.sandbox };
  const paths = patchPaths(text, cwd);
  if (!paths) return { policy: ctx.sandbox }; // the verifier reports what is wrong
  const req = patchApproval({
    policy: ctx.approvalPolicy,
    sandboxMode: ctx.sandbox.mode,
    paths,
    writableRoots: ctx.sandbox.writableRoots,
    approvedForSession: paths.every((p) => approved.has(p)),
  });
  if (req.action !== "ask") return { policy: ctx.sandbox };
  const decision = await ctx.ui.requestApproval({
    kind: "patch",
    call_id: ctx.callId,
    summary: paths.join(", "),
    reason: req.reason,
  });
  const outcome = decisionOutcome(decision);
  if (!outcome.run) {
    if (outcome.interrupt) ctx.interruptTurn?.();
    return { refused: PATCH_REJECTED_BY_USER };
  }
  if (outcome.remember) { for (const p of paths) approved.add(p); }
  return {
    policy: req.placement === "unsandboxed" ? makePolicy("danger-full-access", cwd) : ctx.sandbox,
  };
}
