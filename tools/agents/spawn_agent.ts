/**
 * `spawn_agent`: starts a sub-agent on a task and returns `{"agent_id","nickname"}` at once;
 * the agent works in the background (see `wait_agent`).
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import type { FunctionTool } from "../define.ts";
import {
  agentTool,
  composeInput,
  controlOf,
  emitCollab,
  inputItemSchema,
  promptText,
} from "./common.ts";
import { SPAWN_AGENT_PARAMETERS } from "./schemas.ts";

const schema = z.object({
  message: z.string().optional(),
  items: z.array(inputItemSchema).optional(),
  agent_type: z.string().optional(),
  fork_context: z.boolean().optional(),
  model: z.string().optional(),
  reasoning_effort: z.string().optional(),
});

/** Creates the `spawn_agent` tool. */
export function createSpawnAgentTool(): FunctionTool {
  return agentTool({
    name: "spawn_agent",
    description:
      "Start a sub-agent on a self-contained task. It runs in the background in the same " +
      "workspace with the same sandbox, and starts from only the task you give it unless " +
      "fork_context is true. Returns its agent_id (use it with wait_agent, send_input and " +
      "close_agent) and a nickname. Only spawn agents when the user or the instructions ask " +
      "for delegation or parallel work; give each agent a distinct, bounded task.",
    parameters: SPAWN_AGENT_PARAMETERS,
    schema,
    async handler(args, ctx) {
      const control = controlOf(ctx);
      const input = composeInput(args.message, args.items);
      const prompt = args.message ?? promptText(input);
      emitCollab(ctx, "begin", { tool: "spawn_agent", receivers: [], prompt });
      try {
        const out = await control.spawn({ threadId: ctx.threadId, turnId: ctx.turnId }, {
          input,
          forkContext: args.fork_context,
          model: args.model,
          reasoningEffort: args.reasoning_effort,
        });
        emitCollab(ctx, "end", {
          tool: "spawn_agent",
          receivers: [out.agent_id],
          prompt,
          states: { [out.agent_id]: "pending_init" },
        });
        return JSON.stringify(out);
      } catch (err) {
        emitCollab(ctx, "end", { tool: "spawn_agent", receivers: [], prompt, status: "failed" });
        throw err;
      }
    },
  });
}
