/**
 * Sub-agents for real: a parent thread spawns two sub-agents in one response, waits for them and
 * gets both results; each sub-agent is its own thread whose requests carry upstream's sub-agent
 * headers and turn metadata. Runs against a routing fake Responses server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { createThread, loadConfig } from "../mod.ts";
import type { ScriptTurn } from "./fakes/responses_server.ts";
import {
  functionOutputs,
  lastUserText,
  type RoutedRequest,
  startRouter,
} from "./agents_fake_router.ts";
import { cleanup, makeHome, makeWorkspace } from "./helpers.ts";

const NS = "multi_agent_v1";

function call(name: string, callId: string, args: unknown): ScriptTurn["output"] {
  return [{
    type: "raw_item",
    item: {
      type: "function_call",
      id: `fc_${callId}`,
      status: "completed",
      name,
      namespace: NS,
      arguments: JSON.stringify(args),
      call_id: callId,
    },
  }];
}

function message(text: string, delay = 0): ScriptTurn {
  return { output: [{ type: "message", text }], delay_ms: delay };
}

function meta(req: RoutedRequest): Record<string, unknown> {
  return JSON.parse(req.headers["x-codex-turn-metadata"]);
}

function texts(input: Record<string, unknown>[]): string[] {
  return input.flatMap((i) =>
    i.type === "message" ? (i.content as { text?: string }[]).map((p) => p.text ?? "") : []
  );
}

Deno.test("agents: a parent spawns two sub-agents in parallel, waits, and gets both results", async () => {
  const results = new Map<string, unknown>();
  const router = startRouter(({ headers, input }) => {
    if (headers["x-openai-subagent"]) {
      const task = lastUserText(input);
      // Beta answers first although it was spawned second: both run at the same time.
      return task === "task alpha"
        ? { route: "alpha", turn: message("alpha done", 300) }
        : { route: "beta", turn: message("beta done", 50) };
    }
    const outs = functionOutputs(input);
    if (outs.length === 0) {
      return {
        route: "parent-spawn",
        turn: {
          output: [
            ...call("spawn_agent", "c_spawn_a", { message: "task alpha" })!,
            ...call("spawn_agent", "c_spawn_b", { message: "task beta" })!,
          ],
        },
      };
    }
    const ids = outs.slice(0, 2).map((o) => (o as { agent_id: string }).agent_id);
    for (const o of outs.slice(2)) {
      const status = (o as { status?: Record<string, unknown> }).status;
      for (const [id, s] of Object.entries(status ?? {})) results.set(id, s);
    }
    const pending = ids.filter((id) => !results.has(id));
    const k = outs.length;
    if (pending.length) {
      return {
        route: "parent-wait",
        turn: {
          output: call("wait_agent", `c_wait_${k}`, { targets: pending, timeout_ms: 20000 }),
        },
      };
    }
    if (!input.some((i) => i.call_id === "c_close_a")) {
      return {
        route: "parent-close",
        turn: {
          output: [
            ...call("close_agent", "c_close_a", { target: ids[0] })!,
            ...call("close_agent", "c_close_b", { target: ids[1] })!,
          ],
        },
      };
    }
    return { route: "parent-final", turn: message("both agents reported back") };
  });
  const ws = await makeWorkspace({ "AGENTS.md": "# ws\n" });
  const home = await makeHome(router.url);
  try {
    const config = await loadConfig({
      env: { CODEX_HOME: home, FAKE_API_KEY: "sk-agents", PATH: Deno.env.get("PATH") ?? "" },
      cwd: ws,
    });
    const thread = await createThread({ config, cwd: ws });
    const collab: Record<string, unknown>[] = [];
    thread.subscribe((e) => {
      if (e.type === "collab_tool_call") collab.push(e as unknown as Record<string, unknown>);
    });
    const result = await thread.run("Use two agents.");
    await thread.shutdown();

    assert.equal(result.status, "completed", result.error);
    assert.equal(result.lastMessage, "both agents reported back");

    // The parent offers tool_search and announces the deferred namespace.
    const first = router.requests[0];
    const tools = first.body.tools as { type: string; name?: string }[];
    assert.ok(tools.some((t) => t.type === "tool_search"));
    assert.ok(!tools.some((t) => t.name === "spawn_agent"), "deferred tools are not listed");
    const firstTexts = texts(first.body.input as Record<string, unknown>[]);
    assert.ok(
      firstTexts.some((t) =>
        t.startsWith("<tools>\nDeferred tool namespaces:\n- multi_agent_v1: ")
      ),
    );

    // Both children ran, each as its own thread with upstream's sub-agent headers and metadata.
    const parentMeta = meta(first);
    const parentId = first.headers["thread-id"];
    const children = router.requests.filter((r) => r.route === "alpha" || r.route === "beta");
    assert.deepEqual(children.map((r) => r.route).sort(), ["alpha", "beta"]);
    const spawnOutputs = functionOutputs(
      router.requests.find((r) => r.route === "parent-wait")!.body.input as Record<
        string,
        unknown
      >[],
    ).slice(0, 2) as { agent_id: string; nickname: string }[];
    const childIds = children.map((r) => r.headers["thread-id"]);
    assert.deepEqual([...childIds].sort(), spawnOutputs.map((o) => o.agent_id).sort());
    for (const o of spawnOutputs) assert.match(o.nickname, /^[A-Z][a-z]+$/);
    for (const child of children) {
      assert.equal(child.headers["x-openai-subagent"], "collab_spawn");
      assert.equal(child.headers["x-codex-parent-thread-id"], parentId);
      assert.equal(child.headers["session-id"], parentId);
      assert.equal(child.headers["x-client-request-id"], child.headers["thread-id"]);
      assert.notEqual(child.headers["thread-id"], parentId);
      assert.equal(child.body.prompt_cache_key, parentId);
      const m = meta(child);
      assert.deepEqual(Object.keys(m).slice(0, 16), [
        "installation_id",
        "session_id",
        "thread_id",
        "agent_name",
        "turn_id",
        "window_id",
        "window_number",
        "context_window_id",
        "request_kind",
        "history_initialization",
        "parent_thread_id",
        "parent_turn_id",
        "root_turn_id",
        "subagent_kind",
        "thread_source",
        "turn_trigger",
      ]);
      assert.equal(m.session_id, parentId);
      assert.equal(m.agent_name, "/root");
      assert.equal(m.parent_thread_id, parentId);
      assert.equal(m.parent_turn_id, parentMeta.turn_id);
      assert.equal(m.root_turn_id, parentMeta.turn_id);
      assert.equal(m.subagent_kind, "thread_spawn");
      assert.equal(m.thread_source, "subagent");
      assert.notEqual(m.turn_id, parentMeta.turn_id);
      const cm = child.body.client_metadata as Record<string, string>;
      assert.equal(cm["x-openai-subagent"], "collab_spawn");
      assert.equal(cm["x-codex-parent-thread-id"], parentId);
      assert.equal(cm.parent_turn_id, parentMeta.turn_id);
      // A child at max depth gets neither tool_search nor the deferred section.
      const childTools = child.body.tools as { type: string }[];
      assert.ok(!childTools.some((t) => t.type === "tool_search"));
      const childTexts = texts(child.body.input as Record<string, unknown>[]);
      assert.ok(!childTexts.some((t) => t.startsWith("<tools>")));
      assert.equal(
        lastUserText(child.body.input as Record<string, unknown>[]),
        `task ${child.route}`,
      );
    }

    // Both results reached the parent: through wait_agent and as notifications.
    const byId = new Map(children.map((c) => [c.headers["thread-id"], c.route]));
    assert.equal(results.size, 2);
    for (const [id, status] of results) {
      assert.deepEqual(status, { completed: `${byId.get(id)} done` });
    }
    const last = router.requests[router.requests.length - 1];
    const lastInput = last.body.input as Record<string, unknown>[];
    const notes = texts(lastInput).filter((t) => t.startsWith("<subagent_notification>"));
    assert.equal(notes.length, 2);
    for (const note of notes) {
      const json = JSON.parse(note.split("\n")[1]);
      assert.deepEqual(json.status, { completed: `${byId.get(json.agent_path)} done` });
    }
    const closes = lastInput.filter((i) =>
      i.type === "function_call_output" && String(i.call_id).startsWith("c_close")
    );
    for (const c of closes) {
      assert.match(String(c.output), /^\{"previous_status":\{"completed":"(alpha|beta) done"\}\}$/);
    }

    // Activity for exec --json: spawn items carry the new ids, waits the states.
    const spawnEnds = collab.filter((e) => e.tool === "spawn_agent" && e.phase === "end");
    assert.equal(spawnEnds.length, 2);
    for (const e of spawnEnds) {
      const [id] = e.receiver_thread_ids as string[];
      assert.deepEqual(e.agents_states, { [id]: { status: "pending_init", message: null } });
      assert.equal(e.sender_thread_id, parentId);
    }
  } finally {
    await router.close();
    await cleanup(ws, home);
  }
});
