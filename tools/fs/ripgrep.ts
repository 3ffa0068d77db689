/**
 * Runs ripgrep for `grep_files`: `rg --files-with-matches --no-messages --no-config --regexp
 * <pattern> [--glob <include>] -- <path>`, in the thread's working directory and environment,
 * with a time limit.
 *
 * @module
 */

import { join } from "../../lib/path.ts";

/** What a ripgrep run gave. */
export type RipgrepResult =
  | { kind: "matches"; paths: string[] }
  | { kind: "none" }
  | { kind: "failed"; message: string }
  | { kind: "timeout" }
  | { kind: "aborted" };

/** Options of {@linkcode runRipgrep}. */
export interface RipgrepOptions {
  /** The `rg` executable. */
  rg: string;
  pattern: string;
  include?: string;
  /** The absolute path to search. */
  path: string;
  cwd: string;
  env: Readonly<Record<string, string>>;
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Called with each batch of paths as ripgrep prints them, so callers can work (e.g. stat the
   * files) while ripgrep is still searching.
   */
  onPaths?: (paths: string[]) => void;
}

/** The argument list for ripgrep (without the executable). */
export function ripgrepArgs(pattern: string, path: string, include?: string): string[] {
  const args = ["--files-with-matches", "--no-messages", "--no-config", "--regexp", pattern];
  if (include !== undefined) args.push("--glob", include);
  args.push("--", path);
  return args;
}

/** Splits a byte stream into lines, handing complete ones to `onLines`. */
async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLines: (lines: string[]) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of stream) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const end = text.lastIndexOf("\n");
    if (end < 0) {
      rest = text;
      continue;
    }
    rest = text.slice(end + 1);
    onLines(text.slice(0, end).split("\n").filter((l) => l !== ""));
  }
  rest += decoder.decode();
  if (rest !== "") onLines([rest]);
}

/** Runs ripgrep; never throws for a failing run (spawn failures come back as `failed`). */
export async function runRipgrep(opts: RipgrepOptions): Promise<RipgrepResult> {
  if (opts.signal?.aborted) return { kind: "aborted" };
  const stop = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop.abort();
  }, opts.timeoutMs);
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const child = new Deno.Command(opts.rg, {
      args: ripgrepArgs(opts.pattern, opts.path, opts.include),
      cwd: opts.cwd,
      env: { ...opts.env },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: stop.signal,
    }).spawn();
    const paths: string[] = [];
    const [, stderr, status] = await Promise.all([
      readLines(child.stdout, (lines) => {
        for (const l of lines) paths.push(l);
        opts.onPaths?.(lines);
      }),
      new Response(child.stderr).text(),
      child.status,
    ]);
    if (timedOut) return { kind: "timeout" };
    if (opts.signal?.aborted) return { kind: "aborted" };
    if (paths.length > 0) return { kind: "matches", paths };
    if (status.code === 0 || status.code === 1) return { kind: "none" };
    return { kind: "failed", message: stderr.trim() || `rg exited with code ${status.code}` };
  } catch (err) {
    return { kind: "failed", message: (err as Error).message };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Finds an executable named `name` in the `PATH` of `env` (or takes `name` as is when it holds
 * a `/`); `undefined` when there is none.
 */
export async function findExecutable(
  name: string,
  env: Readonly<Record<string, string>>,
): Promise<string | undefined> {
  const candidates = name.includes("/")
    ? [name]
    : (env.PATH ?? "").split(":").filter((d) => d !== "").map((d) => join(d, name));
  for (const path of candidates) {
    try {
      const info = await Deno.stat(path);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return path;
    } catch { /* not here */ }
  }
  return undefined;
}
