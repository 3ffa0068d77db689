/**
 * One turn of the agent: sample the model with the whole history, append what it says, run the
 * tool calls it asks for (parallel where the tools allow, outputs in call order), append the
 * outputs and sample again, until a response asks for no tool. There is no iteration cap.
 *
 * @module
 */

import type { AnyItem, ToolCallItem, ToolOutputBody } from "../protocol/items.ts";
import {
  isClientToolSearch,
  isToolCall,
  messageText,
  normalizeItem,
  userMessage,
} from "../protocol/items.ts";
import { addUsage, emptyUsage, type EventSink, type Usage } from "../protocol/events.ts";
import { uuidv7 } from "../protocol/ids.ts";
import type { ResponsesClient } from "../model/client.ts";
import { TurnAbortedError } from "../model/errors.ts";
import { buildRequest, type TurnRequestContext } from "../model/request.ts";
import type { ToolContext, ToolResult } from "../../tools/define.ts";
import type { ToolRegistry } from "../../tools/registry.ts";

/** How a turn ended. */
export type TurnStatus = "completed" | "failed" | "aborted";

/** The outcome of a turn. */
export interface TurnResult {
  turnId: string;
  status: TurnStatus;
  /** Text of the last assistant message of the turn. */
  lastMessage: string | null;
  usage: Usage;
  /** Items appended to the history during the turn (user input included). */
  items: AnyItem[];
  /** Number of model requests made. */
  requests: number;
  error?: string;
}

/** What a turn needs from its thread. */
export interface TurnDeps {
  client: ResponsesClient;
  tools: ToolRegistry;
  emit: EventSink;
  /** The request context of this turn (model, ids, sandbox...). */
  requestContext: TurnRequestContext;
  /** The tool context for one call. */
  toolContext(call: ToolCallItem, signal: AbortSignal): ToolContext;
  /** Steer inputs waiting to be inserted at the next sampling boundary. */
  takeSteers(): string[];
  /** Called with each item appended to the history (persistence). */
  onHistoryItem?(item: AnyItem): void;
  /** Runs before each sampling request; may compact `history` in place. */
  beforeSample?(history: AnyItem[], signal: AbortSignal): Promise<void>;
  /** Whether parallel-capable calls may run concurrently. */
  parallelToolCalls: boolean;
}

/** The output item answering `call`. */
export function outputItemFor(call: ToolCallItem, output: ToolOutputBody): AnyItem {
  return call.type === "function_call"
    ? { type: "function_call_output", id: `fco_${uuidv7()}`, call_id: call.call_id, output }
    : { type: "custom_tool_call_output", id: `ctco_${uuidv7()}`, call_id: call.call_id, output };
}

/**
 * A client-run `tool_search_call` is dispatched as a call of the `tool_search` tool (its
 * arguments as JSON); the tool answers with the JSON array of tools found.
 */
function searchAsCall(item: { call_id: string; arguments: Record<string, unknown> }): ToolCallItem {
  return {
    type: "function_call",
    name: "tool_search",
    arguments: JSON.stringify(item.arguments ?? {}),
    call_id: item.call_id,
  };
}

/** The `tool_search_output` answering a client-run search. */
function searchOutputFor(call: ToolCallItem, output: ToolOutputBody): AnyItem {
  let tools: unknown = [];
  try {
    tools = typeof output === "string" ? JSON.parse(output) : [];
  } catch { /* not a tool list: nothing found */ }
  return {
    type: "tool_search_output",
    id: `tso_${uuidv7()}`,
    call_id: call.call_id,
    status: "completed",
    execution: "client",
    tools: Array.isArray(tools) ? tools : [],
  };
}

async function runCall(
  call: ToolCallItem,
  deps: TurnDeps,
  signal: AbortSignal,
): Promise<ToolResult> {
  deps.emit({ type: "tool_started", call });
  const started = performance.now();
  let result: ToolResult;
  if (signal.aborted) {
    result = { output: "aborted by user", success: false };
  } else {
    result = await deps.tools.dispatch(call, deps.toolContext(call, signal));
  }
  deps.emit({
    type: "tool_completed",
    call,
    output: result.output,
    is_error: result.success === false,
    duration_ms: Math.round(performance.now() - started),
  });
  return result;
}

/** Runs calls: consecutive parallel-capable calls run together; results keep call order. */
export async function runCalls(
  calls: ToolCallItem[],
  deps: TurnDeps,
  signal: AbortSignal,
): Promise<ToolResult[]> {
  const results: ToolResult[] = new Array(calls.length);
  let i = 0;
  while (i < calls.length) {
    if (deps.parallelToolCalls && deps.tools.isParallel(calls[i].name)) {
      let j = i;
      while (j < calls.length && deps.tools.isParallel(calls[j].name)) j++;
      const group = await Promise.all(calls.slice(i, j).map((c) => runCall(c, deps, signal)));
      group.forEach((r, k) => (results[i + k] = r));
      i = j;
    } else {
      results[i] = await runCall(calls[i], deps, signal);
      i++;
    }
  }
  return results;
}

/**
 * Runs one turn. `history` is the thread's whole history (initial context first) and is
 * extended in place; `input` are the user items that start the turn.
 */
export async function runTurn(
  history: AnyItem[],
  input: AnyItem[],
  deps: TurnDeps,
  signal: AbortSignal,
): Promise<TurnResult> {
  const turnId = deps.requestContext.turnId;
  const usage = emptyUsage();
  const total = emptyUsage();
  const appended: AnyItem[] = [];
  let lastMessage: string | null = null;
  let requests = 0;
  const append = (item: AnyItem) => {
    history.push(item);
    appended.push(item);
    deps.onHistoryItem?.(item);
  };
  const finish = (status: TurnStatus, error?: string): TurnResult => ({
    turnId,
    status,
    lastMessage,
    usage,
    items: appended,
    requests,
    error,
  });

  for (const item of input) append(item);
  try {
    while (true) {
      for (const text of deps.takeSteers()) {
        append(userMessage(text, `msg_${uuidv7()}`));
        deps.emit({ type: "steer_inserted", text });
      }
      if (signal.aborted) throw new TurnAbortedError();
      await deps.beforeSample?.(history, signal);
      requests++;
      deps.emit({ type: "model_request", turn_id: turnId, iteration: requests });
      const req = buildRequest(deps.requestContext, history, deps.tools.specs());
      const response = await deps.client.stream(req, {
        onTextDelta: (item_id, delta) => deps.emit({ type: "agent_message_delta", item_id, delta }),
        onReasoningDelta: (item_id, delta) =>
          deps.emit({ type: "reasoning_delta", item_id, delta }),
        onRetry: (message) => deps.emit({ type: "stream_error", message }),
      }, signal);
      addUsage(usage, response.usage);
      addUsage(total, response.usage);
      deps.emit({ type: "token_count", last: response.usage, total: { ...usage } });

      const calls: ToolCallItem[] = [];
      const searches = new Set<ToolCallItem>();
      for (const raw of response.items) {
        const item = normalizeItem(raw);
        append(item);
        deps.emit({ type: "output_item", item });
        if (item.type === "message" && "role" in item && item.role === "assistant") {
          lastMessage = messageText(item as Parameters<typeof messageText>[0]);
        }
        if (isToolCall(item)) calls.push(item);
        if (isClientToolSearch(item)) {
          const call = searchAsCall(item);
          searches.add(call);
          calls.push(call);
        }
      }
      if (calls.length === 0) {
        if (signal.aborted) throw new TurnAbortedError();
        // A steer that arrived during the final answer gets a response of its own.
        const pending = deps.takeSteers();
        if (pending.length === 0) break;
        for (const text of pending) {
          append(userMessage(text, `msg_${uuidv7()}`));
          deps.emit({ type: "steer_inserted", text });
        }
        continue;
      }
      const results = await runCalls(calls, deps, signal);
      calls.forEach((call, k) =>
        append(
          searches.has(call)
            ? searchOutputFor(call, results[k].output)
            : outputItemFor(call, results[k].output),
        )
      );
      if (signal.aborted) throw new TurnAbortedError();
    }
  } catch (err) {
    if (err instanceof TurnAbortedError || signal.aborted) {
      // Every call in the history must have an output before the next request.
      const answered = new Set(
        history.filter((i) => i.type.endsWith("_output")).map((i) =>
          (i as { call_id?: string })
            .call_id
        ),
      );
      for (const item of [...appended]) {
        if (isToolCall(item) && !answered.has(item.call_id)) {
          append(outputItemFor(item, "aborted by user"));
        }
      }
      deps.emit({ type: "turn_aborted", turn_id: turnId, usage, reason: "interrupted" });
      return finish("aborted", "turn interrupted");
    }
    const message = err instanceof Error ? err.message : String(err);
    deps.emit({ type: "turn_failed", turn_id: turnId, usage, message });
    return finish("failed", message);
  }
  deps.emit({ type: "turn_completed", turn_id: turnId, usage, last_message: lastMessage });
  return finish("completed");
}
