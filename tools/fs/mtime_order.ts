/**
 * Orders search results the way `grep_files` reports them: most recently modified first
 * (millisecond resolution), then by path; files that cannot be stat'ed go last.
 *
 * @module
 */

/**
 * Sorts `paths` by modification time, newest first, ties by path (code unit order).
 *
 * @example
 * ```ts
 * import { sortByMtime } from "./mtime_order.ts";
 * const newestFirst = await sortByMtime(["/tmp/a", "/tmp/b"]);
 * ```
 */
export async function sortByMtime(paths: readonly string[]): Promise<string[]> {
  const keyed: { path: string; mtime: number }[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const k = next++;
      const path = paths[k]!;
      let mtime = Number.NEGATIVE_INFINITY;
      try {
        mtime = (await Deno.stat(path)).mtime?.getTime() ?? mtime;
      } catch { /* sorts last */ }
      keyed[k] = { path, mtime };
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, paths.length) }, worker));
  keyed.sort((a, b) =>
    a.mtime !== b.mtime ? b.mtime - a.mtime : a.path < b.path ? -1 : a.path > b.path ? 1 : 0
  );
  return keyed.map((k) => k.path);
}
