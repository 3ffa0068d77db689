/**
 * Orders search results the way `grep_files` reports them: most recently modified first
 * (millisecond resolution), then by path; files that cannot be stat'ed go last.
 *
 * @module
 */

/** A path with its modification time (ms since the epoch, `-Infinity` when unknown). */
export interface TimedPath {
  path: string;
  mtime: number;
}

/** Stats per batch in {@linkcode sortByMtime}; the event loop gets a turn between batches. */
const BATCH = 2000;

/** The modification time of `path` (a synchronous stat: much cheaper than an async one). */
export function timed(path: string): TimedPath {
  try {
    return { path, mtime: Deno.statSync(path).mtime?.getTime() ?? Number.NEGATIVE_INFINITY };
  } catch {
    return { path, mtime: Number.NEGATIVE_INFINITY };
  }
}

/** Sorts in place: newest first, ties by path (code unit order); returns the paths. */
export function orderTimed(items: TimedPath[]): string[] {
  items.sort((a, b) =>
    a.mtime !== b.mtime ? b.mtime - a.mtime : a.path < b.path ? -1 : a.path > b.path ? 1 : 0
  );
  return items.map((k) => k.path);
}

/**
 * Sorts `paths` by modification time, newest first, ties by path.
 *
 * @example
 * ```ts
 * import { sortByMtime } from "./mtime_order.ts";
 * const newestFirst = await sortByMtime(["/tmp/a", "/tmp/b"]);
 * ```
 */
export async function sortByMtime(paths: readonly string[]): Promise<string[]> {
  const items: TimedPath[] = [];
  for (let i = 0; i < paths.length; i++) {
    if (i > 0 && i % BATCH === 0) await new Promise((r) => setTimeout(r, 0));
    items.push(timed(paths[i]!));
  }
  return orderTimed(items);
}
