import assert from "node:assert/strict";
import { join } from "node:path";
import {
  applyPatch,
  type ApplyPatchOptions,
  commitPatch,
  planPatch,
} from "../tools/apply_patch/apply.ts";
import { ApplyPatchError } from "../tools/apply_patch/errors.ts";
import { makePolicy, type SandboxMode } from "../lib/sandbox/policy.ts";
import { patch, snapshot, withTempDir, writeFiles } from "./apply_patch_helpers.ts";

function opts(cwd: string, mode: SandboxMode = "workspace-write"): ApplyPatchOptions {
  return { cwd, policy: makePolicy(mode, cwd) };
}

async function failure(text: string, o: ApplyPatchOptions): Promise<ApplyPatchError> {
  try {
    await applyPatch(text, o);
  } catch (err) {
    assert.ok(err instanceof ApplyPatchError, String(err));
    return err;
  }
  throw new Error("expected the patch to fail");
}

Deno.test("add, update and delete in one patch; summary as upstream orders it", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "hello.txt": "hello\nworld\n", "obsolete.txt": "x\n", "z.txt": "z\n" });
    const result = await applyPatch(
      patch(
        "*** Update File: z.txt",
        "@@",
        "-z",
        "+Z",
        "*** Add File: notes/new.txt",
        "+created",
        "*** Delete File: obsolete.txt",
        "*** Update File: hello.txt",
        "@@",
        " hello",
        "-world",
        "+oracle",
        "*** Add File: a.txt",
        "+a",
      ),
      opts(dir),
    );
    assert.deepEqual(result.summary, {
      added: ["notes/new.txt", "a.txt"],
      modified: ["z.txt", "hello.txt"],
      deleted: ["obsolete.txt"],
    });
    // Changes: absolute paths, sorted.
    assert.deepEqual(result.changes.map((c) => [c.path, c.kind]), [
      [join(dir, "a.txt"), "add"],
      [join(dir, "hello.txt"), "update"],
      [join(dir, "notes/new.txt"), "add"],
      [join(dir, "obsolete.txt"), "delete"],
      [join(dir, "z.txt"), "update"],
    ]);
    const hello = result.changes.find((c) => c.path.endsWith("hello.txt"));
    assert.equal(hello?.diff, "@@ -1,2 +1,2 @@\n hello\n-world\n+oracle\n");
    assert.deepEqual(await snapshot(dir), {
      "a.txt": "a\n",
      "hello.txt": "hello\noracle\n",
      "notes/": "",
      "notes/new.txt": "created\n",
      "z.txt": "Z\n",
    });
  });
});

Deno.test("add overwrites an existing file; an add with no lines makes an empty file", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "dup.txt": "old\n" });
    await applyPatch(patch("*** Add File: dup.txt", "+new", "*** Add File: e.txt"), opts(dir));
    assert.deepEqual(await snapshot(dir), { "dup.txt": "new\n", "e.txt": "" });
  });
});

Deno.test("move to a new directory, over an existing file, keeping the file mode", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "old/name.sh": "one\n", "dest.txt": "other\n" });
    await Deno.chmod(join(dir, "old/name.sh"), 0o755);
    const r = await applyPatch(
      patch(
        "*** Update File: old/name.sh",
        "*** Move to: renamed/dir/name.sh",
        "@@",
        "-one",
        "+two",
      ),
      opts(dir),
    );
    assert.deepEqual(r.summary.modified, ["renamed/dir/name.sh"]);
    assert.deepEqual(r.changes, [{
      path: join(dir, "old/name.sh"),
      kind: "update",
      move_path: join(dir, "renamed/dir/name.sh"),
      diff: "@@ -1 +1 @@\n-one\n+two\n",
    }]);
    assert.equal((await Deno.stat(join(dir, "renamed/dir/name.sh"))).mode! & 0o777, 0o755);
    await applyPatch(
      patch("*** Update File: renamed/dir/name.sh", "*** Move to: dest.txt", "@@", "-two", "+3"),
      opts(dir),
    );
    assert.deepEqual(await snapshot(dir), {
      "dest.txt": "3\n",
      "old/": "",
      "renamed/": "",
      "renamed/dir/": "",
    });
  });
});

Deno.test("several chunks apply in order, with @@ locators; out-of-order chunks fail", async () => {
  await withTempDir(async (dir) => {
    const body = "fn a() {\n  x\n}\nfn b() {\n  x\n}\nfn c() {\n  x\n}\n";
    await writeFiles(dir, { "m.rs": body });
    await applyPatch(
      patch("*** Update File: m.rs", "@@ fn b() {", "-  x", "+  y", "@@ fn c() {", "-  x", "+  z"),
      opts(dir),
    );
    assert.equal(
      await Deno.readTextFile(join(dir, "m.rs")),
      "fn a() {\n  x\n}\nfn b() {\n  y\n}\nfn c() {\n  z\n}\n",
    );
    const err = await failure(
      patch("*** Update File: m.rs", "@@", "-  z", "+  Z", "@@", "-  y", "+  Y"),
      opts(dir),
    );
    assert.equal(
      err.message,
      `apply_patch verification failed: Failed to find expected lines in ${dir}/m.rs:\n  y`,
    );
  });
});

Deno.test("pure additions go to the end of the file, as upstream", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "f.txt": "a\nb\nc\n", "blank.txt": "a\n\n", "empty.txt": "" });
    const o = opts(dir);
    await applyPatch(patch("*** Update File: f.txt", "@@ b", "+inserted"), o);
    await applyPatch(patch("*** Update File: blank.txt", "@@", "+x"), o);
    await applyPatch(patch("*** Update File: empty.txt", "@@", "+x"), o);
    const s = await snapshot(dir);
    assert.equal(s["f.txt"], "a\nb\nc\ninserted\n");
    assert.equal(s["blank.txt"], "a\n\nx\n");
    assert.equal(s["empty.txt"], "x\n");
  });
});

Deno.test("insertions at the same point keep chunk order", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "f.txt": "a\nb\n" });
    // A pure addition (goes to the end) followed by a chunk that also inserts at the end.
    await applyPatch(
      patch("*** Update File: f.txt", "+first", "@@", " b", "+second", "*** End of File"),
      opts(dir),
    );
    assert.equal(await Deno.readTextFile(join(dir, "f.txt")), "a\nb\nfirst\nsecond\n");
  });
});

Deno.test("End of File anchors a chunk at the end; elsewhere it does not match", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "eof.txt": "l1\nl2\nl3\nl2\nend\n" });
    await applyPatch(
      patch("*** Update File: eof.txt", "@@", "-l2", "+L2", "-end", "+END", "*** End of File"),
      opts(dir),
    );
    assert.equal(await Deno.readTextFile(join(dir, "eof.txt")), "l1\nl2\nl3\nL2\nEND\n");
    const err = await failure(
      patch("*** Update File: eof.txt", "@@", "-l1", "+L1", "*** End of File"),
      opts(dir),
    );
    assert.match(err.message, /Failed to find expected lines in .*eof\.txt:\nl1$/);
  });
});

Deno.test("a trailing empty line in a chunk stands for the final newline", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "a.txt": "a\nb\n", "b.txt": "a\nb\n" });
    await applyPatch(patch("*** Update File: a.txt", "@@", "-b", "-", "+B", "+"), opts(dir));
    await applyPatch(patch("*** Update File: b.txt", "@@", "-b", "+B", " "), opts(dir));
    const s = await snapshot(dir);
    assert.equal(s["a.txt"], "a\nB\n");
    assert.equal(s["b.txt"], "a\nB\n");
  });
});

Deno.test("matching tolerates whitespace and Unicode punctuation; context keeps the file's text", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, {
      "ws.txt": "  keep  \nold\t\n",
      "u.txt": "a \u2013 b \u201Cq\u201D it\u2019s\u00A0x\nnext\n",
      "ctx.txt": "x \u2014 y\nb\n",
    });
    const o = opts(dir);
    await applyPatch(patch("*** Update File: ws.txt", "@@", " keep", "-old", "+new"), o);
    await applyPatch(patch("*** Update File: u.txt", "@@", `-a - b "q" it's x`, "+replaced"), o);
    await applyPatch(patch("*** Update File: ctx.txt", "@@", " x - y", "-b", "+B"), o);
    const s = await snapshot(dir);
    assert.equal(s["ws.txt"], "  keep  \nnew\n");
    assert.equal(s["u.txt"], "replaced\nnext\n");
    assert.equal(s["ctx.txt"], "x \u2014 y\nB\n");
    // Exact matches win over looser ones later in the file... and earlier ones.
    await writeFiles(dir, { "pick.txt": "x \nx\n" });
    await applyPatch(patch("*** Update File: pick.txt", "@@", "-x", "+Y"), o);
    assert.equal(await Deno.readTextFile(join(dir, "pick.txt")), "x \nY\n");
    // Case, zero-width spaces and ellipses are not normalised.
    await writeFiles(dir, { "case.txt": "A\n", "zw.txt": "x\u200By\n" });
    await failure(patch("*** Update File: case.txt", "@@", "-a", "+b"), o);
    await failure(patch("*** Update File: zw.txt", "@@", "-xy", "+b"), o);
  });
});

Deno.test("line endings: untouched and context lines keep theirs, new lines take the first line's", async () => {
  await withTempDir(async (dir) => {
    const cases: [string, string[], string][] = [
      ["a\r\nb\r\nc\r\n", [" a", "-b", "+B"], "a\r\nB\r\nc\r\n"],
      ["a\r\nb\nc\r\n", [" a", "-b", "+B"], "a\r\nB\r\nc\r\n"],
      ["a\nb\r\nc\r\n", [" a", "-b", "+B", "+NEW"], "a\nB\nNEW\nc\r\n"],
      ["a\r\nb\nc\nd\n", [" b", "-c", "+C", " d"], "a\r\nb\nC\r\nd\n"],
      ["a\r\nb\r\nc", ["-a", "+A"], "A\r\nb\r\nc\r\n"],
      ["x\ny", ["-x", "+X"], "X\ny\n"],
      ["x \r\nx\r\n", ["-x", "+Y"], "x \r\nY\r\n"],
      ["a\nb\n", ["-a", "-b"], ""],
      ["x\ny", [" y", "+z"], "x\ny\nz\n"],
    ];
    for (const [i, [before, chunk, after]] of cases.entries()) {
      await writeFiles(dir, { [`f${i}.txt`]: before });
      await applyPatch(patch(`*** Update File: f${i}.txt`, "@@", ...chunk), opts(dir));
      assert.equal(await Deno.readTextFile(join(dir, `f${i}.txt`)), after, JSON.stringify(before));
    }
  });
});

Deno.test("later hunks see earlier hunks of the same patch", async () => {
  await withTempDir(async (dir) => {
    const r = await applyPatch(
      patch("*** Add File: n.txt", "+one", "*** Update File: n.txt", "@@", "-one", "+two"),
      opts(dir),
    );
    assert.deepEqual(r.summary, { added: ["n.txt"], modified: ["n.txt"], deleted: [] });
    assert.equal(await Deno.readTextFile(join(dir, "n.txt")), "two\n");
  });
});

Deno.test("verification errors quote absolute paths in upstream's words", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "hello.txt": "hello\nworld\n", "dir/x": "" });
    await Deno.writeFile(join(dir, "bin.dat"), new Uint8Array([0xff, 0xfe, 0x00]));
    const o = opts(dir);
    const cases: [string, string][] = [
      [
        patch("*** Update File: missing.txt", "@@", "-a", "+b"),
        `Failed to read file to update ${dir}/missing.txt: No such file or directory (os error 2)`,
      ],
      [
        patch("*** Delete File: nope.txt"),
        `Failed to read ${dir}/nope.txt: No such file or directory (os error 2)`,
      ],
      [
        patch("*** Delete File: dir"),
        `Failed to read ${dir}/dir: path \`${dir}/dir\` is not a file`,
      ],
      [
        patch("*** Update File: dir", "@@", "-a", "+b"),
        `Failed to read file to update ${dir}/dir: path \`${dir}/dir\` is not a file`,
      ],
      [
        patch("*** Update File: bin.dat", "@@", "-a", "+b"),
        `Failed to read file to update ${dir}/bin.dat: stream did not contain valid UTF-8`,
      ],
      [
        patch("*** Update File: hello.txt", "@@ zzz", "-hello", "+b"),
        `Failed to find context 'zzz' in ${dir}/hello.txt`,
      ],
      [
        patch("*** Update File: hello.txt", "@@", "-nothere", "-two", "+b"),
        `Failed to find expected lines in ${dir}/hello.txt:\nnothere\ntwo`,
      ],
      [
        patch("*** Delete File: hello.txt", "*** Update File: hello.txt", "@@", "-a", "+b"),
        `Failed to read file to update ${dir}/hello.txt: No such file or directory (os error 2)`,
      ],
      [
        patch("*** Update File: sub/../missing.txt", "@@", "-a", "+b"),
        `Failed to read file to update ${dir}/missing.txt: No such file or directory (os error 2)`,
      ],
    ];
    const before = await snapshot(dir);
    for (const [text, reason] of cases) {
      const err = await failure(text, o);
      assert.equal(err.kind, "verification");
      assert.equal(err.message, `apply_patch verification failed: ${reason}`);
    }
    assert.deepEqual(await snapshot(dir), before);
    // A binary file can still be deleted.
    await applyPatch(patch("*** Delete File: bin.dat"), o);
    assert.equal(before["bin.dat"] !== undefined, true);
    assert.equal((await snapshot(dir))["bin.dat"], undefined);
  });
});

Deno.test("an empty patch is rejected", async () => {
  await withTempDir(async (dir) => {
    const err = await failure("*** Begin Patch\n*** End Patch\n", opts(dir));
    assert.equal(err.kind, "rejected");
    assert.equal(err.message, "patch rejected: empty patch");
  });
});

Deno.test("one bad hunk of a multi-file patch leaves every file byte-identical", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "a.txt": "a\n", "b.txt": "b\n", "c/d.txt": "d\n", "e.txt": "e\n" });
    const before = await snapshot(dir);
    await failure(
      patch(
        "*** Add File: new/deep/file.txt",
        "+x",
        "*** Update File: a.txt",
        "@@",
        "-a",
        "+A",
        "*** Delete File: b.txt",
        "*** Update File: c/d.txt",
        "*** Move to: moved.txt",
        "@@",
        "-d",
        "+D",
        "*** Update File: e.txt",
        "@@",
        "-not in the file",
        "+E",
      ),
      opts(dir),
    );
    assert.deepEqual(await snapshot(dir), before);
  });
});

Deno.test("a write that fails after verification is undone completely", async () => {
  await withTempDir(async (dir) => {
    // Writing over a directory only fails at write time: earlier writes must be rolled back.
    await writeFiles(dir, { "a.txt": "a\n", "b.txt": "b\n", "adir/keep": "k" });
    const before = await snapshot(dir);
    const err = await failure(
      patch(
        "*** Update File: a.txt",
        "@@",
        "-a",
        "+A",
        "*** Add File: fresh/x.txt",
        "+x",
        "*** Delete File: b.txt",
        "*** Add File: adir",
        "+x",
      ),
      opts(dir),
    );
    assert.equal(err.kind, "write");
    assert.equal(err.message, `Failed to write file ${dir}/adir`);
    assert.deepEqual(await snapshot(dir), before);
  });
});

Deno.test("a rename or removal failing midway rolls back the files already replaced", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n", "d.txt": "d\n" });
    await Deno.chmod(join(dir, "a.txt"), 0o640);
    const before = await snapshot(dir);
    const text = patch(
      "*** Update File: a.txt",
      "@@",
      "-a",
      "+A",
      "*** Add File: new/n.txt",
      "+n",
      "*** Update File: b.txt",
      "*** Move to: moved/b.txt",
      "@@",
      "-b",
      "+B",
      "*** Delete File: c.txt",
      "*** Delete File: d.txt",
    );
    const boom = () => Promise.reject(new Error("injected"));
    for (let failAt = 0; failAt < 3; failAt++) {
      let renames = 0;
      const plan = await planPatch(text, opts(dir));
      await assert.rejects(
        commitPatch(plan, {
          rename: (from, to) => renames++ === failAt ? boom() : Deno.rename(from, to),
        }),
        (err: unknown) => err instanceof ApplyPatchError && err.kind === "write",
      );
      assert.deepEqual(await snapshot(dir), before, `rename ${failAt}`);
    }
    for (let failAt = 0; failAt < 3; failAt++) {
      let removes = 0;
      const plan = await planPatch(text, opts(dir));
      await assert.rejects(
        commitPatch(plan, { remove: (p) => removes++ === failAt ? boom() : Deno.remove(p) }),
        (err: unknown) =>
          err instanceof ApplyPatchError && err.message.startsWith("Failed to delete file "),
      );
      assert.deepEqual(await snapshot(dir), before, `remove ${failAt}`);
    }
    assert.equal((await Deno.stat(join(dir, "a.txt"))).mode! & 0o777, 0o640);
    // And without faults the same plan applies.
    await commitPatch(await planPatch(text, opts(dir)));
    assert.deepEqual(await snapshot(dir), {
      "a.txt": "A\n",
      "moved/": "",
      "moved/b.txt": "B\n",
      "new/": "",
      "new/n.txt": "n\n",
    });
  });
});

Deno.test("sandbox: read-only refuses everything, workspace-write refuses paths outside its roots", async () => {
  await withTempDir(async (root) => {
    const dir = join(root, "ws");
    await writeFiles(root, { "ws/hello.txt": "hello\n", "outside/x.txt": "x\n" });
    await Deno.symlink(join(root, "outside"), join(dir, "escape"));
    const before = await snapshot(root);
    const inside = patch("*** Add File: inside.txt", "+x");
    const ro = await failure(inside, opts(dir, "read-only"));
    assert.equal(ro.kind, "rejected");
    assert.equal(
      ro.message,
      "patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings",
    );
    const outside =
      "patch rejected: writing outside of the project; rejected by user approval settings";
    for (
      const text of [
        patch(
          "*** Update File: hello.txt",
          "@@",
          "-hello",
          "+HELLO",
          `*** Add File: ${root}/o.txt`,
          "+x",
        ),
        patch("*** Add File: ../o.txt", "+x"),
        patch("*** Delete File: ../outside/x.txt"),
        patch("*** Update File: hello.txt", "*** Move to: ../moved.txt", "@@", "-hello", "+h"),
        patch("*** Add File: escape/through-link.txt", "+x"),
        patch("*** Update File: escape/x.txt", "@@", "-x", "+y"),
      ]
    ) {
      const err = await failure(text, opts(dir));
      assert.equal(err.message, outside, text);
    }
    // Verification comes before the policy check.
    const v = await failure(
      patch("*** Update File: nope.txt", "@@", "-a", "+b"),
      opts(dir, "read-only"),
    );
    assert.equal(v.kind, "verification");
    assert.deepEqual(await snapshot(root), before);
    // Extra writable roots and danger-full-access allow writes outside the workspace.
    await applyPatch(patch("*** Add File: ../outside/y.txt", "+y"), {
      cwd: dir,
      policy: makePolicy("workspace-write", dir, [join(root, "outside")]),
    });
    await applyPatch(patch(`*** Add File: ${root}/z.txt`, "+z"), opts(dir, "danger-full-access"));
    const after = await snapshot(root);
    assert.equal(after["outside/y.txt"], "y\n");
    assert.equal(after["z.txt"], "z\n");
  });
});

Deno.test("updating through a symbolic link inside the workspace keeps the link", async () => {
  await withTempDir(async (dir) => {
    await writeFiles(dir, { "real.txt": "a\n" });
    await Deno.symlink("real.txt", join(dir, "link.txt"));
    await applyPatch(patch("*** Update File: link.txt", "@@", "-a", "+b"), opts(dir));
    assert.deepEqual(await snapshot(dir), { "link.txt": "-> real.txt", "real.txt": "b\n" });
  });
});
