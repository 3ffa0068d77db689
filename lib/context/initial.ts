/**
 * The initial context of a thread, built once and kept at the head of its history, in upstream's
 * order: the base instructions as a developer message; a developer message with skills,
 * permissions, developer instructions, collaboration mode and deferred tools; a user message with
 * AGENTS.md instructions and `<environment_context>`.
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
import { BASE_INSTRUCTIONS, COLLABORATION_TEXT } from "./prompts.ts";
import { discoverSkills, skillsSection } from "./skills.ts";

/** Namespace of the base-instructions message id (UUIDv5). */
const BASE_ID_NAMESPACE = "6f1c2a9e-3b7d-4c1e-9a51-0d2e8b7c4f10";

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
  if (opts.collaborationMode) {
    const text = COLLABORATION_TEXT[opts.collaborationMode] ?? COLLABORATION_TEXT.default;
    dev.push(`<collaboration_mode>${text}\n</collaboration_mode>`);
  }
  if (opts.deferredTools?.length) {
    const lines = opts.deferredTools.map((t) => `- ${t.name}: ${t.description}`).join("\n");
    dev.push(`<tools>\nDeferred tool namespaces:\n${lines}\n</tools>`);
  }
  items.push(message("developer", `msg_${uuidv7()}`, dev));

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
