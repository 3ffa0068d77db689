/**
 * Git facts about the workspace for `x-codex-turn-metadata.workspaces` and the `exec` repository
 * check. One `git` process per probe; `prefetchGit` starts it early (before the config is even
 * loaded) and the first turn picks the result up.
 *
 * @module
 */

import type { WorkspaceInfo } from "../model/request.ts";

/** What one probe learns. */
export interface GitProbe {
  /** Inside a work tree. */
  isRepo: boolean;
  workspaces: Record<string, WorkspaceInfo>;
}

/** Runs `git args` in `cwd`: exit code and stdout, or `null` when git cannot start. */
export async function runGit(
  cwd: string,
  args: string[],
): Promise<{ code: number; stdout: string } | null> {
  try {
    const out = await new Deno.Command("git", {
      args,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
  } catch {
    return null;
  }
}

/**
 * Probes `cwd` with one `git status --porcelain=v2 --branch`: a repository or not (exit code),
 * the HEAD commit (`# branch.oid`, `(initial)` before the first commit) and uncommitted changes
 * (any entry line).
 */
export async function probeGit(cwd: string): Promise<GitProbe> {
  const out = await runGit(cwd, ["status", "--porcelain=v2", "--branch"]);
  if (!out || out.code !== 0) return { isRepo: false, workspaces: {} };
  const info: WorkspaceInfo = {};
  let changes = false;
  for (const line of out.stdout.split("\n")) {
    if (line.startsWith("# branch.oid ")) {
      const oid = line.slice("# branch.oid ".length).trim();
      if (/^[0-9a-f]{40,64}$/.test(oid)) info.latest_git_commit_hash = oid;
    } else if (line && !line.startsWith("#")) {
      changes = true;
    }
  }
  info.has_changes = changes;
  return { isRepo: true, workspaces: { [cwd]: info } };
}

const prefetched = new Map<string, Promise<GitProbe>>();

/** Starts a probe of `cwd` that the next {@linkcode isGitRepo} or {@linkcode workspaceInfo} uses. */
export function prefetchGit(cwd: string): void {
  if (!prefetched.has(cwd)) prefetched.set(cwd, probeGit(cwd));
}

/**
 * Makes the next {@linkcode isGitRepo} / {@linkcode workspaceInfo} of `cwd` use `probe` (a
 * recent probe shared by the threads of one agent tree, so a sub-agent's first request does not
 * wait for git).
 */
export function primeGit(cwd: string, probe: Promise<GitProbe>): void {
  prefetched.set(cwd, probe);
}

function takeProbe(cwd: string, consume: boolean): Promise<GitProbe> {
  const p = prefetched.get(cwd);
  if (!p) return probeGit(cwd);
  if (consume) prefetched.delete(cwd);
  return p;
}

/** True when `cwd` is inside a git work tree. */
export async function isGitRepo(cwd: string): Promise<boolean> {
  return (await takeProbe(cwd, false)).isRepo;
}

/** `{ <cwd>: { latest_git_commit_hash, has_changes } }`, or `{}` outside a repository. */
export async function workspaceInfo(cwd: string): Promise<Record<string, WorkspaceInfo>> {
  return (await takeProbe(cwd, true)).workspaces;
}
