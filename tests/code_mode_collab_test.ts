/**
 * Collaboration v2 end to end: a code-mode root (gpt-6.1-sol) spawns `/root/worker` through
 * `collaboration.spawn_agent`, waits with `collaboration.wait_agent` and gets the worker's final
 * answer as an `agent_message`; a full fork hands the root's history to the child. The sub-agent
 * is a real thread talking to the routing fake Responses server on 127.0.0.1.
 *
 * These need the code-mode surface wired into `lib/agent/setup.ts` / `toolset.ts` /
 * `thread.ts` (see docs/code-mode.md); until then they are ignored.
 */
import assert from "node:assert/strict";
import { createThread, loadConfig } from "../mod.ts";
import type { ScriptTurn } from "./fakes/responses_server.ts";
import { type RoutedRequest, startRouter } from "./agents_fake_router.ts";
import { cleanup, makeHome, makeWorkspace } from "./helpers.ts";

function call(namespace: string, name: string, callId: string, args: unknown): ScriptTurn {
  return {
    output: [{
      type: "raw_item",
      item: {
        type: "function_call",
        id: `fc_${callId}`,
        status: "completed",
        name,
        namespace,
        arguments: JSON.stringify(args),
        call_id: callId,
      },
    }],
  };
}

const say = (text: string, delay = 0): ScriptTurn => ({
  output: [{ type: "message", text }],
  delay_ms: delay,
});

function meta(req: RoutedRequest): Record<string, unknown> {
  return JSON.parse(req.headers["x-codex-turn-metadata"]);
}

type Item = Record<string, unknown>;

function outputOf(input: Item[], callId: string): unknown {
  return input.find((i) => i.type === "function_call_output" && i.call_id === callId)?.output;
}

function firstText(item: Item): string {
  return ((item.content ?? []) as { text?: string }[])[0]?.text ?? "";
}

async function withRoot(
  router: ReturnType<typeof startRouter>,
  prompt: string,
): Promise<{ status: string; error?: string }> {
  const ws = await makeWorkspace({ "AGENTS.md": "# ws\n" });
  const home = await makeHome(router.url, "", "gpt-6.1-sol");
  try {
    const config = await loadConfig({
      env: { CODEX_HOME: home, FAKE_API_KEY: "sk-collab", PATH: Deno.env.get("PATH") ?? "" },
      cwd: ws,
    });
    const thread = await createThread({ config, cwd: ws });
    const result = await thread.run(prompt);
    await thread.shutdown();
    return result;
  } finally {
    await cleanup(ws, home);
  }
}

Deno.test({
  name: "collaboration: spawn_agent, wait_agent and the worker's final answer as an agent_message",
  fn: async () => {
    const router = startRouter(({ headers, input }) => {
      if (headers["x-openai-subagent"]) {
        return { route: "worker", turn: say("hello from worker", 100) };
      }
      if (!outputOf(input, "c_spawn")) {
        return {
          route: "spawn",
          turn: call("collaboration", "spawn_agent", "c_spawn", {
            task_name: "worker",
            message: "Say hello.",
            fork_turns: "none",
          }),
        };
      }
      if (!outputOf(input, "c_wait")) {
        return {
          route: "wait",
          turn: call("collaboration", "wait_agent", "c_wait", { timeout_ms: 20000 }),
        };
      }
      if (!outputOf(input, "c_list")) {
        return { route: "list", turn: call("collaboration", "list_agents", "c_list", {}) };
      }
      return { route: "final", turn: say("root done") };
    });
    try {
      const result = await withRoot(router, "Ask a worker.");
      assert.equal(result.status, "completed", result.error);

      const byRoute = (r: string) => router.requests.find((q) => q.route === r)!;
      const rootId = byRoute("spawn").headers["thread-id"];
      // The worker: its own thread, addressed as /root/worker, started by a NEW_TASK message.
      const worker = byRoute("worker");
      const wm = meta(worker);
      assert.equal(wm.agent_name, "/root/worker");
      assert.equal(wm.thread_source, "subagent");
      assert.equal(wm.history_initialization, "new");
      assert.equal(wm.parent_thread_id, rootId);
      assert.equal(worker.headers["x-openai-subagent"], "collab_spawn");
      assert.equal(worker.headers["session-id"], rootId);
      const winput = worker.body.input as Item[];
      const wtools = winput[0].tools as { name: string; tools: { name: string }[] }[];
      assert.deepEqual(wtools.map((n) => n.name), ["functions", "clock", "collaboration"]);
      assert.deepEqual(wtools[0].tools.map((t) => t.name), ["exec", "wait", "request_user_input"]);
      const devTexts = winput.filter((i) => i.role === "developer").map(firstText);
      assert.ok(devTexts.some((t) => t.startsWith("<multi_agent_role>")));
      assert.ok(!devTexts.some((t) => t.startsWith("<multi_agent_role>You are `/root`")));
      const task = winput.at(-1)!;
      assert.deepEqual(Object.keys(task), ["type", "id", "author", "recipient", "content"]);
      assert.equal(task.type, "agent_message");
      assert.match(String(task.id), /^amsg_[0-9a-f-]{36}$/);
      assert.equal(task.author, "/root");
      assert.equal(task.recipient, "/root/worker");
      assert.deepEqual(task.content, [
        {
          type: "input_text",
          text: "Message Type: NEW_TASK\nTask name: /root/worker\nSender: /root\nPayload:\n",
        },
        { type: "encrypted_content", encrypted_content: "Say hello." },
      ]);

      // The root: spawn answer, wait answer, then the final answer as an agent_message.
      const last = router.requests.at(-1)!.body.input as Item[];
      assert.equal(outputOf(last, "c_spawn"), '{"task_name":"/root/worker"}');
      assert.equal(outputOf(last, "c_wait"), '{"message":"Wait completed.","timed_out":false}');
      const waitAt = last.findIndex((i) =>
        i.call_id === "c_wait" && i.type === "function_call_output"
      );
      const answer = last.slice(waitAt + 1).find((i) => i.type === "agent_message")!;
      assert.equal(answer.author, "/root/worker");
      assert.equal(answer.recipient, "/root");
      assert.deepEqual(answer.content, [{
        type: "input_text",
        text: "Message Type: FINAL_ANSWER\nTask name: /root\nSender: /root/worker\nPayload:\n" +
          "hello from worker",
      }]);
      assert.equal(
        outputOf(last, "c_list"),
        JSON.stringify({
          agents: [
            { agent_name: "/root", agent_status: "running" },
            { agent_name: "/root/worker", agent_status: { completed: "hello from worker" } },
          ],
        }),
      );
    } finally {
      await router.close();
    }
  },
});

Deno.test({
  name: "collaboration: a full fork hands the root's history to the child, then our fork messages",
  fn: async () => {
    const router = startRouter(({ headers, input }) => {
      if (headers["x-openai-subagent"]) return { route: "child", turn: say("forked result") };
      if (!outputOf(input, "c_spawn")) {
        return {
          route: "spawn",
          turn: call("collaboration", "spawn_agent", "c_spawn", {
            task_name: "fork",
            message: "Go on.",
          }),
        };
      }
      if (!outputOf(input, "c_wait")) {
        return {
          route: "wait",
          turn: call("collaboration", "wait_agent", "c_wait", { timeout_ms: 20000 }),
        };
      }
      return { route: "final", turn: say("root done") };
    });
    try {
      const result = await withRoot(router, "Fork a helper.");
      assert.equal(result.status, "completed", result.error);
      const spawnReq = router.requests.find((r) => r.route === "spawn")!;
      const child = router.requests.find((r) => r.route === "child")!;
      assert.equal(meta(child).history_initialization, "warm_fork");
      assert.equal(meta(child).agent_name, "/root/fork");
      const parentInput = spawnReq.body.input as Item[];
      const input = child.body.input as Item[];
      const strip = (i: Item) => ({ ...i, id: undefined });
      // The parent's history comes first, unchanged.
      assert.deepEqual(input.slice(0, parentInput.length).map(strip), parentInput.map(strip));
      const rest = input.slice(parentInput.length);
      assert.equal(rest[0].type, "function_call");
      assert.deepEqual(
        { type: rest[1].type, call_id: rest[1].call_id, output: rest[1].output },
        { type: "function_call_output", call_id: "c_spawn", output: "aborted" },
      );
      const dev = rest.slice(2, 6);
      assert.ok(dev.every((i) => i.type === "message" && i.role === "developer"));
      assert.ok(firstText(dev[1]).startsWith("<multi_agent_role>"));
      assert.ok(firstText(dev[2]).endsWith("\n- functions.request_user_input_async"));
      assert.ok(firstText(dev[3]).startsWith("<multi_agent_mode>"));
      assert.equal(rest[6].type, "agent_message");
      assert.equal(rest.length, 7);
    } finally {
      await router.close();
    }
  },
});
