/**
 * The code-mode tools beyond `exec`, `wait` and `request_user_input`, as upstream gives them to
 * code-mode models: `request_user_input_async` (root agent only) in the `functions` namespace,
 * the `clock` namespace (`sleep`) and, when sub-agents are enabled, the `collaboration`
 * namespace; plus `clock__curr_time`, which only scripts call.
 *
 * The thread's tool set registers `functions` as hidden tools and the namespaces as namespaces;
 * {@linkcode additionalToolsEntries} lays them out as the `additional_tools` item lists them.
 *
 * @module
 */

import { type Tool, toolSpec } from "../tool.ts";
import type { DeferredNamespace } from "../tool_search.ts";
import { collaborationNamespace } from "../collab_v2/mod.ts";
import { type ClockDeps, clockNamespace, createCurrTimeTool } from "./clock.ts";
import { createRequestUserInputAsyncTool } from "./request_user_input_async.ts";

/** What decides a thread's code-mode surface. */
export interface CodeModeSurfaceOptions extends ClockDeps {
  /** The thread is the root agent (only the root may ask the user asynchronously). */
  root: boolean;
  /** Sub-agents are enabled (the thread's services hold an `AgentControl`). */
  collaboration: boolean;
}

/** The extra code-mode tools of one thread. */
export interface CodeModeSurface {
  /** Added to the `functions` namespace after `exec`, `wait` and `request_user_input`. */
  functions: Tool[];
  /** Namespaces listed after `functions`, called as `<namespace>.<name>`. */
  namespaces: DeferredNamespace[];
  /** Tools only scripts reach, as `tools.<name>`. */
  nested: Tool[];
}

/** Builds the extra code-mode tools of a thread. */
export function codeModeSurface(opts: CodeModeSurfaceOptions): CodeModeSurface {
  const namespaces = [clockNamespace(opts)];
  if (opts.collaboration) namespaces.push(collaborationNamespace());
  return {
    functions: opts.root ? [createRequestUserInputAsyncTool()] : [],
    namespaces,
    nested: [createCurrTimeTool(opts)],
  };
}

/**
 * The `tools` of an `additional_tools` item: the `functions` namespace (empty description),
 * then each namespace with its functions.
 */
export function additionalToolsEntries(
  functions: Tool[],
  namespaces: DeferredNamespace[],
): Record<string, unknown>[] {
  return [
    { type: "namespace", name: "functions", description: "", tools: functions.map(toolSpec) },
    ...namespaces.map((ns) => ({
      type: "namespace",
      name: ns.name,
      description: ns.description,
      tools: ns.tools.map(toolSpec),
    })),
  ];
}
