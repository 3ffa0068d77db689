/**
 * The terminal and process surface a command uses, passed in (no globals), so commands run the
 * same from `main.ts`, from tests and from the library.
 *
 * @module
 */

/** Streams, environment and signals of one command run. */
export interface CliIo {
  cwd: string;
  env: Record<string, string>;
  stdout(text: string): void;
  stderr(text: string): void;
  stdinIsTty: boolean;
  stdoutIsTty: boolean;
  stderrIsTty: boolean;
  /** Reads all of stdin. */
  readStdin(): Promise<string>;
  /** Registers a Ctrl-C (SIGINT) handler; returns its remover. */
  onInterrupt(handler: () => void): () => void;
}

const enc = new TextEncoder();

function writeSync(file: { writeSync(p: Uint8Array): number }, text: string): void {
  let data = enc.encode(text);
  while (data.length) {
    try {
      data = data.subarray(file.writeSync(data));
    } catch (err) {
      if (err instanceof Deno.errors.BrokenPipe) return;
      throw err;
    }
  }
}

/** The real process: Deno's stdio, environment and signals. */
export function processIo(): CliIo {
  return {
    cwd: Deno.cwd(),
    env: Deno.env.toObject(),
    stdout: (t) => writeSync(Deno.stdout, t),
    stderr: (t) => writeSync(Deno.stderr, t),
    stdinIsTty: Deno.stdin.isTerminal(),
    stdoutIsTty: Deno.stdout.isTerminal(),
    stderrIsTty: Deno.stderr.isTerminal(),
    readStdin: () => new Response(Deno.stdin.readable).text(),
    onInterrupt(handler) {
      try {
        Deno.addSignalListener("SIGINT", handler);
      } catch {
        return () => {};
      }
      return () => {
        try {
          Deno.removeSignalListener("SIGINT", handler);
        } catch { /* already gone */ }
      };
    },
  };
}
