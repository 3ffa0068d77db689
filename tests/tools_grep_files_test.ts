import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { createGrepFilesTool } from "../tools/grep_files.ts";
import type { ToolContext } from "../tools/define.ts";
import { globRegExp } from "../tools/fs/glob_regex.ts";
import { GlobOverrides, IgnorePatterns } from "../tools/fs/ignore_rules.ts";
import { rustRegExp } from "../tools/fs/rust_regex.ts";
import { makePolicy } from "../lib/sandbox/policy.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

function context(cwd: string, env: Record<string, string>, signal?: AbortSignal): ToolContext {
  return {
    cwd,
    signal: signal ?? new AbortController().signal,
    callId: "call_1",
    turnId: "turn_1",
    threadId: "thread_1",
    sandbox: makePolicy("read-only", cwd),
    approvalPolicy: "never",
    collaborationMode: "default",
    env,
    emit: () => {},
    services: {},
  };
}

const rgInstalled = (() => {
  try {
    return new Deno.Command("rg", { args: ["--version"], stdout: "null" }).outputSync().success;
  } catch {
    return false;
  }
})();

const enc = new TextEncoder();

/** Files of the test tree: path -> content (string or bytes). */
function treeFiles(): Record<string, string | Uint8Array> {
  const nulEarly = new Uint8Array(200);
  nulEarly.set(enc.encode("hello binary\n"));
  const utf16 = new Uint8Array([
    0xff,
    0xfe,
    ...[..."hello utf16\n"].flatMap((c) => [c.charCodeAt(0), 0]),
  ]);
  return {
    "repo/.git/info/exclude": "excluded.txt\n",
    "repo/.git/HEAD": "hello from git internals\n",
    "repo/.gitignore": "*.log\n!keep.log\nbuild/\n/anchored.txt\ndocs/**/*.tmp\n!.env\n",
    "repo/.ignore": "ign.ts\n",
    "repo/.env": "hello=secret-free\n",
    "repo/.hidden.ts": "hello hidden\n",
    "repo/.hid/h.ts": "hello in hidden dir\n",
    "repo/a.ts": "const greeting = 'hello';\n",
    "repo/b.js": "hello world\r\n",
    "repo/anchored.txt": "hello anchored\n",
    "repo/sub/anchored.txt": "hello nested anchored\n",
    "repo/excluded.txt": "hello excluded\n",
    "repo/ign.ts": "hello ignored by .ignore\n",
    "repo/build/out.ts": "hello build\n",
    "repo/debug.log": "hello log\n",
    "repo/sub/keep.log": "hello kept log\n",
    "repo/sub/.gitignore": "local.ts\n",
    "repo/sub/local.ts": "hello local\n",
    "repo/sub/.rgignore": "rgonly.ts\n!debug2.log\n",
    "repo/sub/rgonly.ts": "hello rgignored\n",
    "repo/sub/debug2.log": "hello re-included by .rgignore\n",
    "repo/sub/deep/d.ts": "function foo() { return 'hello'; }\n",
    "repo/sub/deep/empty.txt": "",
    "repo/sub/deep/noeol.txt": "hello without newline",
    "repo/docs/x/y.tmp": "hello tmp\n",
    "repo/docs/readme.md": "Hello Docs\n\nsecond paragraph\n",
    "repo/bin/early.bin": nulEarly,
    "repo/enc/utf16.txt": utf16,
    "repo/enc/bom.txt": new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode("hello bom\n")]),
    "repo/enc/latin1.txt": new Uint8Array([0x68, 0xe9, 0x6c, 0x6c, 0x6f, 0x0a]),
    "repo/enc/unicode.txt": "héllo wörld ٣٤٥\n",
    "repo/nested/.git/HEAD": "ref\n",
    "repo/nested/x.log": "hello log in nested repo\n",
    "plain/.gitignore": "*.log\n",
    "plain/p.log": "hello not in a repo\n",
    "plain/p.ts": "hello plain\n",
    "plain/global.skip": "hello global\n",
    "home/.config/git/ignore": "*.skip\n",
  };
}

async function withTree(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir();
  try {
    const files = Object.entries(treeFiles());
    for (const [rel, content] of files) {
      const path = join(root, rel);
      await Deno.mkdir(dirname(path), { recursive: true });
      if (typeof content === "string") await Deno.writeTextFile(path, content);
      else await Deno.writeFile(path, content);
    }
    await Deno.mkdir(join(root, "repo/plain-in-repo"), { recursive: true });
    await Deno.writeTextFile(join(root, "repo/plain-in-repo/z.skip"), "hello global in repo\n");
    await Deno.symlink(join(root, "repo/a.ts"), join(root, "repo/link.ts"));
    await Deno.symlink(join(root, "repo/sub"), join(root, "repo/linkdir"));
    // Distinct modification times, newest = last listed, with two ties to check path order.
    const all = [...files.map(([rel]) => rel), "repo/plain-in-repo/z.skip"].sort();
    let t = 1_700_000_000;
    for (const rel of all) {
      const tie = rel === "repo/sub/deep/d.ts" || rel === "repo/a.ts";
      await Deno.utime(join(root, rel), tie ? 1_690_000_000 : t, tie ? 1_690_000_000 : t);
      t += 7;
    }
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

type Case = { pattern: string; include?: string; path?: string; limit?: number; cwd?: string };

const CASES: Case[] = [
  { pattern: "hello" },
  { pattern: "hello", path: "repo/sub" },
  { pattern: "hello", path: "plain" },
  { pattern: "^hello" },
  { pattern: "h.llo" },
  { pattern: "(?i)hello docs" },
  { pattern: "\\bfoo\\b" },
  { pattern: "world$" },
  { pattern: "hello", include: "*.ts" },
  { pattern: "hello", include: "*.log" },
  { pattern: "hello", include: "!*.ts" },
  { pattern: "hello", include: "repo/sub/**" },
  { pattern: "hello", include: "sub/*.ts", cwd: "repo" },
  { pattern: "hello", include: "{a,b}.*" },
  { pattern: "hello", include: "**/deep/*" },
  { pattern: "hello", include: "[a-c].?s" },
  { pattern: "^$" },
  { pattern: "[[:digit:]]" },
  { pattern: "\\p{Arabic}+" },
  { pattern: "\\w+\\s\\w+", limit: 3 },
  { pattern: "hello", path: "repo/a.ts" },
  { pattern: "hello", path: "repo/bin/early.bin" },
  { pattern: "nothing-matches-this" },
];

async function runBoth(root: string, c: Case): Promise<[string, string]> {
  const env = { PATH, HOME: join(root, "home") };
  const ctx = context(join(root, c.cwd ?? ""), env);
  const args = JSON.stringify({
    pattern: c.pattern,
    include: c.include,
    path: c.path,
    limit: c.limit,
  });
  const viaRg = await createGrepFilesTool().run(args, ctx);
  const builtin = await createGrepFilesTool({ ripgrep: false }).run(args, ctx);
  return [String(viaRg.output), String(builtin.output)];
}

Deno.test({
  name: "grep_files: ripgrep and the built-in search give identical results and order",
  ignore: !rgInstalled,
  fn: async () => {
    await withTree(async (root) => {
      for (const c of CASES) {
        const [viaRg, builtin] = await runBoth(root, c);
        if (Deno.env.get("GREP_TEST_DEBUG")) console.log(JSON.stringify(c), "\n", viaRg);
        assert.equal(builtin, viaRg, JSON.stringify(c));
      }
    });
  },
});

Deno.test("grep_files: the built-in search follows ripgrep's rules", async () => {
  await withTree(async (root) => {
    const env = { PATH: "/nonexistent", HOME: join(root, "home") };
    const tool = createGrepFilesTool(); // no rg on this PATH: falls back to the built-in search
    const run = async (c: Case) =>
      String((await tool.run(JSON.stringify(c), context(join(root, c.cwd ?? ""), env))).output);
    const rel = (out: string) => out.split("\n").map((p) => p.slice(root.length + 1));
    const all = rel(await run({ pattern: "hello", limit: 2000 }));
    const expected = [
      "plain/p.ts",
      "plain/p.log", // .gitignore applies only inside a git repository
      "plain/global.skip", // so does the global excludes file
      "repo/sub/keep.log", // re-included with !keep.log
      "repo/sub/debug2.log", // re-included by .rgignore, which outranks .gitignore
      "repo/sub/deep/noeol.txt",
      "repo/nested/x.log", // the outer .gitignore stops at the nested repository
      "repo/enc/utf16.txt",
      "repo/enc/bom.txt",
      "repo/b.js",
      "repo/.env", // hidden, but re-included with !.env
      "repo/sub/anchored.txt",
    ];
    for (const want of expected) {
      assert.ok(all.includes(want), `${want} should match: ${all.join(", ")}`);
    }
    for (
      const skipped of [
        "repo/.hidden.ts",
        "repo/.hid/h.ts",
        "repo/.git/HEAD",
        "repo/anchored.txt",
        "repo/excluded.txt",
        "repo/ign.ts",
        "repo/build/out.ts",
        "repo/debug.log",
        "repo/sub/local.ts",
        "repo/sub/rgonly.ts",
        "repo/docs/x/y.tmp",
        "repo/bin/early.bin",
        "repo/link.ts",
        "repo/plain-in-repo/z.skip",
      ]
    ) {
      assert.ok(!all.some((p) => p === skipped || p.startsWith("repo/linkdir/")), skipped);
    }
    // Newest first; a tie in modification time is broken by path.
    assert.deepEqual(rel(await run({ pattern: "return|greeting", limit: 5 })), [
      "repo/a.ts",
      "repo/sub/deep/d.ts",
    ]);
    assert.deepEqual(rel(await run({ pattern: "hello", include: "*.ts", limit: 2 })), [
      "repo/sub/rgonly.ts",
      "repo/sub/local.ts",
    ]);
    assert.equal(await run({ pattern: "zzz-nothing" }), "No matches found.");
    // An explicitly named file is searched even when binary or ignored.
    assert.equal(
      await run({ pattern: "hello", path: "repo/bin/early.bin" }),
      join(root, "repo/bin/early.bin"),
    );
  });
});

Deno.test("grep_files: big files (read in pieces) agree with ripgrep", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines = (n: number) => "filler line of text\n".repeat(n);
    const bytes = (s: string) => enc.encode(s);
    const withNul = (before: string, after: string) =>
      new Uint8Array([...bytes(before), 0, ...bytes(after)]);
    const files: Record<string, Uint8Array> = {
      // needle on the last line, no trailing newline
      "last.txt": bytes(lines(30000) + "the needle"),
      // needle early, NUL much later: ripgrep stops at the match before reading the NUL
      "late-nul.txt": withNul(lines(100) + "needle\n" + lines(30000), "tail\n"),
      // NUL after the first 64 KiB but before the needle: binary
      "nul-first.txt": withNul(lines(5000), lines(20000) + "needle\n"),
      // one 400 KB line with the needle at its end
      "long-line.txt": bytes("x".repeat(400_000) + "needle\n"),
      // needle across the end of the first 256 KiB read
      "boundary.txt": bytes("y".repeat(262_140) + "needle\n" + lines(100)),
      // a big file without the needle
      "none.txt": bytes(lines(40000)),
    };
    for (const [name, content] of Object.entries(files)) {
      await Deno.writeFile(join(dir, name), content);
    }
    const want = ["boundary.txt", "last.txt", "late-nul.txt", "long-line.txt"];
    const ctx = context(dir, { PATH });
    for (const ripgrep of rgInstalled ? ["rg", false] as const : [false] as const) {
      const out = await createGrepFilesTool({ ripgrep }).run('{"pattern":"needle$"}', ctx);
      const names = String(out.output).split("\n").map((p) => p.slice(dir.length + 1)).sort();
      assert.deepEqual(names, want, `backend ${ripgrep}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("grep_files: FIFOs are never opened (no hang)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "a.txt"), "needle\n");
    const made = await new Deno.Command("mkfifo", { args: [join(dir, "pipe")] }).output();
    assert.equal(made.code, 0);
    const ctx = context(dir, { PATH });
    for (const ripgrep of rgInstalled ? ["rg", false] as const : [false] as const) {
      const out = await createGrepFilesTool({ ripgrep }).run('{"pattern":"needle"}', ctx);
      assert.equal(out.output, join(dir, "a.txt"));
    }
    const direct = await createGrepFilesTool({ ripgrep: false }).run(
      '{"pattern":"needle","path":"pipe"}',
      ctx,
    );
    assert.equal(direct.output, "No matches found.");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("grep_files: argument errors", async () => {
  await withTree(async (root) => {
    for (const ripgrep of [undefined, false] as const) {
      const tool = createGrepFilesTool(ripgrep === undefined ? {} : { ripgrep });
      const ctx = context(root, { PATH });
      const run = async (args: Record<string, unknown>) => {
        const res = await tool.run(JSON.stringify(args), ctx);
        return { text: String(res.output), ok: res.success !== false };
      };
      assert.deepEqual(await run({ pattern: "" }), {
        text: "Error: `pattern` must not be empty.",
        ok: false,
      });
      assert.deepEqual(await run({ pattern: "x", limit: 0 }), {
        text: "Error: `limit` must be greater than zero.",
        ok: false,
      });
      assert.deepEqual(await run({ pattern: "x", path: "missing" }), {
        text: "Error: unable to access `missing`.",
        ok: false,
      });
      const badRegex = await run({ pattern: "a(b" });
      assert.equal(badRegex.ok, false);
      assert.match(badRegex.text, /^Error: (rg failed|invalid pattern): .*regex parse error/s);
      const newline = await run({ pattern: "a\\nb" });
      assert.equal(newline.ok, false);
      assert.match(newline.text, /not allowed in a regex/);
      const badGlob = await run({ pattern: "x", include: "[a" });
      assert.equal(badGlob.ok, false);
      assert.match(badGlob.text, /^Error: /);
    }
  });
});

Deno.test("grep_files: limit caps the list (at most 2000)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (let i = 0; i < 30; i++) await Deno.writeTextFile(join(dir, `f${i}.txt`), "needle\n");
    for (const ripgrep of ["rg", false] as const) {
      const tool = createGrepFilesTool({ ripgrep });
      const out = await tool.run(
        JSON.stringify({ pattern: "needle", limit: 7 }),
        context(dir, { PATH }),
      );
      assert.equal(String(out.output).split("\n").length, 7);
      const many = await tool.run(
        JSON.stringify({ pattern: "needle", limit: 5000 }),
        context(dir, { PATH }),
      );
      assert.equal(String(many.output).split("\n").length, 30);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("grep_files: ripgrep failures, time limit and interruption", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "a.txt"), "x\n");
    const failing = join(dir, "failing-rg");
    await Deno.writeTextFile(failing, "#!/bin/sh\necho 'boom: broken' >&2\nexit 2\n");
    const slow = join(dir, "slow-rg");
    await Deno.writeTextFile(slow, "#!/bin/sh\nexec sleep 5\n");
    await Deno.chmod(failing, 0o755);
    await Deno.chmod(slow, 0o755);
    const ctx = context(dir, { PATH });
    const failed = await createGrepFilesTool({ ripgrep: failing }).run('{"pattern":"x"}', ctx);
    assert.equal(failed.output, "Error: rg failed: boom: broken");
    assert.equal(failed.success, false);

    const timed = await createGrepFilesTool({ ripgrep: slow, timeoutMs: 300 }).run(
      '{"pattern":"x"}',
      ctx,
    );
    assert.match(String(timed.output), /^Error: rg timed out after \d+ seconds\.$/);

    const abort = new AbortController();
    const pending = createGrepFilesTool({ ripgrep: slow }).run(
      '{"pattern":"x"}',
      context(dir, { PATH }, abort.signal),
    );
    setTimeout(() => abort.abort(), 100);
    const interrupted = await pending;
    assert.equal(interrupted.output, "Error: the search was interrupted.");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("grep_files: is a parallel tool", () => {
  assert.equal(createGrepFilesTool().parallel, true);
});

Deno.test("globs: ripgrep's glob semantics", () => {
  const t = (glob: string, path: string) => globRegExp(glob).test(path);
  assert.equal(t("*.ts", "a.ts"), true);
  assert.equal(t("*.ts", "dir/a.ts"), false);
  assert.equal(t("**/*.ts", "dir/a.ts"), true);
  assert.equal(t("**/*.ts", "a.ts"), true);
  assert.equal(t("a/**/b", "a/b"), true);
  assert.equal(t("a/**/b", "a/x/y/b"), true);
  assert.equal(t("a/**", "a/x/y"), true);
  assert.equal(t("?.md", "ab.md"), false);
  assert.equal(t("[!a]*", "b"), true);
  assert.equal(t("[!a]*", "a"), false);
  assert.equal(t("{x,y}.js", "y.js"), true);
  assert.equal(t("\\*.js", "*.js"), true);
  assert.equal(t("\\*.js", "a.js"), false);
  assert.throws(() => globRegExp("a**"));
  assert.throws(() => globRegExp("[a"));
  assert.throws(() => globRegExp("{a,{b}}"));
});

Deno.test("ignore patterns: anchoring, directories, negation, last match wins", () => {
  const p = IgnorePatterns.parse(
    "/r",
    "# c\n*.log\n!keep.log\n/top.txt\nbuild/\nfoo/**\n\\#hash\n",
  );
  assert.equal(p.match("/r/a.log", false), "ignore");
  assert.equal(p.match("/r/x/keep.log", false), "whitelist");
  assert.equal(p.match("/r/top.txt", false), "ignore");
  assert.equal(p.match("/r/x/top.txt", false), undefined);
  assert.equal(p.match("/r/build", true), "ignore");
  assert.equal(p.match("/r/build", false), undefined);
  assert.equal(p.match("/r/foo/a", false), "ignore");
  assert.equal(p.match("/r/foo", true), undefined);
  assert.equal(p.match("/r/#hash", false), "ignore");
  const o = new GlobOverrides("/r", ["*.ts"]);
  assert.equal(o.match("/r/a.ts", false), "whitelist");
  assert.equal(o.match("/r/a.js", false), "ignore");
  assert.equal(o.match("/r/dir", true), undefined);
  assert.throws(() => new GlobOverrides("/r", ["[x"]));
});

Deno.test("rust regex translation: line semantics and syntax", () => {
  const m = (p: string, s: string) => rustRegExp(p).test(s);
  assert.equal(m("a\\sb", "a\nb"), false);
  assert.equal(m("a[^x]b", "a\nb"), false);
  assert.equal(m("^$", "x\n\ny"), true);
  assert.equal(m("^$", "x\ny"), false);
  assert.equal(m("a$", "a\r\nb"), false);
  assert.equal(m("a(?i)b|c", "C"), true);
  assert.equal(m("a(?i)b|c", "Ab"), false);
  assert.equal(m("(?x) a b # comment", "ab"), true);
  assert.equal(m("[a-z&&[^aeiou]]", "e"), false);
  assert.equal(m("[[:upper:]]", "aBc"), true);
  assert.equal(m("\\w+ber", "Über"), true);
  assert.equal(m("(?-u:\\w)ber", "Über"), false);
  assert.equal(m("é.", "é\uFFFD"), false);
  assert.equal(m("\\p{Greek}", "α"), true);
  assert.equal(m("(?P<n>ab)c", "abc"), true);
  assert.equal(m("\\x{41}\\u0042", "AB"), true);
  assert.equal(m("(?U)a+b", "aab"), true);
  for (const bad of ["a\\nb", "(?=a)", "\\1", "\\e", "[", "(a", "a)", "\\p{NotAProperty}"]) {
    assert.throws(() => rustRegExp(bad), bad);
  }
});
