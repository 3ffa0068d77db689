import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeResponses } from "./fakes/responses_server.ts";
import { cleanup, jsonl, makeHome, makeWorkspace, runProgram, testEnv } from "./helpers.ts";

const answer = (text: string) => ({
  output: [{ type: "message" as const, text }],
  usage: { input_tokens: 100, output_tokens: 5 },
});

Deno.test("exec: piped stdin is the prompt, or a <stdin> block after a prompt argument", async () => {
  const server = startFakeResponses({ turns: [answer("one"), answer("two")] });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  try {
    const a = await runProgram(["exec", "-"], {
      cwd: ws,
      env: testEnv(home),
      stdin: "from stdin\n",
    });
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, "one\n");
    assert.match(a.stderr, /^Reading additional input from stdin\.\.\.$/m);
    assert.match(a.stderr, /tokens used: 105/);
    const b = await runProgram(["exec", "summarize"], {
      cwd: ws,
      env: testEnv(home),
      stdin: "log line\n",
    });
    assert.equal(b.code, 0, b.stderr);
    const last = (body: Record<string, unknown> | null) => {
      const input = body!.input as { content: { text: string }[] }[];
      return input[input.length - 1].content[0].text;
    };
    assert.equal(last(server.requests[0].body), "from stdin");
    assert.equal(last(server.requests[1].body), "summarize\n\n<stdin>\nlog line\n</stdin>");
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("exec: refuses outside a git repository unless --skip-git-repo-check", async () => {
  const server = startFakeResponses({ turns: [answer("ok")] });
  const dir = await Deno.makeTempDir();
  const home = await makeHome(server.url);
  try {
    const a = await runProgram(["exec", "hi"], { cwd: dir, env: testEnv(home) });
    assert.equal(a.code, 1);
    assert.match(
      a.stderr,
      /Error: Not inside a trusted directory and --skip-git-repo-check was not specified\./,
    );
    assert.equal(server.requests.length, 0);
    const b = await runProgram(["exec", "--skip-git-repo-check", "hi"], {
      cwd: dir,
      env: testEnv(home),
    });
    assert.equal(b.code, 0, b.stderr);
  } finally {
    await server.close();
    await cleanup(dir, home);
  }
});

Deno.test("exec: failures end with error + turn.failed and exit code 1", async () => {
  const body = JSON.stringify({ error: { message: "model not allowed" } });
  const server = startFakeResponses({ turns: [{ fault: "http", status: 400, body }] });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  try {
    const r = await runProgram(["exec", "--json", "hi"], { cwd: ws, env: testEnv(home) });
    assert.equal(r.code, 1);
    const events = jsonl(r.stdout);
    assert.deepEqual(events.slice(-2), [
      { type: "error", message: body },
      { type: "turn.failed", error: { message: body } },
    ]);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("exec: a stream retry prints Reconnecting as an error event", async () => {
  const server = startFakeResponses({ turns: [{ fault: "http", status: 429 }, answer("ok")] });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  try {
    const r = await runProgram(["exec", "--json", "hi"], { cwd: ws, env: testEnv(home) });
    assert.equal(r.code, 0, r.stderr);
    const events = jsonl(r.stdout);
    assert.equal(events[2].type, "error");
    assert.match(String(events[2].message), /^Reconnecting\.\.\. 1\/5 \(429 /);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("exec: --output-last-message, --output-schema, -m and -c reach the request", async () => {
  const server = startFakeResponses({ turns: [answer('{"ok":true}')] });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  const schema = { type: "object", properties: { ok: { type: "boolean" } } };
  await Deno.writeTextFile(join(ws, "schema.json"), JSON.stringify(schema));
  try {
    const r = await runProgram(
      [
        "exec",
        "-m",
        "gpt-5.4",
        "-c",
        'model_reasoning_effort="high"',
        "--output-schema",
        "schema.json",
        "-o",
        "last.txt",
        "go",
      ],
      { cwd: ws, env: testEnv(home) },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await Deno.readTextFile(join(ws, "last.txt")), '{"ok":true}');
    const body = server.requests[0].body!;
    assert.equal(body.model, "gpt-5.4");
    assert.deepEqual(body.reasoning, { effort: "high" });
    assert.deepEqual(body.text, {
      verbosity: "low",
      format: { type: "json_schema", name: "codex_output_schema", schema, strict: true },
    });
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("exec: an unknown model gets fallback metadata and a warning item first", async () => {
  const server = startFakeResponses({ turns: [answer("ok")] });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url, "", "my-local-model");
  try {
    const r = await runProgram(["exec", "--json", "hi"], { cwd: ws, env: testEnv(home) });
    assert.equal(r.code, 0, r.stderr);
    const events = jsonl(r.stdout);
    assert.equal(events[1].type, "item.completed");
    assert.equal((events[1].item as { type: string }).type, "error");
    assert.equal(events[2].type, "turn.started");
    const body = server.requests[0].body!;
    assert.deepEqual(body.reasoning, { summary: "auto" });
    assert.equal("text" in body, false);
    const meta = JSON.parse(server.requests[0].headers["x-codex-turn-metadata"]);
    assert.equal("reasoning_effort" in meta, false);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("exec: config problems are one line, exit 1, and no request is sent", async () => {
  const server = startFakeResponses({ turns: [answer("ok")] });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  try {
    const noKey = testEnv(home);
    delete noKey.FAKE_API_KEY;
    const a = await runProgram(["exec", "hi"], { cwd: ws, env: noKey });
    assert.equal(a.code, 1);
    assert.match(a.stderr, /^Error: missing API key: set FAKE_API_KEY/m);
    await Deno.writeTextFile(join(home, "config.toml"), "model = [\n");
    const b = await runProgram(["exec", "hi"], { cwd: ws, env: testEnv(home) });
    assert.equal(b.code, 1);
    const errLines = b.stderr.split("\n").filter((l) => l.startsWith("Error:"));
    assert.equal(errLines.length, 1);
    assert.match(errLines[0], /config\.toml:2:1: invalid TOML/);
    assert.doesNotMatch(b.stderr, /at .*\.ts:\d+/);
    const c = await runProgram(["exec", "-s", "bogus", "hi"], { cwd: ws, env: testEnv(home) });
    assert.equal(c.code, 2);
    assert.match(c.stderr, /invalid --sandbox 'bogus'/);
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("exec: CODEX_INTERNAL_ORIGINATOR_OVERRIDE sets the originator (as the SDK does)", async () => {
  const server = startFakeResponses({ turns: [answer("ok")] });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  try {
    const r = await runProgram(["exec", "hi"], {
      cwd: ws,
      env: testEnv(home, { CODEX_INTERNAL_ORIGINATOR_OVERRIDE: "codex_sdk_ts" }),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests[0].headers.originator, "codex_sdk_ts");
    assert.match(server.requests[0].headers["user-agent"], /\(codex_sdk_ts; /);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("exec: -i attaches an image part; a non-image is a one-line error", async () => {
  const server = startFakeResponses({ turns: [answer("a picture")] });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  // A 1x1 PNG.
  const png = Uint8Array.from(
    atob(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
    ),
    (c) => c.charCodeAt(0),
  );
  await Deno.writeFile(join(ws, "dot.png"), png);
  await Deno.writeTextFile(join(ws, "notes.txt"), "not an image");
  try {
    const r = await runProgram(["exec", "-i", "dot.png", "describe"], {
      cwd: ws,
      env: testEnv(home),
    });
    assert.equal(r.code, 0, r.stderr);
    const input = server.requests[0].body!.input as { content: Record<string, string>[] }[];
    const parts = input[input.length - 1].content;
    assert.equal(parts[0].text, "describe");
    assert.equal(parts[1].type, "input_image");
    assert.match(parts[1].image_url, /^data:image\/png;base64,iVBORw0KGgo/);
    const bad = await runProgram(["exec", "-i", "notes.txt", "describe"], {
      cwd: ws,
      env: testEnv(home),
    });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^Error: .*notes\.txt is not a PNG, JPEG, GIF or WebP image$/m);
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("exec: --add-dir becomes a writable root in the permissions and metadata", async () => {
  const server = startFakeResponses({ turns: [answer("ok")] });
  const ws = await makeWorkspace();
  const extra = await Deno.realPath(await Deno.makeTempDir({ prefix: "dcx-extra-" }));
  const home = await makeHome(server.url);
  try {
    const r = await runProgram(["exec", "-s", "workspace-write", "--add-dir", extra, "go"], {
      cwd: ws,
      env: testEnv(home),
    });
    assert.equal(r.code, 0, r.stderr);
    const input = JSON.stringify(server.requests[0].body!.input);
    assert.ok(input.includes(`<entry access=\\"write\\"><path>${extra}</path></entry>`));
    assert.match(input, /Writable roots: [^"]*dcx-extra-/);
    const meta = JSON.parse(server.requests[0].headers["x-codex-turn-metadata"]);
    assert.equal(meta.sandbox, "seccomp");
    assert.equal(meta.sandbox_mode, "workspace-write");
  } finally {
    await server.close();
    await cleanup(ws, home, extra);
  }
});
