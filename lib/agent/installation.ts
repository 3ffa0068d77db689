/**
 * The installation id: a UUIDv4 persisted in `CODEX_HOME/installation_id` (as upstream).
 *
 * @module
 */

import { join } from "../path.ts";
import { isUuid, uuidv4 } from "../protocol/ids.ts";

/** Reads or creates the installation id; falls back to a fresh id if the home is not writable. */
export async function installationId(codexHome: string): Promise<string> {
  const path = join(codexHome, "installation_id");
  try {
    const existing = (await Deno.readTextFile(path)).trim();
    if (isUuid(existing)) return existing;
  } catch { /* create below */ }
  const id = uuidv4();
  try {
    await Deno.mkdir(codexHome, { recursive: true });
    const tmp = `${path}.${id}.tmp`;
    await Deno.writeTextFile(tmp, id + "\n", { mode: 0o600 });
    await Deno.rename(tmp, path);
  } catch { /* read-only home: use an ephemeral id */ }
  return id;
}
