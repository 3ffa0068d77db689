import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { putCommand, resolveCall } from "../lib/cli/put_cmd.ts";
import {
  parseByteSize,
  parseDuration,
  storageServerCommand,
} from "../lib/cli/storage_server_cmd.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const CMD_URL = new URL("../lib/cli/storage_server_cmd.ts", import.meta.url).href;
const KEY = "sk-cli-test-0123456789abcdef";

function capture() {
  const out: string[] = [];
  return { out, write: (t: string) => void out.push(t), text: () => out.join("") };
}

Deno.test("parseDuration() and parseByteSize() accept units and reject junk", () => {
  assert.equal(parseDuration("7d"), 7 * 86_400_000);
  assert.equal(parseDuration("12h"), 12 * 3_600_000);
  assert.equal(parseDuration("30m"), 1_800_000);
  assert.equal(parseDuration("500ms"), 500);
  for (const bad of ["7", "1w", "-1d", "0h", "d"]) {
    assert.throws(() => parseDuration(bad), /invalid --ttl/);
  }
  assert.equal(parseByteSize("1024"), 1024);
  assert.equal(parseByteSize("64M"), 64 << 20);
  assert.equal(parseByteSize("2KiB"), 2048);
  for (const bad of ["", "0", "1.5M", "12T"]) {
    assert.throws(() => parseByteSize(bad), /invalid --max-bytes/);
  }
});

Deno.test("storageServerCommand() reports bad flags in one line with exit code 2", async () => {
  for (
    const [args, re] of [
      [["--ttl", "7x"], /^Error: invalid --ttl '7x'/],
      [["--port", "http"], /^Error: invalid --port 'http'/],
      [["--max-bytes", "lots"], /^Error: invalid --max-bytes/],
      [["--verbose"], /^Error: Unknown option '--verbose'/],
    ] as const
  ) {
    const err = capture();
    const code = await storageServerCommand([...args], { HOME: "/tmp" }, {
      stdout: () => {},
      stderr: err.write,
    });
    assert.equal(code, 2, args.join(" "));
    assert.match(err.text(), re);
  }
});

Deno.test("storage-server process + putCommand + resolveCall: a full round trip", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dcx-cli-" });
  const home = join(dir, "home with space", ".codex");
  await Deno.mkdir(join(home, "skills", "s"), { recursive: true });
  await Deno.writeTextFile(join(home, "config.toml"), 'model = "m"\n');
  await Deno.writeTextFile(join(home, ".env"), `OPENAI_API_KEY=${KEY}\n`);
  await Deno.writeTextFile(join(home, "skills", "s", "SKILL.md"), "skill\n");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--config",
      join(REPO, "deno.json"),
      `import { storageServerCommand } from "${CMD_URL}";
       Deno.exit(await storageServerCommand(Deno.args, Deno.env.toObject()));`,
      "--",
      "--port",
      "0",
      "--root",
      join(dir, "storage"),
      "--ttl",
      "1h",
    ],
    cwd: REPO,
    env: { DENO_NO_UPDATE_CHECK: "1", HOME: dir },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdoutText = child.stdout.pipeThrough(new TextDecoderStream());
  const reader = stdoutText.getReader();
  const stderrText = new Response(child.stderr).text();
  try {
    let banner = "";
    while (!banner.includes("put a home:")) {
      const { value, done } = await reader.read();
      if (done) break;
      banner += value;
    }
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(banner);
    assert.ok(m, banner);
    const port = Number(m[1]);
    assert.match(banner, new RegExp(`put a home: denocodex --put @127\\.0\\.0\\.1:${port}`));
    assert.match(banner, /kept 1h after their last put/);

    const out = capture();
    const err = capture();
    const code = await putCommand(`${home}/@127.0.0.1:${port}`, {
      dryRun: false,
      env: { HOME: dir },
      cwd: dir,
      stdout: out.write,
      stderr: err.write,
    });
    assert.equal(code, 0, err.text());
    assert.equal(err.text(), "");
    const lines = out.text().trimEnd().split("\n");
    const last = lines[lines.length - 1];
    assert.match(last, /^denocodex --call \S+@127\.0\.0\.1:\d+$/);
    assert.ok(!out.text().includes(KEY));

    const token = last.slice("denocodex --call ".length);
    const other = join(dir, "other");
    const { codexHome } = await resolveCall(token, { HOME: other });
    assert.ok(codexHome.startsWith(join(other, ".local/state/denocodex/called/")));
    assert.equal(await Deno.readTextFile(join(codexHome, ".env")), `OPENAI_API_KEY=${KEY}\n`);
    assert.equal(await Deno.readTextFile(join(codexHome, "skills/s/SKILL.md")), "skill\n");

    // A relative HOME_DIR and a dry run: the home is resolved against cwd.
    const dry = capture();
    assert.equal(
      await putCommand("home with space/.codex/@127.0.0.1:1", {
        dryRun: true,
        env: {},
        cwd: dir,
        stdout: dry.write,
        stderr: dry.write,
      }),
      0,
    );
    assert.match(
      dry.text(),
      new RegExp(`\\[put\\] home: ${home.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\n`),
    );
    assert.match(dry.text(), /dry run: nothing was uploaded\n$/);

    child.kill("SIGTERM");
    const status = await child.status;
    assert.equal(status.code, 0);
    let rest = "";
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += value;
    }
    assert.match(rest, /storage server stopped/);
    const logs = await stderrText;
    assert.match(logs, /\[storage\] put: call_id=\S+ bytes=\d+ new/);
    assert.ok(!logs.includes(token.split("-")[0]), "the server never logs the secret");
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await child.status;
    reader.releaseLock();
    await stdoutText.cancel().catch(() => {});
    await stderrText.catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("putCommand() turns every failure into one Error line and an exit code", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dcx-cli-" });
  try {
    for (
      const [spec, re] of [
        ["127.0.0.1:5577", /^Error: put spec '127\.0\.0\.1:5577' has no '@'/],
        [`${dir}/@`, /^Error: put spec .* is missing HOST:PORT/],
        [
          `${dir}/@127.0.0.1`,
          /^Error: invalid storage server address '127\.0\.0\.1': missing port/,
        ],
        [`${dir}/@127.0.0.1:1`, /^Error: .*has no config\.toml/],
      ] as const
    ) {
      const err = capture();
      const code = await putCommand(spec, {
        dryRun: true,
        env: {},
        cwd: dir,
        stdout: () => {},
        stderr: err.write,
      });
      assert.equal(code, 1, spec);
      assert.match(err.text(), re);
      assert.equal(err.text().split("\n").length, 2, "one line");
    }
    await assert.rejects(
      () => resolveCall("nonsense", { HOME: dir }),
      /call token has no '@HOST:PORT'/,
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
