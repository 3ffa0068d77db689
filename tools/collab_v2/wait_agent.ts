/**
 * `collaboration.wait_agent`: waits for news in the caller's mailbox (a message or a final
 * answer from another agent), then answers `{"message": "Wait completed.", "timed_out": false}`
 * or, when the timeout passes, `{"message": "Wait timed out.", "timed_out": true}`. The news
 * itself arrives as `agent_message` items right after. `exec --json` shows the call as a
 * `collab_tool_call` item with tool `wait`.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import { type FunctionTool, ToolError } from "../define.ts";
import { agentTool, callerOf, controlOf } from "./common.ts";
import { emitCollab } from "../agents/common.ts";
import { WAIT_AGENT_PARAMETERS } from "./schemas.ts";

const schema = z.object({ timeout_ms: z.number().optional() });

/** Creates `wait_agent`. */
export function createWaitAgentTool(): FunctionTool {
  return agentTool({
    name: "wait_agent",
    description: "Wait until another agent sends you a message or a final answer, or the " +
      "timeout passes. The result only says which happened; the messages themselves follow " +
      "it. Prefer long timeouts to polling.",
    parameters: WAIT_AGENT_PARAMETERS,
    schema,
    async handler(args, ctx) {
      if (args.timeout_ms !== undefined && !Number.isInteger(args.timeout_ms)) {
        throw new ToolError("timeout_ms must be a whole number of milliseconds");
      }
      const control = controlOf(ctx);
      emitCollab(ctx, "begin", { tool: "wait", receivers: [], prompt: null });
      const out = await control.waitMail(callerOf(ctx), args.timeout_ms, ctx.signal);
      emitCollab(ctx, "end", { tool: "wait", receivers: [], prompt: null, status: "completed" });
      return JSON.stringify(out);
    },
  });
}
