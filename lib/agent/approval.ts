/**
 * The approval policy as pure decisions, for the command and patch tools to call before they
 * run anything: run (inside or outside the sandbox), ask the person (`ctx.ui.requestApproval`)
 * or refuse. Policies are upstream's: `untrusted` (ask for anything not known to only read),
 * `on-request` (ask only when the model asks to leave the sandbox), `never` (never ask;
 * sandbox failures go back to the model), and the deprecated `on-failure` (run sandboxed, ask
 * to re-run outside the sandbox when that fails).
 *
 * Without an interactive UI (`exec`) nothing can be asked: callers treat `ask` as the
 * non-interactive path does, i.e. as `never` (see {@linkcode nonInteractive}).
 *
 * @module
 */

import type { ApprovalDecision, ApprovalPolicy } from "../../tools/define.ts";
import type { SandboxMode } from "../sandbox/policy.ts";
import { isKnownSafeArgv } from "./safe_commands.ts";

/** Every accepted `approval_policy` value (`on-failure` is deprecated). */
export const APPROVAL_POLICIES: readonly ApprovalPolicy[] = [
  "untrusted",
  "on-request",
  "on-failure",
  "never",
];

/** Where an approved command runs. */
export type SandboxPlacement = "sandboxed" | "unsandboxed";

/** What to do with a command or a patch. */
export type ApprovalRequirement =
  | { action: "run"; placement: SandboxPlacement }
  | { action: "ask"; reason: string; placement: SandboxPlacement }
  | { action: "reject"; reason: string };

/** Facts about one command call. */
export interface CommandApprovalInput {
  policy: ApprovalPolicy;
  sandboxMode: SandboxMode;
  /** The argv that will run (e.g. `["bash", "-lc", "npm test"]`). */
  argv: string[];
  /** The model asked to run outside the sandbox (`sandbox_permissions: "require_escalated"`). */
  escalated?: boolean;
  /** The model's justification for escalating, shown to the person. */
  justification?: string;
  /** The person already answered "always" for this command in this session. */
  approvedForSession?: boolean;
}

/** Parses an `approval_policy` value; `undefined` when it is not one. */
export function parseApprovalPolicy(value: string): ApprovalPolicy | undefined {
  return (APPROVAL_POLICIES as readonly string[]).includes(value)
    ? value as ApprovalPolicy
    : undefined;
}

/** Decides what happens to a command before it runs. */
export function commandApproval(input: CommandApprovalInput): ApprovalRequirement {
  const { policy } = input;
  if (input.sandboxMode === "danger-full-access") {
    if (policy !== "untrusted" || input.approvedForSession || isKnownSafeArgv(input.argv)) {
      return { action: "run", placement: "unsandboxed" };
    }
    return {
      action: "ask",
      reason: "the command is not known to be read-only",
      placement: "unsandboxed",
    };
  }
  if (input.escalated) {
    if (policy === "never") {
      return {
        action: "reject",
        reason:
          'approval policy is "never": commands cannot run outside the sandbox; continue within it',
      };
    }
    if (input.approvedForSession) return { action: "run", placement: "unsandboxed" };
    return {
      action: "ask",
      reason: input.justification?.trim() || "the model asks to run this outside the sandbox",
      placement: "unsandboxed",
    };
  }
  if (policy === "untrusted" && !input.approvedForSession && !isKnownSafeArgv(input.argv)) {
    return {
      action: "ask",
      reason: "the command is not known to be read-only",
      placement: "sandboxed",
    };
  }
  return { action: "run", placement: "sandboxed" };
}

/**
 * After a sandboxed command failed because the sandbox denied it: `ask` to re-run it outside
 * the sandbox (`on-failure`, `untrusted`), or `report` the failure to the model.
 */
export function afterSandboxDenial(policy: ApprovalPolicy): "ask" | "report" {
  return policy === "on-failure" || policy === "untrusted" ? "ask" : "report";
}

/** Facts about one patch. */
export interface PatchApprovalInput {
  policy: ApprovalPolicy;
  sandboxMode: SandboxMode;
  /** Absolute paths the patch writes (moves included). */
  paths: string[];
  /** Absolute folders writable under workspace-write (the workspace first). */
  writableRoots: string[];
  approvedForSession?: boolean;
}

function inside(path: string, root: string): boolean {
  const r = root.endsWith("/") ? root.slice(0, -1) : root;
  return path === r || path.startsWith(r + "/");
}

/** Decides what happens to a patch before it is applied. */
export function patchApproval(input: PatchApprovalInput): ApprovalRequirement {
  const { policy } = input;
  if (input.approvedForSession) return { action: "run", placement: "sandboxed" };
  if (policy === "untrusted") {
    return { action: "ask", reason: "file changes need approval", placement: "sandboxed" };
  }
  if (input.sandboxMode === "danger-full-access") {
    return { action: "run", placement: "unsandboxed" };
  }
  const writable = input.sandboxMode === "workspace-write" &&
    input.paths.every((p) => input.writableRoots.some((r) => inside(p, r)));
  if (writable) return { action: "run", placement: "sandboxed" };
  if (policy === "on-failure") return { action: "run", placement: "sandboxed" };
  if (policy === "never") {
    return {
      action: "reject",
      reason: 'writing outside the writable folders is not allowed (approval policy "never")',
    };
  }
  return {
    action: "ask",
    reason: input.sandboxMode === "read-only"
      ? "the sandbox is read-only"
      : "the patch writes outside the writable folders",
    placement: "unsandboxed",
  };
}

/**
 * The non-interactive answer to an `ask` (exec, sub-agents without a UI): never block,
 * refuse and let the model continue within its permissions.
 */
export function nonInteractive(req: ApprovalRequirement): ApprovalRequirement {
  return req.action === "ask"
    ? {
      action: "reject",
      reason: `approval needed (${req.reason}) but no one can approve in this session`,
    }
    : req;
}

/** What an answer of the person means for the call. */
export type DecisionOutcome =
  | { run: true; remember: boolean }
  | { run: false; interrupt: boolean };

/** Maps the person's answer: run (and remember for the session) or not (and maybe stop the turn). */
export function decisionOutcome(decision: ApprovalDecision): DecisionOutcome {
  switch (decision) {
    case "approved":
      return { run: true, remember: false };
    case "approved_for_session":
      return { run: true, remember: true };
    case "denied":
      return { run: false, interrupt: false };
    case "abort":
      return { run: false, interrupt: true };
    default: {
      const never: never = decision;
      throw new TypeError(`unknown approval decision ${String(never)}`);
    }
  }
}

/** The key under which "always for this session" remembers a command. */
export function commandKey(argv: string[]): string {
  return JSON.stringify(argv);
}
