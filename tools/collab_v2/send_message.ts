/**
 * `collaboration.send_message`: queues a message for another agent (the root included); it
 * reaches the agent at its next sampling boundary and starts no turn. Answers an empty output.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import type { FunctionTool } from "../define.ts";
import { agentTool, callerOf, controlOf } from "./common.ts";
import { SEND_MESSAGE_PARAMETERS } from "./schemas.ts";

const schema = z.object({ target: z.string(), message: z.string() });

/** Creates `send_message`. */
export function createSendMessageTool(): FunctionTool {
  return agentTool({
    name: "send_message",
    description: "Tell another agent something. The message reaches it at its next step and " +
      "does not start a turn; use followup_task to give an idle agent work.",
    parameters: SEND_MESSAGE_PARAMETERS,
    schema,
    handler(args, ctx) {
      controlOf(ctx).sendMessage(callerOf(ctx), args.target, args.message);
      return "";
    },
  });
}
