/**
 * `close_agent`: shuts an agent and its open descendants down (their processes are killed) and
 * returns `{"previous_status": ...}`. A closed agent no longer counts toward the thread limit.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import type { FunctionTool } from "../define.ts";
import { agentTool, controlOf, emitCollab } from "./common.ts";
import { CLOSE_AGENT_PARAMETERS } from "./schemas.ts";

const schema = z.object({ target: z.string() });

/** Creates the `close_agent` tool. */
export function createCloseAgentTool(): FunctionTool {
  return agentTool({
    name: "close_agent",
    description:
      "Close a sub-agent (and any agents it spawned) once you no longer need it, and get the " +
      "status it had. Open agents, finished or not, count toward the limit of agents until " +
      "they are closed.",
    parameters: CLOSE_AGENT_PARAMETERS,
    schema,
    async handler(args, ctx) {
      const control = controlOf(ctx);
      const receivers = [args.target];
      emitCollab(ctx, "begin", { tool: "close_agent", receivers, prompt: null });
      try {
        const out = await control.close(args.target);
        emitCollab(ctx, "end", {
          tool: "close_agent",
          receivers,
          prompt: null,
          states: { [args.target]: out.previous_status },
        });
        return JSON.stringify(out);
      } catch (err) {
        emitCollab(ctx, "end", {
          tool: "close_agent",
          receivers,
          prompt: null,
          states: { [args.target]: "not_found" },
          status: "failed",
        });
        throw err;
      }
    },
  });
}
