/**
 * Shared pieces of the sub-agent tools: the namespace they live in, finding the
 * {@linkcode AgentControl} in a tool context, turning `message`/`items` into input, reporting
 * collaboration activity, and defining a tool with a hand-written schema.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import type { ContentPart } from "../../lib/protocol/items.ts";
import type { AgentStatus } from "../../lib/agent/agent_control.ts";
import { AgentControl, AgentControlError } from "../../lib/agent/agent_control.ts";
import {
  describeIssues,
  type FunctionTool,
  guard,
  type ToolContext,
  ToolError,
  type ToolReturn,
} from "../define.ts";
import type { JsonSchema } from "./schemas.ts";
import { AGENT_CONTROL_SERVICE } from "./namespace.ts";

export { AGENT_CONTROL_SERVICE, MULTI_AGENT_NAMESPACE } from "./namespace.ts";

/** The control of the calling thread's tree. */
export function controlOf(ctx: ToolContext): AgentControl {
  const control = ctx.services[AGENT_CONTROL_SERVICE];
  if (!(control instanceof AgentControl)) {
    throw new ToolError("sub-agents are not available in this thread");
  }
  return control;
}

/** One structured input item of `spawn_agent` / `send_input`. */
export const inputItemSchema = z.object({
  type: z.string().optional(),
  text: z.string().optional(),
  image_url: z.string().optional(),
  audio_url: z.string().optional(),
  path: z.string().optional(),
  name: z.string().optional(),
});

/** The model's `message` or `items` as content parts (exactly one of them must be given). */
export function composeInput(
  message: string | undefined,
  items: z.infer<typeof inputItemSchema>[] | undefined,
): ContentPart[] {
  const hasMessage = message !== undefined && message.trim() !== "";
  const hasItems = items !== undefined && items.length > 0;
  if (hasMessage === hasItems) throw new ToolError("Provide one of: message or items");
  if (hasMessage) return [{ type: "input_text", text: message! }];
  return items!.map((item): ContentPart => {
    if ((item.type ?? "text") === "text" && item.text !== undefined) {
      return { type: "input_text", text: item.text };
    }
    if (item.type === "image" && item.image_url) {
      return { type: "input_image", image_url: item.image_url };
    }
    return { type: "input_text", text: JSON.stringify(item) };
  });
}

/** The text of the input (for activity reports). */
export function promptText(parts: ContentPart[]): string {
  return parts.map((p) => ("text" in p ? p.text : "")).filter(Boolean).join("\n");
}

/** Upstream's tool name for each collaboration item (`resume_agent` shows as `wait`). */
export type CollabToolName = "spawn_agent" | "send_input" | "wait" | "close_agent";

/** Reports collaboration activity (`exec --json` shows it as `collab_tool_call` items). */
export function emitCollab(
  ctx: ToolContext,
  phase: "begin" | "end",
  fields: {
    tool: CollabToolName;
    receivers: string[];
    prompt: string | null;
    states?: Record<string, AgentStatus>;
    status?: "completed" | "failed";
  },
): void {
  const agents_states: Record<string, { status: string; message: string | null }> = {};
  for (const [id, s] of Object.entries(fields.states ?? {})) agents_states[id] = stateOf(s);
  ctx.emit({
    type: "collab_tool_call",
    phase,
    call_id: ctx.callId,
    tool: fields.tool,
    sender_thread_id: ctx.threadId,
    receiver_thread_ids: fields.receivers,
    prompt: fields.prompt,
    agents_states,
    status: phase === "begin" ? "in_progress" : fields.status ?? "completed",
  });
}

/** An agent status as a collaboration item shows it. */
export function stateOf(s: AgentStatus): { status: string; message: string | null } {
  if (typeof s === "string") return { status: s, message: null };
  if ("completed" in s) return { status: "completed", message: s.completed };
  return { status: "errored", message: s.errored };
}

/** Options of {@linkcode agentTool}. */
export interface AgentToolOptions<S extends z.ZodType> {
  name: string;
  description: string;
  /** The JSON schema sent to the model. */
  parameters: JsonSchema;
  /** Validates the arguments. */
  schema: S;
  handler(args: z.output<S>, ctx: ToolContext): ToolReturn | Promise<ToolReturn>;
}

/** Defines a sub-agent tool; {@linkcode AgentControlError}s reach the model as they are. */
export function agentTool<S extends z.ZodType>(opts: AgentToolOptions<S>): FunctionTool {
  return {
    kind: "function",
    name: opts.name,
    description: opts.description,
    parameters: opts.parameters,
    parallel: false,
    run(raw, ctx) {
      let json: unknown;
      try {
        json = raw.trim() === "" ? {} : JSON.parse(raw);
      } catch (err) {
        return Promise.resolve({
          output: `failed to parse function arguments: ${(err as Error).message}`,
          success: false,
        });
      }
      const parsed = opts.schema.safeParse(json);
      if (!parsed.success) {
        return Promise.resolve({ output: describeIssues(opts.name, parsed.error), success: false });
      }
      return guard(async () => {
        try {
          return await opts.handler(parsed.data, ctx);
        } catch (err) {
          if (err instanceof AgentControlError) throw new ToolError(err.message);
          throw err;
        }
      });
    },
  };
}
