/**
 * Finding out whether commands can be sandboxed here, and refusing clearly when they cannot:
 * a sandboxed mode never falls back to running a command unconfined.
 *
 * @example
 * ```ts
 * import { makePolicy } from "./policy.ts";
 * import { createSandboxWrapper } from "./detect.ts";
 *
 * const wrap = createSandboxWrapper();
 * const argv = await wrap(["sh", "-c", "ls"], makePolicy("read-only", "/ws"), { cwd: "/ws" });
 * // throws SandboxUnavailableError (install bubblewrap, or choose danger-full-access)
 * ```
 *
 * @module
 */

import { DEFAULT_PATH, findExecutable } from "../pty/which.ts";
import type { SandboxMode, SandboxPolicy } from "./policy.ts";
import { READ_ONLY_ROOT_ARGS, wrapCommand } from "./bwrap.ts";

/** Options shared by the probe and the wrapper. */
export interface SandboxDetectOptions {
  /** The bwrap executable to use (a path or a name looked up on `PATH`); default `"bwrap"`. */
  bwrapPath?: string;
  /** Environment whose `PATH` is searched (default: the process environment). */
  env?: Record<string, string>;
}

/** The outcome of {@linkcode sandboxAvailable}. */
export type SandboxProbe =
  | { available: true; bwrapPath: string }
  | { available: false; reason: string };

/** A sandboxed mode was asked for but no sandbox can be set up. */
export class SandboxUnavailableError extends Error {
  /** The mode that could not be enforced. */
  readonly mode: SandboxMode;

  constructor(mode: SandboxMode, reason: string) {
    super(
      `the ${mode} sandbox cannot be set up: ${reason}. Install bubblewrap ` +
        "(e.g. `apt-get install bubblewrap`) or choose danger-full-access " +
        "(`-s danger-full-access`) to run commands without a sandbox",
    );
    this.name = "SandboxUnavailableError";
    this.mode = mode;
  }
}

function searchPath(opts: SandboxDetectOptions): string {
  return opts.env?.PATH ?? Deno.env.get("PATH") ?? DEFAULT_PATH;
}

/**
 * Checks that bubblewrap exists and can create the namespaces the sandbox needs, by running
 * `true` inside a minimal sandbox (about 20 ms).
 */
export async function sandboxAvailable(opts: SandboxDetectOptions = {}): Promise<SandboxProbe> {
  if (Deno.build.os !== "linux") {
    return { available: false, reason: `no sandbox implementation for ${Deno.build.os}` };
  }
  const name = opts.bwrapPath ?? "bwrap";
  const bwrap = findExecutable(name, searchPath(opts));
  if (!bwrap) {
    return {
      available: false,
      reason: name.includes("/") ? `${name} does not exist` : `${name} not found on PATH`,
    };
  }
  const truePath = findExecutable("true", DEFAULT_PATH) ?? "true";
  try {
    const out = await new Deno.Command(bwrap, {
      args: [
        "--unshare-user",
        "--unshare-pid",
        "--unshare-net",
        ...READ_ONLY_ROOT_ARGS,
        "--",
        truePath,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    if (out.success) return { available: true, bwrapPath: bwrap };
    const msg = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
    return { available: false, reason: `${bwrap} failed: ${msg || `exit code ${out.code}`}` };
  } catch (err) {
    return { available: false, reason: `${bwrap} could not start: ${(err as Error).message}` };
  }
}

/** Turns a command into its sandboxed form for a policy; see {@linkcode createSandboxWrapper}. */
export type SandboxWrapper = (
  argv: string[],
  policy: SandboxPolicy,
  opts: { cwd: string },
) => Promise<string[]>;

/**
 * A wrapper that probes bubblewrap once (on first sandboxed use) and then wraps commands with
 * {@linkcode wrapCommand}. `danger-full-access` commands pass through without a probe.
 *
 * @throws {SandboxUnavailableError} (from the returned function) when a sandboxed mode is
 * requested and the probe failed.
 */
export function createSandboxWrapper(opts: SandboxDetectOptions = {}): SandboxWrapper {
  let probe: Promise<SandboxProbe> | null = null;
  return async (argv, policy, { cwd }) => {
    if (policy.mode === "danger-full-access") return [...argv];
    probe ??= sandboxAvailable(opts);
    const result = await probe;
    if (!result.available) throw new SandboxUnavailableError(policy.mode, result.reason);
    return wrapCommand(argv, policy, { cwd, bwrapPath: result.bwrapPath });
  };
}
