/**
 * Closing a sub-agent kills its processes; the thread limit from `[agents] max_threads` refuses
 * a second agent; an agent at the depth limit has no spawn tools. A real nested run against
 * the routing fake server.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createThread, loadConfig } from "../mod.ts";
import type { ScriptTurn } from "./fakes/responses_server.ts";
import { functionOutputs, startRouter } from "./agents_fake_router.ts";
import { cleanup, makeHome, makeWorkspace } from "./helpers.ts";

function fcall(name: string, callId: string, args: unknown, namespace?: string) {
  return {
    type: "raw_item" as const,
    item: {
      type: "function_call",
      id: `fc_${callId}`,
      status: "completed",
      name,
      ...(namespace ? { namespace } : {}),
      arguments: JSON.stringify(args),
      call_id: callId,
    },
  };
}

async function waitForFile(path: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    try {
      const text = (await Deno.readTextFile(path)).trim();
      if (text) return text;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} never appeared`);
}

async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return stat.split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

Deno.test("agents: closing a sub-agent kills its processes; limits refuse extra agents", async () => {
  const ws = await makeWorkspace();
  const pidFile = join(ws, "child.pid");
  let held = false;
  const router = startRouter(async ({ headers, input }) => {
    const outs = functionOutputs(input);
    if (headers["x-openai-subagent"]) {
      if (outs.length === 0) {
        const turn: ScriptTurn = {
          output: [
            fcall("exec_command", "k_exec", {
              cmd: `echo $$ > ${pidFile}; exec sleep 60`,
              yield_time_ms: 300,
            }),
            fcall("spawn_agent", "k_spawn", { message: "deeper" }, "multi_agent_v1"),
          ],
        };
        return { route: "child-exec", turn };
      }
      // Hold the child's next request until it is closed.
      held = true;
      return { route: "child-hold", turn: { output: [], delay_ms: 30_000 } };
    }
    if (outs.length === 0) {
      return {
        route: "parent-spawn",
        turn: {
          output: [
            fcall("spawn_agent", "c_a", { message: "hold a process" }, "multi_agent_v1"),
            fcall("spawn_agent", "c_b", { message: "one too many" }, "multi_agent_v1"),
          ],
        },
      };
    }
    if (outs.length === 2) {
      await waitForFile(pidFile);
      while (!held) await new Promise((r) => setTimeout(r, 20));
      const id = (outs[0] as { agent_id: string }).agent_id;
      return {
        route: "parent-close",
        turn: { output: [fcall("close_agent", "c_close", { target: id }, "multi_agent_v1")] },
      };
    }
    return { route: "parent-final", turn: { output: [{ type: "message", text: "closed" }] } };
  });
  const home = await makeHome(
    router.url,
    'sandbox_mode = "danger-full-access"\n[agents]\nmax_threads = 1\n',
  );
  try {
    const config = await loadConfig({
      env: { CODEX_HOME: home, FAKE_API_KEY: "sk-agents", PATH: Deno.env.get("PATH") ?? "" },
      cwd: ws,
    });
    const thread = await createThread({ config, cwd: ws });
    const run = thread.run("Start an agent, then close it.");
    // The parent's close comes only once the child's process is up.
    const pid = Number(await waitForFile(pidFile));
    assert.ok(await alive(pid), "the sub-agent's process runs");
    const result = await run;
    await thread.shutdown();
    assert.equal(result.status, "completed", result.error);

    const closeReq = router.requests.find((r) => r.route === "parent-close")!;
    const outs = (closeReq.body.input as Record<string, unknown>[])
      .filter((i) => i.type === "function_call_output");
    assert.match(String(outs[0].output), /^\{"agent_id":"[0-9a-f-]{36}","nickname":"\w+"\}$/);
    assert.equal(outs[1].output, "collab spawn failed: agent thread limit reached");

    const final = router.requests.find((r) => r.route === "parent-final")!;
    const closeOut = (final.body.input as Record<string, unknown>[])
      .find((i) => i.call_id === "c_close" && i.type === "function_call_output")!;
    assert.equal(closeOut.output, '{"previous_status":"running"}');
    const note = (final.body.input as { content?: { text: string }[] }[])
      .flatMap((i) => i.content ?? []).map((p) => p.text)
      .find((t) => t?.startsWith("<subagent_notification>"));
    assert.match(note ?? "", /"status":"shutdown"/);

    // Closing killed the process the sub-agent had started.
    assert.equal(await alive(pid), false, "the sub-agent's process is gone");

    // At the depth limit the child has no spawn tools: upstream's unsupported-call text.
    const hold = router.requests.find((r) => r.route === "child-hold")!;
    const childOut = (hold.body.input as Record<string, unknown>[])
      .find((i) => i.call_id === "k_spawn" && i.type === "function_call_output")!;
    assert.equal(childOut.output, "unsupported call: multi_agent_v1spawn_agent");
  } finally {
    await router.close();
    await cleanup(ws, home);
  }
});
