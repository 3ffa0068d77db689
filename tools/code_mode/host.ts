/**
 * The code-mode host of one thread: runs `exec` cells in runner processes, answers their nested
 * tool calls with the thread's real tools, keeps `store`d values between cells, and reports in
 * upstream's format. A cell that outlives its yield is `running` and `wait` polls it; `wait`
 * with `terminate` kills it, and so does the cell timeout, an interrupted turn or the thread's
 * shutdown. One spare runner is kept started so a cell begins without a process start.
 *
 * @module
 */

import type { AnyItem, ContentPart } from "../../lib/protocol/items.ts";
import { uuidv7 } from "../../lib/protocol/ids.ts";
import type { Tool, ToolContext, ToolResult } from "../define.ts";
import { ToolRegistry } from "../registry.ts";
import { runnerCommand } from "./command.ts";
import { type CellStatus, formatReport } from "./format.ts";
import { scriptValue } from "./nested.ts";
import type { ExecPragma } from "./pragma.ts";
import { type HostMessage, jsName, type NestedToolInfo, type RunnerMessage } from "./protocol.ts";

/** Options of {@linkcode CodeModeHost}. */
export interface CodeModeHostOptions {
  /** The tools scripts may call as `tools.<name>` (read at each cell). */
  nestedTools(): Tool[];
  /** Posts an item for the thread's next sampling boundary (`notify(...)`). */
  post?(item: AnyItem): void;
  /** The runner argv (default: {@linkcode runnerCommand}). */
  command?: string[];
  /** Default time `exec` waits before yielding (upstream: 30 s). */
  execYieldMs?: number;
  /** Default time `wait` waits (upstream: 10 s). */
  waitYieldMs?: number;
  /** A cell still running after this long is killed (default 30 minutes). */
  cellTimeoutMs?: number;
  /** Keep a runner started for the next cell (default true). */
  warmSpare?: boolean;
}

interface Runner {
  child: Deno.ChildProcess;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  messages: ReadableStreamDefaultReader<RunnerMessage>;
  ready: Promise<boolean>;
}

interface Cell {
  id: string;
  runner: Runner;
  items: ContentPart[];
  done: boolean;
  error?: string;
  terminated: boolean;
  yielded: boolean;
  /** The call whose context nested tools use (the exec, then each wait). */
  ctx: ToolContext;
  wake: Set<() => void>;
  timer?: ReturnType<typeof setTimeout>;
  finished: Promise<void>;
}

const encoder = new TextEncoder();

function lines(stream: ReadableStream<Uint8Array>): ReadableStream<RunnerMessage> {
  let buf = "";
  return stream.pipeThrough(new TextDecoderStream()).pipeThrough(
    new TransformStream<string, RunnerMessage>({
      transform(chunk, ctl) {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.trim()) continue;
          try {
            ctl.enqueue(JSON.parse(line) as RunnerMessage);
          } catch {
            ctl.enqueue({ type: "text", text: line });
          }
        }
      },
      flush(ctl) {
        if (buf.trim()) ctl.enqueue({ type: "text", text: buf });
      },
    }),
  );
}

const IMAGE_MAGIC: [string, number[]][] = [
  ["png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ["jpeg", [0xff, 0xd8, 0xff]],
  ["gif", [0x47, 0x49, 0x46, 0x38]],
  ["webp", [0x52, 0x49, 0x46, 0x46]],
];

/** An image part, or upstream's text when the data URL holds no image we recognise. */
function imagePart(url: string, detail?: string): ContentPart {
  const m = url.match(/^data:([^;,]+);base64,(.*)$/s);
  if (m) {
    let bytes: Uint8Array;
    try {
      bytes = Uint8Array.from(atob(m[2]), (c) => c.charCodeAt(0));
    } catch {
      bytes = new Uint8Array();
    }
    const ok = bytes.length > 16 &&
      IMAGE_MAGIC.some(([, magic]) => magic.every((b, i) => bytes[i] === b));
    if (!ok) {
      return {
        type: "input_text",
        text: "image content omitted because it could not be processed",
      };
    }
  } else if (!/^https?:\/\//.test(url)) {
    return { type: "input_text", text: "image content omitted because it could not be processed" };
  }
  const part: ContentPart = { type: "input_image", image_url: url };
  if (detail === "auto" || detail === "low" || detail === "high" || detail === "original") {
    part.detail = detail;
  }
  return part;
}

/** Runs the `exec` cells of one thread. */
export class CodeModeHost {
  #opts: CodeModeHostOptions;
  #cells = new Map<string, Cell>();
  #stored: Record<string, unknown> = {};
  #counter = 0;
  #spare: Runner | null = null;
  #closed = false;
  #reaping = new Set<Promise<void>>();

  constructor(opts: CodeModeHostOptions) {
    this.#opts = opts;
  }

  /** Ids of cells still running. */
  runningCells(): string[] {
    return [...this.#cells.keys()];
  }

  #spawn(): Runner {
    const [cmd, ...args] = this.#opts.command ?? runnerCommand();
    const child = new Deno.Command(cmd, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
      env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    }).spawn();
    const messages = lines(child.stdout).getReader();
    const runner: Runner = {
      child,
      writer: child.stdin.getWriter(),
      messages,
      ready: messages.read().then((r) => !r.done && r.value.type === "ready", () => false),
    };
    return runner;
  }

  /** Starts the spare runner now (so the first cell does not wait for a process start). */
  prewarm(): void {
    if (!this.#closed && !this.#spare && this.#opts.warmSpare !== false) {
      this.#spare = this.#spawn();
    }
  }

  async #takeRunner(): Promise<Runner> {
    let runner = this.#spare;
    this.#spare = null;
    if (!runner || !(await runner.ready)) {
      if (runner) await this.#kill(runner);
      runner = this.#spawn();
      await runner.ready;
    }
    this.prewarm();
    return runner;
  }

  async #kill(runner: Runner): Promise<void> {
    try {
      runner.child.kill("SIGKILL");
    } catch { /* already gone */ }
    await runner.writer.close().catch(() => {});
    await runner.child.status.catch(() => {});
    await runner.messages.cancel().catch(() => {});
  }

  #write(runner: Runner, msg: HostMessage): void {
    runner.writer.write(encoder.encode(JSON.stringify(msg) + "\n")).catch(() => {});
  }

  #nested(): { registry: ToolRegistry; infos: NestedToolInfo[] } {
    const tools = this.#opts.nestedTools().filter((t) => t.kind !== "hosted");
    return {
      registry: new ToolRegistry(tools),
      infos: tools.map((t) => ({
        name: t.name,
        js_name: jsName(t.name),
        description: t.description,
      })),
    };
  }

  #wake(cell: Cell): void {
    for (const w of [...cell.wake]) w();
  }

  async #pump(cell: Cell, registry: ToolRegistry): Promise<void> {
    let n = 0;
    while (true) {
      const { value: msg, done } = await cell.runner.messages.read().catch(() => ({
        value: undefined,
        done: true,
      }));
      if (done || !msg) break;
      switch (msg.type) {
        case "text":
          cell.items.push({ type: "input_text", text: msg.text });
          break;
        case "image":
          cell.items.push(imagePart(msg.image_url, msg.detail));
          break;
        case "notify":
          this.#opts.post?.({
            type: "custom_tool_call_output",
            id: `ctco_${uuidv7()}`,
            call_id: cell.ctx.callId,
            output: msg.text,
          });
          break;
        case "yield":
          cell.yielded = true;
          this.#wake(cell);
          break;
        case "store":
          this.#stored[msg.key] = msg.value;
          break;
        case "tool_call": {
          const ctx = cell.ctx;
          const call = {
            type: "function_call" as const,
            name: msg.name,
            arguments: typeof msg.input === "string"
              ? JSON.stringify({ input: msg.input })
              : JSON.stringify(msg.input ?? {}),
            call_id: `${ctx.callId}-${++n}`,
          };
          const tool = registry.get(msg.name);
          const run = tool?.kind === "custom" && typeof msg.input === "string"
            ? tool.run(msg.input, { ...ctx, callId: call.call_id })
            : registry.dispatch(call, { ...ctx, callId: call.call_id });
          run.then((result: ToolResult) => {
            const v = scriptValue(msg.name, result);
            this.#write(
              cell.runner,
              v.ok
                ? { type: "tool_result", id: msg.id, ok: true, value: v.value }
                : { type: "tool_result", id: msg.id, ok: false, error: v.error },
            );
          });
          break;
        }
        case "done":
          cell.done = true;
          if (!msg.ok) cell.error = msg.error ?? "script failed";
          this.#wake(cell);
          break;
      }
    }
    if (!cell.done) {
      cell.done = true;
      if (!cell.terminated) {
        const status = await cell.runner.child.status.catch(() => null);
        cell.error ??= `process exited with code ${status?.code ?? "unknown"}`;
      }
    }
    this.#wake(cell);
  }

  /** Waits until the cell is done or yields, `ms` passes, or `signal` aborts. */
  #settle(cell: Cell, ms: number, signal: AbortSignal): Promise<void> {
    if (cell.done || cell.yielded) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        cell.wake.delete(finish);
        signal.removeEventListener("abort", finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      cell.wake.add(finish);
      signal.addEventListener("abort", finish, { once: true });
    });
  }

  #report(cell: Cell, startedAt: number, maxTokens?: number): ToolResult {
    const wallMs = performance.now() - startedAt;
    const items = cell.items.splice(0);
    let status: CellStatus;
    if (cell.terminated) status = { kind: "terminated" };
    else if (cell.done) {
      status = cell.error !== undefined ? { kind: "failed" } : { kind: "completed" };
    } else status = { kind: "running", cellId: cell.id };
    cell.yielded = false;
    if (cell.done) void this.#forget(cell);
    return {
      output: formatReport({
        status,
        wallMs,
        items,
        error: cell.terminated ? undefined : cell.error,
        maxTokens,
      }),
      success: status.kind !== "failed",
    };
  }

  /** Drops a finished cell; its runner is reaped in the background (shutdown awaits it). */
  #forget(cell: Cell): Promise<void> {
    clearTimeout(cell.timer);
    this.#cells.delete(cell.id);
    const reaped = cell.finished.catch(() => {}).then(() => this.#kill(cell.runner));
    this.#reaping.add(reaped);
    reaped.finally(() => this.#reaping.delete(reaped));
    return reaped;
  }

  async #terminate(cell: Cell): Promise<void> {
    if (!cell.done) {
      cell.terminated = true;
      try {
        cell.runner.child.kill("SIGKILL");
      } catch { /* gone */ }
    }
    await cell.finished.catch(() => {});
  }

  /** Runs a new cell with `source`; reports when it finishes, yields, or the yield time passes. */
  async exec(source: string, pragma: ExecPragma, ctx: ToolContext): Promise<ToolResult> {
    if (this.#closed) {
      return { output: "exec is unavailable: the thread is shutting down", success: false };
    }
    const startedAt = performance.now();
    const { registry, infos } = this.#nested();
    const runner = await this.#takeRunner();
    const id = String(++this.#counter);
    const cell: Cell = {
      id,
      runner,
      items: [],
      done: false,
      terminated: false,
      yielded: false,
      ctx,
      wake: new Set(),
      finished: Promise.resolve(),
    };
    this.#cells.set(id, cell);
    cell.finished = this.#pump(cell, registry);
    const limit = this.#opts.cellTimeoutMs ?? 30 * 60_000;
    cell.timer = setTimeout(() => {
      if (cell.done) return;
      cell.error = `exec cell ${id} timed out after ${limit} ms`;
      try {
        cell.runner.child.kill("SIGKILL");
      } catch { /* gone */ }
    }, limit);
    this.#write(runner, { type: "init", cell_id: id, source, stored: this.#stored, tools: infos });
    await this.#settle(cell, pragma.yield_time_ms ?? this.#opts.execYieldMs ?? 30_000, ctx.signal);
    if (ctx.signal.aborted && !cell.done) await this.#terminate(cell);
    return this.#report(cell, startedAt, pragma.max_output_tokens);
  }

  /** Polls (or with `terminate` kills) a running cell. */
  async wait(
    args: { cell_id: string; yield_time_ms?: number; max_tokens?: number; terminate?: boolean },
    ctx: ToolContext,
  ): Promise<ToolResult> {
    const startedAt = performance.now();
    const cell = this.#cells.get(args.cell_id);
    if (!cell) {
      return {
        output: formatReport({
          status: { kind: "failed" },
          wallMs: 0,
          items: [],
          error: `exec cell ${args.cell_id} not found`,
        }),
        success: false,
      };
    }
    cell.ctx = ctx;
    if (args.terminate) {
      await this.#terminate(cell);
      return this.#report(cell, startedAt, args.max_tokens);
    }
    await this.#settle(cell, args.yield_time_ms ?? this.#opts.waitYieldMs ?? 10_000, ctx.signal);
    if (ctx.signal.aborted && !cell.done) await this.#terminate(cell);
    return this.#report(cell, startedAt, args.max_tokens);
  }

  /** Kills every cell and the spare runner. */
  async shutdown(): Promise<void> {
    this.#closed = true;
    const cells = [...this.#cells.values()];
    await Promise.all(cells.map(async (c) => {
      await this.#terminate(c);
      await this.#forget(c);
    }));
    const spare = this.#spare;
    this.#spare = null;
    if (spare) await this.#kill(spare);
    await Promise.all([...this.#reaping]);
  }
}
