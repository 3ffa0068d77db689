/**
 * `collaboration.followup_task`: gives an existing agent (not the root) a new task. A running
 * agent takes it at its next sampling boundary; an idle one starts a turn. Answers an empty
 * output.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import type { FunctionTool } from "../define.ts";
import { agentTool, callerOf, controlOf } from "./common.ts";
import { FOLLOWUP_TASK_PARAMETERS } from "./schemas.ts";

const schema = z.object({ target: z.string(), message: z.string() });

/** Creates `followup_task`. */
export function createFollowupTaskTool(): FunctionTool {
  return agentTool({
    name: "followup_task",
    description: "Give an agent you started another task. An idle agent starts working on it " +
      "right away; a busy one picks it up at its next step. Its final answer comes back to " +
      "you as a message.",
    parameters: FOLLOWUP_TASK_PARAMETERS,
    schema,
    handler(args, ctx) {
      controlOf(ctx).followupTask(callerOf(ctx), args.target, args.message);
      return "";
    },
  });
}
