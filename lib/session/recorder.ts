/**
 * `SessionRecorder`: turns a thread's history items and events into rollout records, in
 * upstream's shapes, as they happen:
 *
 * - history items -> `response_item` (the base-instructions message goes into `session_meta`);
 *   a typed user message also gets an `event_msg` `user_message`, an assistant message an
 *   `agent_message`;
 * - `turn_started` -> `event_msg` `task_started` + `turn_context`; `token_count` -> `event_msg`
 *   `token_count` (thread totals); `turn_completed` / `turn_failed` -> `task_complete` (after an
 *   `error`); `turn_aborted` -> `turn_aborted`;
 * - `context_compacted` -> `compacted` (summary + replacement history) + `event_msg`
 *   `context_compacted`.
 *
 * Every record is one line written before the call returns (see {@linkcode RolloutWriter}).
 *
 * @module
 */

import type { AnyItem, MessageItem } from "../protocol/items.ts";
import {
  addUsage,
  type AgentEvent,
  emptyUsage,
  type EventSink,
  type Usage,
} from "../protocol/events.ts";
import { asMessage, isTypedUserMessage, messageTextOf } from "./context_items.ts";
import {
  compactedPayload,
  record,
  recordedUsage,
  type RecordKind,
  type SessionMeta,
  sessionMetaPayload,
  type TurnContextInfo,
  turnContextPayload,
} from "./records.ts";
import type { RolloutWriter } from "./writer.ts";

/** Options of {@linkcode SessionRecorder}. */
export interface SessionRecorderOptions {
  writer: RolloutWriter;
  /**
   * The `session_meta` to write first (new and forked sessions). When `baseFromFirstItem` is
   * set it is written with the first history item, which is the base-instructions message.
   */
  meta?: SessionMeta;
  baseFromFirstItem?: boolean;
  /** Items written right after the meta (a fork copies its parent's history). */
  seedItems?: AnyItem[];
  /** The settings of the turn about to start (for `turn_context`). */
  turnSettings(): Omit<TurnContextInfo, "turnId">;
  /** The model's context window (reported in `task_started` and `token_count`). */
  contextWindow(): number;
  /** Thread usage before this process (resumed sessions). */
  totalUsage?: Usage;
  now?: () => number;
}

/** Something with events to record (a `Thread`). */
export interface EventSource {
  subscribe(listener: EventSink): () => void;
}

/** Writes a thread's rollout. */
export class SessionRecorder {
  readonly writer: RolloutWriter;
  #opts: SessionRecorderOptions;
  #now: () => number;
  #pendingMeta: SessionMeta | undefined;
  #baseId: string | undefined;
  #turn: { id: string; startedMs: number } | null = null;
  #total: Usage;

  constructor(opts: SessionRecorderOptions) {
    this.writer = opts.writer;
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#total = { ...(opts.totalUsage ?? emptyUsage()) };
    this.#baseId = opts.meta?.baseInstructions?.id;
    if (opts.meta && !opts.baseFromFirstItem) {
      this.#write("session_meta", sessionMetaPayload(opts.meta));
      for (const item of opts.seedItems ?? []) {
        if (!this.#isBase(item)) this.#write("response_item", item as Record<string, unknown>);
      }
    } else {
      this.#pendingMeta = opts.meta;
    }
  }

  /** The thread's usage so far (stored total plus what this recorder saw). */
  get totalUsage(): Usage {
    return { ...this.#total };
  }

  /** The rollout file. */
  get path(): string {
    return this.writer.path;
  }

  #write(type: RecordKind, payload: Record<string, unknown>): void {
    this.writer.write(record(type, payload, this.#now()));
  }

  #isBase(item: AnyItem): boolean {
    return this.#baseId !== undefined && (item as { id?: unknown }).id === this.#baseId;
  }

  #flushMeta(base?: MessageItem): void {
    const meta = this.#pendingMeta;
    if (!meta) return;
    this.#pendingMeta = undefined;
    if (base) {
      meta.baseInstructions = { text: messageTextOf(base) };
      if (base.id) meta.baseInstructions.id = base.id;
      this.#baseId = base.id;
    }
    this.#write("session_meta", sessionMetaPayload(meta));
  }

  /** Records one history item (pass as `onHistoryItem`). */
  onHistoryItem = (item: AnyItem): void => {
    if (this.#pendingMeta) {
      const m = asMessage(item);
      const isBase = m !== null && m.role === "developer" && m.content.length === 1 &&
        m.content[0].type === "input_text";
      this.#flushMeta(isBase ? m! : undefined);
      if (isBase) return;
    }
    this.#write("response_item", item as Record<string, unknown>);
    if (!this.#turn) return;
    const m = asMessage(item);
    if (!m) return;
    if (isTypedUserMessage(m)) {
      this.#write("event_msg", {
        type: "user_message",
        message: messageTextOf(m),
        images: m.content.filter((p) => p.type === "input_image").map((p) =>
          (p as { image_url: string }).image_url
        ),
        local_images: [],
        text_elements: [],
      });
    } else if (m.role === "assistant") {
      this.#write("event_msg", {
        type: "agent_message",
        message: messageTextOf(m),
        phase: m.phase ?? null,
      });
    }
  };

  /** Records one thread event (pass to `thread.subscribe`). */
  handleEvent = (event: AgentEvent): void => {
    switch (event.type) {
      case "turn_started": {
        this.#flushMeta();
        const now = this.#now();
        this.#turn = { id: event.turn_id, startedMs: now };
        this.#write("event_msg", {
          type: "task_started",
          turn_id: event.turn_id,
          started_at: Math.floor(now / 1000),
          model_context_window: this.#opts.contextWindow(),
          collaboration_mode_kind: this.#opts.turnSettings().collaborationMode ?? "default",
        });
        this.#write(
          "turn_context",
          turnContextPayload({ ...this.#opts.turnSettings(), turnId: event.turn_id }),
        );
        break;
      }
      case "token_count":
        addUsage(this.#total, event.last);
        this.#write("event_msg", {
          type: "token_count",
          info: {
            total_token_usage: recordedUsage(this.#total),
            last_token_usage: recordedUsage(event.last),
            model_context_window: this.#opts.contextWindow(),
          },
          rate_limits: null,
        });
        break;
      case "turn_completed":
        this.#complete(event.turn_id, event.last_message);
        break;
      case "turn_failed":
        this.#write("event_msg", { type: "error", message: event.message });
        this.#complete(event.turn_id, null);
        break;
      case "turn_aborted":
        this.#write("event_msg", {
          type: "turn_aborted",
          turn_id: event.turn_id,
          reason: event.reason,
        });
        this.#turn = null;
        break;
      case "context_compacted": {
        this.#flushMeta();
        const replacement = event.history.filter((item) => !this.#isBase(item));
        this.#write("compacted", compactedPayload(event.summary, replacement));
        this.#write("event_msg", { type: "context_compacted" });
        break;
      }
    }
  };

  #complete(turnId: string, lastMessage: string | null): void {
    const now = this.#now();
    const started = this.#turn?.id === turnId ? this.#turn.startedMs : now;
    this.#write("event_msg", {
      type: "task_complete",
      turn_id: turnId,
      last_agent_message: lastMessage,
      started_at: Math.floor(started / 1000),
      completed_at: Math.floor(now / 1000),
      duration_ms: Math.max(0, Math.round(now - started)),
    });
    this.#turn = null;
  }

  /** Subscribes to `source`'s events; returns the unsubscribe function. */
  attach(source: EventSource): () => void {
    return source.subscribe(this.handleEvent);
  }

  /** Writes a pending meta, syncs and closes the file. */
  async close(): Promise<void> {
    this.#flushMeta();
    await this.writer.close();
  }
}
