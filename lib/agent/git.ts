/**
 * Git facts about the workspace for `x-codex-turn-metadata.workspaces` and the `exec` repository
 * check. Two `git` processes run in parallel; `prefetchGit` starts them early (before the config
 * is even loaded) and the first turn picks the result up.
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

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  const out = await runGit(cwd, args);
  return out?.code === 0 ? out.stdout : undefined;
}

/** Probes `cwd`: repository or not, HEAD commit, uncommitted changes. */
export async function probeGit(cwd: string): Promise<GitProbe> {
  const [revParse, status] = await Promise.all([
    git(cwd, ["rev-parse", "--is-inside-work-tree", "HEAD"]),
    git(cwd, ["status", "--porcelain"]),
  ]);
  // Without a commit `rev-parse` fails as a whole; `status` still tells us it is a repository.
  const lines = revParse?.trim().split("\n") ?? [];
  const isRepo = lines[0] === "true" || status !== undefined;
  if (!isRepo) return { isRepo: false, workspaces: {} };
  const info: WorkspaceInfo = {};
  if (lines[1]) info.latest_git_commit_hash = lines[1].trim();
  if (status !== undefined) info.has_changes = status.trim().length > 0;
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
