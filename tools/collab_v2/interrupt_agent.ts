/**
 * `collaboration.interrupt_agent`: stops an agent's running turn, if any, and answers
 * `{"previous_status": <status>}`. The agent stays open for messages and follow-up tasks.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import type { FunctionTool } from "../define.ts";
import { agentTool, callerOf, controlOf } from "./common.ts";
import { INTERRUPT_AGENT_PARAMETERS } from "./schemas.ts";

const schema = z.object({ target: z.string() });

/** Creates `interrupt_agent`. */
export function createInterruptAgentTool(): FunctionTool {
  return agentTool({
    name: "interrupt_agent",
    description: "Stop what an agent is doing right now and get the status it had. The agent " +
      "stays available for messages and new tasks.",
    parameters: INTERRUPT_AGENT_PARAMETERS,
    schema,
    handler(args, ctx) {
      return JSON.stringify(controlOf(ctx).interruptTask(callerOf(ctx), args.target));
    },
  });
}
