/**
 * One started command, on a pseudo-terminal or on pipes, behind a single interface. Either
 * way the command leads a new session and process group (so a signal to the group reaches
 * everything it started). On pipes stdout and stderr are separate streams that readers merge
 * in arrival order, as upstream does.
 *
 * @module
 */

import { spawnPty } from "../../lib/pty/pty.ts";
import { killProcessGroup } from "../../lib/pty/group.ts";
import { spawnSessionLeader } from "../../lib/pty/session_leader.ts";

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
  /**
   * The output streams (byte streams): the terminal, or stdout and stderr. Readers merge them
   * in arrival order.
   */
  readonly outputs: ReadableStream<Uint8Array>[];
  /** Resolves when the command exits (`code` 128 + n for signal n). */
  readonly status: Promise<Deno.CommandStatus>;
  /** Types into the terminal. Only for `tty` processes. */
  write(data: string | Uint8Array): Promise<void>;
  /** Resizes the terminal (no-op on pipes). */
  resize(cols: number, rows: number): void;
  /** Signals the whole process group; false when it is gone. */
  kill(signal?: Deno.Signal): boolean;
  /** Releases the process's I/O (call after `outputs` are cancelled or ended). */
  close(): Promise<void>;
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
      outputs: [pty.output],
      status: pty.status,
      write: (d) => pty.write(d),
      resize: (c, r) => pty.resize(c, r),
      kill: (s) => pty.kill(s),
      close: () => pty.close(),
    };
  }
  const child = spawnSessionLeader(argv, {
    cwd: opts.cwd,
    env: opts.env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  return {
    pid: child.pid,
    tty: false,
    outputs: [child.stdout, child.stderr],
    status: child.status,
    write: () => Promise.reject(new Error("stdin is closed")),
    resize: () => {},
    kill: (s = "SIGKILL") => killProcessGroup(child.pid, s),
    close: () => Promise.resolve(),
  };
}
