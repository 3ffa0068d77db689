/**
 * Turning a model's command string into an argv, and an argv into the display form upstream
 * shows (`/bin/bash -lc 'cat hello.txt'`).
 *
 * @module
 */

import { DEFAULT_PATH, findExecutable } from "../../lib/pty/which.ts";

/** The environment overlay upstream applies to every `exec_command` child (no pagers, no color). */
export const EXEC_ENV_OVERLAY: Readonly<Record<string, string>> = {
  NO_COLOR: "1",
  TERM: "dumb",
  LANG: "C.UTF-8",
  LC_CTYPE: "C.UTF-8",
  LC_ALL: "C.UTF-8",
  COLORTERM: "",
  PAGER: "cat",
  GIT_PAGER: "cat",
  GH_PAGER: "cat",
  CODEX_CI: "1",
};

/**
 * The absolute path of the shell to run: `requested`, else `$SHELL`, else `/bin/bash`, looked
 * up on the environment's `PATH` when it is a bare name.
 *
 * @throws {Error} when the shell cannot be found.
 */
export function resolveShell(
  requested: string | undefined,
  env: Record<string, string>,
  cwd: string,
): string {
  const name = requested?.trim() || env.SHELL || "/bin/bash";
  const found = findExecutable(name, env.PATH ?? DEFAULT_PATH, cwd);
  if (!found) {
    throw new Error(`shell ${JSON.stringify(name)} was not found; pass an installed shell`);
  }
  return found;
}

/** `[shell, "-lc" | "-c", cmd]`. */
export function shellArgv(shell: string, cmd: string, login: boolean): string[] {
  return [shell, login ? "-lc" : "-c", cmd];
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for a POSIX shell: bare when safe, else single-quoted (`'` as `'\''`). */
export function shellQuote(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** An argv as one shell-quoted line. */
export function shellJoin(argv: string[]): string {
  return argv.map(shellQuote).join(" ");
}
