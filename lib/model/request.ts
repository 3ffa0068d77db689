/**
 * Builds a Responses request as upstream Codex 0.169.0 sends it: body keys in upstream's order,
 * the base prompt as a developer message (no `instructions`), headers in upstream's order with
 * `x-codex-turn-metadata` (the same JSON also in `client_metadata`).
 *
 * @module
 */

import type { AnyItem } from "../protocol/items.ts";
import type { ProviderInfo } from "../config/providers.ts";
import type { SandboxMode } from "../sandbox/policy.ts";
import { metadataSandboxTag } from "../sandbox/policy.ts";
import type { ModelInfo } from "./catalog.ts";
import type { ModelRequest } from "./client.ts";

/** Git facts about a workspace, as `x-codex-turn-metadata.workspaces` carries them. */
export interface WorkspaceInfo {
  latest_git_commit_hash?: string;
  has_changes?: boolean;
}

/**
 * Where a sub-agent thread sits in its tree (absent for a root thread). Upstream sends these in
 * `x-codex-turn-metadata`, `client_metadata` and the `x-codex-parent-thread-id` header.
 */
export interface SubagentLineage {
  /** The root thread's id: `session_id`, `session-id` and `prompt_cache_key`. */
  sessionId: string;
  parentThreadId: string;
  /** The parent's turn that started (or last messaged) the sub-agent. */
  parentTurnId: string;
  /** The root thread's turn at the top of the chain. */
  rootTurnId: string;
  /** `thread_spawn` for agents made by `spawn_agent`. */
  kind: string;
}

/** Everything that shapes the requests of one turn. */
export interface TurnRequestContext {
  model: ModelInfo;
  provider: ProviderInfo;
  apiKey?: string;
  env: Record<string, string | undefined>;
  threadId: string;
  turnId: string;
  installationId: string;
  contextWindowId: string;
  /** `codex_exec` for exec (or `CODEX_INTERNAL_ORIGINATOR_OVERRIDE`). */
  originator: string;
  userAgent: string;
  /** Configured effort; `undefined` means the catalog default. */
  reasoningEffort?: string;
  reasoningSummary?: string;
  verbosity?: string;
  sandboxMode: SandboxMode;
  workspaces: Record<string, WorkspaceInfo>;
  turnStartedAtMs: number;
  historyInitialization: "new" | "resumed" | "forked" | "warm_fork";
  turnTrigger: string;
  threadSource: string;
  /** The agent's path in the agent tree: `/root`, `/root/<name>`... */
  agentName: string;
  /** `x-openai-subagent` value for sub-agent threads. */
  subagent?: string;
  /** Set for sub-agent threads. */
  lineage?: SubagentLineage;
  /** `--output-schema`: a JSON schema sent as `text.format`. */
  outputSchema?: unknown;
  parallelToolCalls: boolean;
}

/** The `x-codex-turn-metadata` JSON text (key order as upstream). */
export function turnMetadata(ctx: TurnRequestContext): string {
  const effort = effectiveEffort(ctx);
  const lineage = ctx.lineage;
  const meta: Record<string, unknown> = {
    installation_id: ctx.installationId,
    session_id: sessionIdOf(ctx),
    thread_id: ctx.threadId,
    agent_name: ctx.agentName,
    turn_id: ctx.turnId,
    window_id: `${ctx.threadId}:0`,
    window_number: 0,
    context_window_id: ctx.contextWindowId,
    request_kind: "turn",
    history_initialization: ctx.historyInitialization,
  };
  if (lineage) {
    meta.parent_thread_id = lineage.parentThreadId;
    meta.parent_turn_id = lineage.parentTurnId;
  }
  meta.root_turn_id = lineage?.rootTurnId ?? ctx.turnId;
  if (lineage) meta.subagent_kind = lineage.kind;
  Object.assign(meta, {
    thread_source: lineage ? "subagent" : ctx.threadSource,
    turn_trigger: ctx.turnTrigger,
    sandbox: metadataSandboxTag(ctx.sandboxMode),
    sandbox_mode: ctx.sandboxMode,
    auto_review_enabled: false,
    node_repl_auto_review_required: ctx.model.nodeReplAutoReviewRequired,
    node_repl_disabled: false,
  });
  // Upstream leaves `workspaces` out when the working directory is not in a git repository.
  if (Object.keys(ctx.workspaces).length) meta.workspaces = ctx.workspaces;
  Object.assign(meta, {
    turn_started_at_unix_ms: ctx.turnStartedAtMs,
    analytics_enabled: false,
    model: ctx.model.slug,
  });
  if (effort && !ctx.model.fallback) meta.reasoning_effort = effort;
  return JSON.stringify(meta);
}

/** The session id: the root thread's id (a thread's own id unless it is a sub-agent). */
function sessionIdOf(ctx: TurnRequestContext): string {
  return ctx.lineage?.sessionId ?? ctx.threadId;
}

function effectiveEffort(ctx: TurnRequestContext): string | undefined {
  return ctx.reasoningEffort ?? ctx.model.defaultReasoningEffort ?? undefined;
}

/** The request body, keys in upstream's order. */
export function buildBody(
  ctx: TurnRequestContext,
  input: AnyItem[],
  tools: Record<string, unknown>[],
  metadata = turnMetadata(ctx),
): Record<string, unknown> {
  const body: Record<string, unknown> = { model: ctx.model.slug, stream: true, input };
  if (tools.length) body.tools = tools;
  body.tool_choice = "auto";
  body.parallel_tool_calls = ctx.parallelToolCalls;
  const reasoning: Record<string, string> = {};
  const effort = effectiveEffort(ctx);
  if (effort) reasoning.effort = effort;
  const summary = ctx.reasoningSummary ?? ctx.model.reasoningSummary ?? undefined;
  if (summary && summary !== "none") reasoning.summary = summary;
  // Upstream's key order: effort, summary, context.
  if (ctx.model.reasoningContext) reasoning.context = ctx.model.reasoningContext;
  const hasReasoning = Object.keys(reasoning).length > 0;
  if (hasReasoning) body.reasoning = reasoning;
  body.store = false;
  body.include = hasReasoning ? ["reasoning.encrypted_content"] : [];
  body.prompt_cache_key = sessionIdOf(ctx);
  const text: Record<string, unknown> = {};
  const verbosity = ctx.verbosity ?? ctx.model.defaultVerbosity ?? undefined;
  if (verbosity) text.verbosity = verbosity;
  if (ctx.outputSchema !== undefined) {
    text.format = {
      type: "json_schema",
      name: "codex_output_schema",
      schema: ctx.outputSchema,
      strict: true,
    };
  }
  if (Object.keys(text).length) body.text = text;
  const clientMetadata: Record<string, string> = {
    "x-codex-turn-metadata": metadata,
    "x-codex-installation-id": ctx.installationId,
    "x-codex-window-id": `${ctx.threadId}:0`,
    session_id: sessionIdOf(ctx),
    thread_id: ctx.threadId,
    turn_id: ctx.turnId,
    root_turn_id: ctx.lineage?.rootTurnId ?? ctx.turnId,
  };
  if (ctx.lineage) {
    if (ctx.subagent) clientMetadata["x-openai-subagent"] = ctx.subagent;
    clientMetadata["x-codex-parent-thread-id"] = ctx.lineage.parentThreadId;
    clientMetadata.parent_turn_id = ctx.lineage.parentTurnId;
  }
  body.client_metadata = clientMetadata;
  return body;
}

/** Request headers in upstream's wire order, then provider headers. */
export function buildHeaders(ctx: TurnRequestContext, metadata = turnMetadata(ctx)): [
  string,
  string,
][] {
  const h: [string, string][] = [
    ["x-codex-beta-features", "remote_compaction_v2"],
    ["x-codex-window-id", `${ctx.threadId}:0`],
    ["x-codex-turn-metadata", metadata],
  ];
  if (ctx.model.toolFamily === "code_mode") {
    h.push(["x-openai-internal-codex-responses-lite", "true"]);
  }
  if (ctx.lineage) h.push(["x-codex-parent-thread-id", ctx.lineage.parentThreadId]);
  if (ctx.subagent) h.push(["x-openai-subagent", ctx.subagent]);
  h.push(
    ["x-client-request-id", ctx.threadId],
    ["session-id", sessionIdOf(ctx)],
    ["thread-id", ctx.threadId],
    ["accept", "text/event-stream"],
    ["content-type", "application/json"],
  );
  if (ctx.apiKey) h.push(["authorization", `Bearer ${ctx.apiKey}`]);
  h.push(["originator", ctx.originator], ["user-agent", ctx.userAgent]);
  for (const [k, v] of Object.entries(ctx.provider.httpHeaders)) h.push([k.toLowerCase(), v]);
  for (const [k, envName] of Object.entries(ctx.provider.envHttpHeaders)) {
    const v = ctx.env[envName];
    if (v) h.push([k.toLowerCase(), v]);
  }
  return h;
}

/** Body and headers of one request. */
export function buildRequest(
  ctx: TurnRequestContext,
  input: AnyItem[],
  tools: Record<string, unknown>[],
): ModelRequest {
  const metadata = turnMetadata(ctx);
  return { body: buildBody(ctx, input, tools, metadata), headers: buildHeaders(ctx, metadata) };
}
