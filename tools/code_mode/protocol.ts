/**
 * The messages between the code-mode host (the agent) and a cell's runner process, one JSON
 * object per line: the host writes to the runner's stdin, the runner to its stdout.
 *
 * @module
 */

/** A nested tool as the script sees it. */
export interface NestedToolInfo {
  name: string;
  /** The name on the `tools` object (non-identifier characters replaced by `_`). */
  js_name: string;
  description: string;
}

/** Host to runner. */
export type HostMessage =
  | {
    type: "init";
    cell_id: string;
    source: string;
    stored: Record<string, unknown>;
    tools: NestedToolInfo[];
  }
  | { type: "tool_result"; id: string; ok: true; value: unknown }
  | { type: "tool_result"; id: string; ok: false; error: string };

/** Runner to host. */
export type RunnerMessage =
  | { type: "ready" }
  | { type: "text"; text: string }
  | { type: "image"; image_url: string; detail?: string }
  | { type: "notify"; text: string }
  | { type: "yield" }
  | { type: "store"; key: string; value: unknown }
  | { type: "tool_call"; id: string; name: string; input: unknown }
  | { type: "done"; ok: boolean; error?: string };

/** The hidden argument that makes the main program act as a runner. */
export const RUNNER_ARG = "__code-mode-runner";

/** A tool name as a JavaScript identifier. */
export function jsName(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_$]/g, "_");
  return /^[0-9]/.test(id) ? `_${id}` : id;
}
