/**
 * `CODEX_HOME/.env`: loaded before the config. Keys starting with `CODEX_` are ignored (they
 * steer Codex itself), and variables already set in the environment win. (The seed overwrote
 * existing variables; we do not.)
 *
 * @module
 */

import { parseEnv } from "node:util";

/** The result of loading a `.env` file into an environment. */
export interface DotenvResult {
  /** The environment with the file's variables added. */
  env: Record<string, string>;
  /** Keys taken from the file (not the values). */
  loaded: string[];
  /** Keys in the file that were skipped (`CODEX_*`, or already set). */
  skipped: string[];
}

/** Parses `.env` text (quotes, `export X=`, comments). */
export function parseDotenv(text: string): Record<string, string> {
  return { ...parseEnv(text) } as Record<string, string>;
}

/** Merges the `.env` file at `path` (if any) under `env`. */
export async function loadDotenv(
  path: string,
  env: Record<string, string | undefined>,
): Promise<DotenvResult> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return { env: out, loaded: [], skipped: [] };
  }
  const loaded: string[] = [];
  const skipped: string[] = [];
  for (const [k, v] of Object.entries(parseDotenv(text))) {
    if (k.toUpperCase().startsWith("CODEX_") || out[k] !== undefined) {
      skipped.push(k);
      continue;
    }
    out[k] = v;
    loaded.push(k);
  }
  return { env: out, loaded, skipped };
}
