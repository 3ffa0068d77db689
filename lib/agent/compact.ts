/**
 * Context compaction: when a thread's context nears the model's window (automatically, before a
 * sampling request) or on `/compact`, the model writes a handover summary of the conversation
 * (our prompt: `prompts/compact.md`) and the history becomes
 *
 *   initial context + the most recent typed user messages (up to 20k tokens) + the summary
 *   (+ user input not answered yet, kept after the summary)
 *
 * in upstream's order. A `context_compacted` event carries the new history so persistence can
 * record it (resume rebuilds the same). A failed compaction leaves the history untouched and
 * reports a warning.
 *
 * The same module keeps single tool outputs from flooding the window: {@linkcode Compactor.clampItem}
 * cuts an output larger than a quarter of the window down to its head and tail, before the item
 * is recorded or sent.
 *
 * The automatic limit is upstream's: `min(model_auto_compact_token_limit, 90% of the context
 * window)`, the window coming from `model_context_window` or the catalog.
 *
 * @module
 */

import compactPrompt from "../../prompts/compact.md" with { type: "text" };
import type { AnyItem, MessageItem } from "../protocol/items.ts";
import { userMessage } from "../protocol/items.ts";
import { uuidv7 } from "../protocol/ids.ts";
import type { AgentEvent, EventSink } from "../protocol/events.ts";
import type { ModelResponse } from "../model/client.ts";
import {
  asMessage,
  initialContextLength,
  isCallOutput,
  isTypedUserMessage,
  messageTextOf,
} from "../session/context_items.ts";
import { dropOrphanOutputs } from "../session/history.ts";

/** Our summarization prompt (sent as a user message after the history). */
export const COMPACT_PROMPT: string = compactPrompt.trim();

/** Starts the message that carries a summary in a compacted history. */
export const SUMMARY_PREFIX =
  "Earlier turns of this conversation were condensed into the handover note below, which you " +
  "wrote yourself just before. Continue the work from it.";

/** Budget of the recent user messages kept verbatim (upstream keeps 20k tokens). */
export const RECENT_USER_TOKENS = 20_000;

/** Upstream's default auto-compaction limit: 90% of the window, or less when configured. */
export function autoCompactLimit(contextWindow: number, configured?: number): number {
  const fromWindow = Math.floor((contextWindow * 9) / 10);
  return configured === undefined ? fromWindow : Math.min(configured, fromWindow);
}

/** A rough token count: characters of every string inside `value` divided by four. */
export function estimateTokens(value: unknown): number {
  let chars = 0;
  const walk = (v: unknown): void => {
    if (typeof v === "string") chars += v.length;
    else if (Array.isArray(v)) { for (const x of v) walk(x); }
    else if (v && typeof v === "object") { for (const x of Object.values(v)) walk(x); }
  };
  walk(value);
  return Math.ceil(chars / 4);
}

function cutMiddle(text: string, maxTokens: number): string {
  const keep = maxTokens * 4;
  if (text.length <= keep) return text;
  const half = Math.floor(keep / 2);
  const removed = Math.ceil((text.length - 2 * half) / 4);
  return `${text.slice(0, half)}\n\n[... about ${removed} tokens of this output were cut to fit ` +
    `the context window ...]\n\n${text.slice(text.length - half)}`;
}

/** True when `item` is a compaction summary message. */
export function isSummaryMessage(item: AnyItem): boolean {
  const m = asMessage(item);
  return m !== null && m.role === "user" && messageTextOf(m).startsWith(SUMMARY_PREFIX);
}

/** The summary message of a compacted history. */
export function summaryMessage(summary: string): MessageItem {
  return userMessage(`${SUMMARY_PREFIX}\n\n${summary.trim()}`, `msg_${uuidv7()}`);
}

/** Typed user messages, newest last, within `budget` tokens (the oldest one kept may be cut). */
function recentUserMessages(items: AnyItem[], budget: number): AnyItem[] {
  const picked: AnyItem[] = [];
  let left = budget;
  for (let i = items.length - 1; i >= 0 && left > 0; i--) {
    const item = items[i];
    if (!isTypedUserMessage(item) || isSummaryMessage(item)) continue;
    const cost = estimateTokens((item as MessageItem).content);
    if (cost <= left) {
      picked.unshift(item);
      left -= cost;
    } else {
      const text = messageTextOf(item as MessageItem);
      // Room for the text part's own `type` string, so the cut message stays within budget.
      const kept = text.slice(Math.max(0, text.length - Math.max(0, left * 4 - 16)));
      picked.unshift(userMessage(kept, `msg_${uuidv7()}`));
      left = 0;
    }
  }
  return picked;
}

/** The trailing typed user messages that the model has not answered yet. */
function pendingInputLength(history: AnyItem[], head: number): number {
  let n = 0;
  for (let i = history.length - 1; i >= head && isTypedUserMessage(history[i]); i--) n++;
  return n;
}

/**
 * The compacted form of `history`: its initial context, the recent user messages, the summary,
 * then input still waiting for an answer.
 */
export function buildCompactedHistory(history: AnyItem[], summary: string): AnyItem[] {
  const head = initialContextLength(history);
  const pending = pendingInputLength(history, head);
  const body = history.slice(head, history.length - pending);
  return [
    ...history.slice(0, head),
    ...recentUserMessages(body, RECENT_USER_TOKENS),
    summaryMessage(summary),
    ...history.slice(history.length - pending),
  ];
}

/** What compaction needs from a thread (`Thread` has all of it). */
export interface CompactTarget {
  readonly history: AnyItem[];
  subscribe(listener: EventSink): () => void;
  emit(event: AgentEvent): void;
  sample(input: AnyItem[], signal: AbortSignal): Promise<ModelResponse>;
}

/** Options of {@linkcode Compactor}. */
export interface CompactorOptions {
  /** The model's context window in tokens. */
  contextWindow: number;
  /** Automatic compaction starts when the estimated context reaches this many tokens. */
  limit: number;
  /** Largest single tool output kept, in tokens (default: a quarter of the window). */
  maxOutputTokens?: number;
  /** A resumed session's last request usage (input tokens) ... */
  lastInputTokens?: number;
  /** ... and the history length at that point. */
  historyLengthAtUsage?: number;
  /** Replaces {@linkcode COMPACT_PROMPT}. */
  prompt?: string;
}

/** Decides when to compact and does it; install with {@linkcode Compactor.attach}. */
export class Compactor {
  #opts: CompactorOptions;
  #target: CompactTarget | null = null;
  #usageTokens: number;
  #usageAt: number;
  #grownSinceCompaction = true;

  constructor(opts: CompactorOptions) {
    this.#opts = opts;
    this.#usageTokens = opts.lastInputTokens ?? 0;
    this.#usageAt = opts.historyLengthAtUsage ?? 0;
  }

  /** The automatic limit in tokens. */
  get limit(): number {
    return this.#opts.limit;
  }

  /** Connects to the thread whose history is compacted; returns the detach function. */
  attach(target: CompactTarget): () => void {
    this.#target = target;
    return target.subscribe((event) => {
      if (event.type !== "token_count") return;
      // Emitted before the response's items are appended: they are estimated until the next.
      this.#usageTokens = event.last.input_tokens;
      this.#usageAt = target.history.length;
      this.#grownSinceCompaction = true;
    });
  }

  /** The estimated size of `history`'s next request, in tokens. */
  estimate(history: AnyItem[]): number {
    const at = Math.min(this.#usageAt, history.length);
    return this.#usageTokens + estimateTokens(history.slice(at));
  }

  /** Cuts an overlong tool output in place (pass every new history item through it). */
  clampItem = (item: AnyItem): void => {
    if (!isCallOutput(item)) return;
    const max = this.#opts.maxOutputTokens ?? Math.floor(this.#opts.contextWindow / 4);
    const out = item as { output: unknown };
    if (typeof out.output === "string") {
      if (out.output.length > max * 4) out.output = cutMiddle(out.output, max);
    } else if (Array.isArray(out.output)) {
      for (const part of out.output as { type?: string; text?: unknown }[]) {
        if (part.type === "input_text" && typeof part.text === "string") {
          part.text = cutMiddle(part.text, max);
        }
      }
    }
  };

  /** The `beforeSample` hook: compacts when the estimate reaches the limit. */
  beforeSample = async (history: AnyItem[], signal: AbortSignal): Promise<void> => {
    if (!this.#grownSinceCompaction) return;
    if (this.estimate(history) < this.#opts.limit) return;
    await this.run(history, signal, "auto");
  };

  /** The `compact` hook (`/compact`): compacts now. */
  compact = (history: AnyItem[], signal: AbortSignal): Promise<boolean> =>
    this.run(history, signal, "manual");

  /** Summarizes and replaces `history` in place. Resolves to false (history unchanged) on failure. */
  async run(history: AnyItem[], signal: AbortSignal, trigger: "auto" | "manual"): Promise<boolean> {
    const target = this.#target;
    if (!target) throw new Error("Compactor.attach() was not called");
    const before = this.estimate(history);
    const head = initialContextLength(history);
    const pending = pendingInputLength(history, head);
    if (history.length - pending <= head) {
      if (trigger === "manual") {
        target.emit({ type: "warning", message: "Nothing to compact yet." });
      }
      return false;
    }
    const input = this.#summaryInput(history.slice(0, history.length - pending), head);
    let summary = "";
    try {
      const response = await target.sample(input, signal);
      summary = lastAssistantText(response.items);
      if (!summary) throw new Error("the model answered without a summary");
    } catch (err) {
      const why = signal.aborted ? "interrupted" : (err as Error).message ?? String(err);
      target.emit({
        type: "warning",
        message: `Compaction failed (${why}); the conversation was left as it was.`,
      });
      return false;
    }
    const next = buildCompactedHistory(history, summary);
    history.splice(0, history.length, ...next);
    const after = estimateTokens(next);
    this.#usageTokens = 0;
    this.#usageAt = 0;
    this.#grownSinceCompaction = false;
    target.emit({
      type: "context_compacted",
      trigger,
      summary,
      history: next,
      tokens_before: before,
      tokens_after: after,
    });
    if (after >= this.#opts.limit) {
      target.emit({
        type: "warning",
        message: `The compacted conversation (about ${after} tokens) is still above the ` +
          `compaction limit of ${this.#opts.limit} tokens.`,
      });
    }
    return true;
  }

  /** The summarization request: the history (oldest turns dropped if it would not fit) + prompt. */
  #summaryInput(history: AnyItem[], head: number): AnyItem[] {
    const prompt = userMessage(this.#opts.prompt ?? COMPACT_PROMPT, `msg_${uuidv7()}`);
    const room = Math.floor(this.#opts.contextWindow * 0.95) - estimateTokens(prompt);
    let items = history;
    let size = estimateTokens(items);
    if (size > room) {
      const body = history.slice(head);
      let cut = 0;
      while (cut < body.length - 1 && size > room) size -= estimateTokens(body[cut++]);
      items = [...history.slice(0, head), ...body.slice(cut)];
      dropOrphanOutputs(items);
    }
    return [...items, prompt];
  }
}

function lastAssistantText(items: AnyItem[]): string {
  for (let i = items.length - 1; i >= 0; i--) {
    const m = asMessage(items[i]);
    if (m && m.role === "assistant") {
      const text = messageTextOf(m).trim();
      if (text) return text;
    }
  }
  return "";
}
