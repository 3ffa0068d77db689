/**
 * Shared pieces of the `collaboration` tools: the caller as {@linkcode AgentControl} sees it.
 *
 * @module
 */

import type { Caller } from "../../lib/agent/agent_control.ts";
import type { ToolContext } from "../define.ts";

export { agentTool, controlOf } from "../agents/common.ts";

/** The calling thread and turn. */
export function callerOf(ctx: ToolContext): Caller {
  return { threadId: ctx.threadId, turnId: ctx.turnId };
}
