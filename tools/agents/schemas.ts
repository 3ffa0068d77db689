/**
 * Argument schemas of the `multi_agent_v1` tools, shaped as upstream sends them (property names
 * sorted, `required` only where upstream has it, no extra keys). The descriptions are ours.
 *
 * @module
 */

/** A JSON schema object. */
export type JsonSchema = Record<string, unknown>;

const inputItem: JsonSchema = {
  type: "object",
  properties: {
    audio_url: { type: "string", description: "Audio data URL, for items of type audio." },
    image_url: { type: "string", description: "Image URL or data URL, for items of type image." },
    name: { type: "string", description: "Display name, for skill and mention items." },
    path: {
      type: "string",
      description: "File path (local_image, local_audio, skill) or mention target (mention).",
    },
    text: { type: "string", description: "The text, for items of type text." },
    type: {
      type: "string",
      description: "One of: text, image, local_image, audio, local_audio, skill, mention.",
    },
  },
  additionalProperties: false,
};

function itemsProperty(): JsonSchema {
  return {
    type: "array",
    description: "Structured input for the agent, instead of `message`.",
    items: inputItem,
  };
}

/** `spawn_agent`. */
export const SPAWN_AGENT_PARAMETERS: JsonSchema = {
  type: "object",
  properties: {
    fork_context: {
      type: "boolean",
      description:
        "Start the agent with a copy of this conversation so far; omit to start it fresh.",
    },
    items: itemsProperty(),
    message: { type: "string", description: "The task for the new agent, as plain text." },
    model: {
      type: "string",
      description: "A different model for the agent; leave out to use the current one.",
    },
    reasoning_effort: {
      type: "string",
      description: "A different reasoning effort for the agent; leave out to keep the current one.",
    },
  },
  additionalProperties: false,
};

/** `send_input`. */
export const SEND_INPUT_PARAMETERS: JsonSchema = {
  type: "object",
  properties: {
    interrupt: {
      type: "boolean",
      description: "Stop the agent's current work and handle this input now; otherwise it queues.",
    },
    items: itemsProperty(),
    message: { type: "string", description: "The text to send, as plain text." },
    target: { type: "string", description: "The id of the agent, as spawn_agent returned it." },
  },
  required: ["target"],
  additionalProperties: false,
};

/** `resume_agent`. */
export const RESUME_AGENT_PARAMETERS: JsonSchema = {
  type: "object",
  properties: {
    id: { type: "string", description: "The id of the closed agent to reopen." },
  },
  required: ["id"],
  additionalProperties: false,
};

/** `wait_agent`. */
export const WAIT_AGENT_PARAMETERS: JsonSchema = {
  type: "object",
  properties: {
    targets: {
      type: "array",
      description: "Ids of the agents to wait for; the wait ends when any of them is done.",
      items: { type: "string" },
    },
    timeout_ms: {
      type: "number",
      description:
        "How long to wait, in milliseconds: 30000 by default, at least 10000, at most 3600000.",
    },
  },
  required: ["targets"],
  additionalProperties: false,
};

/** `close_agent`. */
export const CLOSE_AGENT_PARAMETERS: JsonSchema = {
  type: "object",
  properties: {
    target: { type: "string", description: "The id of the agent to close." },
  },
  required: ["target"],
  additionalProperties: false,
};
