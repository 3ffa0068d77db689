/**
 * The `<permissions instructions>` section: sandbox mode, network, approval policy, writable roots.
 *
 * @module
 */

import type { SandboxPolicy } from "../sandbox/policy.ts";
import type { ApprovalPolicy } from "../../tools/define.ts";
import { APPROVAL_TEXT, SANDBOX_TEXT } from "./prompts.ts";

/** Renders the permissions section for a policy. */
export function permissionsSection(policy: SandboxPolicy, approval: ApprovalPolicy): string {
  const network = policy.networkAccess ? "enabled" : "restricted";
  const lines = [SANDBOX_TEXT[policy.mode].replace("{network}", network), APPROVAL_TEXT[approval]];
  if (policy.mode === "workspace-write") {
    lines.push(`Writable roots: ${policy.writableRoots.join(", ")}`);
  }
  return `<permissions instructions>\n${lines.join("\n")}\n</permissions instructions>`;
}
