import assert from "node:assert/strict";
import { join } from "node:path";
import { probeGit } from "../lib/agent/git.ts";
import { cleanup, git, makeWorkspace } from "./helpers.ts";

Deno.test("probeGit: HEAD and changes in a repository; nothing outside one; no commit yet", async () => {
  const ws = await makeWorkspace({ "a.txt": "a\n" });
  const plain = await Deno.realPath(await Deno.makeTempDir({ prefix: "dcx-plain-" }));
  const fresh = await Deno.realPath(await Deno.makeTempDir({ prefix: "dcx-fresh-" }));
  try {
    const head = (await git(ws, "rev-parse", "HEAD")).trim();
    assert.deepEqual(await probeGit(ws), {
      isRepo: true,
      workspaces: { [ws]: { latest_git_commit_hash: head, has_changes: false } },
    });
    await Deno.writeTextFile(join(ws, "b.txt"), "untracked\n");
    assert.equal((await probeGit(ws)).workspaces[ws].has_changes, true);
    assert.deepEqual(await probeGit(plain), { isRepo: false, workspaces: {} });
    await git(fresh, "init", "-q");
    assert.deepEqual(await probeGit(fresh), {
      isRepo: true,
      workspaces: { [fresh]: { has_changes: false } },
    });
  } finally {
    await cleanup(ws, plain, fresh);
  }
});
