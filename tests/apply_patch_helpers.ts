/**
 * Shared helpers of the `apply_patch` tests: temp workspaces, tree snapshots and a tool context
 * that records events.
 *
 * @module
 */

import { join } from "node:path";
import type { ToolContext } from "../tools/define.ts";
import type { ToolActivityEvent } from "../lib/protocol/events.ts";
import { makePolicy, type SandboxMode } from "../lib/sandbox/policy.ts";

/** Runs `fn` in a fresh temp directory (its real path), removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "apply_patch_test_" }));
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Writes `files` (relative path -> content) under `dir`, creating folders. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeTextFile(path, content);
  }
}

/** Every entry under `dir`: files as `path -> content`, directories as `path/ -> ""`. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(rel: string) {
    const entries = [];
    for await (const e of Deno.readDir(join(dir, rel))) entries.push(e);
    entries.sort((a, b) => a.name < b.name ? -1 : 1);
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) {
        out[`${r}/`] = "";
        await walk(r);
      } else if (e.isSymlink) {
        out[r] = `-> ${await Deno.readLink(join(dir, r))}`;
      } else if (!e.isFile) {
        out[r] = "<special file>"; // never read: a FIFO would block
      } else {
        out[r] = await Deno.readTextFile(join(dir, r));
      }
    }
  }
  await walk("");
  return out;
}

/** A tool context for `cwd` that records emitted events. */
export function recordingContext(
  cwd: string,
  mode: SandboxMode = "workspace-write",
): { ctx: ToolContext; events: ToolActivityEvent[] } {
  const events: ToolActivityEvent[] = [];
  const ctx: ToolContext = {
    cwd,
    signal: new AbortController().signal,
    callId: "call_test",
    turnId: "turn_test",
    threadId: "thread_test",
    sandbox: makePolicy(mode, cwd),
    approvalPolicy: "never",
    collaborationMode: "default",
    env: {},
    emit: (e) => events.push(e),
    services: {},
  };
  return { ctx, events };
}

/** Builds a patch from its body lines. */
export function patch(...lines: string[]): string {
  return ["*** Begin Patch", ...lines, "*** End Patch", ""].join("\n");
}
