/**
 * The unified-exec session manager behind `exec_command` and `write_stdin`.
 *
 * - Every command starts sandboxed per its policy (bubblewrap unless `danger-full-access`),
 *   leads its own process group, and gets an integer session id (1000, 1001, ...).
 * - A call waits until the process exits or its yield time passes; a process still running
 *   then stays open as a session the model can poll or type into.
 * - At most 1 MiB of unread output is kept per session (its head and its tail).
 * - At most `maxSessions` sessions stay open; starting one more kills the least recently used
 *   (finished ones first), whole process group.
 * - An aborted call signal (interrupted turn) and {@linkcode UnifiedExecManager.shutdown} kill
 *   every session's process group.
 *
 * @example
 * ```ts
 * import { UnifiedExecManager } from "./manager.ts";
 * import { makePolicy } from "../../lib/sandbox/policy.ts";
 *
 * const manager = new UnifiedExecManager();
 * const r = await manager.exec({
 *   argv: ["/bin/bash", "-c", "echo hi"],
 *   cwd: "/tmp",
 *   env: { PATH: "/usr/bin:/bin" },
 *   sandbox: makePolicy("danger-full-access", "/tmp"),
 * });
 * console.log(r.text); // Chunk ID: ...\nWall time: ...\nProcess exited with code 0\n...
 * await manager.shutdown();
 * ```
 *
 * @module
 */

import { randomHex } from "../../lib/protocol/ids.ts";
import type { SandboxPolicy } from "../../lib/sandbox/policy.ts";
import { createSandboxWrapper, type SandboxWrapper } from "../../lib/sandbox/detect.ts";
import type { OutputSnapshot } from "./head_tail_buffer.ts";
import {
  DEFAULT_MAX_OUTPUT_TOKENS,
  type ExecReply,
  formatExecReply,
  snapshotText,
  truncateOutput,
} from "./format.ts";
import { spawnExecProcess } from "./process.ts";
import { ExecSession, type SessionInfo } from "./session.ts";

/** Upstream's default wait of `exec_command`. */
export const DEFAULT_EXEC_YIELD_MS = 10_000;
/** Upstream's default wait of `write_stdin`. */
export const DEFAULT_WRITE_YIELD_MS = 250;
/** Shortest wait of a call. */
export const MIN_YIELD_MS = 250;
/** Longest wait of a call that runs or types something. */
export const MAX_YIELD_MS = 30_000;
/** Longest wait of an empty `write_stdin` (a poll). */
export const MAX_POLL_YIELD_MS = 300_000;
/** Sessions kept open at most (upstream's limit). */
export const DEFAULT_MAX_SESSIONS = 64;
/** Unread output kept per session. */
export const DEFAULT_OUTPUT_CAP_BYTES = 1024 * 1024;

/** `ms` clamped into the allowed range, with `fallback` when unset or not a number. */
export function clampYield(ms: number | undefined, fallback: number, max = MAX_YIELD_MS): number {
  if (ms === undefined || !Number.isFinite(ms)) return fallback;
  return Math.min(max, Math.max(MIN_YIELD_MS, Math.floor(ms)));
}

/** Options of {@linkcode UnifiedExecManager}. */
export interface UnifiedExecManagerOptions {
  /** Sessions kept open at most (default 64). */
  maxSessions?: number;
  /** Unread output kept per session, in bytes (default 1 MiB). */
  outputCapBytes?: number;
  /** How commands are sandboxed (default: bubblewrap, probed once). */
  sandbox?: SandboxWrapper;
  /** The bwrap executable for the default sandbox (a path or a name on `PATH`). */
  bwrapPath?: string;
  /** Monotonic clock in milliseconds (default `performance.now`). */
  now?: () => number;
  /** The first session id (default 1000). */
  firstSessionId?: number;
}

/** A command to start. */
export interface ExecRequest {
  /** The command (e.g. `[shell, "-lc", cmd]`), before sandboxing. */
  argv: string[];
  /** Absolute working directory. */
  cwd: string;
  /** Complete environment. */
  env: Record<string, string>;
  /** The sandbox to run it in. */
  sandbox: SandboxPolicy;
  /** Run on a pseudo-terminal (default false). */
  tty?: boolean;
  /** Milliseconds to wait for it to exit before yielding (used as given). */
  yieldTimeMs?: number;
  /** Output token budget (default 10,000). */
  maxOutputTokens?: number;
  /** Aborting it kills every session of this manager. */
  signal?: AbortSignal;
  /** The call id, for events. */
  callId?: string;
  /** Display form of the command (default: argv joined with spaces). */
  display?: string;
  /** Terminal size for `tty`. */
  cols?: number;
  /** Terminal rows for `tty`. */
  rows?: number;
  /** Called once the process started. */
  onStart?: (session: SessionInfo) => void;
  /** Receives output chunks while this call waits. */
  onOutput?: (chunk: Uint8Array) => void;
}

/** Input for a running session. */
export interface WriteRequest {
  /** The session id. */
  sessionId: number;
  /** Characters to type (empty: just poll). */
  chars?: string;
  /** Milliseconds to wait (used as given). */
  yieldTimeMs?: number;
  /** Output token budget (default 10,000). */
  maxOutputTokens?: number;
  /** Aborting it kills every session of this manager. */
  signal?: AbortSignal;
  /** Receives output chunks while this call waits. */
  onOutput?: (chunk: Uint8Array) => void;
}

/** The outcome of a call. */
export interface ExecResult extends ExecReply {
  /** The text for the model. */
  text: string;
  /** The session the call used. */
  session: SessionInfo;
  /** Everything the command printed so far (bounded). */
  aggregatedOutput: string;
  /** Milliseconds since the command started. */
  durationMs: number;
}

/** A command run to completion (the `shell` tools). */
export interface RunRequest {
  /** The command, before sandboxing. */
  argv: string[];
  /** Absolute working directory. */
  cwd: string;
  /** Complete environment. */
  env: Record<string, string>;
  /** The sandbox to run it in. */
  sandbox: SandboxPolicy;
  /** Kill the process group after this many milliseconds. */
  timeoutMs: number;
  /** Aborting it kills the command (and every session of this manager). */
  signal?: AbortSignal;
  /** Called once the process started. */
  onStart?: () => void;
  /** Receives output chunks. */
  onOutput?: (chunk: Uint8Array) => void;
}

/** The outcome of {@linkcode UnifiedExecManager.run}. */
export interface RunResult {
  /** Exit code (128 + n when killed by signal n). */
  exitCode: number;
  /** True when the timeout killed it. */
  timedOut: boolean;
  /** Merged output (head and tail kept when large). */
  output: OutputSnapshot;
  /** Milliseconds from start to exit. */
  durationMs: number;
}

/** A model-visible failure of `exec_command` / `write_stdin` (unknown session, closed stdin). */
export class ExecSessionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExecSessionError";
  }
}

const ENDED_MEMORY = 1024;

/** See the module documentation. */
export class UnifiedExecManager {
  #sessions = new Map<number, ExecSession>();
  #ended = new Map<number, string>();
  #nextId: number;
  #maxSessions: number;
  #capacity: number;
  #sandbox: SandboxWrapper;
  #now: () => number;
  #watched = new WeakSet<AbortSignal>();
  #closing = new Set<Promise<void>>();
  #shutDown = false;
  #oneShots = new Set<ExecSession>();

  constructor(opts: UnifiedExecManagerOptions = {}) {
    this.#maxSessions = Math.max(1, opts.maxSessions ?? DEFAULT_MAX_SESSIONS);
    this.#capacity = opts.outputCapBytes ?? DEFAULT_OUTPUT_CAP_BYTES;
    this.#sandbox = opts.sandbox ?? createSandboxWrapper({ bwrapPath: opts.bwrapPath });
    this.#now = opts.now ?? (() => performance.now());
    this.#nextId = opts.firstSessionId ?? 1000;
  }

  /** Ids of the open sessions, oldest first. */
  sessionIds(): number[] {
    return [...this.#sessions.keys()];
  }

  /** Identity and display data of an open session. */
  sessionInfo(id: number): SessionInfo | undefined {
    return this.#sessions.get(id)?.info;
  }

  /** The process group id (= pid) of an open session. */
  sessionPid(id: number): number | undefined {
    return this.#sessions.get(id)?.process.pid;
  }

  /**
   * Starts a command and waits up to `yieldTimeMs` for it.
   *
   * @throws {SandboxUnavailableError} when its sandbox cannot be set up.
   * @throws {Error} when it cannot be started.
   */
  async exec(req: ExecRequest): Promise<ExecResult> {
    if (this.#shutDown) throw new Error("the exec manager is shut down");
    if (req.signal?.aborted) throw new Error("the turn was interrupted before the command started");
    const argv = await this.#sandbox(req.argv, req.sandbox, { cwd: req.cwd });
    await this.#makeRoom();
    const callStart = this.#now();
    const proc = spawnExecProcess(argv, {
      cwd: req.cwd,
      env: req.env,
      tty: req.tty ?? false,
      cols: req.cols,
      rows: req.rows,
    });
    const info: SessionInfo = {
      id: this.#nextId++,
      callId: req.callId ?? "",
      command: req.display ?? req.argv.join(" "),
      cwd: req.cwd,
    };
    const session = new ExecSession(info, proc, { capacity: this.#capacity, now: this.#now });
    this.#sessions.set(info.id, session);
    this.#watch(req.signal);
    req.onStart?.(info);
    return await this.#collect(session, callStart, req.yieldTimeMs ?? DEFAULT_EXEC_YIELD_MS, req);
  }

  /**
   * Types into (or polls) a session and waits up to `yieldTimeMs`.
   *
   * @throws {ExecSessionError} for an unknown or finished session, or a session without stdin.
   */
  async write(req: WriteRequest): Promise<ExecResult> {
    const callStart = this.#now();
    const id = req.sessionId;
    const session = this.#sessions.get(id);
    if (!session) {
      const why = this.#ended.get(id);
      throw new ExecSessionError(
        why
          ? `write_stdin failed: session ${id} ${why}; start a new command with exec_command`
          : `write_stdin failed: Unknown process id ${id}`,
      );
    }
    session.lastUsed = callStart;
    const chars = req.chars ?? "";
    // Input for a process that already exited is dropped: the reply reports the exit.
    if (chars !== "" && !session.exitStatus) {
      if (session.process.tty) {
        try {
          await session.process.write(chars);
        } catch {
          throw new ExecSessionError("write_stdin failed: failed to write to stdin");
        }
      } else if (chars === "\x03") {
        session.process.kill("SIGINT"); // Ctrl-C: the one input a pipe session accepts
      } else {
        throw new ExecSessionError(
          "write_stdin failed: stdin is closed for this session; rerun exec_command with tty=true to keep stdin open",
        );
      }
    }
    this.#watch(req.signal);
    return await this.#collect(session, callStart, req.yieldTimeMs ?? DEFAULT_WRITE_YIELD_MS, req);
  }

  /**
   * Runs a command to completion (or until `timeoutMs`), outside the session table; killed
   * with the sessions on interrupt and shutdown.
   *
   * @throws {SandboxUnavailableError} when its sandbox cannot be set up.
   */
  async run(req: RunRequest): Promise<RunResult> {
    if (this.#shutDown) throw new Error("the exec manager is shut down");
    if (req.signal?.aborted) throw new Error("the turn was interrupted before the command started");
    const argv = await this.#sandbox(req.argv, req.sandbox, { cwd: req.cwd });
    const proc = spawnExecProcess(argv, { cwd: req.cwd, env: req.env, tty: false });
    const info: SessionInfo = { id: 0, callId: "", command: req.argv.join(" "), cwd: req.cwd };
    const session = new ExecSession(info, proc, { capacity: this.#capacity, now: this.#now });
    this.#oneShots.add(session);
    this.#watch(req.signal);
    req.onStart?.();
    session.listener = req.onOutput ?? null;
    try {
      await session.waitFinished(req.timeoutMs, req.signal);
      const timedOut = !session.finished;
      if (timedOut) await session.terminate();
      else await session.close();
      return {
        exitCode: session.exitCode ?? -1,
        timedOut: timedOut && !req.signal?.aborted,
        output: session.drain(),
        durationMs: this.#now() - session.startedAt,
      };
    } finally {
      session.listener = null;
      this.#oneShots.delete(session);
    }
  }

  /** Resizes a tty session's terminal; false when there is no such session. */
  resize(id: number, cols: number, rows: number): boolean {
    const s = this.#sessions.get(id);
    if (!s) return false;
    s.process.resize(cols, rows);
    return true;
  }

  /** Kills one session's process group; false when there is no such session. */
  async terminate(id: number, reason = "was terminated"): Promise<boolean> {
    const s = this.#sessions.get(id);
    if (!s) return false;
    this.#forget(id, reason);
    await this.#track(s.terminate());
    return true;
  }

  /** Kills every session's process group (what an interrupted turn does). */
  async interrupt(): Promise<void> {
    for (const s of this.#oneShots) void this.#track(s.terminate());
    await Promise.all(
      this.sessionIds().map((id) => this.terminate(id, "was killed when the turn was interrupted")),
    );
    while (this.#closing.size > 0) await Promise.allSettled([...this.#closing]);
  }

  /** Kills everything and refuses new commands. Idempotent. */
  async shutdown(): Promise<void> {
    this.#shutDown = true;
    await this.interrupt();
  }

  async #collect(
    session: ExecSession,
    callStart: number,
    yieldMs: number,
    req: { maxOutputTokens?: number; signal?: AbortSignal; onOutput?: (c: Uint8Array) => void },
  ): Promise<ExecResult> {
    session.listener = req.onOutput ?? null;
    try {
      await session.waitFinished(yieldMs, req.signal);
      if (req.signal?.aborted) await session.terminate();
    } finally {
      session.listener = null;
    }
    const finished = session.finished || (req.signal?.aborted ?? false);
    const id = session.info.id;
    if (finished && this.#sessions.get(id) === session) {
      this.#forget(id, "has already exited and its final output was returned");
      await this.#track(session.close());
    }
    const { text, originalTokenCount } = truncateOutput(
      session.drain(),
      req.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
    );
    const reply: ExecReply = {
      chunkId: randomHex(6),
      wallTimeMs: this.#now() - callStart,
      exitCode: finished ? session.exitCode : null,
      sessionId: finished ? null : id,
      originalTokenCount,
      output: text,
    };
    return {
      ...reply,
      text: formatExecReply(reply),
      session: session.info,
      aggregatedOutput: snapshotText(session.transcript()),
      durationMs: this.#now() - session.startedAt,
    };
  }

  /** Kills the least recently used session (finished ones first) when the limit is reached. */
  async #makeRoom(): Promise<void> {
    while (this.#sessions.size >= this.#maxSessions) {
      const all = [...this.#sessions.values()];
      const pool = all.some((s) => s.finished) ? all.filter((s) => s.finished) : all;
      const victim = pool.reduce((a, b) => (b.lastUsed < a.lastUsed ? b : a));
      await this.terminate(
        victim.info.id,
        `was killed because more than ${this.#maxSessions} sessions were open`,
      );
    }
  }

  #forget(id: number, reason: string): void {
    this.#sessions.delete(id);
    this.#ended.set(id, reason);
    if (this.#ended.size > ENDED_MEMORY) {
      this.#ended.delete(this.#ended.keys().next().value as number);
    }
  }

  #watch(signal: AbortSignal | undefined): void {
    if (!signal || this.#watched.has(signal)) return;
    this.#watched.add(signal);
    signal.addEventListener("abort", () => void this.interrupt(), { once: true });
  }

  #track(p: Promise<void>): Promise<void> {
    this.#closing.add(p);
    return p.finally(() => this.#closing.delete(p));
  }
}
