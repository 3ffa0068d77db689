/**
 * `resume_agent`: reopens a closed agent with its history so it can take `send_input` and
 * `wait_agent` again; returns `{"status": ...}` (`pending_init` after a reopen).
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import type { FunctionTool } from "../define.ts";
import { agentTool, controlOf, emitCollab } from "./common.ts";
import { RESUME_AGENT_PARAMETERS } from "./schemas.ts";

const schema = z.object({ id: z.string() });

/** Creates the `resume_agent` tool. */
export function createResumeAgentTool(): FunctionTool {
  return agentTool({
    name: "resume_agent",
    description:
      "Reopen a sub-agent you closed earlier, with everything it had done, so you can send it " +
      "more input and wait for it again.",
    parameters: RESUME_AGENT_PARAMETERS,
    schema,
    async handler(args, ctx) {
      const control = controlOf(ctx);
      const receivers = [args.id];
      // Upstream reports a resume as a `wait` collaboration item.
      emitCollab(ctx, "begin", { tool: "wait", receivers, prompt: null });
      try {
        const out = await control.resume({ threadId: ctx.threadId, turnId: ctx.turnId }, args.id);
        emitCollab(ctx, "end", {
          tool: "wait",
          receivers,
          prompt: null,
          states: { [args.id]: out.status },
        });
        return JSON.stringify(out);
      } catch (err) {
        emitCollab(ctx, "end", {
          tool: "wait",
          receivers,
          prompt: null,
          states: { [args.id]: "not_found" },
          status: "failed",
        });
        throw err;
      }
    },
  });
}
