/**
 * The human `exec` renderer: assistant text streamed as it arrives, one line per tool activity,
 * and the token usage at the end. Activity goes to stderr; when stdout is not a terminal only
 * the final message goes to stdout, so `denocodex exec ... > answer.txt` captures the answer.
 *
 * @module
 */

import type { AgentEvent, Usage } from "../protocol/events.ts";
import type { MessageItem } from "../protocol/items.ts";
import { messageText } from "../protocol/items.ts";
import { type Palette, palette } from "./color.ts";
import { formatCount } from "./count.ts";

/** Output streams of the renderer. */
export interface HumanOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stdout is a terminal: stream every message there. */
  stdoutIsTty: boolean;
  color: boolean;
  /** Paths under this folder are shown relative to it. */
  cwd?: string;
}

function firstLine(text: string, max = 96): string {
  const line = text.split("\n").find((l) => l.trim()) ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function shortCommand(command: string): string {
  const m = command.match(/^\S+ -l?c '([\s\S]*)'$/);
  const inner = m ? m[1].replace(/'\\''/g, "'") : command;
  return firstLine(inner, 120);
}

/** The final usage line. */
export function usageLine(u: Usage): string {
  return `tokens used: ${formatCount(u.input_tokens + u.output_tokens)} (input ${
    formatCount(u.input_tokens)
  }, cached ${formatCount(u.cached_input_tokens)}, output ${formatCount(u.output_tokens)}, ` +
    `reasoning ${formatCount(u.reasoning_output_tokens)})`;
}

/** Renders agent events for a person. */
export class HumanRenderer {
  #out: HumanOutput;
  #c: Palette;
  #streaming = false;
  #lastMessage: string | null = null;

  constructor(out: HumanOutput) {
    this.#out = out;
    this.#c = palette(out.color);
  }

  /** The last assistant message (for `--output-last-message` and piped stdout). */
  get lastMessage(): string | null {
    return this.#lastMessage;
  }

  #path(p: string): string {
    const cwd = this.#out.cwd;
    return cwd && p.startsWith(cwd + "/") ? p.slice(cwd.length + 1) : p;
  }

  #endStream(): void {
    if (this.#streaming) {
      this.#out.stdout("\n");
      this.#streaming = false;
    }
  }

  #info(line: string): void {
    this.#endStream();
    this.#out.stderr(line + "\n");
  }

  /** Handles one agent event. */
  handle(event: AgentEvent): void {
    const c = this.#c;
    switch (event.type) {
      case "warning":
        this.#info(c.yellow(`warning: ${event.message}`));
        break;
      case "agent_message_delta":
        if (this.#out.stdoutIsTty) {
          this.#streaming = true;
          this.#out.stdout(event.delta);
        }
        break;
      case "output_item":
        if (event.item.type === "message" && (event.item as MessageItem).role === "assistant") {
          const text = messageText(event.item as MessageItem);
          this.#lastMessage = text;
          if (this.#out.stdoutIsTty) {
            if (!this.#streaming) this.#out.stdout(text);
            this.#endStream();
          } else if ((event.item as MessageItem).phase === "commentary") {
            this.#out.stderr(text + "\n");
          }
        } else if (event.item.type === "reasoning") {
          const summary = (event.item as { summary?: { text: string }[] }).summary ?? [];
          const text = summary.map((s) => s.text).join(" ");
          if (text) this.#info(c.dim(`thinking: ${firstLine(text.replace(/\*\*/g, ""))}`));
        } else if (event.item.type === "web_search_call") {
          const action = (event.item as { action?: { query?: string } }).action;
          this.#info(c.magenta(`[web] searched: ${action?.query ?? ""}`));
        }
        break;
      case "exec_command_end": {
        const status = event.exit_code === null
          ? "running"
          : event.exit_code === 0
          ? c.green("exit 0")
          : c.red(`exit ${event.exit_code}`);
        this.#info(
          `${c.yellow("[exec]")} ${
            shortCommand(event.command)
          } (${status}, ${event.duration_ms} ms)`,
        );
        break;
      }
      case "patch_apply_end": {
        const letter = { add: "A", update: "M", delete: "D" } as const;
        const files = event.changes.map((ch) => `${letter[ch.kind]} ${this.#path(ch.path)}`)
          .join(", ");
        this.#info(
          `${c.cyan("[patch]")} ${event.success ? files : c.red(`failed: ${files}`)}`,
        );
        break;
      }
      case "plan_update": {
        const mark = { completed: "[x]", in_progress: "[>]", pending: "[ ]" } as const;
        this.#info(c.cyan("[plan]"));
        for (const s of event.plan) this.#info(`  ${mark[s.status]} ${s.step}`);
        break;
      }
      case "tool_completed": {
        const name = event.call.name;
        if (["exec_command", "write_stdin", "apply_patch", "update_plan"].includes(name)) break;
        const text = typeof event.output === "string" ? event.output : "(content)";
        const tag = event.is_error ? c.red(`[error] ${name}`) : c.dim(`[tool] ${name}`);
        this.#info(`${tag}: ${firstLine(text)}`);
        break;
      }
      case "stream_error":
        this.#info(c.yellow(event.message));
        break;
      case "steer_inserted":
        this.#info(c.cyan(`[steer] inserted: ${firstLine(event.text, 72)}`));
        break;
      case "turn_completed":
        this.#endStream();
        if (!this.#out.stdoutIsTty && this.#lastMessage !== null) {
          this.#out.stdout(this.#lastMessage + "\n");
        }
        this.#info(c.dim(usageLine(event.usage)));
        break;
      case "turn_failed":
        this.#info(c.red(`error: ${event.message}`));
        break;
      case "turn_aborted":
        this.#info(c.yellow("turn interrupted"));
        break;
    }
  }
}
