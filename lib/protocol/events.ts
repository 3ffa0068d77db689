/**
 * Events the agent emits while it works. Renderers (human text, `exec --json`, the interactive
 * session) and library users subscribe to these; tools emit the activity events.
 *
 * @module
 */

import type { AnyItem, ToolCallItem, ToolOutputBody } from "./items.ts";

/** Token usage summed the way upstream reports it in `turn.completed`. */
export interface Usage {
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_input_tokens: number;
  output_tokens: number;
  reasoning_output_tokens: number;
}

/** A zeroed {@linkcode Usage}. */
export function emptyUsage(): Usage {
  return {
    input_tokens: 0,
    cached_input_tokens: 0,
    cache_write_input_tokens: 0,
    output_tokens: 0,
    reasoning_output_tokens: 0,
  };
}

/** Adds `b` into `a` (in place) and returns `a`. */
export function addUsage(a: Usage, b: Usage): Usage {
  a.input_tokens += b.input_tokens;
  a.cached_input_tokens += b.cached_input_tokens;
  a.cache_write_input_tokens += b.cache_write_input_tokens;
  a.output_tokens += b.output_tokens;
  a.reasoning_output_tokens += b.reasoning_output_tokens;
  return a;
}

/** One file touched by a patch. */
export interface FileChange {
  /** Absolute path. */
  path: string;
  kind: "add" | "update" | "delete";
  /** For moves: the absolute destination path. */
  move_path?: string;
  /** Unified diff of the change, when known (for renderers). */
  diff?: string;
}

/** Plan step status, as `update_plan` takes it. */
export type PlanStatus = "pending" | "in_progress" | "completed";

/** A step of the plan. */
export interface PlanStep {
  step: string;
  status: PlanStatus;
}

/** Events emitted by tools while they run (activity the user should see). */
export type ToolActivityEvent =
  | {
    type: "exec_command_begin";
    call_id: string;
    /** Display form: `<shell> -lc '<cmd>'`. */
    command: string;
    cwd: string;
  }
  | {
    type: "exec_command_output_delta";
    call_id: string;
    chunk: string;
  }
  | {
    type: "exec_command_end";
    call_id: string;
    command: string;
    cwd: string;
    aggregated_output: string;
    /** `null` while the process is still running (it yielded to the model). */
    exit_code: number | null;
    duration_ms: number;
  }
  | { type: "patch_apply_begin"; call_id: string; changes: FileChange[] }
  | { type: "patch_apply_end"; call_id: string; changes: FileChange[]; success: boolean }
  | { type: "plan_update"; explanation?: string; plan: PlanStep[] }
  | { type: "web_search"; call_id: string; query: string; action?: Record<string, unknown> }
  /** Sub-agent activity (`exec --json` shows it as a `collab_tool_call` item). */
  | {
    type: "collab_tool_call";
    phase: "begin" | "end";
    call_id: string;
    /** `spawn_agent`, `send_input`, `wait` (also for `resume_agent`) or `close_agent`. */
    tool: string;
    sender_thread_id: string;
    receiver_thread_ids: string[];
    prompt: string | null;
    agents_states: Record<string, { status: string; message: string | null }>;
    status: "in_progress" | "completed" | "failed";
  };

/** Everything a thread reports while it runs a turn. */
export type AgentEvent =
  | ToolActivityEvent
  | { type: "turn_started"; turn_id: string; input: string[] }
  | { type: "model_request"; turn_id: string; iteration: number }
  | { type: "agent_message_delta"; item_id: string; delta: string }
  | { type: "reasoning_delta"; item_id: string; delta: string }
  /** An output item the model finished (message, reasoning, tool call, web search call...). */
  | { type: "output_item"; item: AnyItem }
  | { type: "tool_started"; call: ToolCallItem }
  | {
    type: "tool_completed";
    call: ToolCallItem;
    output: ToolOutputBody;
    is_error: boolean;
    duration_ms: number;
  }
  | { type: "token_count"; last: Usage; total: Usage }
  | { type: "warning"; message: string }
  /** A retry of the stream layer: `Reconnecting... n/5 (reason)`. */
  | { type: "stream_error"; message: string }
  | { type: "steer_inserted"; text: string }
  /**
   * The history was compacted: `history` is the whole new history (initial context, recent user
   * messages, the summary message); persistence records it so a resume rebuilds the same.
   */
  | {
    type: "context_compacted";
    trigger: "auto" | "manual";
    summary: string;
    history: AnyItem[];
    /** Estimated tokens of the history before and after. */
    tokens_before: number;
    tokens_after: number;
  }
  | { type: "turn_completed"; turn_id: string; usage: Usage; last_message: string | null }
  | { type: "turn_failed"; turn_id: string; usage: Usage; message: string }
  | { type: "turn_aborted"; turn_id: string; usage: Usage; reason: string };

/** A sink for events. */
export type EventSink = (event: AgentEvent) => void;
