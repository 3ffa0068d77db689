/**
 * A real pseudo-terminal for child processes, through Deno FFI: the child runs as the leader
 * of a new session and process group with the terminal as its controlling tty, so `isatty` is
 * true on fds 0-2, job control and Ctrl-C work, and one signal to the group reaches everything
 * it started.
 *
 * All waits are `poll(2)` calls on the master and a private wake-up pipe, so {@linkcode
 * PtyProcess.close} always finishes promptly, even when a stray process keeps the terminal
 * open.
 *
 * @example Run a command on a terminal
 * ```ts
 * import { spawnPty } from "./pty.ts";
 *
 * const pty = spawnPty(["sh", "-c", "test -t 0 && echo tty"]);
 * const text = await new Response(pty.output).text(); // "tty\r\n"
 * await pty.status;
 * await pty.close();
 * ```
 *
 * @module
 */

import {
  cString,
  type Libc,
  O_CLOEXEC,
  O_NOCTTY,
  O_NONBLOCK,
  O_RDWR,
  openLibc,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  TIOCSWINSZ,
} from "./libc.ts";
import { killProcessGroup } from "./group.ts";
import { spawnSessionLeader } from "./session_leader.ts";

/** Options of {@linkcode spawnPty}. */
export interface PtySpawnOptions {
  /** Working directory of the child (default: ours). */
  cwd?: string;
  /** The child's complete environment (default: ours). */
  env?: Record<string, string>;
  /** Terminal width in columns (default 80). */
  cols?: number;
  /** Terminal height in rows (default 24). */
  rows?: number;
}

/** A child process attached to a pseudo-terminal. */
export interface PtyProcess {
  /** Pid of the child; it is also its process group id and session id. */
  readonly pid: number;
  /**
   * Everything the terminal prints (stdout and stderr of the child, plus the input echo). A
   * byte stream: read it with a BYOB reader to reuse one buffer.
   */
  readonly output: ReadableStream<Uint8Array>;
  /** Resolves when the child exits (`code` is 128 + signal for a signalled child). */
  readonly status: Promise<Deno.CommandStatus>;
  /** Types `data` into the terminal. Rejects once the terminal is closed. */
  write(data: string | Uint8Array): Promise<void>;
  /** Changes the window size (the child gets `SIGWINCH`). */
  resize(cols: number, rows: number): void;
  /** Signals the child's whole process group (default `SIGKILL`); false if it is gone. */
  kill(signal?: Deno.Signal): boolean;
  /** Releases the terminal: ends `output`, fails pending writes, frees the descriptors. */
  close(): Promise<void>;
}

const READ_CHUNK = 65536;
const DEV_PTMX = "/dev/ptmx";
// The shell starts as a session leader; opening the terminal then makes it the controlling
// tty. The terminal path travels as $1, never through the environment.
const LAUNCH = 'p=$1; shift; exec "$@" <"$p" >"$p" 2>&1';

/**
 * Starts `argv` on a new pseudo-terminal.
 *
 * @throws {Error} when the terminal cannot be allocated.
 */
export function spawnPty(argv: string[], opts: PtySpawnOptions = {}): PtyProcess {
  if (argv.length === 0) throw new TypeError("spawnPty needs a command");
  const libc = openLibc();
  const fds: number[] = [];
  try {
    return new Pty(libc, argv, opts, fds);
  } catch (err) {
    for (const fd of fds) libc.symbols.close(fd);
    libc.close();
    throw err;
  }
}

function winsize(cols: number, rows: number): Uint8Array<ArrayBuffer> {
  const clamp = (n: number) => Math.max(1, Math.min(0xffff, Math.floor(n)));
  return new Uint8Array(new Uint16Array([clamp(rows), clamp(cols), 0, 0]).buffer);
}

class Pty implements PtyProcess {
  readonly pid: number;
  readonly output: ReadableStream<Uint8Array>;
  readonly status: Promise<Deno.CommandStatus>;
  #libc: Libc;
  #master: number;
  #hold: number;
  #wakeRead: number;
  #wakeWrite: number;
  #closed = false;
  #libOpen = true;
  #inflight = new Set<Promise<unknown>>();
  #closing: Promise<void> | null = null;

  constructor(libc: Libc, argv: string[], opts: PtySpawnOptions, fds: number[]) {
    this.#libc = libc;
    const c = libc.symbols;
    const master = c.open(cString(DEV_PTMX), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (master < 0) throw new Error("cannot open /dev/ptmx: no pseudo-terminal available");
    fds.push(master);
    if (c.grantpt(master) !== 0 || c.unlockpt(master) !== 0) {
      throw new Error("cannot unlock the pseudo-terminal");
    }
    const nameBuf = new Uint8Array(128);
    if (c.ptsname_r(master, nameBuf, BigInt(nameBuf.length)) !== 0) {
      throw new Error("cannot name the pseudo-terminal");
    }
    const pts = new TextDecoder().decode(nameBuf.subarray(0, nameBuf.indexOf(0)));
    c.ioctl(master, TIOCSWINSZ, winsize(opts.cols ?? 80, opts.rows ?? 24));
    // Holding the slave open keeps reads from failing before the child opens it.
    const hold = c.open(cString(pts), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (hold < 0) throw new Error(`cannot open ${pts}`);
    fds.push(hold);
    const pipe = new Int32Array(2);
    if (c.pipe2(new Uint8Array(pipe.buffer), O_CLOEXEC | O_NONBLOCK) !== 0) {
      throw new Error("cannot create a pipe");
    }
    fds.push(pipe[0], pipe[1]);
    this.#master = master;
    this.#hold = hold;
    this.#wakeRead = pipe[0];
    this.#wakeWrite = pipe[1];

    const child = spawnSessionLeader(["/bin/sh", "-c", LAUNCH, "sh", pts, ...argv], {
      cwd: opts.cwd,
      env: opts.env,
      clearEnv: opts.env !== undefined,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    });
    this.pid = child.pid;
    this.status = child.status.then((s) => {
      this.#releaseHold();
      return s;
    });
    this.output = new ReadableStream({
      type: "bytes",
      autoAllocateChunkSize: READ_CHUNK,
      pull: (ctl) => this.#track(this.#pull(ctl)),
      cancel: () => this.close(),
    }, { highWaterMark: 0 });
  }

  async #pull(ctl: ReadableByteStreamController): Promise<void> {
    // A byte stream: BYOB readers lend their buffer, default readers get a fresh 64 KiB one.
    const req = ctl.byobRequest;
    const view = req?.view
      ? new Uint8Array(req.view.buffer, req.view.byteOffset, req.view.byteLength)
      : new Uint8Array(READ_CHUNK);
    const c = this.#libc.symbols;
    let hangup = false;
    while (!this.#closed) {
      // Take what is there without a thread hop; wait only when the terminal is empty.
      let filled = 0;
      while (filled < view.length) {
        const part = view.subarray(filled);
        const n = Number(c.read(this.#master, part, BigInt(part.length)));
        if (n <= 0) break;
        filled += n;
      }
      if (filled > 0) {
        if (req) req.respond(filled);
        else ctl.enqueue(view.subarray(0, filled));
        return;
      }
      // EIO after POLLHUP: every slave descriptor is closed and the data is drained.
      if (hangup) break;
      const revents = await this.#wait(POLLIN);
      if (revents < 0) break;
      hangup = (revents & (POLLHUP | POLLERR | POLLNVAL)) !== 0;
    }
    try {
      ctl.close();
      ctl.byobRequest?.respond(0);
    } catch {
      // Already cancelled by the reader.
    }
  }

  /**
   * Waits until the master is ready for `events`. Returns the master's `revents`, or -1 when
   * the terminal is being closed.
   */
  async #wait(events: number): Promise<number> {
    const fds = new Uint8Array(16);
    const view = new DataView(fds.buffer);
    view.setInt32(0, this.#master, true);
    view.setInt16(4, events, true);
    view.setInt32(8, this.#wakeRead, true);
    view.setInt16(12, POLLIN, true);
    for (let failures = 0; failures < 100 && !this.#closed;) {
      const n = await this.#libc.symbols.poll(fds, 2n, -1);
      if (this.#closed || view.getInt16(14, true) !== 0) return -1;
      if (n > 0) return view.getInt16(6, true);
      failures++; // EINTR on the worker thread: try again
    }
    return -1;
  }

  write(data: string | Uint8Array): Promise<void> {
    return this.#track(this.#write(data));
  }

  async #write(data: string | Uint8Array): Promise<void> {
    let bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    while (bytes.length > 0) {
      if (this.#closed) throw new Error("the terminal is closed");
      const n = Number(this.#libc.symbols.write(this.#master, bytes, BigInt(bytes.length)));
      if (n > 0) {
        bytes = bytes.subarray(n);
        continue;
      }
      const revents = await this.#wait(POLLOUT);
      if (revents < 0 || (!(revents & POLLOUT) && revents & (POLLHUP | POLLERR | POLLNVAL))) {
        throw new Error("the terminal is closed");
      }
    }
  }

  resize(cols: number, rows: number): void {
    if (this.#closed) return;
    this.#libc.symbols.ioctl(this.#master, TIOCSWINSZ, winsize(cols, rows));
  }

  kill(signal: Deno.Signal = "SIGKILL"): boolean {
    return killProcessGroup(this.pid, signal);
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    const c = this.#libc.symbols;
    c.write(this.#wakeWrite, new Uint8Array([1]), 1n);
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
    this.#releaseHold();
    c.close(this.#master);
    c.close(this.#wakeRead);
    c.close(this.#wakeWrite);
    this.#master = -1;
    this.#libOpen = false;
    this.#libc.close();
  }

  #releaseHold(): void {
    if (this.#hold >= 0 && this.#libOpen) {
      this.#libc.symbols.close(this.#hold);
      this.#hold = -1;
    }
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p);
    const done = () => this.#inflight.delete(p);
    p.then(done, done);
    return p;
  }
}
