/**
 * `wait_agent`: waits until one of the given agents has a final status, or the timeout
 * (default 30 s, clamped to 10 s .. 1 h) passes. Returns `{"status": {...}, "timed_out": bool}`
 * with the final statuses found (`{}` on timeout).
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import type { FunctionTool } from "../define.ts";
import { AgentControlError } from "../../lib/agent/agent_control.ts";
import { agentTool, controlOf, emitCollab } from "./common.ts";
import { WAIT_AGENT_PARAMETERS } from "./schemas.ts";

const schema = z.object({
  targets: z.array(z.string()),
  timeout_ms: z.number().optional(),
});

/** Creates the `wait_agent` tool. */
export function createWaitAgentTool(): FunctionTool {
  return agentTool({
    name: "wait_agent",
    description:
      "Wait for sub-agents to finish. Returns as soon as any listed agent is done (completed " +
      "statuses carry the agent's final message), or an empty status with timed_out=true when " +
      "the timeout passes. Finished agents also report through a notification message. Wait " +
      "only when your next step needs the result.",
    parameters: WAIT_AGENT_PARAMETERS,
    schema,
    async handler(args, ctx) {
      const control = controlOf(ctx);
      if (args.targets.length === 0) throw new AgentControlError("agent ids must be non-empty");
      emitCollab(ctx, "begin", { tool: "wait", receivers: args.targets, prompt: null });
      const out = await control.wait(args.targets, args.timeout_ms, ctx.signal);
      const failed = Object.values(out.status).some((s) => s === "not_found");
      emitCollab(ctx, "end", {
        tool: "wait",
        receivers: Object.keys(out.status),
        prompt: null,
        states: out.status,
        status: failed ? "failed" : "completed",
      });
      return JSON.stringify(out);
    },
  });
}
