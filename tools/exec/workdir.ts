/**
 * Resolving the `workdir` argument of the command tools.
 *
 * @module
 */

import { resolve } from "../../lib/path.ts";
import { ToolError } from "../define.ts";

/**
 * `workdir` resolved against `cwd` (empty or missing: `cwd`).
 *
 * @throws {ToolError} when it is not an existing directory.
 */
export function resolveWorkdir(cwd: string, workdir: string | undefined): string {
  const dir = workdir ? resolve(cwd, workdir) : cwd;
  let ok = false;
  try {
    ok = Deno.statSync(dir).isDirectory;
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new ToolError(
      `workdir ${
        JSON.stringify(dir)
      } is not an existing directory; pass an existing directory or omit workdir`,
    );
  }
  return dir;
}
