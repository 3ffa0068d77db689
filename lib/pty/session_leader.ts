/**
 * Spawning a command as the leader of a new session and process group, so that one signal to
 * the group reaches it and everything it starts.
 *
 * util-linux `setsid` is used when present: Deno starts it with a cheap `posix_spawn`, and as
 * our child is no group leader, `setsid` calls `setsid()` and execs the command in place (the
 * pid we see is the command's pid, pgid and sid). Without it, Deno's `detached` option does the
 * same through a slower `fork`.
 *
 * @module
 */

import { DEFAULT_PATH, findExecutable } from "./which.ts";

/** Options of {@linkcode spawnSessionLeader}: those of `Deno.Command` minus `detached`. */
export type LeaderSpawnOptions = Omit<Deno.CommandOptions, "args" | "detached">;

/** Starts `argv` as a new session leader. */
export function spawnSessionLeader(argv: string[], opts: LeaderSpawnOptions): Deno.ChildProcess {
  if (argv.length === 0) throw new TypeError("empty command");
  const setsid = findExecutable("setsid", DEFAULT_PATH);
  if (setsid) {
    return new Deno.Command(setsid, { ...opts, args: ["--wait", ...argv] }).spawn();
  }
  return new Deno.Command(argv[0], { ...opts, args: argv.slice(1), detached: true }).spawn();
}
