/**
 * Recognises a shell command that is really an `apply_patch` call, so `exec_command` can apply
 * the patch itself instead of running a program that does not exist, as upstream does. Only the
 * two whole-script forms upstream accepts match:
 *
 * - `apply_patch <<'EOF'` (or `applypatch`, any delimiter, quoted or not, `<<-`) + body + `EOF`
 * - `cd <dir> && apply_patch <<'EOF'` ... where `<dir>` is one plain word or one quoted string
 *
 * Anything before or after (another command, a pipe, a second argument) means "not a patch".
 *
 * @example
 * ```ts
 * import { parseApplyPatchInvocation } from "./intercept.ts";
 *
 * parseApplyPatchInvocation("cd src && apply_patch <<'EOF'\n*** Begin Patch\n*** End Patch\nEOF\n");
 * // { patch: "*** Begin Patch\n*** End Patch", workdir: "src" }
 * ```
 *
 * @module
 */

import { parsePatch } from "./parser.ts";

/** A recognised invocation: the heredoc body and the `cd` directory, if any. */
export interface ApplyPatchInvocation {
  patch: string;
  workdir?: string;
}

const LEADING = /[ \t\r\n]*/y;
const CD = /cd[ \t]+(?:'([^']*)'|"([^"$`\\]+)"|([^\s;&|<>()'"`$\\]+))[ \t]*&&[ \t\r\n]*/y;
const COMMAND =
  /(?:apply_patch|applypatch)[ \t]*<<(-?)[ \t]*(?:'([^'\n]+)'|"([^"\n]+)"|([^\s'"<>|&;()]+))[ \t]*\r?\n/y;

function skip(re: RegExp, s: string, at: number): number {
  re.lastIndex = at;
  re.exec(s);
  return re.lastIndex;
}

/**
 * Extracts the patch from a shell script that only runs `apply_patch` with a heredoc.
 *
 * @param cmd the script (the `cmd` of `exec_command`)
 * @returns the patch text and the `cd` directory, or `null` when the script is anything else
 */
export function parseApplyPatchInvocation(cmd: string): ApplyPatchInvocation | null {
  let at = skip(LEADING, cmd, 0);
  let workdir: string | undefined;
  CD.lastIndex = at;
  const cd = CD.exec(cmd);
  if (cd) {
    workdir = cd[1] ?? cd[2] ?? cd[3];
    at = CD.lastIndex;
  }
  COMMAND.lastIndex = at;
  const head = COMMAND.exec(cmd);
  if (!head) return null;
  const stripTabs = head[1] === "-";
  const delimiter = head[2] ?? head[3] ?? head[4];
  const rest = cmd.slice(COMMAND.lastIndex).split("\n");
  const body: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    let line = rest[i].endsWith("\r") ? rest[i].slice(0, -1) : rest[i];
    if (stripTabs) line = line.replace(/^\t+/, "");
    if (line === delimiter) {
      // Nothing but blank space may follow the heredoc.
      if (!/^\s*$/.test(rest.slice(i + 1).join("\n"))) return null;
      const patch = body.join("\n").replace(/\n+$/, "");
      return workdir === undefined ? { patch } : { patch, workdir };
    }
    body.push(line);
  }
  return null; // the heredoc never ends
}

/**
 * True when the script is itself a patch (the model forgot to call `apply_patch`); upstream
 * answers such a command with an error instead of running it.
 */
export function isBarePatch(cmd: string): boolean {
  if (!cmd.trimStart().startsWith("*** Begin Patch")) return false;
  try {
    parsePatch(cmd);
    return true;
  } catch {
    return false;
  }
}
