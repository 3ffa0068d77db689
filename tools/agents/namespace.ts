/**
 * The names of the sub-agent tools' deferred namespace and of the service they reach the thread
 * tree through: what a thread needs to announce the namespace before the tools load.
 *
 * @module
 */

/** The deferred namespace of the sub-agent tools, announced in the `<tools>` section. */
export const MULTI_AGENT_NAMESPACE = {
  name: "multi_agent_v1",
  description: "Spawn sub-agents, send them work, wait for them and close them.",
} as const;

/** The tools of {@linkcode MULTI_AGENT_NAMESPACE}, in namespace order. */
export const MULTI_AGENT_TOOL_NAMES: readonly string[] = [
  "spawn_agent",
  "send_input",
  "resume_agent",
  "wait_agent",
  "close_agent",
];

/** The `ctx.services` key holding the thread tree's `AgentControl`. */
export const AGENT_CONTROL_SERVICE = "agentControl";
