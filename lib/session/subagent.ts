/**
 * Sub-agent rollouts: every sub-agent thread is written to a rollout of its own, as upstream
 * Codex 0.169.0 does — `sessions/YYYY/MM/DD/rollout-<created>-<child id>.jsonl`, with the same
 * {@linkcode RolloutWriter} and {@linkcode SessionRecorder} as the root (one line per item, in
 * the kernel before the item is used) and a `session_meta` naming its tree
 * ({@linkcode SubagentSource}: `session_id` = the root's id, `parent_thread_id`, the
 * `source.subagent.thread_spawn` object, `thread_source: "subagent"`, `agent_nickname`,
 * `agent_path`, `multi_agent_version`). The parent's rollout does not name its children.
 *
 * {@linkcode SubagentRollouts} is the {@linkcode SubagentStore} a persisted root thread hands to
 * its sub-agent factory: `record` opens a child's rollout (created for a new or forked child,
 * appended to when a closed child is resumed), `load` reads a child back by id (for
 * `resume_agent` in a later process).
 *
 * @module
 */

import type { AnyItem } from "../protocol/items.ts";
import type { Usage } from "../protocol/events.ts";
import { asMessage, messageTextOf } from "./context_items.ts";
import { findSessionById } from "./find.ts";
import { loadThreadHistory } from "./history.ts";
import { rolloutPath } from "./paths.ts";
import { type EventSource, SessionRecorder } from "./recorder.ts";
import { isoTimestamp, type SessionMeta, type TurnContextInfo } from "./records.ts";
import { RolloutWriter } from "./writer.ts";

/** A sub-agent thread about to be created. */
export interface SubagentThreadInfo {
  threadId: string;
  /** The root thread of the tree (`session_id`). */
  rootThreadId: string;
  parentThreadId: string;
  /** 1 for a child of the root. */
  depth: number;
  /** Collaboration v2 task path (`/root/<name>`). */
  agentPath?: string;
  nickname?: string;
  role?: string;
  /** The child's model slug and reasoning effort (for `turn_context`). */
  model: string;
  reasoningEffort?: string;
  contextWindowId: string;
  /** The root's turn that (last) started this agent's chain (`turn_context.root_turn_id`). */
  rootTurnId?: string;
  /** `new`: fresh context; `warm_fork`: starts from `history`; `resumed`: reopened. */
  historyInitialization: "new" | "warm_fork" | "resumed";
  /** The history the thread starts from (forks and resumes). */
  history?: AnyItem[];
}

/** A sub-agent's rollout while its thread is open. */
export interface SubagentRecording {
  /** The rollout file. */
  readonly path: string;
  /** Records a history item (the thread's `onHistoryItem`). */
  onHistoryItem(item: AnyItem): void;
  /** Records the thread's events; returns the unsubscribe function. */
  attach(source: EventSource): () => void;
  /** Syncs and closes the file (the thread shut down). */
  close(): Promise<void>;
}

/** A sub-agent read back from its rollout. */
export interface StoredSubagent {
  id: string;
  path: string;
  parentThreadId: string;
  depth: number;
  agentPath: string | null;
  nickname: string | null;
  /** The history as last sent (base instructions included). */
  history: AnyItem[];
}

/** Where a tree's sub-agents are persisted. */
export interface SubagentStore {
  /** Opens the rollout of a sub-agent thread about to be created (`null`: not recorded). */
  record(info: SubagentThreadInfo): Promise<SubagentRecording | null>;
  /** A sub-agent of this Codex home by thread id, or `null` when there is none. */
  load(id: string): Promise<StoredSubagent | null>;
}

/** Options of {@linkcode SubagentRollouts}. */
export interface SubagentRolloutsOptions {
  codexHome: string;
  cwd: string;
  originator: string;
  cliVersion: string;
  modelProvider: string;
  /** The settings of a child's turn about to start (for `turn_context`). */
  turnSettings(info: SubagentThreadInfo): Omit<TurnContextInfo, "turnId">;
  /** A child's context window (reported in `task_started` and `token_count`). */
  contextWindow(info: SubagentThreadInfo): number;
  /** Told about write failures and skipped lines. */
  onWarning?(message: string): void;
  now?: () => number;
}

/** True for the base-instructions message (a developer message of one text part). */
function isBaseMessage(item: AnyItem | undefined): boolean {
  const m = item ? asMessage(item) : null;
  return m !== null && m.role === "developer" && m.content.length === 1 &&
    m.content[0].type === "input_text";
}

/** The rollouts of one tree's sub-agents. */
export class SubagentRollouts implements SubagentStore {
  #opts: SubagentRolloutsOptions;
  #now: () => number;
  /** Rollouts written by this process: path and the thread's usage so far. */
  #known = new Map<string, { path: string; recorder: SessionRecorder }>();

  constructor(opts: SubagentRolloutsOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** Opens (or, for a resumed child, reopens) the rollout of `info`'s thread. */
  record = async (info: SubagentThreadInfo): Promise<SubagentRecording | null> => {
    const o = this.#opts;
    const warn = o.onWarning ?? (() => {});
    const common = {
      turnSettings: () => o.turnSettings(info),
      contextWindow: () => o.contextWindow(info),
      now: this.#now,
    };
    let recorder: SessionRecorder;
    const known = this.#known.get(info.threadId);
    const existing = info.historyInitialization === "resumed"
      ? known?.path ?? await findSessionById(o.codexHome, info.threadId)
      : null;
    if (existing) {
      let totalUsage: Usage | undefined = known?.recorder.totalUsage;
      if (!totalUsage) {
        totalUsage = (await loadThreadHistory(existing, { onWarning: warn }).catch(() => null))
          ?.totalUsage;
      }
      const writer = await RolloutWriter.open(existing, { mode: "append", onError: warn });
      recorder = new SessionRecorder({ ...common, writer, totalUsage });
    } else {
      const created = this.#now();
      const meta: SessionMeta = {
        id: info.threadId,
        timestamp: isoTimestamp(created),
        cwd: o.cwd,
        originator: o.originator,
        cliVersion: o.cliVersion,
        source: "subagent",
        modelProvider: o.modelProvider,
        contextWindowId: info.contextWindowId,
        subagent: {
          sessionId: info.rootThreadId,
          parentThreadId: info.parentThreadId,
          depth: info.depth,
          agentPath: info.agentPath ?? null,
          agentNickname: info.nickname ?? null,
          agentRole: info.role ?? null,
          multiAgentVersion: info.agentPath === undefined ? "v1" : "v2",
        },
      };
      const path = rolloutPath(o.codexHome, info.threadId, new Date(created));
      const writer = await RolloutWriter.open(path, { mode: "create", onError: warn });
      if (info.history) {
        // A forked (or resumed but never recorded) child: its starting history stands alone.
        const first = info.history[0];
        if (isBaseMessage(first)) {
          const base = asMessage(first!)!;
          meta.baseInstructions = { text: messageTextOf(base) };
          if (base.id) meta.baseInstructions.id = base.id;
        }
        recorder = new SessionRecorder({ ...common, writer, meta, seedItems: info.history });
      } else {
        recorder = new SessionRecorder({ ...common, writer, meta, baseFromFirstItem: true });
      }
    }
    this.#known.set(info.threadId, { path: recorder.path, recorder });
    return {
      path: recorder.path,
      onHistoryItem: recorder.onHistoryItem,
      attach: (source) => recorder.attach(source),
      close: () => recorder.close(),
    };
  };

  /** Reads the sub-agent `id` back from its rollout (`null`: none, or not a sub-agent). */
  load = async (id: string): Promise<StoredSubagent | null> => {
    const path = this.#known.get(id)?.path ?? await findSessionById(this.#opts.codexHome, id);
    if (!path) return null;
    const loaded = await loadThreadHistory(path, { onWarning: this.#opts.onWarning });
    const sub = loaded.meta.subagent;
    if (!sub) return null;
    return {
      id: loaded.meta.id,
      path,
      parentThreadId: sub.parentThreadId,
      depth: sub.depth,
      agentPath: sub.agentPath,
      nickname: sub.agentNickname,
      history: loaded.history,
    };
  };
}
