/**
 * Where the Codex home is: `CODEX_HOME`, else `~/.codex`.
 *
 * @module
 */

import { join, resolve } from "../path.ts";

/** The Codex home for this environment. */
export function codexHome(env: Record<string, string | undefined>): string {
  const explicit = env.CODEX_HOME?.trim();
  if (explicit) return resolve(explicit);
  const home = env.HOME ?? env.USERPROFILE ?? "/";
  return join(home, ".codex");
}
