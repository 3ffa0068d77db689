/**
 * Git facts about the workspace for `x-codex-turn-metadata.workspaces`.
 *
 * @module
 */

import type { WorkspaceInfo } from "../model/request.ts";

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("git", {
      args,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout) : undefined;
  } catch {
    return undefined;
  }
}

/** True when `cwd` is inside a git work tree. */
export async function isGitRepo(cwd: string): Promise<boolean> {
  return (await git(cwd, ["rev-parse", "--is-inside-work-tree"]))?.trim() === "true";
}

/** `{ <cwd>: { latest_git_commit_hash, has_changes } }`, or `{}` outside a repository. */
export async function workspaceInfo(cwd: string): Promise<Record<string, WorkspaceInfo>> {
  const [head, status] = await Promise.all([
    git(cwd, ["rev-parse", "HEAD"]),
    git(cwd, ["status", "--porcelain"]),
  ]);
  if (head === undefined && status === undefined) return {};
  const info: WorkspaceInfo = {};
  if (head) info.latest_git_commit_hash = head.trim();
  if (status !== undefined) info.has_changes = status.trim().length > 0;
  return { [cwd]: info };
}
