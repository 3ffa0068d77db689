import assert from "node:assert/strict";
import { join } from "node:path";
import { createListDirTool } from "../tools/list_dir.ts";
import { toolContext as context } from "./helpers.ts";

async function withTree(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "src", "lib", "deep"), { recursive: true });
    await Deno.mkdir(join(dir, "docs"));
    await Deno.mkdir(join(dir, "empty"));
    for (const f of ["README.md", ".env", "src/main.ts", "src/lib/a.ts", "src/lib/deep/x.ts"]) {
      await Deno.writeTextFile(join(dir, f), "x");
    }
    await Deno.symlink(join(dir, "src"), join(dir, "link"));
    const fifo = await new Deno.Command("mkfifo", { args: [join(dir, "docs", "pipe")] }).output();
    assert.equal(fifo.code, 0);
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function list(args: Record<string, unknown>): Promise<{ text: string; ok: boolean }> {
  const res = await createListDirTool().run(JSON.stringify(args), context("/"));
  return { text: String(res.output), ok: res.success !== false };
}

Deno.test("list_dir: default depth 2, sorted by path, kinds marked", async () => {
  await withTree(async (dir) => {
    const { text, ok } = await list({ dir_path: dir });
    assert.equal(ok, true);
    assert.equal(
      text,
      [
        `Absolute path: ${dir}`,
        ".env",
        "README.md",
        "docs/",
        "  pipe?",
        "empty/",
        "link@",
        "src/",
        "  lib/",
        "  main.ts",
      ].join("\n"),
    );
  });
});

Deno.test("list_dir: depth 1 and depth 4", async () => {
  await withTree(async (dir) => {
    assert.equal(
      (await list({ dir_path: dir, depth: 1 })).text,
      [`Absolute path: ${dir}`, ".env", "README.md", "docs/", "empty/", "link@", "src/"].join("\n"),
    );
    const deep = (await list({ dir_path: join(dir, "src"), depth: 4 })).text;
    assert.equal(
      deep,
      [`Absolute path: ${join(dir, "src")}`, "lib/", "  a.ts", "  deep/", "    x.ts", "main.ts"]
        .join("\n"),
    );
  });
});

Deno.test("list_dir: offset and limit page through entries", async () => {
  await withTree(async (dir) => {
    assert.equal(
      (await list({ dir_path: dir, offset: 3, limit: 2 })).text,
      [`Absolute path: ${dir}`, "docs/", "  pipe?", "More than 2 entries found"].join("\n"),
    );
    assert.equal(
      (await list({ dir_path: dir, offset: 8, limit: 5 })).text,
      [`Absolute path: ${dir}`, "  lib/", "  main.ts"].join("\n"),
    );
  });
});

Deno.test("list_dir: an empty directory lists just its header", async () => {
  await withTree(async (dir) => {
    assert.equal(
      (await list({ dir_path: join(dir, "empty") })).text,
      `Absolute path: ${join(dir, "empty")}`,
    );
  });
});

Deno.test("list_dir: names as long as the file system allows are shown whole", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // File systems cap names at 255 bytes, below the 500-character cut.
    const name = "n".repeat(255);
    await Deno.writeTextFile(join(dir, name), "");
    assert.equal((await list({ dir_path: dir })).text, `Absolute path: ${dir}\n${name}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("list_dir: every error path", async () => {
  await withTree(async (dir) => {
    const cases: [Record<string, unknown>, string][] = [
      [{ dir_path: "src" }, "Error: `dir_path` must be an absolute path."],
      [{ dir_path: dir, offset: 0 }, "Error: `offset` must be a 1-indexed entry number."],
      [{ dir_path: dir, limit: 0 }, "Error: `limit` must be greater than zero."],
      [{ dir_path: dir, depth: 0 }, "Error: `depth` must be greater than zero."],
      [{ dir_path: join(dir, "nope") }, `Error: \`${join(dir, "nope")}\` does not exist.`],
      [
        { dir_path: join(dir, "README.md") },
        `Error: \`${join(dir, "README.md")}\` is not a directory.`,
      ],
      [{ dir_path: dir, offset: 11 }, "Error: `offset` exceeds directory entry count."],
    ];
    for (const [args, message] of cases) {
      const res = await list(args);
      assert.equal(res.text, message, JSON.stringify(args));
      assert.equal(res.ok, false);
    }
    const wrongType = await list({ dir_path: dir, depth: "2" });
    assert.equal(wrongType.ok, false);
    assert.match(wrongType.text, /depth/);
  });
});

Deno.test("list_dir: is a parallel tool", () => {
  assert.equal(createListDirTool().parallel, true);
});
