/**
 * The initial context of a thread, built once and kept at the head of its history, in upstream's
 * order: the base instructions as a developer message; a developer message with skills,
 * permissions, developer instructions, collaboration mode and deferred tools; for code-mode
 * agents with collaboration tools, a `<multi_agent_role>` and a `<multi_agent_mode>` developer
 * message; a user message with AGENTS.md instructions and `<environment_context>`.
 *
 * Code-mode models always get the `<collaboration_mode>` section (upstream sends it even in
 * `exec`); the classic family gets it only when asked (interactive sessions).
 *
 * @module
 */

import type { ContentPart, MessageItem } from "../protocol/items.ts";
import { uuidv5Async, uuidv7 } from "../protocol/ids.ts";
import type { SandboxPolicy } from "../sandbox/policy.ts";
import type { ApprovalPolicy } from "../../tools/define.ts";
import { agentsSection, loadAgentsInstructions } from "./agents_md.ts";
import { environmentContext, environmentFacts } from "./environment.ts";
import { permissionsSection } from "./permissions.ts";
import {
  BASE_INSTRUCTIONS,
  COLLABORATION_TEXT,
  FORKED_CHILD_INTRO,
  MULTI_AGENT_MODE_TEXT,
  MULTI_AGENT_ROLE_TEXT,
  TOOLS_REMOVED_INTRO,
} from "./prompts.ts";
import { discoverSkills, skillsSection } from "./skills.ts";

/** Namespace of the base-instructions message id (UUIDv5). */
const BASE_ID_NAMESPACE = "6f1c2a9e-3b7d-4c1e-9a51-0d2e8b7c4f10";

/** A code-mode agent's place in its team of agents (it has the `collaboration` tools). */
export interface TeamRole {
  /** True for the root agent (`/root`), false for sub-agents. */
  root: boolean;
  /** How many agents may exist at once, the root included. */
  slots: number;
}

/** Inputs of {@linkcode buildInitialContext}. */
export interface InitialContextOptions {
  cwd: string;
  codexHome: string;
  env: Record<string, string | undefined>;
  policy: SandboxPolicy;
  approvalPolicy: ApprovalPolicy;
  /** Replaces our base instructions (`base_instructions`, `model_instructions_file`). */
  baseInstructions?: string;
  developerInstructions?: string;
  /** When set, a `<collaboration_mode>` section is added (interactive sessions). */
  collaborationMode?: string;
  projectDocMaxBytes: number;
  /** Namespaces announced as deferred (found with `tool_search`). */
  deferredTools?: { name: string; description: string }[];
  /** The model is of the code-mode family (adds `<collaboration_mode>` even when not set). */
  codeMode?: boolean;
  /** Code mode with collaboration tools: adds the `<multi_agent_role>`/`_mode` messages. */
  team?: TeamRole;
  /** Skip skills discovery (sub-agents). */
  skipSkills?: boolean;
  now?: Date;
}

function message(role: "developer" | "user", id: string, parts: string[]): MessageItem {
  const content: ContentPart[] = parts.map((text) => ({ type: "input_text", text }));
  return { type: "message", id, role, content };
}

/** The base instructions text for a thread. */
export function baseInstructionsText(override?: string): string {
  return override?.trim() || BASE_INSTRUCTIONS;
}

/** Builds the initial context items. */
export async function buildInitialContext(opts: InitialContextOptions): Promise<MessageItem[]> {
  const items: MessageItem[] = [];
  const base = baseInstructionsText(opts.baseInstructions);
  items.push(message("developer", `msg_${await uuidv5Async(base, BASE_ID_NAMESPACE)}`, [base]));

  const dev: string[] = [];
  if (!opts.skipSkills) {
    const skills = skillsSection(await discoverSkills(opts.codexHome));
    if (skills) dev.push(skills);
  }
  dev.push(permissionsSection(opts.policy, opts.approvalPolicy));
  if (opts.developerInstructions) dev.push(opts.developerInstructions);
  const mode = opts.collaborationMode ?? (opts.codeMode ? "default" : undefined);
  if (mode) {
    const text = COLLABORATION_TEXT[mode] ?? COLLABORATION_TEXT.default;
    dev.push(`<collaboration_mode>${text}\n</collaboration_mode>`);
  }
  if (opts.deferredTools?.length) {
    const lines = opts.deferredTools.map((t) => `- ${t.name}: ${t.description}`).join("\n");
    dev.push(`<tools>\nDeferred tool namespaces:\n${lines}\n</tools>`);
  }
  items.push(message("developer", `msg_${uuidv7()}`, dev));
  if (opts.codeMode && opts.team) items.push(multiAgentRoleItem(opts.team), multiAgentModeItem());

  const user: string[] = [];
  const agents = await loadAgentsInstructions({
    cwd: opts.cwd,
    codexHome: opts.codexHome,
    maxBytes: opts.projectDocMaxBytes,
  });
  if (agents) user.push(agentsSection(opts.cwd, agents));
  user.push(environmentContext(environmentFacts(opts.cwd, opts.env, opts.now), opts.policy));
  items.push(message("user", `msg_${uuidv7()}`, user));
  return items;
}

/** The `<multi_agent_role>` developer message of a code-mode agent. */
export function multiAgentRoleItem(team: TeamRole): MessageItem {
  const text = (team.root ? MULTI_AGENT_ROLE_TEXT.root : MULTI_AGENT_ROLE_TEXT.child)
    .replaceAll("{slots}", String(team.slots));
  return message("developer", `msg_${uuidv7()}`, [`<multi_agent_role>${text}</multi_agent_role>`]);
}

/** The `<multi_agent_mode>` developer message (do not delegate unless asked). */
export function multiAgentModeItem(): MessageItem {
  return message("developer", `msg_${uuidv7()}`, [
    `<multi_agent_mode>${MULTI_AGENT_MODE_TEXT}</multi_agent_mode>`,
  ]);
}

/**
 * The developer messages that follow the parent's history in a sub-agent forked with it
 * (`fork_turns: "all"`), in upstream's order: who the new agent is now, its team role, the
 * tools it no longer has (`- <namespace>.<name>` lines; omitted when none), the mode message.
 */
export function forkedChildItems(opts: { slots: number; removedTools: string[] }): MessageItem[] {
  const items = [
    message("developer", `msg_${uuidv7()}`, [FORKED_CHILD_INTRO]),
    multiAgentRoleItem({ root: false, slots: opts.slots }),
  ];
  if (opts.removedTools.length) {
    const lines = opts.removedTools.map((t) => `- ${t}`).join("\n");
    items.push(message("developer", `msg_${uuidv7()}`, [`${TOOLS_REMOVED_INTRO}\n${lines}`]));
  }
  items.push(multiAgentModeItem());
  return items;
}
