/**
 * `exec --json` shows sub-agent activity as upstream's `collab_tool_call` items: a spawn
 * (started with no receivers, completed with the new id in `pending_init`) and a wait
 * (completed with the agent's final message). The real program against the routing fake server.
 */
import assert from "node:assert/strict";
import { functionOutputs, startRouter } from "./agents_fake_router.ts";
import { cleanup, jsonl, makeHome, makeWorkspace, runProgram, testEnv } from "./helpers.ts";

function fcall(name: string, callId: string, args: unknown) {
  return {
    type: "raw_item" as const,
    item: {
      type: "function_call",
      id: `fc_${callId}`,
      status: "completed",
      name,
      namespace: "multi_agent_v1",
      arguments: JSON.stringify(args),
      call_id: callId,
    },
  };
}

Deno.test("exec --json: sub-agent activity as collab_tool_call items", async () => {
  const router = startRouter(({ headers, input }) => {
    if (headers["x-openai-subagent"]) {
      return { route: "child", turn: { output: [{ type: "message", text: "child result" }] } };
    }
    const outs = functionOutputs(input);
    if (outs.length === 0) {
      return {
        route: "spawn",
        turn: { output: [fcall("spawn_agent", "c1", { message: "do it" })] },
      };
    }
    if (outs.length === 1) {
      const id = (outs[0] as { agent_id: string }).agent_id;
      return {
        route: "wait",
        turn: { output: [fcall("wait_agent", "c2", { targets: [id], timeout_ms: 30000 })] },
      };
    }
    return { route: "final", turn: { output: [{ type: "message", text: "ok" }] } };
  });
  const ws = await makeWorkspace();
  const home = await makeHome(router.url);
  try {
    const res = await runProgram(
      ["exec", "--json", "--skip-git-repo-check", "-s", "danger-full-access", "go"],
      { cwd: ws, env: testEnv(home) },
    );
    assert.equal(res.code, 0, res.stderr);
    const events = jsonl(res.stdout);
    const threadId = (events[0] as { thread_id: string }).thread_id;
    const collab = events.filter((e) =>
      (e.item as { type?: string } | undefined)?.type === "collab_tool_call"
    ).map((e): Record<string, unknown> => ({
      ...(e.item as Record<string, unknown>),
      type: e.type,
    }));
    assert.equal(collab.length, 4);
    const [spawnStart, spawnEnd, waitStart, waitEnd] = collab;
    assert.equal(spawnStart.type, "item.started");
    const raw = events.find((e) => (e.item as { type?: string })?.type === "collab_tool_call")!;
    assert.deepEqual(Object.keys(raw.item as object), [
      "id",
      "type",
      "tool",
      "sender_thread_id",
      "receiver_thread_ids",
      "prompt",
      "agents_states",
      "status",
    ]);
    assert.equal(spawnStart.tool, "spawn_agent");
    assert.equal(spawnStart.sender_thread_id, threadId);
    assert.deepEqual(spawnStart.receiver_thread_ids, []);
    assert.equal(spawnStart.prompt, "do it");
    assert.deepEqual(spawnStart.agents_states, {});
    assert.equal(spawnStart.status, "in_progress");
    assert.equal(spawnEnd.type, "item.completed");
    assert.equal(spawnEnd.id, spawnStart.id);
    const [agentId] = spawnEnd.receiver_thread_ids as string[];
    assert.deepEqual(spawnEnd.agents_states, {
      [agentId]: { status: "pending_init", message: null },
    });
    assert.equal(spawnEnd.status, "completed");
    assert.equal(waitStart.tool, "wait");
    assert.equal(waitStart.prompt, null);
    assert.deepEqual(waitStart.receiver_thread_ids, [agentId]);
    assert.deepEqual(waitEnd.agents_states, {
      [agentId]: { status: "completed", message: "child result" },
    });
    assert.equal(waitEnd.status, "completed");
    assert.equal(events.at(-1)!.type, "turn.completed");
  } finally {
    await router.close();
    await cleanup(ws, home);
  }
});
