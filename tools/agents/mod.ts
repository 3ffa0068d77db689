/**
 * The sub-agent tools of the deferred `multi_agent_v1` namespace: `spawn_agent`, `send_input`,
 * `resume_agent`, `wait_agent`, `close_agent`. They reach the thread tree's
 * {@linkcode AgentControl} through `ctx.services.agentControl`.
 *
 * @module
 */

import type { FunctionTool } from "../define.ts";
import { createCloseAgentTool } from "./close_agent.ts";
import { createResumeAgentTool } from "./resume_agent.ts";
import { createSendInputTool } from "./send_input.ts";
import { createSpawnAgentTool } from "./spawn_agent.ts";
import { createWaitAgentTool } from "./wait_agent.ts";

export {
  AGENT_CONTROL_SERVICE,
  MULTI_AGENT_NAMESPACE,
  MULTI_AGENT_TOOL_NAMES,
} from "./namespace.ts";
export type { AgentControl } from "../../lib/agent/agent_control.ts";

/** The five sub-agent tools, in namespace order. */
export function createAgentTools(): FunctionTool[] {
  return [
    createSpawnAgentTool(),
    createSendInputTool(),
    createResumeAgentTool(),
    createWaitAgentTool(),
    createCloseAgentTool(),
  ];
}
