/**
 * The `collaboration` namespace (collaboration v2) of code-mode models: agents addressed by task
 * paths (`/root/<name>`), built on {@linkcode AgentControl}. The model calls these tools
 * directly (`{"type": "function_call", "namespace": "collaboration", ...}`); they are not
 * reachable from `exec` scripts.
 *
 * @module
 */

import type { FunctionTool } from "../define.ts";
import type { DeferredNamespace } from "../tool_search.ts";
import { createFollowupTaskTool } from "./followup_task.ts";
import { createInterruptAgentTool } from "./interrupt_agent.ts";
import { createListAgentsTool } from "./list_agents.ts";
import { createSendMessageTool } from "./send_message.ts";
import { createSpawnAgentTool } from "./spawn_agent.ts";
import { createWaitAgentTool } from "./wait_agent.ts";

/** Our description of the `collaboration` namespace. */
export const COLLABORATION_DESCRIPTION = "Starting, messaging and waiting for other agents.";

/** The `collaboration` tools, in upstream's order. */
export function createCollaborationTools(): FunctionTool[] {
  return [
    createFollowupTaskTool(),
    createInterruptAgentTool(),
    createListAgentsTool(),
    createSendMessageTool(),
    createSpawnAgentTool(),
    createWaitAgentTool(),
  ];
}

/** The `collaboration` namespace as the `additional_tools` item announces it. */
export function collaborationNamespace(): DeferredNamespace {
  return {
    name: "collaboration",
    description: COLLABORATION_DESCRIPTION,
    tools: createCollaborationTools(),
  };
}
