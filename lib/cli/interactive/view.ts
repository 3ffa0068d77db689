/**
 * The session's transcript view: turns agent events into finished rows for the scrollback
 * (user turns, rendered assistant markdown, one line per tool activity, coloured patches,
 * plans, warnings, per-turn usage) and into the top of the live region (the streamed partial
 * line and the spinner with elapsed time).
 *
 * @module
 */

import type { AgentEvent, Usage } from "../../protocol/events.ts";
import { emptyUsage } from "../../protocol/events.ts";
import type { AnyItem, MessageItem, WebSearchCallItem } from "../../protocol/items.ts";
import { messageText } from "../../protocol/items.ts";
import { asMessage, isTypedUserMessage, messageTextOf } from "../../session/context_items.ts";
import { renderFileChange } from "./diff_view.ts";
import { MarkdownStream } from "./markdown.ts";
import {
  contextLeftPercent,
  formatElapsed,
  SPINNER_FRAMES,
  SPINNER_MS,
  tokensInContext,
  usageSummary,
} from "./status.ts";
import type { Style } from "./style.ts";
import {
  EVENT_TOOLS,
  execLines,
  innerCommand,
  planLines,
  preview,
  toolLine,
} from "./tool_lines.ts";
import { truncate, wordWrap } from "./width.ts";

/** Where the view sends its output. */
export interface ViewSink {
  /** Finished rows for the scrollback. */
  commit(rows: string[]): void;
  /** The live region changed: redraw soon, or at once when `urgent` (a message's first text). */
  changed(urgent?: boolean): void;
  /** Current terminal width. */
  width(): number;
}

/** Options of {@linkcode TranscriptView}. */
export interface ViewOptions {
  sink: ViewSink;
  style: Style;
  /** The workspace: paths under it are shown relative. */
  cwd(): string;
  /** Context window of the current model, in tokens. */
  contextWindow(): number;
  now?: () => number;
}

/** One exchange, for `/history`. */
export interface Exchange {
  user: string;
  assistant: string | null;
}

/** Renders agent events. */
export class TranscriptView {
  #o: ViewOptions;
  #stream: MarkdownStream | null = null;
  #streamItem: string | null = null;
  #streamRows = 0;
  #turnStart: number | null = null;
  #label = "Working";
  #reasoning = new Map<string, string>();
  #evented = new Set<string>();
  #lastUsage: Usage | null = null;
  #turnUsage = emptyUsage();
  #exchanges: Exchange[] = [];
  #current: Exchange | null = null;
  #hadTools = false;
  #streamed = new Set<string>();
  /** Estimated context tokens after a compaction, until the next request reports usage. */
  #compactedTokens: number | null = null;

  constructor(opts: ViewOptions) {
    this.#o = opts;
  }

  #now(): number {
    return (this.#o.now?.() ?? performance.now());
  }

  /** True while a turn runs. */
  get running(): boolean {
    return this.#turnStart !== null;
  }

  /** Exchanges so far (user text and final answer). */
  get exchanges(): readonly Exchange[] {
    return this.#exchanges;
  }

  /** Usage of the last request (for the context meter), if any. */
  get lastUsage(): Usage | null {
    return this.#lastUsage;
  }

  /** Percent of the context window left, or null before the first request. */
  contextLeft(): number | null {
    if (this.#compactedTokens !== null) {
      return contextLeftPercent(this.#compactedTokens, this.#o.contextWindow());
    }
    if (!this.#lastUsage) return null;
    return contextLeftPercent(tokensInContext(this.#lastUsage), this.#o.contextWindow());
  }

  /** Forgets the conversation (`/new`). */
  reset(): void {
    this.#endStream();
    this.#exchanges = [];
    this.#current = null;
    this.#lastUsage = null;
    this.#compactedTokens = null;
    this.#turnStart = null;
  }

  /**
   * Shows a stored conversation (after `/resume`): the prompts the person typed and the
   * answers, the most recent `max` of them. `hidden` marks messages not to show (summaries).
   */
  replay(
    history: readonly AnyItem[],
    hidden: (item: AnyItem) => boolean = () => false,
    max = 20,
  ): void {
    const s = this.#o.style;
    const shown = history.filter((item) => {
      const m = asMessage(item);
      if (!m || hidden(item)) return false;
      return isTypedUserMessage(item) || m.role === "assistant";
    });
    const rows: string[] = [];
    if (shown.length > max) rows.push(s.dim(`… ${shown.length - max} earlier messages`), "");
    for (const item of shown.slice(-max)) {
      const m = asMessage(item)!;
      const text = messageTextOf(m);
      if (m.role === "user") {
        rows.push(...text.split("\n").map((l) => `${s.bold(s.cyan("›"))} ${l}`), "");
        this.#exchanges.push({ user: text, assistant: null });
      } else {
        const md = new MarkdownStream({ width: this.#mdWidth(), style: s });
        const body = [...md.push(text), ...md.end()];
        rows.push(...this.#prefix(body, true), "");
        const last = this.#exchanges[this.#exchanges.length - 1];
        if (last) last.assistant = text;
      }
    }
    this.print(rows);
  }

  /** Writes rows to the scrollback (ends an open stream first). */
  print(rows: string[]): void {
    this.#endStream();
    this.#o.sink.commit(rows);
  }

  /** Sets the spinner label of the running turn. */
  setLabel(label: string): void {
    this.#label = label;
    this.#o.sink.changed();
  }

  #mdWidth(): number {
    return Math.max(10, this.#o.sink.width() - 2);
  }

  #prefix(rows: string[], first: boolean): string[] {
    const s = this.#o.style;
    return rows.map((r, i) => (first && i === 0 ? `${s.dim("•")} ${r}` : r === "" ? "" : `  ${r}`));
  }

  #commitStreamRows(rows: string[]): void {
    if (rows.length === 0) return;
    const first = this.#streamRows === 0;
    this.#streamRows += rows.length;
    this.#o.sink.commit(this.#prefix(rows, first));
  }

  #endStream(): void {
    if (!this.#stream) return;
    this.#commitStreamRows(this.#stream.end());
    this.#stream = null;
    this.#streamItem = null;
  }

  /** Rows at the top of the live region: the streamed partial line and the spinner. */
  liveRows(width: number): string[] {
    const s = this.#o.style;
    const rows: string[] = [];
    if (this.#stream) {
      this.#stream.width = Math.max(10, width - 2);
      rows.push(...this.#prefix(this.#stream.preview(), this.#streamRows === 0));
    }
    if (this.#turnStart !== null) {
      const elapsed = this.#now() - this.#turnStart;
      const frame = SPINNER_FRAMES[Math.floor(elapsed / SPINNER_MS) % SPINNER_FRAMES.length];
      const hint = s.dim(`(${formatElapsed(elapsed)} • Ctrl-C to interrupt)`);
      rows.push(truncate(`${s.cyan(frame)} ${s.bold(this.#label)} ${hint}`, width));
    }
    return rows;
  }

  /** Handles one agent event. */
  handle(e: AgentEvent): void {
    const s = this.#o.style;
    const opts = { style: s, cwd: this.#o.cwd() };
    switch (e.type) {
      case "turn_started": {
        this.#endStream();
        this.#turnStart = this.#now();
        this.#label = "Working";
        this.#turnUsage = emptyUsage();
        this.#hadTools = false;
        this.#streamed.clear();
        this.#reasoning.clear();
        const text = e.input.join("\n");
        this.#current = { user: text, assistant: null };
        this.#exchanges.push(this.#current);
        const width = this.#o.sink.width();
        const rows: string[] = [];
        for (const line of text.split("\n")) {
          for (const r of wordWrap(line, width - 2, "")) rows.push(`${s.bold(s.cyan("›"))} ${r}`);
        }
        rows.push("");
        this.#o.sink.commit(rows);
        break;
      }
      case "model_request":
        this.#o.sink.changed();
        break;
      case "reasoning_delta": {
        const text = (this.#reasoning.get(e.item_id) ?? "") + e.delta;
        this.#reasoning.set(e.item_id, text);
        const headers = [...text.matchAll(/\*\*([^*\n]{2,80})\*\*/g)];
        if (headers.length) this.setLabel(headers[headers.length - 1][1].trim());
        break;
      }
      case "agent_message_delta": {
        const first = this.#streamItem !== e.item_id;
        if (first) {
          this.#endStream();
          this.#stream = new MarkdownStream({ width: this.#mdWidth(), style: s });
          this.#streamItem = e.item_id;
          this.#streamRows = 0;
          this.#streamed.add(e.item_id);
        }
        this.#commitStreamRows(this.#stream!.push(e.delta));
        this.#o.sink.changed(first);
        break;
      }
      case "output_item": {
        const item = e.item;
        if (item.type === "message" && (item as MessageItem).role === "assistant") {
          const text = messageText(item as MessageItem);
          if (this.#current) this.#current.assistant = text;
          if (this.#stream) {
            this.#endStream();
          } else if (text.trim() && !(typeof item.id === "string" && this.#streamed.has(item.id))) {
            this.#stream = new MarkdownStream({ width: this.#mdWidth(), style: s });
            this.#streamRows = 0;
            this.#commitStreamRows(this.#stream.push(text));
            this.#endStream();
          }
          this.#o.sink.commit([""]);
        } else if (item.type === "web_search_call") {
          const action = (item as WebSearchCallItem).action;
          const what = action?.query ?? action?.queries?.[0] ?? action?.url ?? "";
          this.print([`${s.magenta("•")} ${s.bold("Searched the web")} ${what}`]);
        }
        break;
      }
      case "exec_command_begin":
        this.#evented.add(e.call_id);
        this.#hadTools = true;
        this.setLabel(`Running ${preview(innerCommand(e.command), 60)}`);
        break;
      case "exec_command_output_delta":
        break;
      case "exec_command_end":
        this.#evented.add(e.call_id);
        this.print(execLines(e, opts));
        this.setLabel("Working");
        break;
      case "patch_apply_begin":
        this.#evented.add(e.call_id);
        this.#hadTools = true;
        this.setLabel("Applying patch");
        break;
      case "patch_apply_end": {
        const rows: string[] = [];
        if (!e.success) rows.push(`${s.red("•")} ${s.bold("Patch failed")}`);
        for (const ch of e.changes) {
          const [head, ...body] = renderFileChange(ch, {
            style: s,
            width: this.#o.sink.width(),
            cwd: this.#o.cwd(),
          });
          rows.push(`${e.success ? s.green("•") : s.red("•")} ${head}`, ...body);
        }
        this.print(rows);
        this.setLabel("Working");
        break;
      }
      case "plan_update":
        this.print(planLines(e.plan, e.explanation, opts));
        break;
      case "web_search":
        this.print([`${s.magenta("•")} ${s.bold("Searched the web")} ${e.query}`]);
        break;
      case "tool_started":
        this.#hadTools = true;
        if (!EVENT_TOOLS.has(e.call.name)) this.setLabel(`Calling ${e.call.name}`);
        break;
      case "tool_completed":
        if (!EVENT_TOOLS.has(e.call.name) && !this.#evented.has(e.call.call_id)) {
          this.print([toolLine(e.call, e.output, e.is_error, e.duration_ms, opts)]);
        } else if (e.is_error && !this.#evented.has(e.call.call_id)) {
          const text = typeof e.output === "string" ? e.output : "";
          this.print([`${s.red("•")} ${s.bold(e.call.name)} ${s.red(preview(text, 100))}`]);
        }
        this.#evented.delete(e.call.call_id);
        this.setLabel("Working");
        break;
      case "context_compacted":
        this.#compactedTokens = e.tokens_after;
        this.print([
          `${s.cyan("•")} ${s.bold("Compacted the conversation")} ${
            s.dim(
              `(${
                e.trigger === "auto" ? "automatically, " : ""
              }~${e.tokens_before} → ~${e.tokens_after} tokens)`,
            )
          }`,
        ]);
        break;
      case "token_count":
        this.#compactedTokens = null;
        this.#lastUsage = e.last;
        this.#turnUsage = e.total;
        this.#o.sink.changed();
        break;
      case "warning":
        this.print([s.yellow(`⚠ ${e.message}`)]);
        break;
      case "stream_error":
        this.print([s.yellow(`⚠ ${e.message}`)]);
        break;
      case "steer_inserted":
        this.print([s.cyan(`[steer] inserted: ${preview(e.text)}`)]);
        break;
      case "turn_completed":
        this.#finishTurn(e.usage);
        break;
      case "turn_failed":
        this.#endStream();
        this.print([s.red(`■ ${e.message}`)]);
        this.#finishTurn(e.usage);
        break;
      case "turn_aborted":
        this.#endStream();
        this.print([
          s.red("■ Conversation interrupted — tell the model what to do differently."),
        ]);
        this.#finishTurn(e.usage);
        break;
    }
  }

  #finishTurn(usage: Usage): void {
    this.#endStream();
    const s = this.#o.style;
    const elapsed = this.#turnStart === null ? 0 : this.#now() - this.#turnStart;
    this.#turnStart = null;
    const parts = [
      `${this.#hadTools ? "Worked" : "Answered"} in ${formatElapsed(elapsed)}`,
      usageSummary(usage.input_tokens || usage.output_tokens ? usage : this.#turnUsage),
    ];
    const left = this.contextLeft();
    if (left !== null) parts.push(`${left}% context left`);
    const text = ` ${parts.join(" · ")} `;
    const width = this.#o.sink.width();
    const line = `─${text}${"─".repeat(Math.max(0, Math.min(width, 100) - text.length - 1))}`;
    this.#o.sink.commit([s.dim(truncate(line, width)), ""]);
  }
}
