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
}

/** Builds a child thread. */
export type ChildThreadFactory = (spec: ChildSpec) => Promise<ChildThread>;

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
}

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

interface Member {
  depth: number;
  lineage?: SubagentLineage;
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
  #names: string[] = [];

  constructor(opts: AgentControlOptions) {
    this.#opts = opts;
  }

  /** Limits in force. */
  get limits(): { maxThreads: number; maxDepth: number } {
    return { maxThreads: this.#opts.maxThreads, maxDepth: this.#opts.maxDepth };
  }

  /** Registers a thread of the tree (the root at depth 0; children are registered by spawn). */
  attach(
    threadId: string,
    member: { depth: number; deliver(item: AnyItem): void; history(): AnyItem[] },
  ): void {
    this.#members.set(threadId, { ...member, lineage: this.#members.get(threadId)?.lineage });
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
      armed: true,
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
      lineage: spec.lineage,
      deliver: member?.deliver ?? (() => {}),
      history: member?.history ?? (() => thread.history),
    });
    return agent;
  }

  #startTurn(agent: Agent, input: ContentPart[]): void {
    agent.pending++;
    agent.thread.run(input).then(
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
    const lineage: SubagentLineage = {
      sessionId: parent.lineage?.sessionId ?? caller.threadId,
      parentThreadId: caller.threadId,
      parentTurnId: caller.turnId,
      rootTurnId: parent.lineage?.rootTurnId ?? caller.turnId,
      kind: "thread_spawn",
    };
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
    if (!old) throw notFound(id);
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
      },
      old.parentId,
      old.nickname,
    );
    this.#emitChange();
    return { status: agent.status };
  }

  /** Closes every open agent (the root thread is shutting down). */
  async shutdownAll(): Promise<void> {
    await Promise.all([...this.#live.values()].map((a) => this.#shutdownAgent(a)));
  }
}
