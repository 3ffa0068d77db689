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

/** Reads stdin to its end with plain reads (no stream machinery: this runs on every `exec`). */
async function readAllStdin(): Promise<string> {
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(64 * 1024);
  for (;;) {
    const n = await Deno.stdin.read(buf);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
  }
  const decoder = new TextDecoder();
  return chunks.map((c, i) => decoder.decode(c, { stream: i < chunks.length - 1 })).join("");
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
    readStdin: readAllStdin,
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
