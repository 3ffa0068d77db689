import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startFakeChatServer } from "./fakes/chat_server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CMD = fileURLToPath(new URL("../lib/cli/compat_server_cmd.ts", import.meta.url));
const SECRET = "sk-cmd-secret-abcdef";

function command(args: string[], env: Record<string, string> = {}): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CMD, ...args],
    cwd: ROOT,
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...env },
    clearEnv: false,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

Deno.test("compat-server rejects bad arguments with a one-line hint and exit code 2", async () => {
  const cases: [string[], RegExp][] = [
    [["--backend", "127.0.0.1:1"], /--port is required/],
    [["--port", "80x", "--backend", "h:1"], /--port "80x" must be a number/],
    [["--port", "0"], /--backend is required/],
    [["--port", "0", "--backend", "ftp://x"], /must use http or https/],
    [["--port", "0", "--backend", "h:1", "--provider", "tgi"], /--provider "tgi" is unknown/],
    [
      ["--port", "0", "--backend", "h:1", "--api-key-env", "COMPAT_TEST_UNSET_KEY"],
      /COMPAT_TEST_UNSET_KEY .* is not set/,
    ],
    [["--port", "0", "--backend", "h:1", "--bogus"], /Unknown option '--bogus'/],
  ];
  for (const [args, pattern] of cases) {
    const out = await command(args).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, `${args.join(" ")}: ${stderr}`);
    assert.match(stderr, pattern);
    assert.match(stderr, /usage: denocodex compat-server/);
  }
});

Deno.test("compat-server serves until SIGTERM and keeps the key out of its output", async () => {
  const fake = await startFakeChatServer({ apiKey: SECRET, script: [{ content: "served" }] });
  const child = command(
    [
      "--port",
      "0",
      "--backend",
      `127.0.0.1:${fake.port}`,
      "--provider",
      "ollama",
      "--api-key-env",
      "COMPAT_KEY",
    ],
    { COMPAT_KEY: SECRET },
  ).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let banner = "";
    while (!banner.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      banner += value;
    }
    const m =
      /^compat server listening on (http:\/\/127\.0\.0\.1:\d+\/v1) \(backend (\S+), provider ollama\)/
        .exec(banner);
    assert.ok(m, banner);
    assert.equal(m[2], `http://127.0.0.1:${fake.port}/v1`);
    const health = await fetch(`${m[1].replace(/\/v1$/, "")}/healthz`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
    const res = await fetch(`${m[1]}/responses`, {
      method: "POST",
      body: JSON.stringify({ model: "m", input: "hi" }),
    });
    assert.equal((await res.json()).output[0].content[0].text, "served");
    assert.equal(fake.requests[0].headers.authorization, `Bearer ${SECRET}`);
    child.kill("SIGTERM");
    const status = await child.status;
    assert.equal(status.code, 0);
    let rest = banner;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += value;
    }
    const stderr = await new Response(child.stderr).text();
    assert.ok(!rest.includes(SECRET) && !stderr.includes(SECRET));
    assert.match(stderr, /POST \/v1\/responses json resp_\S+ completed/);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
    await fake.close();
  }
});
