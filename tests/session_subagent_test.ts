/**
 * Sub-agent rollouts end to end (real `denocodex exec` processes, the routing fake Responses
 * server on 127.0.0.1): a root spawns a sub-agent that runs one turn; the child gets a rollout of
 * its own with upstream 0.169.0's sub-agent `session_meta`; `exec resume` still picks the root;
 * a resumed root reopens the child with `resume_agent` (read back from its rollout) and the
 * child's new turn is appended to the same file; `--ephemeral` writes nothing; a process killed
 * while the child's turn runs leaves the child's items so far on disk.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { ScriptTurn } from "./fakes/responses_server.ts";
import { functionOutputs, lastUserText, startRouter } from "./agents_fake_router.ts";
import {
  cleanup,
  jsonl,
  makeHome,
  makeWorkspace,
  rolloutFiles as rollouts,
  ROOT,
  runProgram,
  testEnv,
} from "./helpers.ts";

type Item = Record<string, unknown>;

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

const say = (text: string): ScriptTurn => ({ output: [{ type: "message", text }] });

function outputOf(input: Item[], callId: string): string | undefined {
  const item = input.find((i) => i.type === "function_call_output" && i.call_id === callId);
  return item?.output as string | undefined;
}

async function records(path: string): Promise<Item[]> {
  return jsonl(await Deno.readTextFile(path));
}

function payloads(recs: Item[], type: string, sub?: string): Item[] {
  return recs.filter((r) => r.type === type).map((r) => r.payload as Item).filter((p) =>
    sub === undefined || p.type === sub
  );
}

/** The text of every message item of `recs` with `role`. */
function messageTexts(recs: Item[], role: string): string[] {
  return payloads(recs, "response_item", "message").filter((p) => p.role === role).map((p) =>
    ((p.content ?? []) as { text?: string }[]).map((c) => c.text ?? "").join("")
  );
}

const NS = "multi_agent_v1";

Deno.test("sub-agent rollouts (v1): own file and meta, exec resume keeps the root, resume_agent appends", async () => {
  // First process: spawn, wait, answer. Second process (the root resumed): resume_agent, send
  // the child more input, wait, answer.
  let phase = 1;
  const childInputs: Item[][] = [];
  const router = startRouter(({ headers, input }) => {
    if (headers["x-openai-subagent"]) {
      childInputs.push(input);
      const task = lastUserText(input);
      return { route: "child", turn: say(task === "again" ? "hello again" : "hello from worker") };
    }
    const outs = functionOutputs(input) as Record<string, unknown>[];
    if (phase === 1) {
      const spawn = outputOf(input, "c_spawn");
      if (!spawn) {
        return {
          route: "spawn",
          turn: call(NS, "spawn_agent", "c_spawn", { message: "Say hello." }),
        };
      }
      const id = (JSON.parse(spawn) as { agent_id: string }).agent_id;
      if (!outputOf(input, "c_wait")) {
        return { route: "wait", turn: call(NS, "wait_agent", "c_wait", { targets: [id] }) };
      }
      return { route: "final", turn: say(`root done ${outs.length}`) };
    }
    const id = childId;
    if (!outputOf(input, "c_resume")) {
      return { route: "resume", turn: call(NS, "resume_agent", "c_resume", { id }) };
    }
    if (!outputOf(input, "c_send")) {
      return {
        route: "send",
        turn: call(NS, "send_input", "c_send", { target: id, message: "again" }),
      };
    }
    if (!outputOf(input, "c_wait2")) {
      return { route: "wait2", turn: call(NS, "wait_agent", "c_wait2", { targets: [id] }) };
    }
    return { route: "final2", turn: say("root done again") };
  });
  let childId = "";
  const ws = await makeWorkspace({ "AGENTS.md": "# ws\n" });
  const home = await makeHome(router.url);
  try {
    const env = testEnv(home);
    const a = await runProgram(["exec", "--json", "go"], { cwd: ws, env });
    assert.equal(a.code, 0, a.stderr);
    const rootId = jsonl(a.stdout)[0].thread_id as string;
    const spawnOut = router.requests.find((r) => r.route === "wait")!.body.input as Item[];
    const spawned = JSON.parse(outputOf(spawnOut, "c_spawn")!) as {
      agent_id: string;
      nickname: string;
    };
    childId = spawned.agent_id;

    const files = await rollouts(home);
    assert.equal(files.length, 2, files.join("\n"));
    const childFile = files.find((f) => f.endsWith(`-${childId}.jsonl`));
    const rootFile = files.find((f) => f.endsWith(`-${rootId}.jsonl`));
    assert.ok(childFile && rootFile, files.join("\n"));
    assert.match(
      childFile,
      /\/sessions\/\d{4}\/\d{2}\/\d{2}\/rollout-[0-9T-]{19}-[0-9a-f-]{36}\.jsonl$/,
    );

    // The child's session_meta, in upstream's key order.
    const child = await records(childFile);
    assert.equal(child[0].type, "session_meta");
    assert.equal(child.filter((r) => r.type === "session_meta").length, 1);
    const meta = child[0].payload as Item;
    assert.deepEqual(Object.keys(meta), [
      "session_id",
      "id",
      "parent_thread_id",
      "timestamp",
      "cwd",
      "runtime_workspace_roots",
      "originator",
      "cli_version",
      "source",
      "thread_source",
      "agent_nickname",
      "model_provider",
      "base_instructions",
      "multi_agent_version",
      "context_window",
    ]);
    assert.equal(meta.session_id, rootId);
    assert.equal(meta.id, childId);
    assert.equal(meta.parent_thread_id, rootId);
    assert.deepEqual(meta.source, {
      subagent: {
        thread_spawn: {
          parent_thread_id: rootId,
          depth: 1,
          agent_path: null,
          agent_nickname: spawned.nickname,
          agent_role: null,
        },
      },
    });
    assert.equal(meta.thread_source, "subagent");
    assert.equal(meta.agent_nickname, spawned.nickname);
    assert.equal(meta.multi_agent_version, "v1");
    const rootMeta = (await records(rootFile))[0].payload as Item;
    assert.notEqual(
      (meta.context_window as Item).window_id,
      (rootMeta.context_window as Item).window_id,
    );
    assert.equal(rootMeta.thread_source, "user");
    // As upstream, the child's turn_context names the root's turn at the top of the chain.
    const rootTurn = payloads(await records(rootFile), "event_msg", "task_started")[0].turn_id;
    const childContext = payloads(child, "turn_context")[0];
    assert.equal(childContext.root_turn_id, rootTurn);
    assert.notEqual(childContext.turn_id, rootTurn);

    // The child's items: its task, its answer, one whole turn.
    assert.deepEqual(messageTexts(child, "user").slice(-1), ["Say hello."]);
    assert.deepEqual(messageTexts(child, "assistant"), ["hello from worker"]);
    const done = payloads(child, "event_msg", "task_complete");
    assert.equal(done.length, 1);
    assert.equal(done[0].last_agent_message, "hello from worker");

    // `exec resume --last` picks the root, never the (newer or not) child rollout.
    phase = 2;
    const b = await runProgram(["exec", "--json", "resume", "--last", "reopen"], {
      cwd: ws,
      env,
    });
    assert.equal(b.code, 0, b.stderr);
    assert.equal(jsonl(b.stdout)[0].thread_id, rootId);
    const last = router.requests.at(-1)!.body.input as Item[];
    assert.equal(outputOf(last, "c_resume"), '{"status":"pending_init"}');
    assert.match(outputOf(last, "c_wait2") ?? "", /hello again/);

    // The reopened child continued from its stored history, in the same file.
    const again = childInputs.at(-1)!;
    const texts = JSON.stringify(again);
    assert.ok(texts.includes("Say hello.") && texts.includes("hello from worker"));
    assert.equal((await rollouts(home)).length, 2);
    const child2 = await records(childFile);
    assert.equal(child2.filter((r) => r.type === "session_meta").length, 1);
    assert.deepEqual(messageTexts(child2, "assistant"), ["hello from worker", "hello again"]);
    assert.equal(payloads(child2, "event_msg", "task_complete").length, 2);
  } finally {
    await router.close();
    await cleanup(ws, home);
  }
});

Deno.test("sub-agent rollouts (v2): a task agent's meta names its path; --ephemeral writes none", async () => {
  const router = startRouter(({ headers, input }) => {
    if (headers["x-openai-subagent"]) return { route: "worker", turn: say("hello from worker") };
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
    return { route: "final", turn: say("root done") };
  });
  const ws = await makeWorkspace({ "AGENTS.md": "# ws\n" });
  const home = await makeHome(router.url, "", "gpt-6.1-sol");
  try {
    const env = testEnv(home);
    const e = await runProgram(["exec", "--json", "--ephemeral", "go"], { cwd: ws, env });
    assert.equal(e.code, 0, e.stderr);
    assert.ok(router.requests.some((r) => r.route === "worker"));
    await assert.rejects(Deno.stat(join(home, "sessions")), Deno.errors.NotFound);

    const a = await runProgram(["exec", "--json", "go"], { cwd: ws, env });
    assert.equal(a.code, 0, a.stderr);
    const rootId = jsonl(a.stdout)[0].thread_id as string;
    const files = await rollouts(home);
    assert.equal(files.length, 2, files.join("\n"));
    const childFile = files.find((f) => !f.endsWith(`-${rootId}.jsonl`))!;
    const child = await records(childFile);
    const meta = child[0].payload as Item;
    assert.equal(meta.session_id, rootId);
    assert.equal(meta.parent_thread_id, rootId);
    assert.equal(meta.thread_source, "subagent");
    assert.equal(meta.agent_path, "/root/worker");
    assert.equal(meta.multi_agent_version, "v2");
    const spawn = (meta.source as { subagent: { thread_spawn: Item } }).subagent.thread_spawn;
    assert.equal(spawn.agent_path, "/root/worker");
    assert.equal(spawn.depth, 1);
    assert.equal(typeof spawn.agent_nickname, "string");
    assert.equal(meta.agent_nickname, spawn.agent_nickname);
    // The NEW_TASK message and the worker's answer are in the child's rollout.
    const task = payloads(child, "response_item", "agent_message");
    assert.equal(task.length, 1);
    assert.equal(task[0].author, "/root");
    assert.equal(task[0].recipient, "/root/worker");
    assert.deepEqual(messageTexts(child, "assistant"), ["hello from worker"]);
    assert.equal(payloads(child, "event_msg", "task_complete").length, 1);
    // The root's rollout holds the worker's final answer, not the worker's items.
    const root = await records(files.find((f) => f.endsWith(`-${rootId}.jsonl`))!);
    assert.ok(!messageTexts(root, "assistant").includes("hello from worker"));
  } finally {
    await router.close();
    await cleanup(ws, home);
  }
});

Deno.test("sub-agent rollouts: killing the process mid-turn leaves the child's items on disk", async () => {
  const router = startRouter(({ headers, input }) => {
    if (headers["x-openai-subagent"]) {
      // Held until the router closes: the process is killed while the child's turn runs.
      return { route: "child", turn: { ...say("too late"), delay_ms: 600_000 } };
    }
    const spawn = outputOf(input, "c_spawn");
    if (!spawn) {
      return { route: "spawn", turn: call(NS, "spawn_agent", "c_spawn", { message: "Hold on." }) };
    }
    const id = (JSON.parse(spawn) as { agent_id: string }).agent_id;
    return { route: "wait", turn: call(NS, "wait_agent", "c_wait", { targets: [id] }) };
  });
  const ws = await makeWorkspace({ "AGENTS.md": "# ws\n" });
  const home = await makeHome(router.url);
  try {
    const proc = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", join(ROOT, "main.ts"), "exec", "--json", "go"],
      cwd: ws,
      env: testEnv(home),
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    // Wait (bounded) until the child's request reached the server, then kill the process.
    for (let i = 0; i < 3000 && !router.requests.some((r) => r.route === "child"); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    proc.kill("SIGKILL");
    await proc.status;
    assert.ok(router.requests.some((r) => r.route === "child"), "the child never sent a request");

    const files = await rollouts(home);
    assert.equal(files.length, 2, files.join("\n"));
    const childRecs = await Promise.all(files.map(records));
    const child = childRecs.find((recs) => (recs[0].payload as Item).thread_source === "subagent");
    assert.ok(child, "no sub-agent rollout");
    assert.deepEqual(messageTexts(child, "user").slice(-1), ["Hold on."]);
    assert.equal(payloads(child, "event_msg", "task_started").length, 1);
    assert.equal(payloads(child, "event_msg", "task_complete").length, 0);
  } finally {
    await router.close();
    await cleanup(ws, home);
  }
});
