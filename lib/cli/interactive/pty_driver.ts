/**
 * Drives a program on a pseudo-terminal the way a person would: type keys, wait for text to
 * appear, read everything the terminal showed. Used by the interactive session's tests and
 * benchmark against the real program.
 *
 * @example
 * ```ts
 * import { PtyDriver } from "./pty_driver.ts";
 * const d = PtyDriver.start(["sh", "-c", "read x; echo got $x"]);
 * await d.type("hi\r");
 * await d.waitFor(/got hi/);
 * await d.exit();
 * ```
 *
 * @module
 */

import { type PtyProcess, type PtySpawnOptions, spawnPty } from "../../pty/pty.ts";
import { stripAnsi } from "./width.ts";

/** Ctrl-C as the terminal sends it. */
export const CTRL_C = "\x03";
/** Ctrl-D as the terminal sends it. */
export const CTRL_D = "\x04";

/** A program on a pseudo-terminal. */
export class PtyDriver {
  readonly pty: PtyProcess;
  #raw = "";
  #text = "";
  #ended = false;
  #waiters = new Set<() => void>();
  #reading: Promise<void>;
  /** Called with each chunk of output as it is read (benchmarks time with it). */
  #onChunk: ((text: string, at: number) => void) | null = null;

  private constructor(pty: PtyProcess) {
    this.pty = pty;
    this.#reading = this.#read();
  }

  /** Spawns `argv` on a new terminal. */
  static start(argv: string[], opts: PtySpawnOptions = {}): PtyDriver {
    return new PtyDriver(spawnPty(argv, opts));
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    const reader = this.pty.output.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const at = performance.now();
        const chunk = decoder.decode(value, { stream: true });
        this.#raw += chunk;
        this.#text = stripAnsi(this.#raw);
        this.#onChunk?.(chunk, at);
        for (const w of [...this.#waiters]) w();
      }
    } catch {
      // Closed under us.
    } finally {
      this.#ended = true;
      for (const w of [...this.#waiters]) w();
    }
  }

  /** Everything shown so far, escapes included. */
  get raw(): string {
    return this.#raw;
  }

  /** Everything shown so far, escapes removed. */
  get text(): string {
    return this.#text;
  }

  /** Calls `fn` with each chunk of output and the time it was read. */
  onChunk(fn: ((text: string, at: number) => void) | null): void {
    this.#onChunk = fn;
  }

  /** Types `keys`. */
  async type(keys: string): Promise<void> {
    await this.pty.write(keys);
  }

  /**
   * Waits until the (escape-free) output after offset `from` matches `re`; returns the offset
   * just past the match. Rejects when the program ends first or after `timeoutMs`.
   */
  async waitFor(re: RegExp, opts: { from?: number; timeoutMs?: number } = {}): Promise<number> {
    const from = opts.from ?? 0;
    const timeout = opts.timeoutMs ?? 30_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wake: () => void = () => {};
    const expired = new Promise<void>((r) => (timer = setTimeout(r, timeout)));
    let timedOut = false;
    void expired.then(() => {
      timedOut = true;
      wake();
    });
    try {
      for (;;) {
        const m = this.#text.slice(from).match(re);
        if (m && m.index !== undefined) return from + m.index + m[0].length;
        if (this.#ended) {
          throw new Error(`output ended without ${re}:\n${this.#text.slice(-3000)}`);
        }
        if (timedOut) throw new Error(`timed out waiting for ${re}:\n${this.#text.slice(-3000)}`);
        await new Promise<void>((r) => {
          wake = r;
          this.#waiters.add(r);
        });
        this.#waiters.delete(wake);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Current length of the escape-free output (a `from` for later waits). */
  get mark(): number {
    return this.#text.length;
  }

  /** Waits for the program to exit; returns its exit code and releases the terminal. */
  async exit(): Promise<number> {
    const status = await this.pty.status;
    await this.pty.close();
    await this.#reading;
    return status.code;
  }

  /** Kills the program's process group and releases the terminal. */
  async kill(): Promise<void> {
    this.pty.kill("SIGKILL");
    await this.pty.status.catch(() => {});
    await this.pty.close();
    await this.#reading;
  }
}
