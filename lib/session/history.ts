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
import {
  itemFromPayload,
  parseSessionMeta,
  parseUsage,
  type RolloutRecord,
  type SessionMeta,
} from "./records.ts";
import { findSessionById } from "./find.ts";

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
  /** Where to look for the parent of an upstream fork (default: the home `path` is in). */
  codexHome?: string;
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

/** What loading accumulates, across a fork's parents and the file itself. */
interface LoadState {
  items: AnyItem[];
  lastUsage?: Usage;
  totalUsage?: Usage;
  usageAt: number;
  firstPrompt?: string;
  lastTurnContext?: Record<string, unknown>;
  compactions: number;
  warnings: string[];
  onWarning(message: string): void;
}

/** Where to stop reading a parent rollout (upstream's `history_base`). */
interface ReadLimit {
  ordinal?: number;
  bytes?: number;
}

/** The Codex home of a rollout path (`<home>/sessions/YYYY/MM/DD/<file>`), if it has that shape. */
function homeOf(path: string): string | undefined {
  const m = /^(.*)\/sessions\/\d{4}\/\d{2}\/\d{2}\/[^/]+$/.exec(path);
  return m?.[1];
}

/** The first `session_meta` payload of a file. */
async function firstMeta(path: string): Promise<Record<string, unknown> | null> {
  let found: Record<string, unknown> | null = null;
  await forEachRecord(path, (rec) => {
    if (rec.type !== "session_meta") return true;
    found = rec.payload;
    return false;
  });
  return found;
}

/**
 * Applies the records of `path` to `state`. An upstream fork stores only its own records and
 * names its parent in `session_meta.history_base` (`thread_id`, `end_ordinal_exclusive`,
 * `end_byte_offset`): the parent's records up to there come first.
 */
async function applyRollout(
  path: string,
  state: LoadState,
  opts: { codexHome?: string; limit?: ReadLimit; depth: number },
): Promise<void> {
  const head = await firstMeta(path);
  const base = head?.history_base as
    | { thread_id?: unknown; end_ordinal_exclusive?: unknown; end_byte_offset?: unknown }
    | undefined;
  if (base && typeof base.thread_id === "string") {
    const home = opts.codexHome ?? homeOf(path);
    const parent = home && opts.depth < 16 ? await findSessionById(home, base.thread_id) : null;
    if (parent) {
      await applyRollout(parent, state, {
        codexHome: home,
        depth: opts.depth + 1,
        limit: {
          ordinal: typeof base.end_ordinal_exclusive === "number"
            ? base.end_ordinal_exclusive
            : undefined,
          bytes: typeof base.end_byte_offset === "number" ? base.end_byte_offset : undefined,
        },
      });
    } else {
      state.onWarning(
        `the session ${base.thread_id} this one was forked from is missing; ` +
          `its part of the history is left out`,
      );
    }
  }
  const limit = opts.limit;
  await forEachRecord(path, (rec, _line, offset) => {
    if (limit?.bytes !== undefined && offset >= limit.bytes) return false;
    if (limit?.ordinal !== undefined && rec.ordinal !== undefined && rec.ordinal >= limit.ordinal) {
      return false;
    }
    applyRecord(rec, state);
  }, { onWarning: state.onWarning });
}

function applyRecord(rec: RolloutRecord, state: LoadState): void {
  const p = rec.payload;
  switch (rec.type) {
    case "response_item":
      if (typeof p.type === "string") state.items.push(itemFromPayload(p));
      break;
    case "compacted": {
      const replacement = p.replacement_history;
      state.items = Array.isArray(replacement)
        ? replacement.filter((i) => i && typeof i === "object" && typeof i.type === "string")
          .map((i) => itemFromPayload(i as Record<string, unknown>))
        : rebuildFromSummary(state.items, typeof p.message === "string" ? p.message : "");
      state.compactions++;
      state.usageAt = 0;
      state.lastUsage = undefined;
      break;
    }
    case "turn_context":
      state.lastTurnContext = p;
      break;
    case "event_msg":
      if (p.type === "token_count" && p.info && typeof p.info === "object") {
        const info = p.info as Record<string, unknown>;
        state.lastUsage = parseUsage(info.last_token_usage);
        state.totalUsage = parseUsage(info.total_token_usage);
        state.usageAt = state.items.length;
      } else if (p.type === "user_message" && state.firstPrompt === undefined) {
        if (typeof p.message === "string" && p.message) state.firstPrompt = p.message;
      } else if (p.type === "item_completed" && state.firstPrompt === undefined) {
        state.firstPrompt = upstreamUserText(p);
      }
      break;
  }
}

/**
 * Loads the rollout at `path`. Throws when the file cannot be read or has no `session_meta`;
 * skipped lines become warnings. For an upstream fork, the parent rollout is looked up in
 * `codexHome` (by default the home `path` lives in).
 */
export async function loadThreadHistory(
  path: string,
  opts: LoadHistoryOptions = {},
): Promise<LoadedSession> {
  const head = await firstMeta(path);
  const meta = head ? parseSessionMeta(head) : null;
  if (!meta) throw new Error(`${path} is not a session rollout (no session_meta record)`);
  const state: LoadState = {
    items: [],
    usageAt: 0,
    compactions: 0,
    warnings: [],
    onWarning: (message) => {
      state.warnings.push(message);
      opts.onWarning?.(message);
    },
  };
  await applyRollout(path, state, { codexHome: opts.codexHome, depth: 0 });
  const items = state.items;
  const firstPrompt = state.firstPrompt ??
    items.filter(isTypedUserMessage).map((m) => messageTextOf(asMessage(m)!))[0];
  const repairedCalls = repairToolCalls(items);
  const base = baseInstructionsItem(meta);
  const history = base ? [base, ...items] : items;
  return {
    path,
    meta,
    history,
    lastUsage: state.lastUsage,
    totalUsage: state.totalUsage,
    historyLengthAtUsage: base ? state.usageAt + 1 : state.usageAt,
    firstPrompt,
    lastTurnContext: state.lastTurnContext,
    repairedCalls,
    compactions: state.compactions,
    warnings: state.warnings,
  };
}
