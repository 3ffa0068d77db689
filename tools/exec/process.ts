/**
 * One started command, on a pseudo-terminal or on pipes, behind a single interface. Either
 * way the command leads a new session and process group (so a signal to the group reaches
 * everything it started) and stdout and stderr arrive as one stream (on pipes: merged in
 * arrival order, as upstream merges them).
 *
 * @module
 */

import { spawnPty } from "../../lib/pty/pty.ts";
import { killProcessGroup } from "../../lib/pty/group.ts";

/** Options of {@linkcode spawnExecProcess}. */
export interface ExecSpawnOptions {
  /** Working directory. */
  cwd: string;
  /** The complete environment of the command. */
  env: Record<string, string>;
  /** Run on a pseudo-terminal (stdin stays writable); else pipes with stdin at `/dev/null`. */
  tty: boolean;
  /** Terminal size for `tty` (default 80 x 24). */
  cols?: number;
  /** Terminal rows for `tty`. */
  rows?: number;
}

/** A running command. */
export interface ExecProcess {
  /** Pid of the command; also its process group id. */
  readonly pid: number;
  /** True when it runs on a pseudo-terminal. */
  readonly tty: boolean;
  /** Merged stdout and stderr. */
  readonly output: ReadableStream<Uint8Array>;
  /** Resolves when the command exits (`code` 128 + n for signal n). */
  readonly status: Promise<Deno.CommandStatus>;
  /** Types into the terminal. Only for `tty` processes. */
  write(data: string | Uint8Array): Promise<void>;
  /** Resizes the terminal (no-op on pipes). */
  resize(cols: number, rows: number): void;
  /** Signals the whole process group; false when it is gone. */
  kill(signal?: Deno.Signal): boolean;
  /** Releases the process's I/O (call after `output` is cancelled or ended). */
  close(): Promise<void>;
}

/** One stream of the chunks of `streams`, in arrival order; ends when all have ended. */
export function mergeStreams(streams: ReadableStream<Uint8Array>[]): ReadableStream<Uint8Array> {
  const readers = streams.map((s) => s.getReader());
  let pending: Promise<void> | null = null;
  return new ReadableStream<Uint8Array>({
    start(ctl) {
      pending = Promise.all(readers.map(async (r) => {
        try {
          for (;;) {
            const { value, done } = await r.read();
            if (done) return;
            ctl.enqueue(value);
          }
        } catch {
          // Cancelled.
        }
      })).then(() => {
        try {
          ctl.close();
        } catch {
          // Already cancelled.
        }
      });
    },
    async cancel() {
      await Promise.all(readers.map((r) => r.cancel().catch(() => {})));
      await pending;
    },
  });
}

/**
 * Starts `argv`.
 *
 * @throws {Error} when it cannot be started (missing program, no pseudo-terminal...).
 */
export function spawnExecProcess(argv: string[], opts: ExecSpawnOptions): ExecProcess {
  if (argv.length === 0) throw new TypeError("empty command");
  if (opts.tty) {
    const pty = spawnPty(argv, {
      cwd: opts.cwd,
      env: opts.env,
      cols: opts.cols,
      rows: opts.rows,
    });
    return {
      pid: pty.pid,
      tty: true,
      output: pty.output,
      status: pty.status,
      write: (d) => pty.write(d),
      resize: (c, r) => pty.resize(c, r),
      kill: (s) => pty.kill(s),
      close: () => pty.close(),
    };
  }
  // `detached`: the child calls setsid(), leading a new session and process group.
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd: opts.cwd,
    env: opts.env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  return {
    pid: child.pid,
    tty: false,
    output: mergeStreams([child.stdout, child.stderr]),
    status: child.status,
    write: () => Promise.reject(new Error("stdin is closed")),
    resize: () => {},
    kill: (s = "SIGKILL") => killProcessGroup(child.pid, s),
    close: () => Promise.resolve(),
  };
}
