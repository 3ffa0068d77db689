import assert from "node:assert/strict";
import { join } from "node:path";
import { toolSpec } from "../tools/define.ts";
import { createExecTools } from "../tools/exec/mod.ts";
import { ToolRegistry } from "../tools/registry.ts";
import {
  BARE_PATCH_ERROR,
  createApplyPatchTool,
  interceptApplyPatch,
  runApplyPatch,
  runInterceptedApplyPatch,
} from "../tools/apply_patch/tool.ts";
import {
  patch,
  recordingContext,
  snapshot,
  withTempDir,
  writeFiles,
} from "./apply_patch_helpers.ts";

const FIXTURE_PATCH =
  "*** Begin Patch\n*** Update File: hello.txt\n@@\n hello\n-world\n+oracle\n*** Add File: notes.txt\n+created by the oracle script\n*** Delete File: obsolete.txt\n*** End Patch\n";

Deno.test("apply_patch is declared like upstream (description aside)", async () => {
  const spec = toolSpec(createApplyPatchTool());
  const url = new URL(
    "../../shared/fixtures/upstream-codex-0.169/tool-shapes/gpt-5.5.json",
    import.meta.url,
  );
  const upstream = (JSON.parse(await Deno.readTextFile(url)) as Record<string, unknown>[])
    .find((t) => t.name === "apply_patch")!;
  assert.equal(typeof spec.description, "string");
  assert.ok((spec.description as string).length > 50);
  delete spec.description;
  const { description: _, ...expected } = upstream;
  assert.deepEqual(spec, expected);
  assert.deepEqual(Object.keys(spec), ["type", "name", "format"]);
  assert.equal(createApplyPatchTool().parallel, false);
});

Deno.test("the fixture's patch gives the fixture's output and events", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "hello.txt": "hello\nworld\n", "obsolete.txt": "old\n" });
    const { ctx, events } = recordingContext(dir);
    const result = await createApplyPatchTool().run(FIXTURE_PATCH, ctx);
    assert.equal(result.success, true);
    // Wall time depends on the machine; everything else is the fixture's text.
    assert.equal(
      String(result.output).replace(/^(Exit code: 0\nWall time: )\d+(\.\d)?( seconds)/, "$1<s>$3"),
      "Exit code: 0\nWall time: <s> seconds\nOutput:\nSuccess. Updated the following files:\nA notes.txt\nM hello.txt\nD obsolete.txt\n",
    );
    assert.deepEqual(events.map((e) => e.type), ["patch_apply_begin", "patch_apply_end"]);
    const changes = [
      { path: join(dir, "hello.txt"), kind: "update" },
      { path: join(dir, "notes.txt"), kind: "add" },
      { path: join(dir, "obsolete.txt"), kind: "delete" },
    ];
    for (const e of events) {
      assert.ok(e.type === "patch_apply_begin" || e.type === "patch_apply_end");
      assert.equal(e.call_id, "call_test");
      assert.deepEqual(e.changes.map(({ path, kind }) => ({ path, kind })), changes);
    }
    assert.equal(events[1].type === "patch_apply_end" && events[1].success, true);
    assert.deepEqual(await snapshot(dir), {
      "hello.txt": "hello\noracle\n",
      "notes.txt": "created by the oracle script\n",
    });
  });
});

Deno.test("a failing patch answers upstream's text and emits no event", async () => {
  await withTempDir(async (dir) => {
    const { ctx, events } = recordingContext(dir);
    const tool = createApplyPatchTool();
    const missing = await tool.run(
      "*** Begin Patch\n*** Update File: missing.txt\n@@\n-a\n+b\n*** End Patch\n",
      ctx,
    );
    assert.equal(missing.success, false);
    assert.equal(
      missing.output,
      `apply_patch verification failed: Failed to read file to update ${dir}/missing.txt: No such file or directory (os error 2)`,
    );
    const empty = await tool.run("*** Begin Patch\n*** End Patch\n", ctx);
    assert.equal(empty.output, "patch rejected: empty patch");
    const garbage = await tool.run("please apply my change", ctx);
    assert.equal(
      garbage.output,
      "apply_patch verification failed: invalid patch: The first line of the patch must be '*** Begin Patch'",
    );
    const { ctx: ro } = recordingContext(dir, "read-only");
    const refused = await tool.run(patch("*** Add File: a.txt", "+a"), ro);
    assert.equal(
      refused.output,
      "patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings",
    );
    assert.deepEqual(events, []);
    assert.deepEqual(await snapshot(dir), {});
  });
});

Deno.test("a write failure reports Exit code 1, emits a failed end event and changes nothing", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "a.txt": "a\n", "dir/x": "x" });
    const { ctx, events } = recordingContext(dir);
    const before = await snapshot(dir);
    const result = await runApplyPatch(
      patch("*** Update File: a.txt", "@@", "-a", "+A", "*** Add File: dir", "+x"),
      ctx,
      { now: () => 0 },
    );
    assert.equal(result.success, false);
    assert.equal(
      result.output,
      `Exit code: 1\nWall time: 0 seconds\nOutput:\nFailed to write file ${dir}/dir\n`,
    );
    assert.deepEqual(events.map((e) => e.type === "patch_apply_end" ? e.success : e.type), [
      "patch_apply_begin",
      false,
    ]);
    assert.deepEqual(await snapshot(dir), before);
  });
});

Deno.test("a special file is never read nor overwritten", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "a.txt": "a\n" });
    const sock = join(dir, "fifo");
    const made = await new Deno.Command("mkfifo", { args: [sock] }).output();
    assert.equal(made.code, 0);
    const { ctx, events } = recordingContext(dir);
    const before = await snapshot(dir);
    const add = await runApplyPatch(
      patch("*** Update File: a.txt", "@@", "-a", "+A", "*** Add File: fifo", "+x"),
      ctx,
      { now: () => 0 },
    );
    assert.equal(
      add.output,
      `Exit code: 1\nWall time: 0 seconds\nOutput:\nFailed to write file ${sock}\n`,
    );
    const update = await runApplyPatch(patch("*** Update File: fifo", "@@", "-a", "+b"), ctx);
    assert.equal(
      update.output,
      `apply_patch verification failed: Failed to read file to update ${sock}: path \`${sock}\` is not a file`,
    );
    assert.deepEqual(events, []);
    assert.deepEqual(await snapshot(dir), before);
  });
});

Deno.test("wall time is rounded to a tenth of a second", async () => {
  await withTempDir(async (dir) => {
    const { ctx } = recordingContext(dir);
    const times = [1000, 2530];
    const result = await runApplyPatch(patch("*** Add File: a.txt", "+a"), ctx, {
      now: () => times.shift()!,
    });
    assert.match(String(result.output), /^Exit code: 0\nWall time: 1\.5 seconds\n/);
  });
});

Deno.test("function-call style input and a workdir", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "sub/keep": "" });
    const { ctx, events } = recordingContext(dir);
    const registry = new ToolRegistry([createApplyPatchTool()]);
    const result = await registry.dispatch({
      type: "function_call",
      name: "apply_patch",
      call_id: "call_fn",
      arguments: JSON.stringify({ input: patch("*** Add File: f.txt", "+via function") }),
    }, ctx);
    assert.equal(result.success, true);
    assert.match(String(result.output), /\nA f\.txt\n$/);
    // The JSON form also works when handed to the freeform tool directly.
    const direct = await createApplyPatchTool().run(
      JSON.stringify({ input: patch("*** Add File: g.txt", "+g") }),
      ctx,
    );
    assert.equal(direct.success, true);
    const sub = await runApplyPatch(patch("*** Add File: h.txt", "+h"), ctx, { workdir: "sub" });
    assert.match(String(sub.output), /\nA h\.txt\n$/);
    assert.equal(events.length, 6);
    assert.deepEqual(await snapshot(dir), {
      "f.txt": "via function\n",
      "g.txt": "g\n",
      "sub/": "",
      "sub/h.txt": "h\n",
      "sub/keep": "",
    });
  });
});

Deno.test("exec_command interception applies heredoc patches and leaves other commands alone", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "sub/keep": "", "w/keep": "" });
    const { ctx, events } = recordingContext(dir);
    const ok = await runInterceptedApplyPatch(
      "cd sub && apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch\nEOF\n",
      ctx,
    );
    assert.ok(ok);
    assert.equal(ok.success, true);
    assert.match(
      String(ok.output),
      /^Wall time: \d+\.\d{4} seconds\nOutput:\nExit code: 0\nWall time: \d+(\.\d)? seconds\nOutput:\nSuccess\. Updated the following files:\nA a\.txt\n$/,
    );
    // The call's own workdir comes first, then the script's `cd`.
    const nested = await runInterceptedApplyPatch(
      "applypatch <<EOF\n*** Begin Patch\n*** Add File: b.txt\n+y\n*** End Patch\nEOF",
      ctx,
      "w",
    );
    assert.equal(nested?.success, true);
    const failed = await runInterceptedApplyPatch(
      "apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: nope.txt\n@@\n-x\n+y\n*** End Patch\nEOF\n",
      ctx,
    );
    assert.equal(
      failed?.output,
      `apply_patch verification failed: Failed to read file to update ${dir}/nope.txt: No such file or directory (os error 2)`,
    );
    const bare = await runInterceptedApplyPatch(patch("*** Add File: c.txt", "+z"), ctx);
    assert.deepEqual(bare, { output: BARE_PATCH_ERROR, success: false });
    assert.equal(await runInterceptedApplyPatch("ls -la", ctx), null);
    assert.equal(
      await runInterceptedApplyPatch(
        "echo hi; apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: d.txt\n+x\n*** End Patch\nEOF\n",
        ctx,
      ),
      null,
    );
    assert.equal(events.length, 4);
    assert.deepEqual(await snapshot(dir), {
      "sub/": "",
      "sub/a.txt": "x\n",
      "sub/keep": "",
      "w/": "",
      "w/b.txt": "y\n",
      "w/keep": "",
    });
  });
});

Deno.test("exec_command with interceptApplyPatch applies heredoc patches and runs other commands", async () => {
  await withTempDir(async (dir) => {
    const { ctx, events } = recordingContext(dir, "danger-full-access");
    ctx.env = { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" };
    const { execCommand, manager } = createExecTools({ intercept: interceptApplyPatch });
    try {
      const cmd =
        "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch\nEOF\n";
      const patched = await execCommand.run(JSON.stringify({ cmd }), ctx);
      assert.equal(patched.success, true);
      assert.match(String(patched.output), /^Wall time: [\d.]+ seconds\nOutput:\nExit code: 0\n/);
      assert.deepEqual(events.map((e) => e.type), ["patch_apply_begin", "patch_apply_end"]);
      const ran = await execCommand.run(JSON.stringify({ cmd: "cat a.txt" }), ctx);
      // (a login shell may print its own noise first)
      assert.match(String(ran.output), /Process exited with code 0\n[\s\S]*Output:\n[\s\S]*x\n$/);
    } finally {
      await manager.shutdown();
    }
  });
});
