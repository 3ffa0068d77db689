/**
 * The user's global git excludes file (`core.excludesFile`), found the way ripgrep finds it:
 * the setting in `~/.gitconfig`, else in `$XDG_CONFIG_HOME/git/config` (or
 * `~/.config/git/config`), else the default `$XDG_CONFIG_HOME/git/ignore` (or
 * `~/.config/git/ignore`).
 *
 * @module
 */

import { join } from "../../lib/path.ts";
import { IgnorePatterns } from "./ignore_rules.ts";

async function readText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
}

function excludesSetting(config: string, home: string | undefined): string | undefined {
  const m = /^\s*excludesfile\s*=\s*"?\s*(\S+?)\s*"?\s*$/im.exec(config);
  if (!m) return undefined;
  const value = m[1]!;
  if (value.startsWith("~/") && home) return join(home, value.slice(2));
  return value;
}

/**
 * The path of the global excludes file for an environment, or `undefined` when neither `HOME`
 * nor `XDG_CONFIG_HOME` is set.
 */
export async function globalExcludesPath(
  env: Readonly<Record<string, string>>,
): Promise<string | undefined> {
  const home = env.HOME || undefined;
  const xdg = env.XDG_CONFIG_HOME || (home ? join(home, ".config") : undefined);
  const configs = [
    home ? join(home, ".gitconfig") : undefined,
    xdg ? join(xdg, "git", "config") : undefined,
  ];
  for (const path of configs) {
    if (!path) continue;
    const text = await readText(path);
    const setting = text === undefined ? undefined : excludesSetting(text, home);
    if (setting) return setting;
  }
  return xdg ? join(xdg, "git", "ignore") : undefined;
}

/**
 * The patterns of the global excludes file (matched against paths without their leading `/`,
 * as ripgrep does), or `undefined` when there is no such file.
 */
export async function loadGlobalExcludes(
  env: Readonly<Record<string, string>>,
): Promise<IgnorePatterns | undefined> {
  const path = await globalExcludesPath(env);
  if (!path) return undefined;
  const text = await readText(path);
  return text === undefined ? undefined : IgnorePatterns.parse("", text);
}
