/**
 * Our prompt texts, loaded through the module graph (text imports) so they travel with a bundle
 * or a compiled binary.
 *
 * @module
 */

import baseInstructions from "../../prompts/base_instructions.md" with { type: "text" };
import collaborationDefault from "../../prompts/collaboration_default.md" with { type: "text" };
import collaborationPlan from "../../prompts/collaboration_plan.md" with { type: "text" };
import skillsIntro from "../../prompts/skills_intro.md" with { type: "text" };
import multiAgentRoleRoot from "../../prompts/multi_agent_role_root.md" with { type: "text" };
import multiAgentRoleChild from "../../prompts/multi_agent_role_child.md" with { type: "text" };
import multiAgentMode from "../../prompts/multi_agent_mode.md" with { type: "text" };
import forkedChildIntro from "../../prompts/forked_child_intro.md" with { type: "text" };
import toolsRemoved from "../../prompts/tools_removed.md" with { type: "text" };
import sandboxReadOnly from "../../prompts/permissions/sandbox_read_only.md" with { type: "text" };
import sandboxWorkspaceWrite from "../../prompts/permissions/sandbox_workspace_write.md" with {
  type: "text",
};
import sandboxFull from "../../prompts/permissions/sandbox_danger_full_access.md" with {
  type: "text",
};
import approvalNever from "../../prompts/permissions/approval_never.md" with { type: "text" };
import approvalOnRequest from "../../prompts/permissions/approval_on_request.md" with {
  type: "text",
};
import approvalUntrusted from "../../prompts/permissions/approval_untrusted.md" with {
  type: "text",
};
import approvalOnFailure from "../../prompts/permissions/approval_on_failure.md" with {
  type: "text",
};

/** The default base instructions (first developer message). */
export const BASE_INSTRUCTIONS: string = baseInstructions.trim();

/** Collaboration-mode texts by mode. */
export const COLLABORATION_TEXT: Record<string, string> = {
  default: collaborationDefault.trim(),
  plan: collaborationPlan.trim(),
};

/** The fixed part of the skills section. */
export const SKILLS_INTRO: string = skillsIntro.trim();

/** Sandbox texts by mode (`{network}` is replaced). */
export const SANDBOX_TEXT: Record<string, string> = {
  "read-only": sandboxReadOnly.trim(),
  "workspace-write": sandboxWorkspaceWrite.trim(),
  "danger-full-access": sandboxFull.trim(),
};

/** Approval texts by policy. */
export const APPROVAL_TEXT: Record<string, string> = {
  "never": approvalNever.trim(),
  "on-request": approvalOnRequest.trim(),
  "untrusted": approvalUntrusted.trim(),
  "on-failure": approvalOnFailure.trim(),
};

/**
 * Who a code-mode agent is in its team (`<multi_agent_role>`), for the root agent and for
 * sub-agents (`{slots}` is replaced).
 */
export const MULTI_AGENT_ROLE_TEXT: { root: string; child: string } = {
  root: multiAgentRoleRoot.trim(),
  child: multiAgentRoleChild.trim(),
};

/** When to start sub-agents (`<multi_agent_mode>`). */
export const MULTI_AGENT_MODE_TEXT: string = multiAgentMode.trim();

/** The developer message a sub-agent forked with its parent's history gets first. */
export const FORKED_CHILD_INTRO: string = forkedChildIntro.trim();

/** The first line of the message listing tools a forked sub-agent no longer has. */
export const TOOLS_REMOVED_INTRO: string = toolsRemoved.trim();
