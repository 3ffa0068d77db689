/**
 * Sandbox policies: what a command or a patch may touch.
 *
 * @module
 */

import { isAbsolute, relative, resolve } from "../path.ts";

/** The three sandbox modes of `-s/--sandbox` and `sandbox_mode`. */
export type SandboxMode = "read-only" | "workspace-write" | "danger-full-access";

/** All sandbox modes, in the order the CLI lists them. */
export const SANDBOX_MODES: readonly SandboxMode[] = [
  "read-only",
  "workspace-write",
  "danger-full-access",
];

/** The resolved policy a thread runs with. */
export interface SandboxPolicy {
  mode: SandboxMode;
  /** Absolute paths writable under `workspace-write` (the workspace first, then `--add-dir` and `writable_roots`). */
  writableRoots: string[];
  /** Outbound network for sandboxed commands (`[sandbox_workspace_write] network_access`). */
  networkAccess: boolean;
}

/** A policy for `mode` with `cwd` as the workspace. */
export function makePolicy(
  mode: SandboxMode,
  cwd: string,
  extraRoots: string[] = [],
  networkAccess = false,
): SandboxPolicy {
  const roots = [cwd, ...extraRoots].map((p) => resolve(cwd, p));
  return {
    mode,
    writableRoots: [...new Set(roots)],
    networkAccess: mode === "danger-full-access" ? true : networkAccess,
  };
}

/** True when `path` is inside `root` (or is `root`). */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** True when the policy lets a tool write `absPath` directly (patches, file writes). */
export function canWrite(policy: SandboxPolicy, absPath: string): boolean {
  if (policy.mode === "danger-full-access") return true;
  if (policy.mode === "read-only") return false;
  return policy.writableRoots.some((root) => isWithin(root, absPath));
}

/** The `sandbox` value of `x-codex-turn-metadata`: `none` unsandboxed, `seccomp` on Linux otherwise. */
export function metadataSandboxTag(mode: SandboxMode): string {
  return mode === "danger-full-access" ? "none" : "seccomp";
}
