/**
 * `Thread`: a conversation with the agent. It owns the history (initial context first), runs
 * turns one at a time from a submission queue, accepts steer input (inserted at the next sampling
 * boundary of the running turn) and queued input (the next turn), and can be interrupted.
 *
 * @module
 */

import type { AnyItem, ContentPart, MessageItem, ToolCallItem } from "../protocol/items.ts";
import type { AgentEvent, EventSink } from "../protocol/events.ts";
import { emptyUsage, type Usage } from "../protocol/events.ts";
import { uuidv7 } from "../protocol/ids.ts";
import type { ModelResponse, ResponsesClient } from "../model/client.ts";
import { fallbackWarning, type ModelInfo, modelInfo } from "../model/catalog.ts";
import type { SubagentLineage, TurnRequestContext } from "../model/request.ts";
import type { ProviderInfo } from "../config/providers.ts";
import type { SandboxPolicy } from "../sandbox/policy.ts";
import type { ApprovalPolicy, ToolContext, UserInterface } from "../../tools/define.ts";
import type { ToolRegistry } from "../../tools/registry.ts";
import { buildInitialContext, type InitialContextOptions } from "../context/initial.ts";
import { installationId as loadInstallationId } from "./installation.ts";
import { workspaceInfo } from "./git.ts";
import { runTurn, type TurnResult } from "./loop.ts";
import { buildRequest } from "../model/request.ts";
import { dropOrphanOutputs } from "../session/history.ts";

/** Upstream's `history_initialization` for a stored history: `cold_resume` and `cold_fork`. */
function wireHistoryInitialization(value: string | undefined): string {
  if (value === "resumed") return "cold_resume";
  if (value === "forked") return "cold_fork";
  return value ?? "new";
}

/** Options of {@linkcode Thread.create}. */
export interface ThreadOptions {
  cwd: string;
  codexHome: string;
  env: Record<string, string>;
  client: ResponsesClient;
  tools: ToolRegistry;
  /** Model slug. */
  model: string;
  provider: ProviderInfo;
  apiKey?: string;
  reasoningEffort?: string;
  reasoningSummary?: string;
  verbosity?: string;
  sandbox: SandboxPolicy;
  approvalPolicy: ApprovalPolicy;
  /** `codex_exec` for exec runs. */
  originator: string;
  userAgent: string;
  /** `exec` or `user` (x-codex-turn-metadata `turn_trigger`). */
  turnTrigger?: string;
  threadId?: string;
  /** A stored history to continue (it already holds its initial context). */
  history?: AnyItem[];
  historyInitialization?: "new" | "resumed" | "forked" | "warm_fork";
  /** Settings of the initial context (when the history is new). */
  context?: Partial<
    Pick<
      InitialContextOptions,
      | "baseInstructions"
      | "developerInstructions"
      | "collaborationMode"
      | "projectDocMaxBytes"
      | "deferredTools"
      | "skipSkills"
    >
  >;
  collaborationMode?: string;
  ui?: UserInterface;
  services?: Record<string, unknown>;
  agentName?: string;
  subagent?: string;
  /** Sub-agent threads: their place in the tree (read at every turn, so it may be updated). */
  lineage?: SubagentLineage;
  installationId?: string;
  /** Called with every item appended to the history (persistence). */
  onHistoryItem?(item: AnyItem): void;
  /** Runs before each sampling request (compaction). */
  beforeSample?(history: AnyItem[], signal: AbortSignal): Promise<void>;
  /**
   * Compacts `history` in place now (the `/compact` command, see {@linkcode Thread.compact}).
   * Resolves to false when it did not (the history is then unchanged).
   */
  compact?(history: AnyItem[], signal: AbortSignal): Promise<boolean>;
  /**
   * `context_window_id` of the turn metadata; a resumed or forked thread keeps the stored one
   * (upstream does). A new id when omitted.
   */
  contextWindowId?: string;
  /** Called on shutdown (kill exec sessions, close sub-agents...). */
  onShutdown?: (() => Promise<void> | void)[];
  now?: () => number;
}

/** Input of a turn: text, or content parts (text and images). */
export type TurnInput = string | ContentPart[];

/** Per-turn options. */
export interface RunOptions {
  /** JSON schema for the final message (`text.format`). */
  outputSchema?: unknown;
}

/** A conversation with the agent. */
export class Thread {
  readonly id: string;
  readonly history: AnyItem[];
  readonly tools: ToolRegistry;
  #opts: ThreadOptions;
  #listeners = new Set<EventSink>();
  #steers: string[] = [];
  #tail: Promise<unknown> = Promise.resolve();
  #running: AbortController | null = null;
  #closed = false;
  #model: ModelInfo;
  #installationId: string;
  #contextWindowId: string;
  #requestContext: TurnRequestContext | null = null;
  #warned = false;
  #collaborationMode?: string;
  /** Usage summed over every turn of the thread. */
  readonly totalUsage: Usage = emptyUsage();

  private constructor(opts: ThreadOptions, history: AnyItem[], installationId: string) {
    this.#opts = opts;
    this.id = opts.threadId ?? uuidv7();
    this.history = history;
    this.tools = opts.tools;
    this.#model = modelInfo(opts.model);
    this.#installationId = installationId;
    this.#collaborationMode = opts.collaborationMode;
    this.#contextWindowId = opts.contextWindowId ?? uuidv7();
  }

  /** Creates a thread; builds the initial context unless a history is given. */
  static async create(opts: ThreadOptions): Promise<Thread> {
    const installation = opts.installationId ?? (await loadInstallationId(opts.codexHome));
    let history = opts.history;
    if (!history) {
      history = await buildInitialContext({
        cwd: opts.cwd,
        codexHome: opts.codexHome,
        env: opts.env,
        policy: opts.sandbox,
        approvalPolicy: opts.approvalPolicy,
        projectDocMaxBytes: opts.context?.projectDocMaxBytes ?? 32 * 1024,
        ...opts.context,
      });
      const thread = new Thread(opts, [], installation);
      for (const item of history) {
        thread.history.push(item);
        opts.onHistoryItem?.(item);
      }
      return thread;
    }
    return new Thread(opts, [...history], installation);
  }

  /** The model of the next turn. */
  get model(): ModelInfo {
    return this.#model;
  }

  /** Switches the model for later turns. */
  setModel(slug: string): void {
    this.#model = modelInfo(slug);
    this.#warned = false;
  }

  /** The collaboration mode (`default`/`plan`) tools see. */
  get collaborationMode(): string {
    return this.#collaborationMode ?? "default";
  }

  /** Switches the collaboration mode; the model is told at the next turn. */
  setCollaborationMode(mode: string): void {
    this.#collaborationMode = mode;
  }

  /** True while a turn runs. */
  get busy(): boolean {
    return this.#running !== null;
  }

  /** Subscribes to events; returns the unsubscribe function. */
  subscribe(listener: EventSink): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends `event` to every listener (hooks such as compaction report through it). */
  emit(event: AgentEvent): void {
    this.#emit(event);
  }

  #emit = (event: AgentEvent): void => {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch { /* a broken listener must not break the turn */ }
    }
  };

  /** Emits the unknown-model warning once (before the turn starts, as upstream). */
  #warnIfFallback(): void {
    if (this.#model.fallback && !this.#warned) {
      this.#warned = true;
      this.#emit({ type: "warning", message: fallbackWarning(this.#model.slug) });
    }
  }

  /** Runs a turn with `input`; waits behind a running turn. */
  run(input: TurnInput, opts: RunOptions = {}): Promise<TurnResult> {
    if (this.#closed) return Promise.reject(new Error("thread is shut down"));
    const next = this.#tail.then(() => this.#runNow(input, opts));
    this.#tail = next.catch(() => {});
    return next;
  }

  /**
   * Runs a turn started by `items` (e.g. an `agent_message` from another agent) instead of user
   * input; with no items the turn starts from what arrives at its first sampling boundary.
   */
  runItems(items: AnyItem[], opts: RunOptions = {}): Promise<TurnResult> {
    if (this.#closed) return Promise.reject(new Error("thread is shut down"));
    const next = this.#tail.then(() => this.#runNow({ items }, opts));
    this.#tail = next.catch(() => {});
    return next;
  }

  /** Queues `text` as the next turn (alias of {@linkcode run} for text). */
  queue(text: string): Promise<TurnResult> {
    return this.run(text);
  }

  /**
   * Steers the running turn: `text` is inserted as user input at the next sampling boundary.
   * Without a running turn it starts one. Returns `true` when it was inserted into a running turn.
   */
  steer(text: string): boolean {
    if (this.#running) {
      this.#steers.push(text);
      return true;
    }
    void this.run(text).catch(() => {});
    return false;
  }

  /**
   * Compacts the history now (the `/compact` command), after any running turn, with the
   * `compact` hook. Resolves to false without a hook or when compaction failed (the history is
   * then unchanged). {@linkcode interrupt} cancels it.
   */
  compact(): Promise<boolean> {
    if (this.#closed) return Promise.reject(new Error("thread is shut down"));
    const hook = this.#opts.compact;
    if (!hook) return Promise.resolve(false);
    const next = this.#tail.then(async () => {
      const controller = new AbortController();
      this.#running = controller;
      try {
        return await hook(this.history, controller.signal);
      } finally {
        this.#running = null;
      }
    });
    this.#tail = next.catch(() => {});
    return next;
  }

  /**
   * One model request with this thread's settings and tools, outside the turn loop (compaction
   * summarizes with it): the running turn's ids, or a fresh turn id between turns.
   */
  async sample(input: AnyItem[], signal: AbortSignal): Promise<ModelResponse> {
    const ctx = this.#requestContext ?? await this.#makeRequestContext(uuidv7(), {});
    const req = buildRequest(ctx, input, this.tools.specs());
    return await this.#opts.client.stream(req, {
      onRetry: (message) => this.#emit({ type: "stream_error", message }),
    }, signal);
  }

  async #makeRequestContext(turnId: string, opts: RunOptions): Promise<TurnRequestContext> {
    const o = this.#opts;
    return {
      model: this.#model,
      provider: o.provider,
      apiKey: o.apiKey,
      env: o.env,
      threadId: this.id,
      turnId,
      installationId: this.#installationId,
      contextWindowId: this.#contextWindowId,
      originator: o.originator,
      userAgent: o.userAgent,
      reasoningEffort: o.reasoningEffort,
      reasoningSummary: o.reasoningSummary,
      verbosity: o.verbosity,
      sandboxMode: o.sandbox.mode,
      workspaces: await workspaceInfo(o.cwd),
      turnStartedAtMs: (o.now ?? Date.now)(),
      // Upstream sends `cold_resume` / `cold_fork`; the request type predates those values.
      historyInitialization: wireHistoryInitialization(
        o.historyInitialization,
      ) as TurnRequestContext["historyInitialization"],
      turnTrigger: o.turnTrigger ?? "user",
      threadSource: "user",
      agentName: o.agentName ?? "/root",
      subagent: o.subagent,
      lineage: o.lineage ? { ...o.lineage } : undefined,
      outputSchema: opts.outputSchema,
      parallelToolCalls: this.#model.supportsParallelToolCalls,
    };
  }

  /** Interrupts the running turn (its commands are killed). */
  interrupt(): void {
    this.#running?.abort();
  }

  /** Interrupts, waits for the queue to drain, runs shutdown hooks. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.interrupt();
    await this.#tail.catch(() => {});
    for (const hook of this.#opts.onShutdown ?? []) {
      try {
        await hook();
      } catch { /* keep shutting down */ }
    }
  }

  async #runNow(input: TurnInput | { items: AnyItem[] }, opts: RunOptions): Promise<TurnResult> {
    const turnId = uuidv7();
    const controller = new AbortController();
    this.#running = controller;
    try {
      this.#warnIfFallback();
      let items: AnyItem[];
      let content: ContentPart[];
      if (typeof input === "object" && "items" in input) {
        items = input.items;
        content = items.flatMap((i) => (i as { content?: ContentPart[] }).content ?? []);
      } else {
        content = typeof input === "string" ? [{ type: "input_text", text: input }] : input;
        const userItem: MessageItem = {
          type: "message",
          id: `msg_${uuidv7()}`,
          role: "user",
          content,
        };
        items = [userItem];
      }
      this.#emit({
        type: "turn_started",
        turn_id: turnId,
        input: content.filter((p) => p.type === "input_text").map((p) =>
          (p as { text: string })
            .text
        ),
      });
      const o = this.#opts;
      const requestContext = await this.#makeRequestContext(turnId, opts);
      this.#requestContext = requestContext;
      const result = await runTurn(this.history, items, {
        client: o.client,
        tools: this.tools,
        emit: this.#emit,
        requestContext,
        parallelToolCalls: this.#model.supportsParallelToolCalls,
        toolContext: (call: ToolCallItem, signal: AbortSignal): ToolContext => ({
          cwd: o.cwd,
          signal,
          callId: call.call_id,
          turnId,
          threadId: this.id,
          sandbox: o.sandbox,
          approvalPolicy: o.approvalPolicy,
          collaborationMode: this.collaborationMode,
          env: o.env,
          emit: this.#emit,
          ui: o.ui,
          interruptTurn: () => controller.abort(),
          services: o.services ?? {},
        }),
        takeSteers: () => this.#steers.splice(0),
        onHistoryItem: o.onHistoryItem,
        beforeSample: o.beforeSample,
      }, controller.signal);
      for (const k of Object.keys(this.totalUsage) as (keyof Usage)[]) {
        this.totalUsage[k] += result.usage[k];
      }
      // An interrupt after a mid-turn compaction can answer calls that were compacted away.
      if (result.status === "aborted") dropOrphanOutputs(this.history);
      return result;
    } finally {
      this.#running = null;
      this.#requestContext = null;
      // Steers that arrived after the last sampling boundary start the next turn.
      const leftover = this.#steers.splice(0);
      if (leftover.length && !this.#closed) void this.run(leftover.join("\n")).catch(() => {});
    }
  }
}
