import assert from "node:assert/strict";
import { join } from "node:path";
import { collectHome, writeBundleFiles } from "../lib/portable/bundle.ts";

const enc = new TextEncoder();

async function write(root: string, rel: string, text: string): Promise<void> {
  const p = join(root, rel);
  await Deno.mkdir(join(p, ".."), { recursive: true });
  await Deno.writeTextFile(p, text);
}

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dcx-bundle-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("collectHome() takes only the whitelist and referenced instruction files", async () => {
  await withTemp(async (home) => {
    await write(
      home,
      "config.toml",
      'model_instructions_file = "prompts/base.md"\n[profiles.fast]\nmodel_instructions_file = "prompts/fast.md"\n[profiles.dup]\nmodel_instructions_file = "AGENTS.md"\n',
    );
    await write(home, ".env", "OPENAI_API_KEY=sk-test\n");
    await write(home, "AGENTS.md", "be nice");
    await write(home, "AGENTS.override.md", "be nicer");
    await write(home, "prompts/base.md", "base");
    await write(home, "prompts/fast.md", "fast");
    await write(home, "prompts/unused.md", "unused");
    await write(home, "skills/a/SKILL.md", "skill a");
    await write(home, "skills/a/scripts/run.sh", "echo");
    await write(home, "skills/.system/b/SKILL.md", "skill b");
    await write(home, "sessions/2026/rollout.jsonl", "{}");
    await write(home, "history.jsonl", "{}");
    await write(home, "log/codex.log", "log");
    await write(home, "auth.json", "{}");
    const got = await collectHome(home);
    assert.deepEqual(got.files.map((f) => f.path), [
      ".env",
      "AGENTS.md",
      "AGENTS.override.md",
      "config.toml",
      "prompts/base.md",
      "prompts/fast.md",
      "skills/.system/b/SKILL.md",
      "skills/a/SKILL.md",
      "skills/a/scripts/run.sh",
    ]);
    assert.deepEqual(got.warnings, []);
    assert.equal(new TextDecoder().decode(got.files[0].data), "OPENAI_API_KEY=sk-test\n");
  });
});

Deno.test("collectHome() refuses a missing home, a missing config.toml and bad TOML", async () => {
  await withTemp(async (dir) => {
    await assert.rejects(() => collectHome(join(dir, "nope")), /not a directory/);
    await assert.rejects(() => collectHome(dir), /has no config.toml/);
    await write(dir, "config.toml", "model = [\n");
    await assert.rejects(() => collectHome(dir), /invalid TOML/);
  });
});

Deno.test("collectHome() refuses instruction files outside the home, warns on missing ones", async () => {
  await withTemp(async (dir) => {
    const home = join(dir, "home");
    await write(dir, "outside.md", "x");
    await write(home, "config.toml", 'model_instructions_file = "../outside.md"\n');
    await assert.rejects(() => collectHome(home), /contains '\.\.'/);
    await write(home, "config.toml", `model_instructions_file = "${join(dir, "outside.md")}"\n`);
    await assert.rejects(() => collectHome(home), /outside the Codex home/);
    await write(home, "config.toml", '[profiles.p]\nmodel_instructions_file = "gone.md"\n');
    const got = await collectHome(home);
    assert.deepEqual(got.files.map((f) => f.path), ["config.toml"]);
    assert.match(got.warnings.join("\n"), /gone\.md.*profile 'p'.*not found/);
  });
});

Deno.test("collectHome() follows links inside the home and skips links that leave it", async () => {
  await withTemp(async (dir) => {
    const home = join(dir, "home");
    await write(home, "config.toml", "");
    await write(dir, "secret/id_rsa", "PRIVATE");
    await write(home, "skills/real/SKILL.md", "real");
    await Deno.symlink(join(dir, "secret"), join(home, "skills", "leak"));
    await Deno.symlink(join(dir, "secret", "id_rsa"), join(home, "AGENTS.md"));
    await Deno.symlink(join(home, "skills", "real"), join(home, "skills", "alias"));
    await Deno.symlink(join(home, "skills"), join(home, "skills", "real", "loop"));
    const got = await collectHome(home);
    const paths = got.files.map((f) => f.path);
    assert.deepEqual(paths, ["config.toml", "skills/alias/SKILL.md", "skills/real/SKILL.md"]);
    assert.ok(!got.files.some((f) => new TextDecoder().decode(f.data) === "PRIVATE"));
    assert.match(got.warnings.join("\n"), /skills\/leak: it links outside/);
    assert.match(got.warnings.join("\n"), /AGENTS\.md: it links outside/);
    assert.match(got.warnings.join("\n"), /skills\/real\/loop\/: it links back/);
  });
});

Deno.test("writeBundleFiles() makes private folders and files and never writes through links", async () => {
  await withTemp(async (dir) => {
    const out = join(dir, "out");
    await Deno.mkdir(out);
    await writeBundleFiles(out, [
      { path: "config.toml", data: enc.encode("a") },
      { path: "skills/x/SKILL.md", data: enc.encode("b") },
    ]);
    assert.equal((await Deno.stat(join(out, "config.toml"))).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(join(out, "skills"))).mode! & 0o777, 0o700);
    assert.equal((await Deno.stat(join(out, "skills/x/SKILL.md"))).mode! & 0o777, 0o600);
    assert.equal(await Deno.readTextFile(join(out, "skills/x/SKILL.md")), "b");

    const victim = join(dir, "victim");
    await Deno.mkdir(victim);
    await Deno.remove(join(out, "skills"), { recursive: true });
    await Deno.symlink(victim, join(out, "skills"));
    await assert.rejects(
      () => writeBundleFiles(out, [{ path: "skills/x/SKILL.md", data: enc.encode("evil") }]),
      /not a plain folder/,
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(victim)), []);

    await Deno.writeTextFile(join(victim, "target.txt"), "keep");
    await Deno.symlink(join(victim, "target.txt"), join(out, "AGENTS.md"));
    await writeBundleFiles(out, [{ path: "AGENTS.md", data: enc.encode("new") }]);
    assert.equal(await Deno.readTextFile(join(victim, "target.txt")), "keep");
    assert.equal(await Deno.readTextFile(join(out, "AGENTS.md")), "new");
  });
});
