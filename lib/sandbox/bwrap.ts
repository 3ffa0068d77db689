/**
 * The bubblewrap (`bwrap`) command line that confines one command to a sandbox policy on Linux.
 *
 * - The whole filesystem is visible read-only (`--ro-bind / /`), with fresh `/dev` and `/proc`.
 * - `workspace-write`: a private, empty `/tmp`, then each existing writable root bound
 *   read-write on top (so a workspace under `/tmp` stays visible and writable).
 * - `read-only`: nothing is writable at all.
 * - No network (`--unshare-net`, only a loopback of its own) unless the policy allows it.
 * - `--unshare-user --cap-drop ALL`: without them a root caller keeps every capability inside
 *   and could remount `/` read-write, so they are always present.
 * - `--die-with-parent`; no `--new-session`, so a command on a pseudo-terminal keeps its tty.
 *
 * @example
 * ```ts
 * import { makePolicy } from "./policy.ts";
 * import { wrapCommand } from "./bwrap.ts";
 *
 * const policy = makePolicy("workspace-write", "/work/ws");
 * const argv = wrapCommand(["/bin/bash", "-lc", "make"], policy, { cwd: "/work/ws" });
 * // ["bwrap", "--unshare-user", ..., "--bind", "/work/ws", "/work/ws", ..., "--", "/bin/bash", ...]
 * ```
 *
 * @module
 */

import { resolve } from "../path.ts";
import { isWithin, type SandboxPolicy } from "./policy.ts";

/** Options of {@linkcode wrapCommand}. */
export interface WrapOptions {
  /** The command's working directory (absolute). */
  cwd: string;
  /** The bwrap executable (default `"bwrap"`, found on `PATH` at spawn time). */
  bwrapPath?: string;
  /** Folders replaced by a private empty tmpfs under `workspace-write` (default `["/tmp"]`). */
  privateTmp?: string[];
  /** Checks that a path exists (default: `Deno.statSync`); injectable for tests. */
  exists?: (path: string) => boolean;
}

function pathExists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Drops every capability (as root, bwrap without it is no sandbox), dies with its parent and
 * mounts the root read-only with fresh `/dev` and `/proc`: shared by every bwrap line we build.
 */
export const READ_ONLY_ROOT_ARGS: readonly string[] = [
  "--cap-drop",
  "ALL",
  "--die-with-parent",
  "--ro-bind",
  "/",
  "/",
  "--dev",
  "/dev",
  "--proc",
  "/proc",
];

/**
 * The argv that runs `argv` inside the sandbox described by `policy`. Under
 * `danger-full-access` `argv` is returned unchanged (a copy).
 */
export function wrapCommand(argv: string[], policy: SandboxPolicy, opts: WrapOptions): string[] {
  if (policy.mode === "danger-full-access") return [...argv];
  const exists = opts.exists ?? pathExists;
  const cwd = resolve(opts.cwd);
  const out: string[] = [
    opts.bwrapPath ?? "bwrap",
    "--unshare-user",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
  ];
  if (!policy.networkAccess) out.push("--unshare-net");
  out.push(...READ_ONLY_ROOT_ARGS);
  const writable: string[] = [];
  if (policy.mode === "workspace-write") {
    const tmps = (opts.privateTmp ?? ["/tmp"]).map((p) => resolve(p)).filter(exists);
    for (const tmp of tmps) out.push("--tmpfs", tmp);
    for (const root of policy.writableRoots.map((r) => resolve(r))) {
      if (writable.includes(root) || !exists(root)) continue;
      out.push("--bind", root, root);
      writable.push(root);
    }
    // A working directory hidden by a private tmp (and not writable) stays readable.
    const hidden = tmps.some((t) => isWithin(t, cwd)) && !writable.some((r) => isWithin(r, cwd));
    if (hidden && exists(cwd)) out.push("--ro-bind", cwd, cwd);
  }
  out.push("--chdir", cwd, "--", ...argv);
  return out;
}
