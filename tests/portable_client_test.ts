import assert from "node:assert/strict";
import { join } from "node:path";
import { callHome, putHome } from "../lib/portable/client.ts";
import { encryptBundle } from "../lib/portable/crypto.ts";
import { decryptBundle } from "../lib/portable/crypto.ts";
import { callIdOf } from "../lib/portable/crypto.ts";
import { PortableError } from "../lib/portable/errors.ts";
import { startStorageServer, storagePaths } from "../lib/portable/server.ts";
import { formatCallToken, parseCallToken, parseStorageAddress } from "../lib/portable/spec.ts";

const API_KEY = "sk-test-9f8e7d6c5b4a-portable";
const HOUR = 3600_000;

interface Fixture {
  dir: string;
  home: string;
  /** An empty HOME of "the other machine". */
  otherHome: string;
  root: string;
  server: Awaited<ReturnType<typeof startStorageServer>>;
}

async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dcx-client-" });
  const home = join(dir, "codex");
  const otherHome = join(dir, "other");
  const root = join(dir, "storage");
  await Deno.mkdir(join(home, "skills", "hello"), { recursive: true });
  await Deno.mkdir(join(home, "sessions"), { recursive: true });
  await Deno.mkdir(otherHome);
  await Deno.writeTextFile(
    join(home, "config.toml"),
    'model = "gpt-test"\nmodel_instructions_file = "base.md"\n',
  );
  await Deno.writeTextFile(join(home, ".env"), `OPENAI_API_KEY=${API_KEY}\n`);
  await Deno.writeTextFile(join(home, "AGENTS.md"), "Always answer in haiku.\n");
  await Deno.writeTextFile(join(home, "base.md"), "Base instructions marker.\n");
  await Deno.writeTextFile(join(home, "skills", "hello", "SKILL.md"), "---\nname: hello\n---\n");
  await Deno.writeTextFile(join(home, "sessions", "s.jsonl"), "private session\n");
  const server = await startStorageServer({ root, port: 0, maxBytes: 1 << 20, ttlMs: HOUR });
  try {
    await fn({ dir, home, otherHome, root, server });
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

function target(f: Fixture) {
  return parseStorageAddress(`127.0.0.1:${f.server.port}`);
}

async function storedObjects(f: Fixture): Promise<Uint8Array[]> {
  const dir = storagePaths(f.root).objects;
  const out: Uint8Array[] = [];
  for await (const e of Deno.readDir(dir)) out.push(await Deno.readFile(join(dir, e.name)));
  return out;
}

/** A port nothing listens on (bound, then released). */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

Deno.test("--put then --call round-trips a home into an empty HOME, encrypted at rest", async () => {
  await withFixture(async (f) => {
    const lines: string[] = [];
    const put = await putHome({ homeDir: f.home, target: target(f), out: (l) => lines.push(l) });
    const last = lines[lines.length - 1];
    assert.match(
      last,
      /^denocodex --call [1-9A-HJ-NP-Za-km-z]{22}-[1-9A-HJ-NP-Za-km-z]{22}@127\.0\.0\.1:\d+$/,
    );
    assert.equal(last, `denocodex --call ${put.token}`);
    assert.ok(lines.includes(`[put] target: 127.0.0.1:${f.server.port}`));
    assert.ok(lines.some((l) => /^\[put\]\s+\d+ B\s+\.env$/.test(l)), lines.join("\n"));
    assert.ok(lines.some((l) => l.startsWith("[put] verified:")));
    assert.ok(
      !lines.slice(0, -1).join("\n").includes(put.token!.split("-")[0]),
      "secret only on the last line",
    );
    assert.ok(!lines.join("\n").includes(API_KEY));
    assert.deepEqual(put.files.map((x) => x.path), [
      ".env",
      "AGENTS.md",
      "base.md",
      "config.toml",
      "skills/hello/SKILL.md",
    ]);

    // Stored files contain no plaintext.
    const objects = await storedObjects(f);
    assert.equal(objects.length, 1);
    const text = new TextDecoder("latin1").decode(objects[0]);
    for (
      const needle of [API_KEY, "haiku", "Base instructions", "gpt-test", "SKILL", "config.toml"]
    ) {
      assert.ok(!text.includes(needle), needle);
    }

    const env = { HOME: f.otherHome };
    const called = await callHome(put.token!, { env });
    assert.equal(called.codexHome, join(f.otherHome, ".local/state/denocodex/called", put.callId!));
    assert.equal(
      await Deno.readTextFile(join(called.codexHome, ".env")),
      `OPENAI_API_KEY=${API_KEY}\n`,
    );
    assert.equal(
      await Deno.readTextFile(join(called.codexHome, "AGENTS.md")),
      "Always answer in haiku.\n",
    );
    assert.ok(!(await exists(join(called.codexHome, "sessions"))), "sessions never travel");
    assert.equal((await Deno.stat(called.codexHome)).mode! & 0o777, 0o700);
    for (const rel of called.files) {
      assert.equal((await Deno.stat(join(called.codexHome, rel))).mode! & 0o777, 0o600, rel);
    }
    assert.equal((await Deno.stat(join(called.codexHome, "skills/hello"))).mode! & 0o777, 0o700);
    const leftovers = (await Array.fromAsync(Deno.readDir(join(called.codexHome, "..")))).map((e) =>
      e.name
    );
    assert.deepEqual(leftovers, [put.callId]);

    // Calling again refreshes bundled files and keeps what the session wrote.
    await Deno.writeTextFile(join(called.codexHome, "history.jsonl"), "kept\n");
    await Deno.writeTextFile(join(called.codexHome, "AGENTS.md"), "changed locally\n");
    const again = await callHome(put.token!, {
      env: { XDG_STATE_HOME: join(f.otherHome, ".local/state"), HOME: "/nonexistent" },
    });
    assert.equal(again.codexHome, called.codexHome);
    assert.equal(await Deno.readTextFile(join(called.codexHome, "history.jsonl")), "kept\n");
    assert.equal(
      await Deno.readTextFile(join(called.codexHome, "AGENTS.md")),
      "Always answer in haiku.\n",
    );
  });
});

Deno.test("--put --dry-run lists the files and touches no server", async () => {
  await withFixture(async (f) => {
    const lines: string[] = [];
    const nowhere = parseStorageAddress("127.0.0.1:9");
    const res = await putHome({
      homeDir: f.home,
      target: nowhere,
      dryRun: true,
      out: (l) => lines.push(l),
    });
    assert.equal(res.token, undefined);
    assert.equal(lines[lines.length - 1], "[put] dry run: nothing was uploaded");
    assert.ok(lines.some((l) => l.endsWith("  skills/hello/SKILL.md")));
    assert.deepEqual(await storedObjects(f), []);
  });
});

Deno.test("--put fails with one clear line when nothing listens, before reading the home", async () => {
  const lines: string[] = [];
  const port = freePort();
  const err = await putHome({
    homeDir: "/nonexistent/home",
    target: parseStorageAddress(`127.0.0.1:${port}`),
    out: (l) => lines.push(l),
  }).catch((e) => e);
  assert.ok(err instanceof PortableError);
  assert.match(
    err.message,
    new RegExp(
      `^no storage server answers at http://127\\.0\\.0\\.1:${port} \\(connection refused\\); start one with: denocodex storage-server --port ${port} --root DIR$`,
    ),
  );
  assert.ok(!err.message.includes("\n"));
});

Deno.test("--put refuses a server that is not a denocodex storage server", async () => {
  await using srv = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("hello"),
  );
  const err = await putHome({
    homeDir: "/nonexistent",
    target: parseStorageAddress(`127.0.0.1:${srv.addr.port}`),
    out: () => {},
  }).catch((e) => e);
  assert.match(String(err.message), /is not a denocodex storage server/);
});

Deno.test("--call with a wrong secret, a cut token or a tampered bundle writes nothing", async () => {
  await withFixture(async (f) => {
    const put = await putHome({ homeDir: f.home, target: target(f), out: () => {} });
    const token = parseCallToken(put.token!);
    const env = { HOME: f.otherHome };
    const state = join(f.otherHome, ".local");
    const other = formatCallToken("2".repeat(22), token.callId, token.target);
    await assert.rejects(
      () => callHome(other, { env }),
      /secret is wrong or the bundle was altered/,
    );
    await assert.rejects(() => callHome(put.token!.replace(/.@/, "@"), { env }), /cut off/);
    await assert.rejects(() => callHome(put.token!.slice(1), { env }), /cut off/);
    await assert.rejects(() => callHome(put.token!.replace(/:\d+$/, ""), { env }), /missing port/);
    const unknown = formatCallToken(token.secret, "3".repeat(22), token.target);
    await assert.rejects(() => callHome(unknown, { env }), /call id not found/);
    assert.ok(!(await exists(state)), "nothing written so far");

    // Flip one byte of the stored object: the content address no longer matches.
    const file = join(storagePaths(f.root).objects, `${token.callId}.bin`);
    const obj = await Deno.readFile(file);
    obj[obj.length - 5] ^= 0x40;
    await Deno.writeFile(file, obj);
    await assert.rejects(() => callHome(put.token!, { env }), /does not match its call id/);

    // A re-encrypted forgery stored under its own id fails the GCM tag (wrong key).
    const forged = await encryptBundle(new TextEncoder().encode("evil"), "4".repeat(22));
    const forgedId = await callIdOf(forged);
    await Deno.writeFile(join(storagePaths(f.root).objects, `${forgedId}.bin`), forged);
    const forgedToken = formatCallToken(token.secret, forgedId, token.target);
    await assert.rejects(() => callHome(forgedToken, { env }), /secret is wrong/);
    assert.ok(!(await exists(state)), "still nothing written");
    // Sanity: the forgery decrypts with its own secret, so only the key made the difference.
    assert.equal(new TextDecoder().decode(await decryptBundle(forged, "4".repeat(22))), "evil");
  });
});

Deno.test("--put reports a 413 from the server with what to do", async () => {
  await withFixture(async (f) => {
    const root = join(f.dir, "small");
    const small = await startStorageServer({ root, port: 0, maxBytes: 100, ttlMs: HOUR });
    try {
      const big = crypto.getRandomValues(new Uint8Array(4096));
      await Deno.writeFile(join(f.home, "skills", "hello", "blob.bin"), big);
      const err = await putHome({
        homeDir: f.home,
        target: parseStorageAddress(`127.0.0.1:${small.port}`),
        out: () => {},
      }).catch((e) => e);
      assert.ok(err instanceof PortableError);
      assert.match(err.message, /refused the bundle .*too large.*raise --max-bytes/);
    } finally {
      await small.shutdown();
    }
  });
});
