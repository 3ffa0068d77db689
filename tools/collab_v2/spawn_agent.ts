/**
 * `collaboration.spawn_agent`: starts an agent on a task below the caller
 * (`/root/<task_name>`) and answers `{"task_name": "<path>"}`. With `fork_turns: "all"` (the
 * default) the agent starts from the caller's history, followed by our forked-child developer
 * messages; with `none` it gets a fresh initial context.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import type { FunctionTool } from "../define.ts";
import { ROOT_PATH } from "../../lib/agent/agent_control.ts";
import { forkedChildItems } from "../../lib/context/initial.ts";
import { agentTool, callerOf, controlOf } from "./common.ts";
import { SPAWN_AGENT_PARAMETERS } from "./schemas.ts";

const schema = z.object({
  task_name: z.string(),
  message: z.string(),
  fork_turns: z.string().optional(),
  model: z.string().optional(),
  reasoning_effort: z.string().optional(),
});

/** Tools the root has and its forked children do not (`<namespace>.<name>`). */
const ROOT_ONLY_TOOLS = ["functions.request_user_input_async"];

/** Creates `spawn_agent`. */
export function createSpawnAgentTool(): FunctionTool {
  return agentTool({
    name: "spawn_agent",
    description: "Start a new agent on a task. It gets the task name `<your task name>/" +
      "<task_name>` (for the root: `/root/<task_name>`), which you and other agents use to " +
      "reach it. It has your tools, may start agents of its own, can message you, and its " +
      "final answer comes back to you as a message when its turn ends. By default it sees " +
      'your conversation so far (`fork_turns: "all"`); with `"none"` it sees only the task, ' +
      "so then make the task self-contained.",
    parameters: SPAWN_AGENT_PARAMETERS,
    schema,
    async handler(args, ctx) {
      const control = controlOf(ctx);
      const caller = callerOf(ctx);
      const removedTools = control.pathOf(ctx.threadId) === ROOT_PATH ? ROOT_ONLY_TOOLS : [];
      const out = await control.spawnTask(caller, {
        taskName: args.task_name,
        message: args.message,
        forkTurns: args.fork_turns,
        forkSuffix: forkedChildItems({ slots: control.collabSlots, removedTools }),
        model: args.model,
        reasoningEffort: args.reasoning_effort,
      });
      return JSON.stringify(out);
    },
  });
}
