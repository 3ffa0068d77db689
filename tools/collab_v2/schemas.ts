/**
 * Argument schemas of the `collaboration` tools, shaped as upstream sends them (properties
 * sorted by name, `required` in upstream's order and only where upstream has it, the model's
 * `message` marked `"encrypted": true`). The descriptions are ours.
 *
 * @module
 */

import type { JsonSchema } from "../agents/schemas.ts";

const TARGET = "The agent: its task name relative to you (`worker`), its full task path " +
  "(`/root/worker`) or its id.";

function messageProperty(description: string): JsonSchema {
  return { type: "string", description, encrypted: true };
}

/** `followup_task`. */
export const FOLLOWUP_TASK_PARAMETERS: JsonSchema = {
  type: "object",
  properties: {
    message: messageProperty("The new task, in plain text."),
    target: { type: "string", description: TARGET },
  },
  required: ["target", "message"],
  additionalProperties: false,
};

/** `interrupt_agent`. */
export const INTERRUPT_AGENT_PARAMETERS: JsonSchema = {
  type: "object",
  properties: { target: { type: "string", description: TARGET } },
  required: ["target"],
  additionalProperties: false,
};

/** `list_agents`. */
export const LIST_AGENTS_PARAMETERS: JsonSchema = {
  type: "object",
  properties: {
    path_prefix: {
      type: "string",
      description: "Only list agents at or below this task path (no trailing slash). Leave out " +
        "to list every agent.",
    },
  },
  additionalProperties: false,
};

/** `send_message`. */
export const SEND_MESSAGE_PARAMETERS: JsonSchema = {
  type: "object",
  properties: {
    message: messageProperty("What to tell the agent, in plain text."),
    target: { type: "string", description: TARGET },
  },
  required: ["target", "message"],
  additionalProperties: false,
};

/** `spawn_agent`. */
export const SPAWN_AGENT_PARAMETERS: JsonSchema = {
  type: "object",
  properties: {
    fork_turns: {
      type: "string",
      description: "`all` (the default): the new agent starts with your conversation so far; " +
        "`none`: it starts with only its task.",
    },
    message: messageProperty("The new agent's task, in plain text."),
    model: {
      type: "string",
      description: 'Another model for the new agent (only with `fork_turns: "none"`). Leave ' +
        "out unless asked for.",
    },
    reasoning_effort: {
      type: "string",
      description: "Another reasoning effort for the new agent (only with `fork_turns: " +
        '"none"`). Leave out to keep yours.',
    },
    task_name: {
      type: "string",
      description: "A short name for the task: lowercase letters, digits and underscores.",
    },
  },
  required: ["task_name", "message"],
  additionalProperties: false,
};

/** `wait_agent`. */
export const WAIT_AGENT_PARAMETERS: JsonSchema = {
  type: "object",
  properties: {
    timeout_ms: {
      type: "number",
      description: "How long to wait at most, in ms: 30000 by default, at least 10000, at most " +
        "3600000.",
    },
  },
  additionalProperties: false,
};
