/**
 * The `exec --json` renderer: turns agent events into upstream's JSONL thread events
 * (`thread.started`, `turn.started`, `item.*`, `turn.completed`, `turn.failed`, `error`), with
 * the same item types, fields, ids (`item_N`) and order, so tools written for Codex can drive us.
 *
 * @module
 */

import type { AgentEvent, PlanStep } from "../protocol/events.ts";
import type { AnyItem, MessageItem, ReasoningItem, WebSearchCallItem } from "../protocol/items.ts";
import { messageText, reasoningText } from "../protocol/items.ts";

/** A todo entry of a `todo_list` item. */
interface TodoItem {
  text: string;
  completed: boolean;
}

/** Renders agent events as JSONL lines through `write`. */
export class JsonlRenderer {
  #write: (line: string) => void;
  #next = 0;
  #todo: { id: string; items: TodoItem[] } | null = null;
  #changes = new Map<string, { id: string; changes: unknown }>();

  constructor(write: (line: string) => void) {
    this.#write = write;
  }

  #collab = new Map<string, string>();

  #id(): string {
    return `item_${this.#next++}`;
  }

  #line(obj: unknown): void {
    this.#write(JSON.stringify(obj));
  }

  /** `thread.started`. */
  threadStarted(threadId: string): void {
    this.#line({ type: "thread.started", thread_id: threadId });
  }

  /** A top-level `error` event (fatal errors outside a turn). */
  error(message: string): void {
    this.#line({ type: "error", message });
  }

  /** Handles one agent event. */
  handle(event: AgentEvent): void {
    switch (event.type) {
      case "warning":
        this.#line({
          type: "item.completed",
          item: { id: this.#id(), type: "error", message: event.message },
        });
        break;
      case "turn_started":
        this.#todo = null;
        this.#line({ type: "turn.started" });
        break;
      case "output_item":
        this.#outputItem(event.item);
        break;
      case "exec_command_end": {
        const id = this.#id();
        const base = { id, type: "command_execution", command: event.command };
        this.#line({
          type: "item.started",
          item: { ...base, aggregated_output: "", exit_code: null, status: "in_progress" },
        });
        if (event.exit_code !== null) {
          this.#line({
            type: "item.completed",
            item: {
              ...base,
              aggregated_output: event.aggregated_output,
              exit_code: event.exit_code,
              status: event.exit_code === 0 ? "completed" : "failed",
            },
          });
        }
        break;
      }
      case "patch_apply_begin": {
        const id = this.#id();
        const changes = event.changes.map((c) => ({ path: c.path, kind: c.kind }));
        this.#changes.set(event.call_id, { id, changes });
        this.#line({
          type: "item.started",
          item: { id, type: "file_change", changes, status: "in_progress" },
        });
        break;
      }
      case "patch_apply_end": {
        const started = this.#changes.get(event.call_id);
        this.#changes.delete(event.call_id);
        const changes = event.changes.map((c) => ({ path: c.path, kind: c.kind }));
        this.#line({
          type: "item.completed",
          item: {
            id: started?.id ?? this.#id(),
            type: "file_change",
            changes,
            status: event.success ? "completed" : "failed",
          },
        });
        break;
      }
      case "plan_update":
        this.#plan(event.plan);
        break;
      case "collab_tool_call": {
        // Sub-agent activity, as upstream's `collab_tool_call` items (started, then completed).
        const key = `collab:${event.call_id}`;
        let id = this.#collab.get(key);
        if (event.phase === "begin" || id === undefined) {
          id = this.#id();
          this.#collab.set(key, id);
        }
        if (event.phase === "end") this.#collab.delete(key);
        this.#line({
          type: event.phase === "begin" ? "item.started" : "item.completed",
          item: {
            id,
            type: "collab_tool_call",
            tool: event.tool,
            sender_thread_id: event.sender_thread_id,
            receiver_thread_ids: event.receiver_thread_ids,
            prompt: event.prompt,
            agents_states: event.agents_states,
            status: event.status,
          },
        });
        break;
      }
      case "stream_error":
        this.#line({ type: "error", message: event.message });
        break;
      case "turn_completed":
        this.#finishTodo();
        this.#line({ type: "turn.completed", usage: event.usage });
        break;
      case "turn_aborted":
        this.#finishTodo();
        this.#line({ type: "turn.failed", error: { message: "turn interrupted" } });
        break;
      case "turn_failed":
        this.#finishTodo();
        this.#line({ type: "error", message: event.message });
        this.#line({ type: "turn.failed", error: { message: event.message } });
        break;
    }
  }

  #outputItem(item: AnyItem): void {
    if (item.type === "reasoning") {
      const text = reasoningText(item as ReasoningItem);
      if (!text) return;
      this.#line({
        type: "item.completed",
        item: { id: this.#id(), type: "reasoning", text },
      });
    } else if (item.type === "message" && (item as MessageItem).role === "assistant") {
      this.#line({
        type: "item.completed",
        item: { id: this.#id(), type: "agent_message", text: messageText(item as MessageItem) },
      });
    } else if (item.type === "web_search_call") {
      this.#webSearch(item as WebSearchCallItem);
    }
  }

  /**
   * Upstream's web_search lines carry two `id` keys (ours, then the server's); JSON parsers keep
   * the last. We write the same bytes.
   */
  #webSearch(item: WebSearchCallItem): void {
    const ours = this.#id();
    const action = item.action ?? { type: "search" };
    const query = action.query ?? action.queries?.[0] ?? "";
    const body = `"id":${JSON.stringify(ours)},"type":"web_search","id":${
      JSON.stringify(item.id ?? ours)
    },"query":${JSON.stringify(query)},"action":${JSON.stringify(action)}`;
    this.#write(`{"type":"item.started","item":{${body}}}`);
    this.#write(`{"type":"item.completed","item":{${body}}}`);
  }

  #plan(plan: PlanStep[]): void {
    const items = plan.map((s) => ({ text: s.step, completed: s.status === "completed" }));
    if (!this.#todo) {
      this.#todo = { id: this.#id(), items };
      this.#line({
        type: "item.started",
        item: { id: this.#todo.id, type: "todo_list", items },
      });
    } else {
      this.#todo.items = items;
      this.#line({
        type: "item.updated",
        item: { id: this.#todo.id, type: "todo_list", items },
      });
    }
  }

  #finishTodo(): void {
    if (!this.#todo) return;
    this.#line({
      type: "item.completed",
      item: { id: this.#todo.id, type: "todo_list", items: this.#todo.items },
    });
    this.#todo = null;
  }
}
