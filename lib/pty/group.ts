/**
 * Process groups: every command we start leads its own group (and session), so one signal
 * reaches the command and everything it spawned.
 *
 * @module
 */

/**
 * Sends `signal` to the whole process group led by `pgid`. Returns `false` when the group no
 * longer exists (or the signal could not be sent), never throws.
 */
export function killProcessGroup(pgid: number, signal: Deno.Signal = "SIGKILL"): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    Deno.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Pids of live (non-zombie) processes whose process group is `pgid`, read from `/proc`.
 * Empty when none remain (or `/proc` is unavailable).
 */
export function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  let entries: Iterable<Deno.DirEntry>;
  try {
    entries = Deno.readDirSync("/proc");
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
    } catch {
      continue;
    }
    // Fields after the parenthesised command name: state ppid pgrp ...
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (rest[0] === "Z" || rest[0] === "X") continue;
    if (Number(rest[2]) === pgid) pids.push(Number(entry.name));
  }
  return pids;
}
