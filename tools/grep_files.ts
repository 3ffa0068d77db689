/**
 * `grep_files`: lists the files whose contents match a regular expression, most recently
 * modified first. Uses ripgrep when it is installed and a built-in search otherwise; both give
 * the same files (ripgrep's default rules: ignore files, hidden files, binary files, Rust regex
 * syntax) in the same order (modification time, newest first, then path).
 *
 * @module
 */

import { resolve } from "../lib/path.ts";
import { z } from "npm:zod@^4.6.7";
import { defineTool, type FunctionTool, ToolError } from "./define.ts";
import { findExecutable, runRipgrep } from "./fs/ripgrep.ts";
import { builtinGrep } from "./fs/builtin_grep.ts";
import { orderTimed, sortByMtime, timed, type TimedPath } from "./fs/mtime_order.ts";
import { PatternError } from "./fs/rust_regex.ts";
import { GlobSyntaxError } from "./fs/glob_regex.ts";

/** Default number of paths returned. */
export const DEFAULT_GREP_LIMIT = 100;
/** Most paths returned, whatever `limit` says. */
export const MAX_GREP_LIMIT = 2000;
/** Time limit of one search. */
export const GREP_TIMEOUT_MS = 30_000;

const DESCRIPTION =
  `Finds files whose contents match a regular expression (Rust regex syntax, one line at a time) and lists their paths, most recently modified first.
\`path\` is the folder (or file) to search, default the working directory. \`include\` is a glob restricting which files are searched (e.g. "*.ts" or "src/**/*.rs").
Files ignored by .gitignore/.ignore/.rgignore, hidden files and binary files are skipped. Returns at most \`limit\` paths (default 100, at most 2000).`;

const grepParameters = z.strictObject({
  pattern: z.string(),
  include: z.string().optional(),
  path: z.string().optional(),
  limit: z.number().int().optional(),
});

/** Options of {@linkcode createGrepFilesTool}. */
export interface GrepFilesOptions {
  /**
   * The ripgrep executable: a path or a name looked up in the thread's `PATH` (default `"rg"`),
   * or `false` to always use the built-in search.
   */
  ripgrep?: string | false;
  /** Time limit of one search in milliseconds (default {@linkcode GREP_TIMEOUT_MS}). */
  timeoutMs?: number;
}

async function searchWithRipgrep(
  rg: string,
  args: { pattern: string; include?: string; path: string },
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<string[]> {
  // Stat the files while ripgrep is still searching.
  const items: TimedPath[] = [];
  const onPaths = (paths: string[]) => {
    for (const p of paths) items.push(timed(p));
  };
  const result = await runRipgrep({ rg, ...args, cwd, env, timeoutMs, signal, onPaths });
  switch (result.kind) {
    case "matches":
      return orderTimed(items);
    case "none":
      return [];
    case "failed":
      throw new ToolError(`Error: rg failed: ${result.message}`);
    case "timeout":
      throw new ToolError(`Error: rg timed out after ${Math.round(timeoutMs / 1000)} seconds.`);
    case "aborted":
      throw new ToolError("Error: the search was interrupted.");
  }
}

async function searchBuiltin(
  args: { pattern: string; include?: string; path: string },
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<string[]> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const both = AbortSignal.any([signal, timeout.signal]);
  try {
    const paths = await sortByMtime(await builtinGrep({ ...args, cwd, env, signal: both }));
    if (timeout.signal.aborted) {
      throw new ToolError(`Error: search timed out after ${Math.round(timeoutMs / 1000)} seconds.`);
    }
    if (signal.aborted) throw new ToolError("Error: the search was interrupted.");
    return paths;
  } catch (err) {
    if (err instanceof PatternError) throw new ToolError(`Error: invalid pattern: ${err.message}`);
    if (err instanceof GlobSyntaxError) {
      throw new ToolError(`Error: invalid \`include\` glob: ${err.message}`);
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Creates the `grep_files` tool (parallel).
 *
 * @example
 * ```ts
 * import { createGrepFilesTool } from "./grep_files.ts";
 * const withRipgrep = createGrepFilesTool();
 * const builtinOnly = createGrepFilesTool({ ripgrep: false });
 * ```
 */
export function createGrepFilesTool(opts: GrepFilesOptions = {}): FunctionTool {
  const rgName = opts.ripgrep ?? "rg";
  const timeoutMs = opts.timeoutMs ?? GREP_TIMEOUT_MS;
  return defineTool({
    name: "grep_files",
    description: DESCRIPTION,
    parameters: grepParameters,
    parallel: true,
    handler: async ({ pattern, include, path, limit = DEFAULT_GREP_LIMIT }, ctx) => {
      if (pattern === "") throw new ToolError("Error: `pattern` must not be empty.");
      if (limit < 1) throw new ToolError("Error: `limit` must be greater than zero.");
      const target = resolve(ctx.cwd, path ?? ".");
      try {
        await Deno.stat(target);
      } catch {
        throw new ToolError(`Error: unable to access \`${path ?? target}\`.`);
      }
      const args = include === undefined || include === ""
        ? { pattern, path: target }
        : { pattern, include, path: target };
      const rg = rgName === false ? undefined : await findExecutable(rgName, ctx.env);
      // Both backends answer paths already ordered: newest first, then by path.
      const found = rg === undefined
        ? await searchBuiltin(args, ctx.env, ctx.cwd, timeoutMs, ctx.signal)
        : await searchWithRipgrep(rg, args, ctx.env, ctx.cwd, timeoutMs, ctx.signal);
      if (found.length === 0) return "No matches found.";
      return found.slice(0, Math.min(limit, MAX_GREP_LIMIT)).join("\n");
    },
  });
}
