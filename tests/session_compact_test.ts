import assert from "node:assert/strict";
import { join } from "node:path";
import {
  autoCompactLimit,
  buildCompactedHistory,
  COMPACT_PROMPT,
  Compactor,
  estimateTokens,
  SUMMARY_PREFIX,
} from "../lib/agent/compact.ts";
import { loadConfig } from "../lib/config/load.ts";
import type { AgentEvent } from "../lib/protocol/events.ts";
import type { AnyItem } from "../lib/protocol/items.ts";
import { openSessionThread } from "../lib/cli/resume_cmd.ts";
import { loadThreadHistory } from "../lib/session/history.ts";
import { type RecordedRequest, startFakeResponses } from "./fakes/responses_server.ts";
import { cleanup, jsonl, makeHome, makeWorkspace, runProgram, testEnv } from "./helpers.ts";

type Item = Record<string, unknown>;

const user = (text: string): AnyItem => ({
  type: "message",
  role: "user",
  content: [{ type: "input_text", text }],
});
const dev = (text: string): AnyItem => ({
  type: "message",
  role: "developer",
  content: [{ type: "input_text", text }],
});
const said = (text: string): AnyItem => ({
  type: "message",
  role: "assistant",
  content: [{ type: "output_text", text }],
});

function texts(items: unknown[]): string[] {
  return (items as { content?: { text?: string }[]; type: string }[]).map((i) =>
    i.content?.[0]?.text ?? i.type
  );
}

function inputOf(req: RecordedRequest): Item[] {
  return req.body!.input as Item[];
}

async function rolloutOf(home: string): Promise<string> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) await walk(join(dir, e.name));
      else found.push(join(dir, e.name));
    }
  };
  await walk(join(home, "sessions"));
  assert.equal(found.length, 1);
  return found[0];
}

Deno.test("autoCompactLimit: 90% of the window unless a lower limit is configured", () => {
  assert.equal(autoCompactLimit(258400), 232560);
  assert.equal(autoCompactLimit(258400, 100_000), 100_000);
  assert.equal(autoCompactLimit(258400, 900_000), 232560);
});

Deno.test("buildCompactedHistory: initial context, recent user messages, summary, pending input", () => {
  const history: AnyItem[] = [
    dev("BASE"),
    dev("<permissions instructions>"),
    user("# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>x</INSTRUCTIONS>"),
    user("fix the bug"),
    said("looking"),
    { type: "function_call", name: "exec_command", arguments: "{}", call_id: "c1" },
    { type: "function_call_output", call_id: "c1", output: "lots of output" },
    user(`${SUMMARY_PREFIX}\n\nan older summary`),
    user("also add a test"),
    said("done"),
    user("now refactor"),
  ];
  const next = buildCompactedHistory(history, "  the new summary  ");
  assert.deepEqual(texts(next), [
    "BASE",
    "<permissions instructions>",
    "# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>x</INSTRUCTIONS>",
    "fix the bug",
    "also add a test",
    `${SUMMARY_PREFIX}\n\nthe new summary`,
    "now refactor",
  ]);
  // The head items are the very same objects (their bytes, and the prompt cache, are kept).
  assert.equal(next[0], history[0]);
  assert.equal(next[2], history[2]);

  // Only the newest 20k tokens of user messages are kept; the oldest kept one is cut.
  const big = "y".repeat(100_000);
  const cut = buildCompactedHistory(
    [dev("B"), user(big), user("z".repeat(40_000)), said("a")],
    "s",
  );
  const lengths = texts(cut).map((t) => t.length);
  assert.equal(lengths.length, 4);
  assert.equal(lengths[2], 40_000);
  assert.ok(lengths[1] > 39_900 && lengths[1] < 40_000, `${lengths[1]}`);
  const contents = [cut[1], cut[2]].map((i) => (i as { content: unknown }).content);
  assert.ok(estimateTokens(contents) <= 20_000);
});

Deno.test("Compactor.clampItem: an output over a quarter of the window keeps its head and tail", () => {
  const c = new Compactor({ contextWindow: 4000, limit: 3600 });
  const long = "h".repeat(3000) + "m".repeat(10_000) + "t".repeat(3000);
  const item = { type: "function_call_output", call_id: "c", output: long };
  c.clampItem(item);
  assert.ok(item.output.length < 4200, `${item.output.length}`);
  assert.ok(item.output.startsWith("h".repeat(2000)));
  assert.ok(item.output.endsWith("t".repeat(2000)));
  assert.match(item.output, /about 3000 tokens of this output were cut/);
  const parts = {
    type: "custom_tool_call_output",
    call_id: "d",
    output: [{ type: "input_text", text: long }, { type: "input_text", text: "short" }],
  };
  c.clampItem(parts);
  assert.ok(parts.output[0].text.length < 4200);
  assert.equal(parts.output[1].text, "short");
  const small = { type: "function_call_output", call_id: "e", output: "fine" };
  c.clampItem(small);
  assert.equal(small.output, "fine");
  const message = user(long);
  c.clampItem(message);
  assert.equal(texts([message])[0].length, long.length);
});

Deno.test("auto compaction at the limit; recorded, and a resume rebuilds the same history", async () => {
  const server = startFakeResponses({
    turns: [
      {
        output: [{
          type: "function_call",
          name: "exec_command",
          call_id: "c1",
          arguments: { cmd: "true" },
        }],
        usage: { input_tokens: 30_000, output_tokens: 10 },
      },
      {
        output: [{ type: "message", text: "SUMMARY: ran true" }],
        usage: { input_tokens: 31_000, output_tokens: 5 },
      },
      {
        output: [{ type: "message", text: "done" }],
        usage: { input_tokens: 2_000, output_tokens: 5 },
      },
      {
        output: [{ type: "message", text: "again" }],
        usage: { input_tokens: 2_100, output_tokens: 5 },
      },
    ],
  });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url, "model_auto_compact_token_limit = 20000");
  try {
    const env = testEnv(home);
    const a = await runProgram(["exec", "--json", "first prompt"], { cwd: ws, env });
    assert.equal(a.code, 0, a.stderr);
    const [first, compaction, after] = server.requests;
    // The summarization request: the whole history, then our prompt.
    assert.deepEqual(inputOf(compaction).slice(0, -1), [
      ...inputOf(first),
      ...inputOf(compaction).slice(inputOf(first).length, -1),
    ]);
    assert.deepEqual(texts(inputOf(compaction)).at(-1), COMPACT_PROMPT);
    assert.deepEqual(texts(inputOf(compaction).slice(-3, -1)), [
      "function_call",
      "function_call_output",
    ]);
    // The next request: initial context, the user's prompt, the summary.
    const head = inputOf(first).slice(0, -1);
    assert.deepEqual(inputOf(after).slice(0, head.length), head);
    assert.deepEqual(texts(inputOf(after).slice(head.length)), [
      "first prompt",
      `${SUMMARY_PREFIX}\n\nSUMMARY: ran true`,
    ]);
    const events = jsonl(a.stdout);
    assert.equal(events.at(-1)!.type, "turn.completed");
    assert.ok(
      !events.some((e) => e.type === "item.completed" && (e.item as Item).type === "error"),
    );

    const file = await rolloutOf(home);
    const recs = jsonl(await Deno.readTextFile(file));
    const compacted = recs.filter((r) => r.type === "compacted");
    assert.equal(compacted.length, 1);
    assert.equal((compacted[0].payload as Item).message, "SUMMARY: ran true");
    assert.ok(recs.some((r) => (r.payload as Item).type === "context_compacted"));

    const id = jsonl(a.stdout)[0].thread_id as string;
    const b = await runProgram(["exec", "--json", "resume", id, "next"], { cwd: ws, env });
    assert.equal(b.code, 0, b.stderr);
    const resumed = inputOf(server.requests[3]);
    assert.equal(server.requests.length, 4); // no second compaction
    assert.deepEqual(resumed.slice(0, inputOf(after).length), inputOf(after));
    assert.deepEqual(texts(resumed.slice(inputOf(after).length)), ["done", "next"]);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("a failed compaction leaves the history as it was and says so", async () => {
  const server = startFakeResponses({
    turns: [
      {
        output: [{
          type: "function_call",
          name: "exec_command",
          call_id: "c1",
          arguments: { cmd: "true" },
        }],
        usage: { input_tokens: 30_000, output_tokens: 10 },
      },
      { fault: "http", status: 400, body: '{"error":{"message":"too long"}}' },
      {
        output: [{ type: "message", text: "done anyway" }],
        usage: { input_tokens: 31_000, output_tokens: 5 },
      },
    ],
  });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url, "model_auto_compact_token_limit = 20000");
  try {
    const a = await runProgram(["exec", "--json", "go"], { cwd: ws, env: testEnv(home) });
    assert.equal(a.code, 0, a.stderr);
    const [first, failed, next] = server.requests;
    assert.equal(texts(inputOf(failed)).at(-1), COMPACT_PROMPT);
    // The request after the failure carries the untouched history.
    assert.deepEqual(inputOf(next), inputOf(failed).slice(0, -1));
    assert.ok(inputOf(next).length > inputOf(first).length);
    const warning = jsonl(a.stdout).find((e) =>
      e.type === "item.completed" && (e.item as Item).type === "error"
    );
    assert.match(
      String((warning!.item as Item).message),
      /^Compaction failed \(.*too long.*\); the conversation was left as it was\.$/,
    );
    const recs = jsonl(await Deno.readTextFile(await rolloutOf(home)));
    assert.ok(!recs.some((r) => r.type === "compacted"));
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("an overlong tool output is cut before it is sent or recorded", async () => {
  const cmd = "head -c 30000 /dev/zero | tr '\\0' a";
  const server = startFakeResponses({
    turns: [
      {
        output: [{
          type: "function_call",
          name: "exec_command",
          call_id: "c1",
          arguments: { cmd, max_output_tokens: 100_000 },
        }],
        usage: { input_tokens: 1000, output_tokens: 10 },
      },
      {
        output: [{ type: "message", text: "ok" }],
        usage: { input_tokens: 3000, output_tokens: 5 },
      },
    ],
  });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url, "model_context_window = 8000");
  try {
    const a = await runProgram(["exec", "-s", "danger-full-access", "go"], {
      cwd: ws,
      env: testEnv(home),
    });
    assert.equal(a.code, 0, a.stderr);
    assert.equal(server.requests.length, 2);
    const out = inputOf(server.requests[1]).find((i) => i.type === "function_call_output")!;
    const text = out.output as string;
    assert.ok(text.length < 8300, `${text.length}`);
    assert.match(text, /tokens of this output were cut to fit the context window/);
    const recs = jsonl(await Deno.readTextFile(await rolloutOf(home)));
    const stored = recs.find((r) => (r.payload as Item).type === "function_call_output")!;
    assert.deepEqual(stored.payload, out);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("thread.compact(): manual compaction in process; loading the rollout gives the same history", async () => {
  const server = startFakeResponses({
    turns: [
      {
        output: [{ type: "message", text: "hello back" }],
        usage: { input_tokens: 900, output_tokens: 5 },
      },
      {
        output: [{ type: "message", text: "we said hello" }],
        usage: { input_tokens: 950, output_tokens: 5 },
      },
      {
        output: [{ type: "message", text: "after" }],
        usage: { input_tokens: 500, output_tokens: 5 },
      },
    ],
  });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  const config = await loadConfig({ env: testEnv(home), cwd: ws });
  const session = await openSessionThread({
    config,
    cwd: ws,
    originator: "codex_exec",
    turnTrigger: "exec",
    target: { mode: "new" },
    source: "cli",
  });
  const events: AgentEvent[] = [];
  const off = session.thread.subscribe((e) => events.push(e));
  try {
    const { thread } = session;
    assert.equal((await thread.run("hello")).status, "completed");
    const before = [...thread.history];
    assert.equal(await thread.compact(), true);
    assert.deepEqual(texts(thread.history).slice(-2), [
      "hello",
      `${SUMMARY_PREFIX}\n\nwe said hello`,
    ]);
    assert.equal(thread.history[0], before[0]);
    const done = events.find((e) => e.type === "context_compacted");
    assert.ok(done && done.type === "context_compacted" && done.trigger === "manual");
    assert.deepEqual(inputOf(server.requests[1]).slice(0, -1), JSON.parse(JSON.stringify(before)));

    // Nothing to answer the next compaction: it fails and changes nothing.
    assert.equal((await thread.run("one more")).status, "completed");
    const kept = JSON.stringify(thread.history);
    assert.equal(await thread.compact(), false);
    assert.equal(JSON.stringify(thread.history), kept);
    assert.ok(events.some((e) => e.type === "warning" && /^Compaction failed/.test(e.message)));

    await session.close();
    const loaded = await loadThreadHistory(session.recorder!.path);
    assert.equal(JSON.stringify(loaded.history), kept);
    assert.equal(loaded.compactions, 1);
  } finally {
    off();
    await session.close();
    await server.close();
    await cleanup(ws, home);
  }
});
