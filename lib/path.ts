/**
 * POSIX path functions with the results of `node:path`'s posix ones, without importing a `node:`
 * module: the first `node:` import starts Deno's Node compatibility layer (~16 ms), which the
 * start-up path of `exec` and of the interactive session must not pay.
 *
 * POSIX only, like the product's sandbox and PTY: `/` is the only separator, `\` is an ordinary
 * character, and there are no drive letters. `tests/path_test.ts` checks every function against
 * `node:path`'s posix functions on a generated corpus.
 *
 * @module
 */

/** The path separator. */
export const sep = "/";

/**
 * The segments of `path` with `.` and empty ones dropped and `..` applied. Above the root, `..` is
 * dropped for absolute paths and kept for relative ones.
 */
function collapse(path: string, absolute: boolean): string[] {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") {
      out.push(segment);
    } else if (out.length > 0 && out[out.length - 1] !== "..") {
      out.pop();
    } else if (!absolute) {
      out.push("..");
    }
  }
  return out;
}

/** Whether `path` starts at the root. */
export function isAbsolute(path: string): boolean {
  return path.startsWith("/");
}

/**
 * Collapses `.`, `..` and repeated slashes; keeps one trailing slash if there was one. `""` is
 * `"."`.
 */
export function normalize(path: string): string {
  if (path === "") return ".";
  const absolute = isAbsolute(path);
  const trailing = path.endsWith("/");
  const body = collapse(path, absolute).join("/");
  if (body === "") return absolute ? "/" : trailing ? "./" : ".";
  return (absolute ? "/" : "") + body + (trailing ? "/" : "");
}

/** Joins the non-empty `parts` with `/` and normalizes the result (`"."` when there are none). */
export function join(...parts: string[]): string {
  const joined = parts.filter((p) => p !== "").join("/");
  return joined === "" ? "." : normalize(joined);
}

/**
 * The absolute path of `parts` read right to left until one is absolute; a relative remainder is
 * taken against `Deno.cwd()`. Empty parts are skipped; the result has no trailing slash.
 */
export function resolve(...parts: string[]): string {
  let path = "";
  for (let i = parts.length - 1; i >= 0 && !isAbsolute(path); i--) {
    if (parts[i] !== "") path = path === "" ? parts[i] : `${parts[i]}/${path}`;
  }
  if (!isAbsolute(path)) path = path === "" ? Deno.cwd() : `${Deno.cwd()}/${path}`;
  return "/" + collapse(path, true).join("/");
}

/** The path from `from` to `to` (both resolved first); `""` when they are the same. */
export function relative(from: string, to: string): string {
  if (from === to) return "";
  const a = collapse(resolve(from), true);
  const b = collapse(resolve(to), true);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const up = a.slice(common).map(() => "..");
  return [...up, ...b.slice(common)].join("/");
}

/** Everything before the last segment (trailing slashes ignored); `"."` or `"/"` at the top. */
export function dirname(path: string): string {
  if (path === "") return ".";
  const rooted = isAbsolute(path);
  let end = path.length;
  while (end > 1 && path[end - 1] === "/") end--;
  const slash = path.lastIndexOf("/", end - 1);
  if (slash < 1) return rooted ? "/" : ".";
  // node keeps a leading "//" whole, and otherwise cuts at the last slash only ("/a//b" -> "/a/").
  return rooted && slash === 1 ? "//" : path.slice(0, slash);
}

/** The last segment, trailing slashes ignored; `""` for `""` and `"/"`. */
export function basename(path: string): string {
  let end = path.length;
  while (end > 0 && path[end - 1] === "/") end--;
  if (end === 0) return "";
  return path.slice(path.lastIndexOf("/", end - 1) + 1, end);
}
