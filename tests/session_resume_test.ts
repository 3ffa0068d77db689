import assert from "node:assert/strict";
import { join } from "node:path";
import { type RecordedRequest, startFakeResponses } from "./fakes/responses_server.ts";
import {
  cleanup,
  FIXTURES,
  jsonl,
  makeHome,
  makeWorkspace,
  rolloutFiles as rollouts,
  ROOT,
  runProgram,
  testEnv,
} from "./helpers.ts";

const answer = (text: string, input_tokens = 1000) => ({
  output: [{ type: "message" as const, text }],
  usage: { input_tokens, output_tokens: 10 },
});

const callTool = (cmd: string, call_id = "call_1", yield_time_ms = 2000) => ({
  output: [{
    type: "function_call" as const,
    name: "exec_command",
    call_id,
    arguments: { cmd, yield_time_ms },
  }],
  usage: { input_tokens: 900, output_tokens: 10 },
});

type Item = Record<string, unknown>;

function inputOf(req: RecordedRequest): Item[] {
  return req.body!.input as Item[];
}

function meta(req: RecordedRequest): Record<string, unknown> {
  return JSON.parse(req.headers["x-codex-turn-metadata"]);
}

async function records(path: string): Promise<Item[]> {
  return jsonl(await Deno.readTextFile(path));
}

function threadIdOf(stdout: string): string {
  return jsonl(stdout)[0].thread_id as string;
}

Deno.test("exec resume: same thread, input continues the last request byte for byte (cold_resume)", async () => {
  const server = startFakeResponses({
    turns: [callTool("printf hi"), answer("first done"), answer("second done")],
  });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  try {
    const env = testEnv(home);
    const a = await runProgram(["exec", "--json", "first prompt"], { cwd: ws, env });
    assert.equal(a.code, 0, a.stderr);
    const id = threadIdOf(a.stdout);
    const [file] = await rollouts(home);
    assert.match(
      file,
      new RegExp(`/sessions/\\d{4}/\\d{2}/\\d{2}/rollout-[0-9T-]{19}-${id}\\.jsonl$`),
    );

    const b = await runProgram(["exec", "--json", "resume", id, "second prompt"], { cwd: ws, env });
    assert.equal(b.code, 0, b.stderr);
    assert.equal(threadIdOf(b.stdout), id);
    // As upstream, the usage reported is the thread's so far (900 + 1000, then + 1000).
    const usage = (out: string) =>
      (jsonl(out).at(-1)!.usage as { input_tokens: number }).input_tokens;
    assert.equal(usage(a.stdout), 1900);
    assert.equal(usage(b.stdout), 2900);
    assert.deepEqual(await rollouts(home), [file]);

    const [, last, resumed] = server.requests;
    // The previous request's input, then its answer, then the new prompt: the same bytes.
    const prevInput = JSON.stringify(inputOf(last));
    assert.ok(resumed.rawBody.includes(`"input":${prevInput.slice(0, -1)},`));
    const rest = inputOf(resumed).slice(inputOf(last).length);
    assert.deepEqual(rest.map((i) => (i.content as { text: string }[])[0].text), [
      "first done",
      "second prompt",
    ]);
    assert.equal(meta(last).history_initialization, "new");
    assert.equal(meta(resumed).history_initialization, "cold_resume");
    assert.equal(meta(resumed).context_window_id, meta(last).context_window_id);
    assert.equal(resumed.headers["thread-id"], id);
    assert.equal(resumed.body!.prompt_cache_key, id);

    const kinds = (await records(file)).map((r) => r.type);
    assert.equal(kinds.filter((k) => k === "session_meta").length, 1);
    assert.equal(kinds.filter((k) => k === "turn_context").length, 2);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("exec fork: new thread and rollout from the stored history (cold_fork); the parent is untouched", async () => {
  const server = startFakeResponses({ turns: [answer("one"), answer("forked")] });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  try {
    const env = testEnv(home);
    const a = await runProgram(["exec", "--json", "start"], { cwd: ws, env });
    assert.equal(a.code, 0, a.stderr);
    const parentId = threadIdOf(a.stdout);
    const [parent] = await rollouts(home);
    const before = await Deno.readTextFile(parent);

    const b = await runProgram(["exec", "--json", "fork", parentId, "branch off"], {
      cwd: ws,
      env,
    });
    assert.equal(b.code, 0, b.stderr);
    const childId = threadIdOf(b.stdout);
    assert.notEqual(childId, parentId);
    assert.equal(await Deno.readTextFile(parent), before);
    const files = await rollouts(home);
    assert.equal(files.length, 2);
    const child = files.find((f) => f.includes(childId))!;
    const meta0 = (await records(child))[0].payload as Record<string, unknown>;
    assert.equal(meta0.id, childId);
    assert.equal(meta0.forked_from_id, parentId);

    const [first, forked] = server.requests;
    const prev = inputOf(first);
    assert.deepEqual(inputOf(forked).slice(0, prev.length), prev);
    assert.equal(meta(forked).history_initialization, "cold_fork");
    assert.equal(meta(forked).context_window_id, meta(first).context_window_id);
    assert.equal(forked.body!.prompt_cache_key, childId);

    // The fork's rollout alone rebuilds the same history (it copied the parent's items).
    const c = await runProgram(["exec", "--json", "resume", childId, "again"], { cwd: ws, env });
    assert.equal(c.code, 1); // the script is exhausted: the request was made
    const again = server.requests[2];
    assert.deepEqual(inputOf(again).slice(0, inputOf(forked).length), inputOf(forked));
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("exec resume --last: the newest session of this directory; upstream's fallbacks and errors", async () => {
  const server = startFakeResponses({
    turns: [
      answer("a"),
      answer("b"),
      answer("other"),
      answer("resumed"),
      answer("n1"),
      answer("n2"),
    ],
  });
  const ws = await makeWorkspace();
  const other = await makeWorkspace();
  const home = await makeHome(server.url);
  try {
    const env = testEnv(home);
    await runProgram(["exec", "--json", "older"], { cwd: ws, env });
    const newer = threadIdOf(
      (await runProgram(["exec", "--json", "newer"], { cwd: ws, env })).stdout,
    );
    await runProgram(["exec", "--json", "elsewhere"], { cwd: other, env });

    const r = await runProgram(["exec", "--json", "resume", "--last", "go on"], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(threadIdOf(r.stdout), newer);
    const input = inputOf(server.requests[3]);
    assert.deepEqual(
      input.slice(-3).map((i) => (i.content as { text: string }[])[0].text),
      ["newer", "b", "go on"],
    );

    const missing = await runProgram(
      ["exec", "resume", "01a21040-0000-7000-8000-0000000000ff", "x"],
      { cwd: ws, env },
    );
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /^Error: no saved session for thread id 01a21040-0000-7000-8000-0000000000ff in /m,
    );
    // As upstream: a name that is not an id, or --last with nothing to resume, starts afresh.
    const bad = await runProgram(["exec", "--json", "resume", "not-an-id", "x"], { cwd: ws, env });
    assert.equal(bad.code, 0, bad.stderr);
    assert.match(
      bad.stderr,
      /warning: 'not-an-id' is not a session id \(a UUID\); starting a new session/,
    );
    assert.notEqual(threadIdOf(bad.stdout), newer);
    assert.equal(meta(server.requests[4]).history_initialization, "new");
    const none = await runProgram(["exec", "resume"], { cwd: ws, env, stdin: "x" });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /exec resume needs a session id or --last/);
    const empty = await makeWorkspace();
    try {
      const fresh = await runProgram(["exec", "--json", "resume", "--last", "x"], {
        cwd: empty,
        env,
      });
      assert.equal(fresh.code, 0, fresh.stderr);
      assert.equal(meta(server.requests[5]).history_initialization, "new");
      assert.equal(inputOf(server.requests[5]).length, 4);
    } finally {
      await cleanup(empty);
    }
    assert.equal(server.requests.length, 6);
  } finally {
    await server.close();
    await cleanup(ws, other, home);
  }
});

Deno.test('--ephemeral and [history] persistence = "none" write no session', async () => {
  const server = startFakeResponses({ turns: [answer("a"), answer("b")] });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  const quiet = await makeHome(server.url, '[history]\npersistence = "none"');
  try {
    const a = await runProgram(["exec", "--ephemeral", "x"], { cwd: ws, env: testEnv(home) });
    assert.equal(a.code, 0, a.stderr);
    const b = await runProgram(["exec", "x"], { cwd: ws, env: testEnv(quiet) });
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(await rollouts(home), []);
    assert.deepEqual(await rollouts(quiet), []);
    await assert.rejects(() => Deno.stat(join(home, "sessions")));
  } finally {
    await server.close();
    await cleanup(ws, home, quiet);
  }
});

Deno.test("a rollout written by upstream Codex 0.169.0 resumes with its stored history first", async () => {
  const server = startFakeResponses({ turns: [answer("continued")] });
  const ws = await makeWorkspace({ "hello.txt": "hello\noracle\n" });
  const home = await makeHome(server.url);
  try {
    const id = "01a21040-dade-7e00-a2ac-71a531f740ab";
    const text = (await Deno.readTextFile(join(FIXTURES, "rollout/exec-tools.rollout.jsonl")))
      .replaceAll("<WORKSPACE>", ws);
    const dir = join(home, "sessions/2026/11/25");
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(join(dir, `rollout-2026-11-25T01-10-15-${id}.jsonl`), text);

    const r = await runProgram(["exec", "--json", "resume", id, "What changed?"], {
      cwd: ws,
      env: testEnv(home),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(threadIdOf(r.stdout), id);
    const req = server.requests[0];
    const input = inputOf(req);
    const stored = text.trim().split("\n").map((l) => JSON.parse(l))
      .filter((l) => l.type === "response_item")
      .map((l) => {
        const { internal_chat_message_metadata_passthrough: _, ...item } = l.payload;
        return item;
      });
    assert.equal(stored.length, 8);
    assert.equal(input.length, 1 + stored.length + 1);
    assert.deepEqual(input[0].content, [
      { type: "input_text", text: "[elided upstream prose: 21459 chars]" },
    ]);
    assert.equal(input[0].role, "developer");
    assert.deepEqual(input.slice(1, -1), stored);
    // Byte for byte as upstream stored them (key order included).
    assert.ok(req.rawBody.includes(JSON.stringify(stored).slice(1, -1)));
    assert.deepEqual(input.at(-1)!.content, [{ type: "input_text", text: "What changed?" }]);
    // The tool calls are the ones upstream sent in its own last request.
    const upstream = JSON.parse(
      await Deno.readTextFile(join(FIXTURES, "exec-tools/requests/0003.json")),
    ).body.input as Item[];
    assert.deepEqual(input[4], upstream[4]);
    assert.deepEqual(input[6], upstream[6]);
    assert.equal(meta(req).history_initialization, "cold_resume");
    assert.equal(meta(req).context_window_id, "01a21040-daf3-7843-82f7-83d7da2b2874");
    assert.equal(req.body!.prompt_cache_key, id);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("crash: killed while a command runs, the resumed thread keeps every recorded item", async () => {
  const server = startFakeResponses({
    turns: [callTool("touch started.flag; sleep 3", "call_slow", 20000), answer("recovered")],
  });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  try {
    const env = testEnv(home);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        join(ROOT, "main.ts"),
        "exec",
        "--json",
        "-s",
        "danger-full-access",
        "run the slow",
      ],
      cwd: ws,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let file: string | undefined;
    for (let i = 0; i < 600; i++) {
      [file] = await rollouts(home);
      const started = await Deno.stat(join(ws, "started.flag")).then(() => true, () => false);
      if (file && started && (await Deno.readTextFile(file)).includes('"call_slow"')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    try {
      child.kill("SIGKILL");
    } catch { /* already ended: the assertion below says so */ }
    const status = await child.status;
    assert.equal(status.signal, "SIGKILL", "the run ended before it could be killed");
    assert.ok(file, "no rollout was written");
    const before = (await records(file)).filter((r) => r.type === "response_item")
      .map((r) => r.payload as Item);
    assert.equal(before.at(-1)!.type, "function_call");

    const r = await runProgram(["exec", "--json", "resume", "--last", "did it finish?"], {
      cwd: ws,
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    const input = inputOf(server.requests[1]);
    // base instructions, everything recorded before the kill, the call's output, the new prompt.
    assert.deepEqual(input.slice(1, 1 + before.length), before);
    const repaired = input[1 + before.length];
    assert.equal(repaired.type, "function_call_output");
    assert.equal(repaired.call_id, "call_slow");
    assert.equal(repaired.output, "aborted");
    assert.equal(input.length, before.length + 3);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("a torn last line is skipped with a warning and the session continues", async () => {
  const server = startFakeResponses({ turns: [answer("one"), answer("two"), answer("three")] });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  try {
    const env = testEnv(home);
    const id = threadIdOf((await runProgram(["exec", "--json", "hi"], { cwd: ws, env })).stdout);
    const [file] = await rollouts(home);
    await Deno.writeTextFile(file, '{"timestamp":"2026-11-25T00:00:00.000Z","type":"respo', {
      append: true,
    });
    const r = await runProgram(["exec", "--json", "resume", id, "more"], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: ignored a torn last line \(line \d+\) in .*rollout-/);
    const prev = inputOf(server.requests[0]);
    assert.deepEqual(inputOf(server.requests[1]).slice(0, prev.length), prev);
    // The records appended after the torn line start on a line of their own.
    const lines = (await Deno.readTextFile(file)).trimEnd().split("\n");
    const broken = lines.filter((l) => {
      try {
        JSON.parse(l);
        return false;
      } catch {
        return true;
      }
    });
    assert.equal(broken.length, 1);
    const again = await runProgram(["exec", "--json", "resume", id, "and more"], { cwd: ws, env });
    assert.equal(again.code, 0, again.stderr);
    const second = inputOf(server.requests[1]);
    assert.deepEqual(inputOf(server.requests[2]).slice(0, second.length), second);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("denocodex resume / fork: list sessions, then continue one non-interactively", async () => {
  const server = startFakeResponses({ turns: [answer("first"), answer("second"), answer("fork")] });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  try {
    const env = testEnv(home);
    const id = threadIdOf(
      (await runProgram(["exec", "--json", "Fix the flaky test\nin parser.ts"], { cwd: ws, env }))
        .stdout,
    );
    const list = await runProgram(["resume"], { cwd: ws, env });
    assert.equal(list.code, 0, list.stderr);
    assert.match(
      list.stdout,
      new RegExp(`^${id}  \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}  Fix the flaky test$`, "m"),
    );

    const r = await runProgram(["resume", "--json", id, "next step"], { cwd: ws, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(threadIdOf(r.stdout), id);
    assert.equal(meta(server.requests[1]).history_initialization, "cold_resume");
    const f = await runProgram(["fork", "--json", "--last", "try another way"], { cwd: ws, env });
    assert.equal(f.code, 0, f.stderr);
    assert.notEqual(threadIdOf(f.stdout), id);
    assert.equal(meta(server.requests[2]).history_initialization, "cold_fork");
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});
