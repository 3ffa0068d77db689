import assert from "node:assert/strict";
import { join } from "node:path";
import type { AgentEvent } from "../lib/protocol/events.ts";
import { emptyUsage } from "../lib/protocol/events.ts";
import type { AnyItem } from "../lib/protocol/items.ts";
import { parseRolloutFileName, rolloutPath } from "../lib/session/paths.ts";
import { forEachRecord } from "../lib/session/reader.ts";
import type { RolloutRecord } from "../lib/session/records.ts";
import { RolloutWriter } from "../lib/session/writer.ts";
import { SessionRecorder } from "../lib/session/recorder.ts";
import { loadThreadHistory, repairToolCalls } from "../lib/session/history.ts";
import { findSessionById, listSessions, resolveSession } from "../lib/session/find.ts";
import { cleanup } from "./helpers.ts";

const T0 = Date.UTC(2026, 10, 25, 3, 4, 5, 678);

function msg(role: "developer" | "user" | "assistant", text: string, id: string): AnyItem {
  return role === "assistant"
    ? {
      type: "message",
      id,
      role,
      content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
    }
    : { type: "message", id, role, content: [{ type: "input_text", text }] };
}

const settings = () => ({
  cwd: "/work/x",
  approvalPolicy: "never",
  sandboxMode: "danger-full-access",
  model: "gpt-5.5",
  effort: "medium",
});

function texts(items: AnyItem[]): string[] {
  return items.map((i) => (i as { content: { text: string }[] }).content[0].text);
}

async function readAll(path: string): Promise<RolloutRecord[]> {
  const out: RolloutRecord[] = [];
  await forEachRecord(path, (r) => void out.push(r));
  return out;
}

/** Records a small two-request turn the way a thread reports it. */
async function recordSession(
  home: string,
  id: string,
  cwd: string,
  prompt: string,
  clock = () => T0,
): Promise<{ path: string; items: AnyItem[] }> {
  const path = rolloutPath(home, id, new Date(clock()));
  const writer = await RolloutWriter.open(path, { mode: "create" });
  const rec = new SessionRecorder({
    writer,
    meta: {
      id,
      timestamp: new Date(clock()).toISOString(),
      cwd,
      originator: "codex_exec",
      cliVersion: "0.1.0",
      source: "exec",
      modelProvider: "fake",
      contextWindowId: "01a21040-daf3-7843-82f7-83d7da2b2874",
    },
    baseFromFirstItem: true,
    turnSettings: () => ({ ...settings(), cwd }),
    contextWindow: () => 258400,
    now: clock,
  });
  const items: AnyItem[] = [
    msg("developer", "BASE PROMPT", "msg_base-1"),
    msg("developer", "<permissions instructions>...", "msg_dev-1"),
    msg("user", "<environment_context>\n  <cwd>/x</cwd>\n</environment_context>", "msg_ctx-1"),
  ];
  for (const item of items) rec.onHistoryItem(item);
  const ev = (e: AgentEvent) => rec.handleEvent(e);
  ev({ type: "turn_started", turn_id: "turn-1", input: [prompt] });
  const turnItems: AnyItem[] = [
    msg("user", prompt, "msg_u1"),
    {
      type: "function_call",
      status: "completed",
      id: "fc_1",
      name: "exec_command",
      arguments: "{}",
      call_id: "call_1",
    },
    { type: "function_call_output", id: "fco_1", call_id: "call_1", output: "ok" },
    msg("assistant", "all done", "msg_a1"),
  ];
  rec.onHistoryItem(turnItems[0]);
  ev({ type: "token_count", last: { ...emptyUsage(), input_tokens: 100 }, total: emptyUsage() });
  rec.onHistoryItem(turnItems[1]);
  rec.onHistoryItem(turnItems[2]);
  ev({ type: "token_count", last: { ...emptyUsage(), input_tokens: 150 }, total: emptyUsage() });
  rec.onHistoryItem(turnItems[3]);
  ev({ type: "turn_completed", turn_id: "turn-1", usage: emptyUsage(), last_message: "all done" });
  await rec.close();
  return { path, items: [...items, ...turnItems] };
}

Deno.test("rolloutPath: sessions/YYYY/MM/DD/rollout-<local time>-<id>.jsonl, parsed back", () => {
  const id = "01a21040-dade-7e00-a2ac-71a531f740ab";
  const d = new Date(2026, 0, 2, 3, 4, 5);
  assert.equal(
    rolloutPath("/h", id, d),
    `/h/sessions/2026/01/02/rollout-2026-01-02T03-04-05-${id}.jsonl`,
  );
  assert.deepEqual(parseRolloutFileName(`rollout-2026-01-02T03-04-05-${id}.jsonl`), {
    timestamp: "2026-01-02T03-04-05",
    threadId: id,
  });
  assert.equal(parseRolloutFileName("notes.jsonl"), null);
});

Deno.test("recorder: upstream record shapes, base prompt in session_meta, events after items", async () => {
  const home = await Deno.makeTempDir();
  try {
    const id = "01a21040-dade-7e00-a2ac-71a531f740ab";
    const { path } = await recordSession(home, id, "/work/x", "do it");
    const text = await Deno.readTextFile(path);
    assert.ok(text.endsWith("\n"));
    const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l));
    for (const l of lines) assert.deepEqual(Object.keys(l), ["timestamp", "type", "payload"]);
    assert.equal(lines[0].timestamp, "2026-11-25T03:04:05.678Z");
    assert.deepEqual(
      lines.map((l) => l.payload.type ? `${l.type}:${l.payload.type}` : l.type),
      [
        "session_meta",
        "response_item:message",
        "response_item:message",
        "event_msg:task_started",
        "turn_context",
        "response_item:message",
        "event_msg:user_message",
        "event_msg:token_count",
        "response_item:function_call",
        "response_item:function_call_output",
        "event_msg:token_count",
        "response_item:message",
        "event_msg:agent_message",
        "event_msg:task_complete",
      ],
    );
    assert.deepEqual(Object.keys(lines[0].payload), [
      "session_id",
      "id",
      "timestamp",
      "cwd",
      "runtime_workspace_roots",
      "originator",
      "cli_version",
      "source",
      "thread_source",
      "model_provider",
      "base_instructions",
      "context_window",
    ]);
    assert.deepEqual(lines[0].payload.base_instructions, { text: "BASE PROMPT", id: "msg_base-1" });
    assert.deepEqual(lines[6].payload, {
      type: "user_message",
      message: "do it",
      images: [],
      local_images: [],
      text_elements: [],
    });
    assert.deepEqual(lines[10].payload.info.total_token_usage, {
      input_tokens: 250,
      cached_input_tokens: 0,
      cache_write_input_tokens: 0,
      output_tokens: 0,
      reasoning_output_tokens: 0,
      total_tokens: 250,
    });
    assert.equal(lines[10].payload.info.model_context_window, 258400);
    assert.equal(lines[13].payload.last_agent_message, "all done");
    assert.deepEqual(lines[4].payload.sandbox_policy, { type: "danger-full-access" });
  } finally {
    await cleanup(home);
  }
});

Deno.test("loadThreadHistory: rebuilds the exact history, usage and first prompt", async () => {
  const home = await Deno.makeTempDir();
  try {
    const id = "01a21040-dade-7e00-a2ac-71a531f740ab";
    const { path, items } = await recordSession(home, id, "/work/x", "do it");
    const loaded = await loadThreadHistory(path);
    assert.equal(JSON.stringify(loaded.history), JSON.stringify(items));
    assert.equal(loaded.meta.id, id);
    assert.equal(loaded.meta.contextWindowId, "01a21040-daf3-7843-82f7-83d7da2b2874");
    assert.equal(loaded.firstPrompt, "do it");
    assert.equal(loaded.lastUsage?.input_tokens, 150);
    assert.equal(loaded.totalUsage?.input_tokens, 250);
    // The second token count came before the assistant message (1 base + 3 ctx/user + call + out).
    assert.equal(loaded.historyLengthAtUsage, 6);
    assert.deepEqual(loaded.warnings, []);
    assert.deepEqual(loaded.repairedCalls, []);
  } finally {
    await cleanup(home);
  }
});

Deno.test("loadThreadHistory: a torn last line is skipped with a warning; appends start a new line", async () => {
  const home = await Deno.makeTempDir();
  try {
    const id = "01a21040-dade-7e00-a2ac-71a531f740ab";
    const { path, items } = await recordSession(home, id, "/work/x", "do it");
    await Deno.writeTextFile(path, '{"timestamp":"x","type":"response_item","payload":{"ty', {
      append: true,
    });
    const seen: string[] = [];
    const loaded = await loadThreadHistory(path, { onWarning: (m) => seen.push(m) });
    assert.equal(JSON.stringify(loaded.history), JSON.stringify(items));
    assert.equal(seen.length, 1);
    assert.match(seen[0], /ignored a torn last line \(line 15\)/);

    const writer = await RolloutWriter.open(path, { mode: "append" });
    writer.write({
      timestamp: "t",
      type: "response_item",
      payload: msg("user", "later", "m2") as Record<string, unknown>,
    });
    await writer.close();
    const again = await loadThreadHistory(path);
    assert.equal(again.history.length, items.length + 1);
    assert.match(again.warnings[0], /skipped a malformed line \(line 15\)/);
  } finally {
    await cleanup(home);
  }
});

Deno.test("repairToolCalls: unanswered calls get 'aborted' right after them, stray outputs go", () => {
  const items: AnyItem[] = [
    msg("user", "go", "m1"),
    { type: "function_call", name: "a", arguments: "{}", call_id: "c1" },
    { type: "custom_tool_call", name: "apply_patch", input: "x", call_id: "c2" },
    { type: "function_call_output", call_id: "c1", output: "fine" },
    { type: "custom_tool_call_output", call_id: "gone", output: "stray" },
  ];
  const repaired = repairToolCalls(items);
  assert.deepEqual(repaired, ["c2"]);
  assert.deepEqual(items.map((i) => `${i.type}:${(i as { call_id?: string }).call_id ?? ""}`), [
    "message:",
    "function_call:c1",
    "custom_tool_call:c2",
    "custom_tool_call_output:c2",
    "function_call_output:c1",
  ]);
  const out = items[3] as { id: string; output: string };
  assert.equal(out.output, "aborted");
  assert.match(out.id, /^ctco_[0-9a-f-]{36}$/);
  // Deterministic: repairing the same history again gives the same id.
  const again: AnyItem[] = [{ type: "custom_tool_call", name: "p", input: "", call_id: "c2" }];
  repairToolCalls(again);
  assert.equal((again[1] as { id: string }).id, out.id);
});

Deno.test("loadThreadHistory: a compacted record replaces what came before it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "r.jsonl");
    const lines = [
      {
        timestamp: "t",
        type: "session_meta",
        payload: {
          id: "01a21040-dade-7e00-a2ac-71a531f740ab",
          cwd: "/w",
          base_instructions: { text: "B" },
        },
      },
      { timestamp: "t", type: "response_item", payload: msg("user", "old", "m1") },
      { timestamp: "t", type: "response_item", payload: msg("assistant", "old answer", "m2") },
      {
        timestamp: "t",
        type: "compacted",
        payload: {
          message: "S",
          replacement_history: [msg("user", "old", "m1"), msg("user", "S", "s")],
        },
      },
      { timestamp: "t", type: "response_item", payload: msg("user", "new", "m3") },
      { timestamp: "t", type: "compacted_unknown_kind", payload: {} },
    ];
    await Deno.writeTextFile(path, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const loaded = await loadThreadHistory(path);
    assert.equal(loaded.compactions, 1);
    assert.deepEqual(
      loaded.history.map((i) => (i as { content: { text: string }[] }).content[0].text),
      ["B", "old", "S", "new"],
    );
    // The derived base id is stable across loads.
    const again = await loadThreadHistory(path);
    assert.equal((again.history[0] as { id: string }).id, (loaded.history[0] as { id: string }).id);
  } finally {
    await cleanup(dir);
  }
});

Deno.test("loadThreadHistory: a file without session_meta is an error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "r.jsonl");
    await Deno.writeTextFile(path, "not json\n");
    await assert.rejects(() => loadThreadHistory(path), /not a session rollout/);
  } finally {
    await cleanup(dir);
  }
});

Deno.test("listSessions / resolveSession: newest first, filtered by cwd, --last and ids", async () => {
  const home = await Deno.makeTempDir();
  try {
    const a = "01a21040-0000-7000-8000-00000000000a";
    const b = "01a21040-0000-7000-8000-00000000000b";
    const c = "01a21040-0000-7000-8000-00000000000c";
    const pa = (await recordSession(home, a, "/w/one", "first task\nmore lines")).path;
    const pb = (await recordSession(home, b, "/w/two", "second task")).path;
    const pc = (await recordSession(home, c, "/w/one", "x".repeat(200), () => T0 + 86_400_000))
      .path;
    await Deno.utime(pa, new Date(T0 + 1000), new Date(T0 + 1000));
    await Deno.utime(pb, new Date(T0 + 3000), new Date(T0 + 3000));
    await Deno.utime(pc, new Date(T0 + 2000), new Date(T0 + 2000));
    await Deno.writeTextFile(join(home, "sessions", "stray.jsonl"), "{}\n");

    const all = await listSessions({ codexHome: home });
    assert.deepEqual(all.map((s) => s.id), [b, c, a]);
    const one = await listSessions({ codexHome: home, cwd: "/w/one" });
    assert.deepEqual(one.map((s) => s.id), [c, a]);
    assert.deepEqual(one[1], {
      id: a,
      path: pa,
      title: "first task",
      updatedAt: new Date(T0 + 1000),
      firstPrompt: "first task\nmore lines",
      cwd: "/w/one",
    });
    assert.equal(one[0].title.length, 80);
    assert.deepEqual((await listSessions({ codexHome: home, limit: 1 })).map((s) => s.id), [b]);

    assert.deepEqual(await resolveSession({ codexHome: home, cwd: "/w/one", last: true }), {
      id: c,
      path: pc,
    });
    assert.deepEqual(
      await resolveSession({ codexHome: home, cwd: "/w/one", last: true, all: true }),
      { id: b, path: pb },
    );
    assert.equal(await resolveSession({ codexHome: home, cwd: "/w/none", last: true }), null);
    assert.equal(await findSessionById(home, a.toUpperCase()), pa);
    assert.deepEqual(await resolveSession({ codexHome: home, cwd: "/", id: a }), {
      id: a,
      path: pa,
    });
    assert.equal(
      await resolveSession({
        codexHome: home,
        cwd: "/",
        id: "01a21040-0000-7000-8000-0000000000ff",
      }),
      null,
    );
    await assert.rejects(
      () => resolveSession({ codexHome: home, cwd: "/", id: "nope" }),
      /'nope' is not a session id/,
    );
    assert.deepEqual(await listSessions({ codexHome: join(home, "missing") }), []);
  } finally {
    await cleanup(home);
  }
});

Deno.test("writer: a failed write is reported once and turns the writer off", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "r.jsonl");
    const errors: string[] = [];
    const writer = await RolloutWriter.open(path, {
      mode: "create",
      onError: (m) => errors.push(m),
    });
    assert.ok(writer.write({ timestamp: "t", type: "event_msg", payload: { type: "x" } }));
    // Opening an existing path for creation fails (never overwrites a session).
    await assert.rejects(() => RolloutWriter.open(path, { mode: "create" }));
    await writer.close();
    assert.equal(writer.write({ timestamp: "t", type: "event_msg", payload: {} }), false);
    assert.equal(writer.ok, false);
    assert.equal(errors.length, 0);
    assert.equal((await readAll(path)).length, 1);

    // A full disk: reported once, later records dropped, nothing thrown.
    const full = await RolloutWriter.open("/dev/full", {
      mode: "append",
      onError: (m) => errors.push(m),
    });
    assert.equal(full.write({ timestamp: "t", type: "event_msg", payload: {} }), false);
    assert.equal(full.write({ timestamp: "t", type: "event_msg", payload: {} }), false);
    await full.close();
    assert.equal(errors.length, 1);
    assert.match(errors[0], /cannot write session file \/dev\/full: /);
  } finally {
    await cleanup(dir);
  }
});

Deno.test("loadThreadHistory: an upstream fork reads its parent up to the fork point first", async () => {
  const home = await Deno.makeTempDir();
  try {
    const parentId = "01a21040-0000-7000-8000-0000000000a1";
    const forkId = "01a21040-0000-7000-8000-0000000000b2";
    const dir = join(home, "sessions/2026/11/25");
    await Deno.mkdir(dir, { recursive: true });
    const rec = (ordinal: number, type: string, payload: unknown) =>
      JSON.stringify({ timestamp: "t", ordinal, type, payload });
    const parentLines = [
      rec(0, "session_meta", { id: parentId, cwd: "/w", base_instructions: { text: "P" } }),
      rec(1, "response_item", msg("user", "one", "m1")),
      rec(2, "response_item", msg("assistant", "two", "m2")),
    ];
    const cut = parentLines.join("\n").length + 1;
    // The parent went on after the fork: that part is not the fork's.
    parentLines.push(rec(5, "response_item", msg("user", "after the fork", "m5")));
    await Deno.writeTextFile(
      join(dir, `rollout-2026-11-25T01-00-00-${parentId}.jsonl`),
      parentLines.join("\n") + "\n",
    );
    const forkPath = join(dir, `rollout-2026-11-25T01-00-01-${forkId}.jsonl`);
    await Deno.writeTextFile(
      forkPath,
      [
        rec(3, "session_meta", {
          id: forkId,
          forked_from_id: parentId,
          cwd: "/w",
          base_instructions: { text: "F" },
          history_base: { thread_id: parentId, end_ordinal_exclusive: 3, end_byte_offset: cut },
        }),
        rec(4, "response_item", msg("user", "three", "m3")),
      ].join("\n") + "\n",
    );
    const loaded = await loadThreadHistory(forkPath);
    assert.equal(loaded.meta.id, forkId);
    assert.deepEqual(texts(loaded.history), ["F", "one", "two", "three"]);
    assert.deepEqual(loaded.warnings, []);

    await Deno.remove(join(dir, `rollout-2026-11-25T01-00-00-${parentId}.jsonl`));
    const orphan = await loadThreadHistory(forkPath);
    assert.deepEqual(texts(orphan.history), ["F", "three"]);
    assert.match(orphan.warnings[0], /forked from is missing/);
  } finally {
    await cleanup(home);
  }
});
