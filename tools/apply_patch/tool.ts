/**
 * The `apply_patch` tool: a freeform (custom) tool whose input is a patch in upstream's grammar.
 * Also serves function-style calls (`{"input": "<patch>"}`) and patches that arrive as
 * `apply_patch <<'EOF'` scripts through `exec_command`.
 *
 * Outputs are upstream's: `Exit code: 0\nWall time: <s> seconds\nOutput:\nSuccess. Updated the
 * following files:\n...` when applied; `apply_patch verification failed: <reason>` or
 * `patch rejected: <reason>` when refused (no events, nothing written); `Exit code: 1 ...` when
 * the writes failed (nothing written either). `patch_apply_begin` and `patch_apply_end` events
 * bracket the writes.
 *
 * @module
 */

import { resolve } from "../../lib/path.ts";
import {
  defineFreeformTool,
  type FreeformTool,
  type ToolContext,
  type ToolResult,
} from "../define.ts";
import { commitPatch, planPatch } from "./apply.ts";
import { ApplyPatchError } from "./errors.ts";
import { successOutput, writeFailureOutput } from "./format.ts";
import { APPLY_PATCH_LARK_GRAMMAR } from "./grammar.ts";
import { isBarePatch, parseApplyPatchInvocation } from "./intercept.ts";
import { approvePatch } from "./approve.ts";

/** Our description of `apply_patch` for the model. */
export const APPLY_PATCH_DESCRIPTION = [
  "Edit files by sending a patch. The patch starts with `*** Begin Patch` and ends with",
  "`*** End Patch`. Between them, one section per file:",
  "`*** Add File: <path>` followed by the new file's lines, each prefixed with `+`;",
  "`*** Delete File: <path>`;",
  "`*** Update File: <path>`, optionally followed by `*** Move to: <new path>`, then one or more",
  "chunks. A chunk starts with `@@` (or `@@ <a line just above the change>` to say where it is)",
  "and lists lines prefixed with ` ` (unchanged context), `-` (removed) or `+` (added). Give about",
  "three context lines around each change; end a chunk that touches the end of the file with",
  "`*** End of File`. Paths are relative to the working directory (or absolute). The patch is",
  "checked against every file before anything is written: if any part does not apply, no file",
  "changes.",
].join("\n");

/** Options of {@linkcode runApplyPatch}. */
export interface RunApplyPatchOptions {
  /** Directory (absolute, or relative to `ctx.cwd`) that the patch's relative paths start from. */
  workdir?: string;
  /** Milliseconds clock for `Wall time` (default `performance.now`). */
  now?: () => number;
  /** Paths the person approved for the session (interactive approvals). */
  approved?: Set<string>;
}

/** A function-style call's `{"input": "<patch>"}`, or the text itself. */
function patchText(input: string): string {
  if (!input.trimStart().startsWith("{")) return input;
  try {
    const parsed: unknown = JSON.parse(input);
    if (parsed && typeof parsed === "object") {
      const inner = (parsed as { input?: unknown }).input;
      if (typeof inner === "string") return inner;
    }
  } catch {
    // Not JSON: treat as patch text (the parser reports what is wrong).
  }
  return input;
}

/**
 * Verifies and applies a patch for a tool call, emitting `patch_apply_begin`/`patch_apply_end`
 * around the writes. Never throws for a bad patch: the result carries upstream's text.
 *
 * @param input the patch (or a function-style `{"input": "<patch>"}`)
 * @param ctx the call's context (cwd, sandbox policy, event sink)
 * @param options where relative paths start and the clock
 */
export async function runApplyPatch(
  input: string,
  ctx: ToolContext,
  options: RunApplyPatchOptions = {},
): Promise<ToolResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const cwd = options.workdir === undefined ? ctx.cwd : resolve(ctx.cwd, options.workdir);
  const text = patchText(input);
  const approval = await approvePatch(ctx, text, cwd, options.approved ?? new Set());
  if ("refused" in approval) return { output: approval.refused, success: false };
  let plan;
  try {
    plan = await planPatch(text, { cwd, policy: approval.policy });
  } catch (err) {
    if (!(err instanceof ApplyPatchError)) throw err;
    const output = err.kind === "write"
      ? writeFailureOutput(err.reason, now() - started)
      : err.message;
    return { output, success: false };
  }
  ctx.emit({ type: "patch_apply_begin", call_id: ctx.callId, changes: plan.changes });
  try {
    await commitPatch(plan);
  } catch (err) {
    ctx.emit({
      type: "patch_apply_end",
      call_id: ctx.callId,
      changes: plan.changes,
      success: false,
    });
    const reason = err instanceof ApplyPatchError ? err.reason : String(err);
    return { output: writeFailureOutput(reason, now() - started), success: false };
  }
  ctx.emit({ type: "patch_apply_end", call_id: ctx.callId, changes: plan.changes, success: true });
  return { output: successOutput(plan.summary, now() - started), success: true };
}

/** Upstream's answer to a script that is a bare patch without `apply_patch`. */
export const BARE_PATCH_ERROR =
  'apply_patch verification failed: patch detected without explicit call to apply_patch. Rerun as ["apply_patch", "<patch>"]';

/**
 * For `exec_command`: applies the patch when `cmd` is an `apply_patch <<'EOF'` script (see
 * {@linkcode parseApplyPatchInvocation}) and returns the call's output, or `null` when `cmd` is an
 * ordinary command to run. Applied patches are reported as upstream's exec output wraps them
 * (`Wall time: <s> seconds\nOutput:\n` + the patch output); refusals come back unwrapped.
 *
 * @param cmd the command string of the call
 * @param ctx the call's context
 * @param workdir the call's `workdir` argument, if any
 */
export async function runInterceptedApplyPatch(
  cmd: string,
  ctx: ToolContext,
  workdir?: string,
  approved?: Set<string>,
): Promise<ToolResult | null> {
  const invocation = parseApplyPatchInvocation(cmd);
  if (!invocation) {
    return isBarePatch(cmd) ? { output: BARE_PATCH_ERROR, success: false } : null;
  }
  const base = workdir === undefined ? ctx.cwd : resolve(ctx.cwd, workdir);
  const dir = invocation.workdir === undefined ? base : resolve(base, invocation.workdir);
  const started = performance.now();
  const result = await runApplyPatch(invocation.patch, ctx, { workdir: dir, approved });
  const text = typeof result.output === "string" ? result.output : "";
  if (!text.startsWith("Exit code: ")) return result;
  const seconds = ((performance.now() - started) / 1000).toFixed(4);
  return { output: `Wall time: ${seconds} seconds\nOutput:\n${text}`, success: result.success };
}

/**
 * The same as {@linkcode runInterceptedApplyPatch} with `exec_command`'s intercept signature, to
 * pass as `createExecTools({ intercept: interceptApplyPatch })`.
 *
 * @param cmd the command string of the call
 * @param workdir the call's resolved working directory
 * @param ctx the call's context
 */
export function interceptApplyPatch(
  cmd: string,
  workdir: string,
  ctx: ToolContext,
): Promise<ToolResult | null> {
  return runInterceptedApplyPatch(cmd, ctx, workdir);
}

/**
 * Creates the `apply_patch` tool (freeform, lark grammar, serial). `approved` holds the paths a
 * person approved for the session (share it with {@linkcode runInterceptedApplyPatch} callers).
 */
export function createApplyPatchTool(approved: Set<string> = new Set()): FreeformTool {
  return defineFreeformTool({
    name: "apply_patch",
    description: APPLY_PATCH_DESCRIPTION,
    format: { type: "grammar", syntax: "lark", definition: APPLY_PATCH_LARK_GRAMMAR },
    parallel: false,
    handler: (input, ctx) => runApplyPatch(input, ctx, { approved }),
  });
}
