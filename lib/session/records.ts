/**
 * Rollout records in upstream Codex's shapes. Each line of a rollout is one record:
 * `{"timestamp": <ISO-8601 ms>, "type": <kind>, "payload": {...}}` where the kind is
 * `session_meta`, `turn_context`, `response_item`, `event_msg` or `compacted`. Upstream also
 * writes kinds we only read past (`world_state`, `token_usage_record`) and an `ordinal` key.
 *
 * Builders here fix each payload's key order; nothing here does I/O.
 *
 * @module
 */

import type { AnyItem } from "../protocol/items.ts";
import type { Usage } from "../protocol/events.ts";

/** The record kinds denocodex writes. */
export type RecordKind =
  | "session_meta"
  | "turn_context"
  | "response_item"
  | "event_msg"
  | "compacted";

/** One rollout line (kinds we do not know are kept as strings). */
export interface RolloutRecord {
  timestamp: string;
  /** Upstream's record counter (paginated rollouts); denocodex does not write it. */
  ordinal?: number;
  type: RecordKind | string;
  payload: Record<string, unknown>;
}

/** Usage as upstream writes it in `token_count` events (with `total_tokens`). */
export interface RecordedUsage extends Usage {
  total_tokens: number;
}

/** The first record of a rollout: who, where and with which base instructions. */
export interface SessionMeta {
  id: string;
  /** ISO-8601 creation time. */
  timestamp: string;
  cwd: string;
  originator: string;
  cliVersion: string;
  /** `exec` for `denocodex exec`, `cli` for the interactive session. */
  source: string;
  modelProvider: string;
  /** Text of the base-instructions message (the first history item, kept out of `response_item`s). */
  baseInstructions?: { text: string; id?: string };
  contextWindowId?: string;
  forkedFromId?: string;
  git?: { commit_hash?: string; branch?: string };
  /** Sub-agent threads: where the thread sits in its tree (see {@linkcode SubagentSource}). */
  subagent?: SubagentSource;
}

/**
 * A sub-agent thread's place in its tree, as upstream writes it in `session_meta`:
 * `session_id` is the root thread's id, `parent_thread_id` the spawning thread's, `source` is
 * `{"subagent": {"thread_spawn": {parent_thread_id, depth, agent_path, agent_nickname,
 * agent_role}}}`, `thread_source` is `subagent`, followed by `agent_nickname`, `agent_path` (v2
 * only) and, after the base instructions, `multi_agent_version`.
 */
export interface SubagentSource {
  /** The root thread's id (`session_id`). */
  sessionId: string;
  parentThreadId: string;
  /** 1 for a child of the root. */
  depth: number;
  /** Collaboration v2 task path (`/root/<name>`); `null` for v1 agents. */
  agentPath: string | null;
  agentNickname: string | null;
  agentRole: string | null;
  /** `v1` (spawn_agent with agent ids) or `v2` (task paths). */
  multiAgentVersion: "v1" | "v2";
}

/** ISO-8601 with milliseconds, as upstream writes `timestamp`. */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** A record of `type` with `payload`. */
export function record(
  type: RecordKind,
  payload: Record<string, unknown>,
  nowMs: number,
): RolloutRecord {
  return { timestamp: isoTimestamp(nowMs), type, payload };
}

/** The `session_meta` payload (upstream's key order). */
export function sessionMetaPayload(meta: SessionMeta): Record<string, unknown> {
  const sub = meta.subagent;
  const p: Record<string, unknown> = { session_id: sub?.sessionId ?? meta.id, id: meta.id };
  if (sub) p.parent_thread_id = sub.parentThreadId;
  if (meta.forkedFromId) p.forked_from_id = meta.forkedFromId;
  p.timestamp = meta.timestamp;
  p.cwd = meta.cwd;
  p.runtime_workspace_roots = [meta.cwd];
  p.originator = meta.originator;
  p.cli_version = meta.cliVersion;
  if (sub) {
    p.source = {
      subagent: {
        thread_spawn: {
          parent_thread_id: sub.parentThreadId,
          depth: sub.depth,
          agent_path: sub.agentPath,
          agent_nickname: sub.agentNickname,
          agent_role: sub.agentRole,
        },
      },
    };
    p.thread_source = "subagent";
    if (sub.agentNickname !== null) p.agent_nickname = sub.agentNickname;
    if (sub.agentPath !== null) p.agent_path = sub.agentPath;
  } else {
    p.source = meta.source;
    p.thread_source = "user";
  }
  p.model_provider = meta.modelProvider;
  if (meta.baseInstructions) {
    const b: Record<string, unknown> = { text: meta.baseInstructions.text };
    if (meta.baseInstructions.id) b.id = meta.baseInstructions.id;
    p.base_instructions = b;
  }
  if (sub) p.multi_agent_version = sub.multiAgentVersion;
  if (meta.contextWindowId) p.context_window = { window_id: meta.contextWindowId };
  if (meta.git && (meta.git.commit_hash || meta.git.branch)) p.git = meta.git;
  return p;
}

/** Reads a `session_meta` payload written by denocodex or upstream. */
export function parseSessionMeta(p: Record<string, unknown>): SessionMeta | null {
  const id = typeof p.id === "string" ? p.id : typeof p.session_id === "string" ? p.session_id : "";
  if (!id) return null;
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const meta: SessionMeta = {
    id,
    timestamp: str(p.timestamp),
    cwd: str(p.cwd),
    originator: str(p.originator),
    cliVersion: str(p.cli_version),
    source: typeof p.source === "string" ? p.source : "unknown",
    modelProvider: str(p.model_provider),
  };
  const sub = parseSubagentSource(p);
  if (sub) {
    meta.source = "subagent";
    meta.subagent = sub;
  }
  const base = p.base_instructions as { text?: unknown; id?: unknown } | string | undefined;
  if (typeof base === "string") meta.baseInstructions = { text: base };
  else if (base && typeof base.text === "string") {
    meta.baseInstructions = { text: base.text };
    if (typeof base.id === "string") meta.baseInstructions.id = base.id;
  }
  const window = p.context_window as { window_id?: unknown } | undefined;
  if (window && typeof window.window_id === "string") meta.contextWindowId = window.window_id;
  if (typeof p.forked_from_id === "string") meta.forkedFromId = p.forked_from_id;
  const git = p.git as SessionMeta["git"];
  if (git && typeof git === "object") meta.git = git;
  return meta;
}

/** The sub-agent fields of a `session_meta` payload, or `null` for other threads. */
export function parseSubagentSource(p: Record<string, unknown>): SubagentSource | null {
  const source = p.source as { subagent?: { thread_spawn?: Record<string, unknown> } } | unknown;
  const spawn = source && typeof source === "object"
    ? (source as { subagent?: { thread_spawn?: Record<string, unknown> } }).subagent?.thread_spawn
    : undefined;
  if (!spawn || typeof spawn !== "object") return null;
  const strOrNull = (v: unknown) => (typeof v === "string" ? v : null);
  const parent = strOrNull(spawn.parent_thread_id) ?? strOrNull(p.parent_thread_id) ?? "";
  const agentPath = strOrNull(spawn.agent_path) ?? strOrNull(p.agent_path);
  const version = p.multi_agent_version === "v2" || p.multi_agent_version === "v1"
    ? p.multi_agent_version
    : agentPath !== null
    ? "v2"
    : "v1";
  return {
    sessionId: strOrNull(p.session_id) ?? parent,
    parentThreadId: parent,
    depth: typeof spawn.depth === "number" ? spawn.depth : 1,
    agentPath,
    agentNickname: strOrNull(spawn.agent_nickname) ?? strOrNull(p.agent_nickname),
    agentRole: strOrNull(spawn.agent_role),
    multiAgentVersion: version,
  };
}

/** Settings of a turn, written before its items (upstream's `turn_context`). */
export interface TurnContextInfo {
  turnId: string;
  cwd: string;
  approvalPolicy: string;
  sandboxMode: string;
  writableRoots?: string[];
  networkAccess?: boolean;
  model: string;
  effort?: string;
  summary?: string;
  collaborationMode?: string;
  /** The root thread's turn at the top of the chain (sub-agents); default: `turnId`. */
  rootTurnId?: string;
}

/** The `turn_context` payload. */
export function turnContextPayload(t: TurnContextInfo): Record<string, unknown> {
  const sandbox: Record<string, unknown> = { type: t.sandboxMode };
  if (t.sandboxMode === "workspace-write") {
    sandbox.writable_roots = t.writableRoots ?? [];
    sandbox.network_access = t.networkAccess ?? false;
  }
  const p: Record<string, unknown> = {
    turn_id: t.turnId,
    root_turn_id: t.rootTurnId ?? t.turnId,
    cwd: t.cwd,
    approval_policy: t.approvalPolicy,
    model: t.model,
  };
  if (t.effort) p.effort = t.effort;
  p.collaboration_mode = {
    mode: t.collaborationMode ?? "default",
    settings: { model: t.model, reasoning_effort: t.effort ?? null, developer_instructions: null },
  };
  p.summary = t.summary ?? "none";
  p.sandbox_policy = sandbox;
  return p;
}

/** Usage with `total_tokens`, keys in upstream's order. */
export function recordedUsage(u: Usage): RecordedUsage {
  return {
    input_tokens: u.input_tokens,
    cached_input_tokens: u.cached_input_tokens,
    cache_write_input_tokens: u.cache_write_input_tokens,
    output_tokens: u.output_tokens,
    reasoning_output_tokens: u.reasoning_output_tokens,
    total_tokens: u.input_tokens + u.output_tokens,
  };
}

/** Reads a usage object of a `token_count` event (missing numbers are 0). */
export function parseUsage(raw: unknown): Usage {
  const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  return {
    input_tokens: n(r.input_tokens),
    cached_input_tokens: n(r.cached_input_tokens),
    cache_write_input_tokens: n(r.cache_write_input_tokens),
    output_tokens: n(r.output_tokens),
    reasoning_output_tokens: n(r.reasoning_output_tokens),
  };
}

/** The `compacted` payload: the summary and the history that replaces everything before it. */
export function compactedPayload(summary: string, replacement: AnyItem[]): Record<string, unknown> {
  return { message: summary, replacement_history: replacement };
}

/** Fields upstream adds to stored items that are never sent to the model. */
const STORAGE_ONLY_KEYS = ["internal_chat_message_metadata_passthrough"];

/** A stored `response_item` payload as the item to send (storage-only keys removed). */
export function itemFromPayload(payload: Record<string, unknown>): AnyItem {
  if (!STORAGE_ONLY_KEYS.some((k) => k in payload)) return payload as AnyItem;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload)) if (!STORAGE_ONLY_KEYS.includes(k)) copy[k] = v;
  return copy as AnyItem;
}
