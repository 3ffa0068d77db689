/**
 * Rebuilds a thread's history from its rollout, exactly as it was sent to the model: the
 * base-instructions message (kept in `session_meta`), then every `response_item` in order;
 * a `compacted` record replaces everything before it with its `replacement_history`.
 *
 * Tool calls left without an output (the process died or was interrupted while they ran) get
 * an output reading `aborted` right after the call, as upstream does; outputs without a call are
 * dropped. The synthesized outputs have ids derived from the call id, so resuming twice sends the
 * same bytes.
 *
 * @module
 */

import type { AnyItem, MessageItem, ToolCallItem } from "../protocol/items.ts";
import { isToolCall } from "../protocol/items.ts";
import type { Usage } from "../protocol/events.ts";
import { uuidv5 } from "../protocol/ids.ts";
import { forEachRecord } from "./reader.ts";
import {
  asMessage,
  initialContextLength,
  isCallOutput,
  isTypedUserMessage,
  messageTextOf,
  OUTPUT_FOR_CALL,
} from "./context_items.ts";
import { itemFromPayload, parseSessionMeta, parseUsage, type SessionMeta } from "./records.ts";

/** Namespace of ids denocodex derives while loading sessions (UUIDv5). */
const SESSION_ID_NAMESPACE = "b1e2c6d4-7a3f-4f0e-8c2d-5a9e1f3b7c60";

/** Upstream's output text for a call that never finished. */
export const ABORTED_OUTPUT = "aborted";

/** A rollout loaded for resuming or forking. */
export interface LoadedSession {
  path: string;
  meta: SessionMeta;
  /** The history to continue: base-instructions message first (when known), then the items. */
  history: AnyItem[];
  /** Usage of the last model request recorded (`token_count.last_token_usage`). */
  lastUsage?: Usage;
  /** Thread usage so far (`token_count.total_token_usage`). */
  totalUsage?: Usage;
  /** Number of history items that existed when `lastUsage` was recorded. */
  historyLengthAtUsage: number;
  /** The first prompt the user typed. */
  firstPrompt?: string;
  /** The last `turn_context` payload. */
  lastTurnContext?: Record<string, unknown>;
  /** Outputs synthesized for calls that never finished. */
  repairedCalls: string[];
  /** Number of `compacted` records applied. */
  compactions: number;
  /** Skipped lines (torn last line, malformed lines). */
  warnings: string[];
}

/** Options of {@linkcode loadThreadHistory}. */
export interface LoadHistoryOptions {
  /** Told about each skipped line as it is found. */
  onWarning?(message: string): void;
}

/** The base-instructions message of a session, rebuilt from its `session_meta`. */
export function baseInstructionsItem(meta: SessionMeta): MessageItem | undefined {
  const base = meta.baseInstructions;
  if (!base) return undefined;
  const id = base.id ?? `msg_${uuidv5(`${meta.id}:base_instructions`, SESSION_ID_NAMESPACE)}`;
  return {
    type: "message",
    id,
    role: "developer",
    content: [{ type: "input_text", text: base.text }],
  };
}

/** A user message holding a compaction summary (for `compacted` records without a history). */
function summaryMessage(text: string): MessageItem {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

/**
 * Gives every unanswered tool call an `aborted` output right after it and drops outputs whose
 * call is missing. Returns the call ids that got an output. Works in place.
 */
export function repairToolCalls(items: AnyItem[]): string[] {
  const calls = new Set<string>();
  const outputs = new Set<string>();
  for (const item of items) {
    const callId = (item as { call_id?: unknown }).call_id;
    if (typeof callId !== "string") continue;
    if (isToolCall(item)) calls.add(callId);
    else if (isCallOutput(item)) outputs.add(callId);
  }
  const repaired: string[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    const callId = (item as { call_id?: unknown }).call_id;
    if (typeof callId !== "string") continue;
    if (isCallOutput(item) && !calls.has(callId)) {
      items.splice(i, 1);
    } else if (isToolCall(item) && !outputs.has(callId)) {
      const call = item as ToolCallItem;
      const type = OUTPUT_FOR_CALL[call.type];
      const prefix = type === "function_call_output" ? "fco" : "ctco";
      items.splice(i + 1, 0, {
        type,
        id: `${prefix}_${uuidv5(`aborted:${callId}`, SESSION_ID_NAMESPACE)}`,
        call_id: callId,
        output: ABORTED_OUTPUT,
      });
      outputs.add(callId);
      repaired.unshift(callId);
    }
  }
  return repaired;
}

/** Drops tool outputs whose call is not in `items` (in place). Returns how many were dropped. */
export function dropOrphanOutputs(items: AnyItem[]): number {
  const calls = new Set<string>();
  for (const item of items) {
    if (isToolCall(item)) calls.add(item.call_id);
  }
  let dropped = 0;
  for (let i = items.length - 1; i >= 0; i--) {
    const callId = (items[i] as { call_id?: unknown }).call_id;
    if (isCallOutput(items[i]) && typeof callId === "string" && !calls.has(callId)) {
      items.splice(i, 1);
      dropped++;
    }
  }
  return dropped;
}

/** Rebuilds a compacted history when the record carries only the summary (older upstream). */
function rebuildFromSummary(items: AnyItem[], summary: string): AnyItem[] {
  const head = items.slice(0, initialContextLength(items));
  const users = items.slice(head.length).filter(isTypedUserMessage);
  return [...head, ...users, summaryMessage(summary)];
}

/** The first typed prompt of an upstream `item_completed` UserMessage event. */
function upstreamUserText(payload: Record<string, unknown>): string | undefined {
  const item = payload.item as { type?: unknown; content?: unknown } | undefined;
  if (!item || item.type !== "UserMessage" || !Array.isArray(item.content)) return undefined;
  const text = (item.content as { text?: unknown }[])
    .map((c) => (typeof c.text === "string" ? c.text : "")).join("");
  return text || undefined;
}

/**
 * Loads the rollout at `path`. Throws when the file cannot be read or has no `session_meta`;
 * skipped lines become warnings.
 */
export async function loadThreadHistory(
  path: string,
  opts: LoadHistoryOptions = {},
): Promise<LoadedSession> {
  let meta: SessionMeta | null = null;
  let items: AnyItem[] = [];
  let lastUsage: Usage | undefined;
  let totalUsage: Usage | undefined;
  let usageAt = 0;
  let firstPrompt: string | undefined;
  let lastTurnContext: Record<string, unknown> | undefined;
  let compactions = 0;
  const warnings: string[] = [];
  await forEachRecord(path, (rec) => {
    const p = rec.payload;
    switch (rec.type) {
      case "session_meta":
        // A forked upstream rollout may repeat metas; the first one names this thread.
        meta ??= parseSessionMeta(p);
        break;
      case "response_item":
        if (typeof p.type === "string") items.push(itemFromPayload(p));
        break;
      case "compacted": {
        const replacement = p.replacement_history;
        items = Array.isArray(replacement)
          ? replacement.filter((i) => i && typeof i === "object" && typeof i.type === "string")
            .map((i) => itemFromPayload(i as Record<string, unknown>))
          : rebuildFromSummary(items, typeof p.message === "string" ? p.message : "");
        compactions++;
        usageAt = 0;
        lastUsage = undefined;
        break;
      }
      case "turn_context":
        lastTurnContext = p;
        break;
      case "event_msg":
        if (p.type === "token_count" && p.info && typeof p.info === "object") {
          const info = p.info as Record<string, unknown>;
          lastUsage = parseUsage(info.last_token_usage);
          totalUsage = parseUsage(info.total_token_usage);
          usageAt = items.length;
        } else if (p.type === "user_message" && firstPrompt === undefined) {
          if (typeof p.message === "string" && p.message) firstPrompt = p.message;
        } else if (p.type === "item_completed" && firstPrompt === undefined) {
          firstPrompt = upstreamUserText(p);
        }
        break;
    }
  }, {
    onWarning: (message) => {
      warnings.push(message);
      opts.onWarning?.(message);
    },
  });
  if (!meta) throw new Error(`${path} is not a session rollout (no session_meta record)`);
  const found: SessionMeta = meta;
  firstPrompt ??= items.filter(isTypedUserMessage).map((m) => messageTextOf(asMessage(m)!))[0];
  const repairedCalls = repairToolCalls(items);
  const base = baseInstructionsItem(found);
  const history = base ? [base, ...items] : items;
  return {
    path,
    meta: found,
    history,
    lastUsage,
    totalUsage,
    historyLengthAtUsage: base ? usageAt + 1 : usageAt,
    firstPrompt,
    lastTurnContext,
    repairedCalls,
    compactions,
    warnings,
  };
}
