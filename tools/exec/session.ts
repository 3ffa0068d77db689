/**
 * One unified-exec session: a started process, a background pump copying its output into a
 * bounded buffer of unread output (and a bounded transcript), and waits that end at exit or
 * at a deadline.
 *
 * @module
 */

import { HeadTailBuffer, type OutputSnapshot } from "./head_tail_buffer.ts";
import type { ExecProcess } from "./process.ts";

const READ_CHUNK = 65536;

/** How long trailing output may keep coming after the process exited before we report. */
export const POST_EXIT_GRACE_MS = 100;

/** What a session knows about itself, for events and errors. */
export interface SessionInfo {
  /** The session id the model uses. */
  id: number;
  /** The `exec_command` call that started it. */
  callId: string;
  /** Display form of the command. */
  command: string;
  /** Working directory. */
  cwd: string;
}

/** See the module documentation. */
export class ExecSession {
  /** Identity and display data. */
  readonly info: SessionInfo;
  /** The process. */
  readonly process: ExecProcess;
  /** When it started (`performance.now()` clock of the manager). */
  readonly startedAt: number;
  /** Last time a call used it (for least-recently-used pruning). */
  lastUsed: number;
  /** Exit status once the process has exited. */
  exitStatus: Deno.CommandStatus | null = null;
  /** True when the output stream has ended. */
  outputEnded = false;
  /**
   * Receives each output chunk while a call is waiting on this session. The chunk's memory is
   * reused after the call returns: copy what must be kept.
   */
  listener: ((chunk: Uint8Array) => void) | null = null;
  #unread: HeadTailBuffer;
  #transcript: HeadTailBuffer;
  #readers: ReadableStreamBYOBReader[];
  #pump: Promise<void>;
  #exitedAt = 0;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  #wakers = new Set<() => void>();
  #closed: Promise<void> | null = null;
  #now: () => number;

  constructor(
    info: SessionInfo,
    process: ExecProcess,
    opts: { capacity: number; now: () => number },
  ) {
    this.info = info;
    this.process = process;
    this.#now = opts.now;
    this.startedAt = opts.now();
    this.lastUsed = this.startedAt;
    this.#unread = new HeadTailBuffer(opts.capacity);
    this.#transcript = new HeadTailBuffer(opts.capacity);
    this.#readers = process.outputs.map((s) => s.getReader({ mode: "byob" }));
    this.#pump = Promise.all(this.#readers.map((r) => this.#runPump(r))).then(() => {
      this.outputEnded = true;
      this.#wake();
    });
    process.status.then((s) => {
      this.exitStatus = s;
      this.#exitedAt = this.#now();
      this.#wake();
      // Trailing output gets a short grace; then waiting calls report the exit.
      if (!this.outputEnded && !this.#closed) {
        this.#graceTimer = setTimeout(() => this.#wake(), POST_EXIT_GRACE_MS);
      }
    });
  }

  async #runPump(reader: ReadableStreamBYOBReader): Promise<void> {
    // One read buffer per stream, lent to the stream and given back by each read.
    let buf = new Uint8Array(READ_CHUNK);
    try {
      for (;;) {
        const { value, done } = await reader.read(buf);
        if (done || !value) break;
        this.#unread.push(value);
        this.#transcript.push(value);
        this.listener?.(value);
        buf = new Uint8Array(value.buffer);
      }
    } catch {
      // Cancelled or the stream failed: either way no more output.
    }
  }

  #wake(): void {
    for (const w of this.#wakers) w();
    this.#wakers.clear();
  }

  /** True once the process exited and its output ended (or the grace after exit passed). */
  get finished(): boolean {
    if (!this.exitStatus) return false;
    return this.outputEnded || this.#now() - this.#exitedAt >= POST_EXIT_GRACE_MS;
  }

  /** Exit code once exited (128 + n when killed by signal n). */
  get exitCode(): number | null {
    return this.exitStatus?.code ?? null;
  }

  /**
   * Waits until the session is {@linkcode finished}, `ms` milliseconds pass, or `signal`
   * aborts, whichever comes first.
   */
  async waitFinished(ms: number, signal?: AbortSignal): Promise<void> {
    const deadline = this.#now() + ms;
    while (!this.finished && !signal?.aborted) {
      const left = deadline - this.#now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          this.#wakers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        signal?.addEventListener("abort", done, { once: true });
        this.#wakers.add(done);
      });
    }
  }

  /** Takes the unread output. */
  drain(): OutputSnapshot {
    return this.#unread.drain();
  }

  /** Everything printed so far (head and tail kept when it is large). */
  transcript(): OutputSnapshot {
    return this.#transcript.snapshot();
  }

  /**
   * Kills the process group (SIGKILL), waits for the exit, and releases all resources.
   * Idempotent.
   */
  terminate(): Promise<void> {
    if (!this.exitStatus) this.process.kill("SIGKILL");
    return this.close();
  }

  /** Releases resources after exit: stops the pump and closes the process I/O. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.process.status;
      await Promise.all(this.#readers.map((r) => r.cancel().catch(() => {})));
      await this.#pump;
      await this.process.close();
      clearTimeout(this.#graceTimer);
      this.#wake();
    })();
    return this.#closed;
  }
}
