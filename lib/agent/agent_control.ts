/**
 * Sub-agents: an {@linkcode AgentControl} is shared by a root thread and every agent below it.
 * Each sub-agent is its own thread (own history, own exec sessions) made by an injected
 * {@linkcode ChildThreadFactory}, so this module never imports the thread or tool code.
 *
 * States, as upstream reports them: `pending_init` (made, no turn started yet), `running`,
 * `{"completed": <last message or null>}`, `{"errored": <message>}`, `shutdown` and
 * `not_found`. The last four are final. A closed agent reads as `not_found` to everything but
 * `resume`. Every agent counts toward `maxThreads` until it is closed; an agent at depth
 * `maxDepth` gets no spawn tools.
 *
 * When an agent first reaches a final status after `spawn` or `resume`, its parent receives a
 * `<subagent_notification>` user message at its next sampling boundary.
 *
 * Collaboration v2 (the `collaboration` tools of code-mode models): agents are addressed by task
 * paths (`/root/<name>/...`, or relative to the caller), talk through `agent_message` items
 * (`NEW_TASK`, `MESSAGE`, `FINAL_ANSWER`) delivered at the receiver's next sampling boundary,
 * stay open once finished, and share {@linkcode AgentControlOptions.collabSlots} slots (the root
 * included). See `spawnTask`, `sendMessage`, `followupTask`, `interruptTask`, `listTasks` and
 * `waitMail`.
 *
 * @module
 */

import type { AnyItem, ContentPart } from "../protocol/items.ts";
import { uuidv7 } from "../protocol/ids.ts";
import type { EventSink } from "../protocol/events.ts";
import type { SubagentLineage } from "../model/request.ts";

/** An agent's status as the sub-agent tools report it. */
export type AgentStatus =
  | "pending_init"
  | "running"
  | "shutdown"
  | "not_found"
  | { completed: string | null }
  | { errored: string };

/** True for statuses that end a wait. */
export function isFinal(status: AgentStatus): boolean {
  return typeof status === "object" || status === "shutdown" || status === "not_found";
}

/** The outcome of a child's turn (a subset of the loop's `TurnResult`). */
export interface ChildTurnResult {
  status: "completed" | "failed" | "aborted";
  lastMessage: string | null;
  error?: string;
}

/** What the control needs from a child thread. */
export interface ChildThread {
  readonly id: string;
  readonly history: AnyItem[];
  run(input: string | ContentPart[]): Promise<ChildTurnResult>;
  /**
   * Runs a turn started by `items` (an `agent_message`) instead of user text; with no items the
   * turn starts from what its inbox holds. Without it, v2 tasks arrive as user messages.
   */
  runItems?(items: AnyItem[]): Promise<ChildTurnResult>;
  interrupt(): void;
  shutdown(): Promise<void>;
  subscribe(listener: EventSink): () => void;
}

/** What the factory is asked to build. */
export interface ChildSpec {
  /** The new thread's id (also the agent id). */
  agentId: string;
  /** Depth of the new agent (the root is 0). */
  depth: number;
  /** True when the new agent may spawn agents of its own. */
  canSpawn: boolean;
  /** The agent's place in the tree; the control updates `parentTurnId` on `send_input`. */
  lineage: SubagentLineage;
  /** A history to start from (fork or resume). */
  history?: AnyItem[];
  historyInitialization: "new" | "warm_fork" | "resumed";
  model?: string;
  reasoningEffort?: string;
  /** Collaboration v2: the agent's task path (`/root/<name>`), its `agent_name` on the wire. */
  agentPath?: string;
  /** The agent's nickname (written to its rollout's `session_meta`). */
  nickname?: string;
}

/** A closed sub-agent read back from storage (a previous process), for `resume_agent`. */
export interface RestoredAgent {
  parentThreadId: string;
  depth: number;
  nickname: string | null;
  /** Its history as last sent. */
  history: AnyItem[];
}

/** Builds a child thread. */
export type ChildThreadFactory = (spec: ChildSpec) => Promise<ChildThread>;

/**
 * The lineage of a child spawned (or reopened) by `parentThreadId` during `turnId`: the session
 * and root turn are the parent's own when it is a sub-agent itself, else the parent's thread and
 * this turn.
 */
function childLineage(
  parent: SubagentLineage | undefined,
  parentThreadId: string,
  turnId: string,
): SubagentLineage {
  return {
    sessionId: parent?.sessionId ?? parentThreadId,
    parentThreadId,
    parentTurnId: turnId,
    rootTurnId: parent?.rootTurnId ?? turnId,
    kind: "thread_spawn",
  };
}

/** An error whose message goes to the model verbatim. */
export class AgentControlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AgentControlError";
  }
}

/** `wait_agent` timeout bounds (ms), as upstream clamps them. */
export const WAIT_TIMEOUT = { default: 30_000, min: 10_000, max: 3_600_000 } as const;

/** Options of {@linkcode AgentControl}. */
export interface AgentControlOptions {
  factory: ChildThreadFactory;
  /** Agents that may be open at once in the whole tree (`agents.max_threads`). */
  maxThreads: number;
  /** How deep the tree may grow (`agents.max_depth`; the root is depth 0). */
  maxDepth: number;
  /** `wait_agent` timeout bounds (default: upstream's {@linkcode WAIT_TIMEOUT}). */
  waitTimeout?: { default: number; min: number; max: number };
  /** Picks a nickname index in `[0, n)` (tests pass a fixed one). */
  random?: () => number;
  /** Collaboration v2: agents that may exist at once, the root included (default 4). */
  collabSlots?: number;
  /**
   * Reads a sub-agent of an earlier process back (`null`: unknown id), so `resume_agent` can
   * reopen it after the root thread was resumed.
   */
  restore?(id: string): Promise<RestoredAgent | null>;
}

/** Upstream's number of collaboration v2 agents that may exist at once, the root included. */
export const DEFAULT_COLLAB_SLOTS = 4;

/** The task path of the root agent. */
export const ROOT_PATH = "/root";

/** What the calling thread says about itself. */
export interface Caller {
  threadId: string;
  turnId: string;
}

/** A parsed `spawn_agent`. */
export interface SpawnRequest {
  input: ContentPart[];
  /** Fork the caller's history into the new agent. */
  forkContext?: boolean;
  model?: string;
  reasoningEffort?: string;
}

/** A parsed `collaboration.spawn_agent`. */
export interface TaskSpawnRequest {
  /** The new agent's name below the caller (lowercase letters, digits, underscores). */
  taskName: string;
  message: string;
  /** `all` (the caller's history comes along, the default) or `none`. */
  forkTurns?: string;
  /** Developer messages that follow the copied history of a full fork. */
  forkSuffix?: AnyItem[];
  /** Used only without history (`forkTurns: "none"`); a full fork keeps the caller's model. */
  model?: string;
  reasoningEffort?: string;
}

/** One entry of `list_agents`. */
export interface TaskListEntry {
  agent_name: string;
  agent_status: AgentStatus;
}

/** The kinds of `agent_message` items. */
export type AgentMessageKind = "NEW_TASK" | "MESSAGE" | "FINAL_ANSWER";

/**
 * An `agent_message` item as upstream sends it: a header part, then the payload either in the
 * same text (final answers) or as an `encrypted_content` part (the model's own `message`
 * arguments, passed through untouched).
 */
export function agentMessageItem(
  kind: AgentMessageKind,
  author: string,
  recipient: string,
  payload: string,
  opaque: boolean,
): AnyItem {
  const header = `Message Type: ${kind}\nTask name: ${recipient}\nSender: ${author}\nPayload:\n`;
  const content = opaque
    ? [{ type: "input_text", text: header }, {
      type: "encrypted_content",
      encrypted_content: payload,
    }]
    : [{ type: "input_text", text: header + payload }];
  return { type: "agent_message", id: `amsg_${uuidv7()}`, author, recipient, content };
}

/** The text of an `agent_message` (header and payload), for threads that cannot take the item. */
export function agentMessageText(item: AnyItem): string {
  const content = (item as { content?: Record<string, unknown>[] }).content ?? [];
  return content.map((p) => String(p.text ?? p.encrypted_content ?? "")).join("");
}

/**
 * The caller's history for a full fork: everything so far, with the calls still waiting for
 * output (the `spawn_agent` call itself) answered `aborted`, as upstream hands it over.
 */
export function forkedHistory(history: AnyItem[]): AnyItem[] {
  const out = [...history];
  const answered = new Set(
    history.filter((i) => i.type.endsWith("_output")).map((i) =>
      (i as { call_id?: string }).call_id
    ),
  );
  for (const item of history) {
    const call = item as { type: string; call_id?: string };
    if (call.type !== "function_call" && call.type !== "custom_tool_call") continue;
    if (answered.has(call.call_id)) continue;
    const type = call.type === "function_call" ? "function_call_output" : "custom_tool_call_output";
    const prefix = call.type === "function_call" ? "fco" : "ctco";
    out.push({ type, id: `${prefix}_${uuidv7()}`, call_id: call.call_id, output: "aborted" });
  }
  return out;
}

interface Member {
  depth: number;
  /** The task path (`/root` for the root, set for v2 agents). */
  path?: string;
  lineage?: SubagentLineage;
  /** Messages delivered by the control and not yet in the thread's history (`waitMail`). */
  mail: AnyItem[];
  /** Receives items for the thread's next sampling boundary. */
  deliver(item: AnyItem): void;
  /** The thread's history (for forks). */
  history(): AnyItem[];
}

interface Agent {
  id: string;
  nickname: string;
  parentId: string;
  depth: number;
  lineage: SubagentLineage;
  thread: ChildThread;
  status: AgentStatus;
  /** Turns started and not yet finished. */
  pending: number;
  /** Set while `close` runs. */
  closing: boolean;
  /** Notify the parent at the next final status. */
  armed: boolean;
  /** Collaboration v2: the task path (`/root/<name>`); v2 agents report with agent messages. */
  path?: string;
  /** v2: `NEW_TASK` items delivered into a running turn that it may not have taken yet. */
  tasks: AnyItem[];
  unsubscribe(): void;
}

/** Our own list of nicknames (scientists), handed out without repeats until exhausted. */
const NICKNAMES = [
  "Noether",
  "Curie",
  "Turing",
  "Lovelace",
  "Hopper",
  "Euler",
  "Gauss",
  "Riemann",
  "Hilbert",
  "Kepler",
  "Galileo",
  "Faraday",
  "Maxwell",
  "Bohr",
  "Planck",
  "Dirac",
  "Feynman",
  "Meitner",
  "Franklin",
  "Darwin",
  "Mendel",
  "Pasteur",
  "Hypatia",
  "Archimedes",
  "Pascal",
  "Fermat",
  "Leibniz",
  "Newton",
  "Ramanujan",
  "Shannon",
  "Knuth",
  "Dijkstra",
  "Hamilton",
  "Boole",
  "Babbage",
  "Lamarr",
  "Tesla",
  "Volta",
  "Ampere",
  "Kelvin",
];

/** Upstream-like validation of an agent id (a UUID). */
export function checkAgentId(id: string): void {
  const hex = id.replace(/-/g, "");
  for (let i = 0; i < hex.length; i++) {
    if (!/[0-9a-fA-F]/.test(hex[i])) {
      throw new AgentControlError(
        `invalid agent id ${id}: Error(ParseChar { character: '${hex[i]}', index: ${i + 1} })`,
      );
    }
  }
  if (hex.length !== 32 || !/^[0-9a-fA-F-]+$/.test(id)) {
    throw new AgentControlError(
      `invalid agent id ${id}: Error(SimpleLength { len: ${id.length} })`,
    );
  }
}

const TASK_NAME = /^[a-z0-9_]+$/;

function notFound(id: string): AgentControlError {
  return new AgentControlError(`agent with id ${id} not found`);
}

/** The `<subagent_notification>` user message about `id`. */
export function notificationItem(id: string, status: AgentStatus): AnyItem {
  const text = `<subagent_notification>\n${
    JSON.stringify({ agent_path: id, status })
  }\n</subagent_notification>`;
  return {
    type: "message",
    id: `msg_${uuidv7()}`,
    role: "user",
    content: [{ type: "input_text", text }],
  };
}

/** The items of `history` up to the last one the model has seen answered (for forks). */
export function forkableHistory(history: AnyItem[]): AnyItem[] {
  let end = history.length;
  while (end > 0) {
    const item = history[end - 1] as { type: string; role?: string };
    if (item.type.endsWith("_output")) break;
    if (item.type === "message" && item.role !== "assistant") break;
    end--;
  }
  return history.slice(0, end);
}

/** Spawns, messages, waits for and closes the sub-agents of one thread tree. */
export class AgentControl {
  #opts: AgentControlOptions;
  #members = new Map<string, Member>();
  #live = new Map<string, Agent>();
  #closed = new Map<string, Agent>();
  #changed = new Set<() => void>();
  #mailWaiters = new Map<string, Set<() => void>>();
  #names: string[] = [];

  constructor(opts: AgentControlOptions) {
    this.#opts = opts;
  }

  /** Limits in force. */
  get limits(): { maxThreads: number; maxDepth: number } {
    return { maxThreads: this.#opts.maxThreads, maxDepth: this.#opts.maxDepth };
  }

  /** Collaboration v2 agents that may exist at once, the root included. */
  get collabSlots(): number {
    return this.#opts.collabSlots ?? DEFAULT_COLLAB_SLOTS;
  }

  /** Registers a thread of the tree (the root at depth 0; children are registered by spawn). */
  attach(
    threadId: string,
    member: { depth: number; deliver(item: AnyItem): void; history(): AnyItem[] },
  ): void {
    const old = this.#members.get(threadId);
    this.#members.set(threadId, {
      ...member,
      lineage: old?.lineage,
      path: old?.path ?? (member.depth === 0 ? ROOT_PATH : undefined),
      mail: old?.mail ?? [],
    });
  }

  /** The task path of a thread of the tree (`/root` for the root; v1 agents have none). */
  pathOf(threadId: string): string | undefined {
    return this.#members.get(threadId)?.path;
  }

  /** True when a thread at `depth` may spawn. */
  canSpawnAt(depth: number): boolean {
    return depth < this.#opts.maxDepth;
  }

  /** Ids of open agents (not closed), in spawn order. */
  liveAgents(): string[] {
    return [...this.#live.keys()];
  }

  /** The status of `id` (`not_found` for unknown or closed agents). */
  status(id: string): AgentStatus {
    return this.#live.get(id)?.status ?? "not_found";
  }

  /** The nickname of an open agent. */
  nickname(id: string): string | undefined {
    return this.#live.get(id)?.nickname ?? this.#closed.get(id)?.nickname;
  }

  #member(threadId: string): Member {
    const m = this.#members.get(threadId);
    if (!m) throw new AgentControlError(`thread ${threadId} is not part of this agent tree`);
    return m;
  }

  #pickName(): string {
    if (this.#names.length === 0) this.#names = [...NICKNAMES];
    const r = this.#opts.random ?? Math.random;
    const i = Math.min(this.#names.length - 1, Math.floor(r() * this.#names.length));
    return this.#names.splice(i, 1)[0];
  }

  #emitChange(): void {
    for (const l of [...this.#changed]) l();
  }

  #setStatus(agent: Agent, status: AgentStatus): void {
    agent.status = status;
    if (isFinal(status) && agent.armed) {
      agent.armed = false;
      this.#members.get(agent.parentId)?.deliver(notificationItem(agent.id, status));
    }
    this.#emitChange();
  }

  #checkCapacity(depth: number): void {
    if (depth > this.#opts.maxDepth) {
      throw new AgentControlError("collab spawn failed: agent depth limit reached");
    }
    if (this.#live.size >= this.#opts.maxThreads) {
      throw new AgentControlError("collab spawn failed: agent thread limit reached");
    }
  }

  async #adopt(
    spec: ChildSpec,
    parentId: string,
    nickname: string,
  ): Promise<Agent> {
    const thread = await this.#opts.factory(spec);
    const agent: Agent = {
      id: spec.agentId,
      nickname,
      parentId,
      depth: spec.depth,
      lineage: spec.lineage,
      thread,
      status: "pending_init",
      pending: 0,
      closing: false,
      armed: spec.agentPath === undefined,
      path: spec.agentPath,
      tasks: [],
      unsubscribe: () => {},
    };
    agent.unsubscribe = thread.subscribe((event) => {
      if (event.type === "turn_started" && !agent.closing && agent.status !== "running") {
        this.#setStatus(agent, "running");
      }
    });
    this.#live.set(agent.id, agent);
    const member = this.#members.get(agent.id);
    this.#members.set(agent.id, {
      depth: spec.depth,
      path: spec.agentPath,
      lineage: spec.lineage,
      mail: member?.mail ?? [],
      deliver: member?.deliver ?? (() => {}),
      history: member?.history ?? (() => thread.history),
    });
    return agent;
  }

  #startTurn(agent: Agent, input: ContentPart[]): void {
    agent.pending++;
    this.#whenTurnEnds(agent, agent.thread.run(input));
  }

  /** Reports the end of `turn` (a failure as a failed turn) to {@linkcode #turnEnded}. */
  #whenTurnEnds(agent: Agent, turn: Promise<ChildTurnResult>): void {
    turn.then(
      (result) => this.#turnEnded(agent, result),
      (err) =>
        this.#turnEnded(agent, {
          status: "failed",
          lastMessage: null,
          error: err instanceof Error ? err.message : String(err),
        }),
    );
  }

  #turnEnded(agent: Agent, result: ChildTurnResult): void {
    agent.pending--;
    if (agent.closing || agent.pending > 0) return;
    if (agent.path !== undefined) {
      this.#taskTurnEnded(agent, result);
      return;
    }
    if (result.status === "completed") {
      this.#setStatus(agent, { completed: result.lastMessage });
    } else if (result.status === "failed") {
      this.#setStatus(agent, { errored: result.error ?? "turn failed" });
    } else {
      this.#setStatus(agent, { errored: result.error ?? "turn interrupted" });
    }
  }

  /**
   * Starts a sub-agent of `caller` working on `req.input`. Returns its id and nickname.
   * Throws {@linkcode AgentControlError} when the depth or thread limit is reached.
   */
  async spawn(caller: Caller, req: SpawnRequest): Promise<{ agent_id: string; nickname: string }> {
    const parent = this.#member(caller.threadId);
    const depth = parent.depth + 1;
    this.#checkCapacity(depth);
    const agentId = uuidv7();
    const lineage = childLineage(parent.lineage, caller.threadId, caller.turnId);
    const nickname = this.#pickName();
    const agent = await this.#adopt(
      {
        agentId,
        depth,
        canSpawn: this.canSpawnAt(depth),
        lineage,
        history: req.forkContext ? forkableHistory(parent.history()) : undefined,
        historyInitialization: req.forkContext ? "warm_fork" : "new",
        model: req.model,
        reasoningEffort: req.reasoningEffort,
        nickname,
      },
      caller.threadId,
      nickname,
    );
    this.#emitChange();
    if (req.input.length) this.#startTurn(agent, req.input);
    return { agent_id: agentId, nickname };
  }

  /** Sends input to an open agent (queued behind its turn, or interrupting it). */
  sendInput(
    caller: Caller,
    target: string,
    input: ContentPart[],
    interrupt = false,
  ): { submission_id: string } {
    checkAgentId(target);
    const agent = this.#live.get(target);
    if (!agent) throw notFound(target);
    agent.lineage.parentTurnId = caller.turnId;
    if (interrupt) agent.thread.interrupt();
    if (agent.status !== "running") this.#setStatus(agent, "running");
    this.#startTurn(agent, input);
    return { submission_id: uuidv7() };
  }

  /**
   * Waits until one of `targets` has a final status, or `timeoutMs` (clamped to upstream's
   * bounds) passes. Returns the final statuses found (`{}` when timed out).
   */
  async wait(
    targets: string[],
    timeoutMs: number | undefined,
    signal?: AbortSignal,
  ): Promise<{ status: Record<string, AgentStatus>; timed_out: boolean }> {
    if (targets.length === 0) throw new AgentControlError("agent ids must be non-empty");
    for (const t of targets) checkAgentId(t);
    const bounds = this.#opts.waitTimeout ?? WAIT_TIMEOUT;
    const ms = Math.min(bounds.max, Math.max(bounds.min, Math.floor(timeoutMs ?? bounds.default)));
    const collect = () => {
      const found: Record<string, AgentStatus> = {};
      for (const t of targets) {
        const s = this.status(t);
        if (isFinal(s)) found[t] = s;
      }
      return Object.keys(found).length ? found : null;
    };
    const now = collect();
    if (now) return { status: now, timed_out: false };
    return await new Promise((resolve) => {
      const done = (value: { status: Record<string, AgentStatus>; timed_out: boolean }) => {
        clearTimeout(timer);
        this.#changed.delete(check);
        signal?.removeEventListener("abort", onAbort);
        resolve(value);
      };
      const check = () => {
        const found = collect();
        if (found) done({ status: found, timed_out: false });
      };
      const onAbort = () => done({ status: {}, timed_out: true });
      const timer = setTimeout(() => done({ status: {}, timed_out: true }), ms);
      this.#changed.add(check);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Closes an open agent and its open descendants (their threads shut down, which kills their
   * processes). Returns the status it had before.
   */
  async close(target: string): Promise<{ previous_status: AgentStatus }> {
    checkAgentId(target);
    const agent = this.#live.get(target);
    if (!agent) throw notFound(target);
    const previous = agent.status;
    await this.#shutdownAgent(agent);
    return { previous_status: previous };
  }

  async #shutdownAgent(agent: Agent): Promise<void> {
    if (agent.closing) return;
    agent.closing = true;
    const children = [...this.#live.values()].filter((a) => a.parentId === agent.id);
    await Promise.all(children.map((c) => this.#shutdownAgent(c)));
    await agent.thread.shutdown();
    agent.unsubscribe();
    this.#live.delete(agent.id);
    this.#closed.set(agent.id, agent);
    this.#setStatus(agent, "shutdown");
  }

  /** Reopens a closed agent with its history (`pending_init`), or reports an open one. */
  async resume(caller: Caller, id: string): Promise<{ status: AgentStatus }> {
    checkAgentId(id);
    const open = this.#live.get(id);
    if (open) return { status: open.status };
    const old = this.#closed.get(id);
    if (!old) return await this.#restore(caller, id);
    this.#checkCapacity(old.depth);
    this.#closed.delete(id);
    old.lineage.parentTurnId = caller.turnId;
    const agent = await this.#adopt(
      {
        agentId: id,
        depth: old.depth,
        canSpawn: this.canSpawnAt(old.depth),
        lineage: old.lineage,
        history: [...old.thread.history],
        historyInitialization: "resumed",
        nickname: old.nickname,
      },
      old.parentId,
      old.nickname,
    );
    this.#emitChange();
    return { status: agent.status };
  }

  /** Reopens a sub-agent stored by an earlier process (its parent must be in this tree). */
  async #restore(caller: Caller, id: string): Promise<{ status: AgentStatus }> {
    const stored = await this.#opts.restore?.(id).catch(() => null);
    const parent = stored ? this.#members.get(stored.parentThreadId) : undefined;
    if (!stored || !parent) throw notFound(id);
    this.#checkCapacity(stored.depth);
    const lineage = childLineage(parent.lineage, stored.parentThreadId, caller.turnId);
    const nickname = stored.nickname ?? this.#pickName();
    const agent = await this.#adopt(
      {
        agentId: id,
        depth: stored.depth,
        canSpawn: this.canSpawnAt(stored.depth),
        lineage,
        history: stored.history,
        historyInitialization: "resumed",
        nickname,
      },
      stored.parentThreadId,
      nickname,
    );
    this.#emitChange();
    return { status: agent.status };
  }

  /** Closes every open agent (the root thread is shutting down). */
  async shutdownAll(): Promise<void> {
    await Promise.all([...this.#live.values()].map((a) => this.#shutdownAgent(a)));
  }

  // ---- Collaboration v2 -------------------------------------------------------------------

  /** The caller's task path; threads without one (v1 agents) cannot use the v2 tools. */
  #callerPath(caller: Caller): string {
    const path = this.#member(caller.threadId).path;
    if (path === undefined) {
      throw new AgentControlError("collaboration tools are only available to task agents");
    }
    return path;
  }

  /** `target` (an agent id, an absolute path or a path relative to `from`) as a task path. */
  #resolve(from: string, target: string): string {
    const byId = this.#live.get(target);
    if (byId?.path) return byId.path;
    const path = target.startsWith("/") ? target : `${from}/${target}`;
    if (path.endsWith("/")) {
      throw new AgentControlError("absolute agent path must not end with `/`");
    }
    return path;
  }

  #taskAgent(path: string): Agent | undefined {
    for (const a of this.#live.values()) if (a.path === path && !a.closing) return a;
    return undefined;
  }

  #rootId(): string | undefined {
    for (const [id, m] of this.#members) if (m.path === ROOT_PATH) return id;
    return undefined;
  }

  /** Delivers `item` to a thread's next sampling boundary and wakes its `waitMail`. */
  #post(threadId: string, item: AnyItem): void {
    const member = this.#members.get(threadId);
    if (!member) return;
    member.mail.push(item);
    member.deliver(item);
    for (const wake of [...(this.#mailWaiters.get(threadId) ?? [])]) wake();
  }

  #startTask(agent: Agent, items: AnyItem[]): void {
    agent.pending++;
    const thread = agent.thread;
    const run = thread.runItems
      ? thread.runItems(items)
      : thread.run(items.map((i) => ({ type: "input_text", text: agentMessageText(i) })));
    this.#whenTurnEnds(agent, run);
  }

  #taskTurnEnded(agent: Agent, result: ChildTurnResult): void {
    // A follow-up delivered while the turn was finishing starts a turn of its own.
    const history = agent.thread.history;
    const missed = agent.tasks.filter((t) => !history.includes(t));
    agent.tasks = [];
    if (missed.length && agent.thread.runItems) {
      this.#startTask(agent, []);
      return;
    }
    if (result.status === "aborted") {
      this.#setStatus(agent, { errored: result.error ?? "turn interrupted" });
      return;
    }
    const status: AgentStatus = result.status === "completed"
      ? { completed: result.lastMessage }
      : { errored: result.error ?? "turn failed" };
    this.#setStatus(agent, status);
    const parentPath = this.#members.get(agent.parentId)?.path ?? ROOT_PATH;
    const payload = result.status === "completed"
      ? result.lastMessage ?? ""
      : result.error ?? "turn failed";
    this.#post(
      agent.parentId,
      agentMessageItem("FINAL_ANSWER", agent.path!, parentPath, payload, false),
    );
  }

  /**
   * `spawn_agent`: starts `/<caller path>/<task name>` on `req.message` (an `agent_message`
   * `NEW_TASK`), forked with the caller's history unless `forkTurns` is `none`.
   */
  async spawnTask(caller: Caller, req: TaskSpawnRequest): Promise<{ task_name: string }> {
    const from = this.#callerPath(caller);
    if (req.taskName === "") throw new AgentControlError("agent_name must not be empty");
    if (!TASK_NAME.test(req.taskName)) {
      throw new AgentControlError(
        "agent_name must use only lowercase letters, digits, and underscores",
      );
    }
    const forkTurns = req.forkTurns ?? "all";
    if (forkTurns !== "all" && forkTurns !== "none") {
      throw new AgentControlError("fork_turns must be `none` or `all`");
    }
    if (req.message.trim() === "") {
      throw new AgentControlError("Empty message can't be sent to an agent");
    }
    const path = `${from}/${req.taskName}`;
    if (this.#taskAgent(path)) throw new AgentControlError(`agent path \`${path}\` already exists`);
    const taskAgents = [...this.#live.values()].filter((a) => a.path !== undefined).length;
    if (taskAgents + 1 >= this.collabSlots) {
      throw new AgentControlError("collab spawn failed: agent thread limit reached");
    }
    const parent = this.#member(caller.threadId);
    const agentId = uuidv7();
    const lineage = childLineage(parent.lineage, caller.threadId, caller.turnId);
    const fork = forkTurns === "all";
    const depth = parent.depth + 1;
    const agent = await this.#adopt(
      {
        agentId,
        depth,
        canSpawn: true,
        lineage,
        history: fork ? [...forkedHistory(parent.history()), ...(req.forkSuffix ?? [])] : undefined,
        historyInitialization: fork ? "warm_fork" : "new",
        model: fork ? undefined : req.model,
        reasoningEffort: fork ? undefined : req.reasoningEffort,
        agentPath: path,
        nickname: this.#pickName(),
      },
      caller.threadId,
      req.taskName,
    );
    this.#emitChange();
    this.#startTask(agent, [agentMessageItem("NEW_TASK", from, path, req.message, true)]);
    return { task_name: path };
  }

  /** `send_message`: queues `message` for `target` (root included) without starting a turn. */
  sendMessage(caller: Caller, target: string, message: string): void {
    const from = this.#callerPath(caller);
    const path = this.#resolve(from, target);
    if (message.trim() === "") {
      throw new AgentControlError("Empty message can't be sent to an agent");
    }
    const item = agentMessageItem("MESSAGE", from, path, message, true);
    if (path === ROOT_PATH) {
      const root = this.#rootId();
      if (root) this.#post(root, item);
      return;
    }
    const agent = this.#taskAgent(path);
    if (!agent) throw new AgentControlError(`live agent path \`${path}\` not found`);
    this.#post(agent.id, item);
  }

  /**
   * `followup_task`: gives `target` a new task (`NEW_TASK`): taken at the next sampling
   * boundary of a running turn, or starting a turn when the agent is idle.
   */
  followupTask(caller: Caller, target: string, message: string): void {
    const from = this.#callerPath(caller);
    const path = this.#resolve(from, target);
    if (path === ROOT_PATH) {
      throw new AgentControlError("Follow-up tasks can't target the root agent");
    }
    const agent = this.#taskAgent(path);
    if (!agent) throw new AgentControlError(`live agent path \`${path}\` not found`);
    if (message.trim() === "") {
      throw new AgentControlError("Empty message can't be sent to an agent");
    }
    agent.lineage.parentTurnId = caller.turnId;
    const item = agentMessageItem("NEW_TASK", from, path, message, true);
    if (agent.pending > 0) {
      agent.tasks.push(item);
      this.#post(agent.id, item);
      return;
    }
    this.#setStatus(agent, "running");
    this.#startTask(agent, [item]);
  }

  /** `interrupt_agent`: stops `target`'s running turn; returns the status it had. */
  interruptTask(caller: Caller, target: string): { previous_status: AgentStatus } {
    const from = this.#callerPath(caller);
    const path = this.#resolve(from, target);
    if (path === ROOT_PATH) throw new AgentControlError("root is not a spawned agent");
    const agent = this.#taskAgent(path);
    if (!agent) throw new AgentControlError(`live agent path \`${path}\` not found`);
    const previous = agent.status;
    agent.thread.interrupt();
    return { previous_status: previous };
  }

  /**
   * `list_agents`: the root and the task agents (sorted by path) whose path is `prefix` or lies
   * below it (`prefix` may be relative to the caller).
   */
  listTasks(caller: Caller, prefix?: string): { agents: TaskListEntry[] } {
    const from = this.#callerPath(caller);
    const base = prefix === undefined ? undefined : this.#resolve(from, prefix);
    const under = (p: string) => base === undefined || p === base || p.startsWith(`${base}/`);
    const agents: TaskListEntry[] = [];
    if (under(ROOT_PATH)) agents.push({ agent_name: ROOT_PATH, agent_status: "running" });
    const tasks = [...this.#live.values()].filter((a) => a.path !== undefined && under(a.path))
      .sort((a, b) => (a.path! < b.path! ? -1 : a.path! > b.path! ? 1 : 0));
    for (const a of tasks) agents.push({ agent_name: a.path!, agent_status: a.status });
    return { agents };
  }

  /**
   * `wait_agent`: waits until a message for the caller arrives (or one delivered earlier has not
   * reached its history yet), or `timeoutMs` passes (default 30 s; below 10 s it is raised to
   * 10 s with a note; above 1 h it is refused), or `signal` aborts.
   */
  async waitMail(
    caller: Caller,
    timeoutMs: number | undefined,
    signal?: AbortSignal,
  ): Promise<{ message: string; timed_out: boolean }> {
    this.#callerPath(caller);
    const bounds = this.#opts.waitTimeout ?? WAIT_TIMEOUT;
    if (timeoutMs !== undefined && timeoutMs > bounds.max) {
      throw new AgentControlError(`timeout_ms must be at most ${bounds.max}`);
    }
    let ms = timeoutMs ?? bounds.default;
    let note = "";
    if (ms < bounds.min) {
      note = `\n\nRequested timeout of ${ms}ms was clamped to the minimum of ${bounds.min}ms.`;
      ms = bounds.min;
    }
    const member = this.#member(caller.threadId);
    const history = member.history();
    const unread = () => member.mail.some((i) => !history.includes(i));
    const result = (timedOut: boolean) => {
      member.mail = [];
      return {
        message: `${timedOut ? "Wait timed out." : "Wait completed."}${note}`,
        timed_out: timedOut,
      };
    };
    if (unread()) return result(false);
    const timedOut = await new Promise<boolean>((resolve) => {
      let waiters = this.#mailWaiters.get(caller.threadId);
      if (!waiters) this.#mailWaiters.set(caller.threadId, waiters = new Set());
      const done = (value: boolean) => {
        clearTimeout(timer);
        waiters!.delete(wake);
        signal?.removeEventListener("abort", onAbort);
        resolve(value);
      };
      const wake = () => done(false);
      const onAbort = () => done(true);
      const timer = setTimeout(() => done(true), ms);
      waiters.add(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    return result(timedOut);
  }
}
