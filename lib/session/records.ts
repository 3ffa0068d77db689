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
  const p: Record<string, unknown> = { session_id: meta.id, id: meta.id };
  if (meta.forkedFromId) p.forked_from_id = meta.forkedFromId;
  p.timestamp = meta.timestamp;
  p.cwd = meta.cwd;
  p.runtime_workspace_roots = [meta.cwd];
  p.originator = meta.originator;
  p.cli_version = meta.cliVersion;
  p.source = meta.source;
  p.thread_source = "user";
  p.model_provider = meta.modelProvider;
  if (meta.baseInstructions) {
    const b: Record<string, unknown> = { text: meta.baseInstructions.text };
    if (meta.baseInstructions.id) b.id = meta.baseInstructions.id;
    p.base_instructions = b;
  }
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
    root_turn_id: t.turnId,
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
