/**
 * The terminal the session drives: raw keyboard input, output, size and resize, and the
 * modes it switches on (bracketed paste, the kitty keyboard protocol's disambiguation so
 * Shift-Enter is distinct) and always switches off again.
 *
 * @module
 */

/** A terminal in raw mode. */
export interface Terminal {
  /** Writes text as is. */
  write(text: string): void;
  size(): { columns: number; rows: number };
  /** Switches raw mode (no echo, no line buffering, no signals from keys). */
  setRaw(on: boolean): void;
  /** Reads the next chunk of input; `null` at end of input. */
  read(): Promise<Uint8Array | null>;
  /** Calls `fn` when the window size changes; returns its remover. */
  onResize(fn: () => void): () => void;
  /** Calls `fn` when the process is continued after a stop (Ctrl-Z, `fg`). */
  onContinue(fn: () => void): () => void;
  /** Stops the process as Ctrl-Z would (job control). */
  suspend(): void;
}

/** Turns on bracketed paste and kitty keyboard disambiguation. */
export const ENTER_MODES = "\x1b[?2004h\x1b[>1u";
/** Turns both off again and shows the cursor. */
export const LEAVE_MODES = "\x1b[<u\x1b[?2004l\x1b[?25h";

const enc = new TextEncoder();

function signalListener(signal: Deno.Signal, fn: () => void): () => void {
  try {
    Deno.addSignalListener(signal, fn);
  } catch {
    return () => {};
  }
  return () => {
    try {
      Deno.removeSignalListener(signal, fn);
    } catch { /* already removed */ }
  };
}

/** The process's own terminal (stdin and stdout). */
export function processTerminal(): Terminal {
  const buf = new Uint8Array(64 * 1024);
  return {
    write(text) {
      let data = enc.encode(text);
      while (data.length) {
        try {
          data = data.subarray(Deno.stdout.writeSync(data));
        } catch (err) {
          if (err instanceof Deno.errors.BrokenPipe) return;
          if (err instanceof Deno.errors.WouldBlock) continue;
          throw err;
        }
      }
    },
    size() {
      try {
        return Deno.consoleSize();
      } catch {
        return { columns: 80, rows: 24 };
      }
    },
    setRaw(on) {
      try {
        Deno.stdin.setRaw(on);
      } catch { /* not a terminal any more */ }
    },
    async read() {
      const n = await Deno.stdin.read(buf);
      return n === null ? null : buf.slice(0, n);
    },
    onResize: (fn) => signalListener("SIGWINCH", fn),
    onContinue: (fn) => signalListener("SIGCONT", fn),
    suspend() {
      try {
        Deno.kill(Deno.pid, "SIGTSTP");
      } catch { /* no job control */ }
    },
  };
}
