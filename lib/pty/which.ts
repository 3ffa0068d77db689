/**
 * Finding executables on a search path without spawning anything.
 *
 * @module
 */

import { isAbsolute, join } from "../path.ts";

/**
 * The absolute path of `name` found on `pathList` (a `PATH`-style list), or `null`.
 * A name containing a slash is checked as given (made absolute against `cwd`).
 *
 * @example
 * ```ts
 * const sh = findExecutable("sh", "/usr/bin:/bin"); // "/usr/bin/sh"
 * ```
 */
export function findExecutable(name: string, pathList: string, cwd = "/"): string | null {
  if (name === "") return null;
  if (name.includes("/")) {
    const abs = isAbsolute(name) ? name : join(cwd, name);
    return isExecutableFile(abs) ? abs : null;
  }
  for (const dir of pathList.split(":")) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** The default search path used when an environment has no `PATH`. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && info.mode !== null && (info.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
