/**
 * The search `grep_files` uses when ripgrep is not installed: the same files (see
 * `walkSearchFiles`), the same pattern language (see `rustRegExp`) and the same binary-file
 * rules (see `fileHasMatch`) as `rg --files-with-matches`.
 *
 * @module
 */

import { GlobOverrides } from "./ignore_rules.ts";
import { rustRegExp } from "./rust_regex.ts";
import { walkSearchFiles } from "./search_walk.ts";
import { fileHasMatch, FIRST_READ } from "./file_search.ts";
import { loadGlobalExcludes } from "./git_excludes.ts";

/** Options of {@linkcode builtinGrep}. */
export interface BuiltinGrepOptions {
  pattern: string;
  include?: string;
  /** Absolute path of the folder or file to search. */
  path: string;
  /** The working directory `--glob` patterns are relative to. */
  cwd: string;
  env: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /** Files searched at once (default 16). */
  concurrency?: number;
}

/**
 * The files under `opts.path` with a line matching `opts.pattern`, in no particular order.
 *
 * @throws {import("./rust_regex.ts").PatternError} For an invalid pattern.
 * @throws {import("./glob_regex.ts").GlobSyntaxError} For an invalid `include` glob.
 */
export async function builtinGrep(opts: BuiltinGrepOptions): Promise<string[]> {
  const re = rustRegExp(opts.pattern);
  const overrides = new GlobOverrides(opts.cwd, opts.include === undefined ? [] : [opts.include]);
  const info = await Deno.stat(opts.path);
  if (info.isFile) return (await fileHasMatch(opts.path, re, "explicit")) ? [opts.path] : [];
  // A FIFO or device could block a read forever: only files and folders are searched.
  if (!info.isDirectory) return [];
  const globalExcludes = await loadGlobalExcludes(opts.env);
  const matches: string[] = [];
  const files = walkSearchFiles({
    root: opts.path,
    overrides,
    globalExcludes,
    signal: opts.signal,
  });
  const iterator = files[Symbol.asyncIterator]();
  let done = false;
  const worker = async () => {
    const buf = new Uint8Array(FIRST_READ);
    while (!done && !opts.signal?.aborted) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        return;
      }
      // `re` has no `g`/`y` flag, so sharing it between concurrent searches is safe.
      if (await fileHasMatch(next.value, re, "walked", buf)) matches.push(next.value);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 16 }, worker));
  return matches;
}
