/**
 * `collaboration.list_agents`: the agents of the tree, optionally under a task path, as
 * `{"agents": [{"agent_name": "/root", "agent_status": "running"}, ...]}`.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import type { FunctionTool } from "../define.ts";
import { agentTool, callerOf, controlOf } from "./common.ts";
import { LIST_AGENTS_PARAMETERS } from "./schemas.ts";

const schema = z.object({ path_prefix: z.string().optional() });

/** Creates `list_agents`. */
export function createListAgentsTool(): FunctionTool {
  return agentTool({
    name: "list_agents",
    description: "List the agents of the team with their status, optionally only those at or " +
      "below a task path.",
    parameters: LIST_AGENTS_PARAMETERS,
    schema,
    handler(args, ctx) {
      return JSON.stringify(controlOf(ctx).listTasks(callerOf(ctx), args.path_prefix));
    },
  });
}
