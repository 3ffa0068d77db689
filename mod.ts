/**
 * denocodex as a library: run the Codex agent loop in your own program, with your own tools.
 *
 * @example A custom tool used in a turn
 * ```ts
 * import { z } from "npm:zod@^4.6.7";
 * import { createThread, defineTool, loadConfig } from "./mod.ts";
 *
 * const roll = defineTool({
 *   name: "roll_die",
 *   description: "Rolls a die with the given number of sides and returns the result.",
 *   parameters: z.strictObject({ sides: z.number() }),
 *   handler: ({ sides }) => String(1 + Math.floor(Math.random() * sides)),
 * });
 *
 * const config = await loadConfig({ env: Deno.env.toObject(), cwd: Deno.cwd() });
 * const thread = await createThread({ config, cwd: Deno.cwd(), extraTools: [roll] });
 * thread.subscribe((event) => console.log(event.type));
 * const result = await thread.run("Roll a d20 and tell me the number.");
 * console.log(result.lastMessage);
 * await thread.shutdown();
 * ```
 *
 * @module
 */

import { openThread, type OpenThreadOptions } from "./lib/agent/setup.ts";
import type { Thread } from "./lib/agent/thread.ts";

// Agent: threads and turns.
export { Thread } from "./lib/agent/thread.ts";
export type { RunOptions, ThreadOptions, TurnInput } from "./lib/agent/thread.ts";
export { runCalls, runTurn } from "./lib/agent/loop.ts";
export type { TurnDeps, TurnResult, TurnStatus } from "./lib/agent/loop.ts";
export { buildToolset } from "./lib/agent/toolset.ts";
export type { ToolsetOptions } from "./lib/agent/toolset.ts";
export type { OpenThreadOptions } from "./lib/agent/setup.ts";

// Tools.
export {
  defineFreeformTool,
  defineHostedTool,
  defineTool,
  ToolError,
  toolJsonSchema,
  toolSpec,
} from "./tools/define.ts";
export type {
  ApprovalDecision,
  ApprovalPolicy,
  FreeformTool,
  FunctionTool,
  HostedTool,
  Tool,
  ToolContext,
  ToolResult,
  ToolReturn,
  UserInterface,
  UserQuestion,
} from "./tools/define.ts";
export { ToolRegistry } from "./tools/registry.ts";
export { lazyTool } from "./tools/lazy.ts";
export type { ToolDeclaration } from "./tools/lazy.ts";

// Model client.
export { ResponsesClient } from "./lib/model/client.ts";
export type { ModelRequest, ModelResponse, StreamHandlers } from "./lib/model/client.ts";
export { ModelError, TurnAbortedError } from "./lib/model/errors.ts";
export { buildRequest } from "./lib/model/request.ts";
export type { TurnRequestContext } from "./lib/model/request.ts";
export { listModels, modelInfo } from "./lib/model/catalog.ts";
export type { ModelInfo, ToolFamily } from "./lib/model/catalog.ts";

// Configuration.
export { DEFAULT_MODEL, loadConfig } from "./lib/config/load.ts";
export type { LoadConfigOptions, ResolvedConfig } from "./lib/config/load.ts";
export { resolveApiKey, resolveProvider } from "./lib/config/providers.ts";
export type { ProviderInfo } from "./lib/config/providers.ts";
export { ConfigError, UserError } from "./lib/config/errors.ts";

// Protocol: items and events.
export type {
  AnyItem,
  ContentPart,
  CustomToolCallItem,
  CustomToolCallOutputItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  MessageItem,
  ReasoningItem,
  ResponseItem,
  ToolCallItem,
  ToolOutputBody,
  WebSearchCallItem,
} from "./lib/protocol/items.ts";
export type {
  AgentEvent,
  EventSink,
  FileChange,
  PlanStep,
  ToolActivityEvent,
  Usage,
} from "./lib/protocol/events.ts";
export { JsonlRenderer } from "./lib/cli/exec_json.ts";

// Compat server: Responses API in front of Chat Completions backends.
export {
  type CompatAppOptions,
  type CompatServerHandle,
  createCompatApp,
  startCompatServer,
  type StartCompatServerOptions,
} from "./compat/mod.ts";

// Sandbox.
export { makePolicy } from "./lib/sandbox/policy.ts";
export type { SandboxMode, SandboxPolicy } from "./lib/sandbox/policy.ts";

/**
 * Opens a thread with the default tools for `config` (see {@linkcode loadConfig}). Library
 * threads use the `codex_exec` originator unless `originator` is given.
 */
export function createThread(
  opts: Omit<OpenThreadOptions, "originator" | "turnTrigger"> & {
    originator?: string;
    turnTrigger?: string;
  },
): Promise<Thread> {
  return openThread({
    originator: opts.originator ?? "codex_exec",
    turnTrigger: opts.turnTrigger ?? "exec",
    ...opts,
  });
}
