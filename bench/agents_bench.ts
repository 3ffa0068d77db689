/**
 * Sub-agent and code-mode start-up costs, each with a baseline measured in the same run:
 *
 * - `spawn_to_first_request`: `spawn_agent` (AgentControl.spawn) until the sub-agent's first
 *   request reaches a local fake server. Baseline: opening a new root thread and running a turn
 *   until its first request (the work a sub-agent repeats). Target <= 20 ms.
 * - `code_mode_cell_start`: a trivial `exec` cell (`text(1)`) from call to report, with the
 *   spare runner warm. Baseline: the same cell with a runner started cold. Target <= 60 ms.
 *
 * Run: `deno run -A bench/agents_bench.ts`.
 *
 * @module
 */

import { createThread, loadConfig } from "../mod.ts";
import { agentControlOf } from "../lib/agent/setup.ts";
import { CodeModeHost } from "../tools/code_mode/mod.ts";
import { makePolicy } from "../lib/sandbox/policy.ts";
import type { ToolContext } from "../tools/define.ts";
import { buildEvents } from "../tests/fakes/responses_server.ts";

const RUNS = 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function line(name: string, value: number, base: string, baseValue: number, target: string) {
  console.log(
    `${name}: ${value.toFixed(1)} ms (baseline ${base}: ${baseValue.toFixed(1)} ms, ratio ${
      (value / baseValue).toFixed(2)
    }, target ${target})`,
  );
}

/** A fake server that answers every request at once and reports its arrival. */
function startServer(onRequest: (threadId: string) => void) {
  let n = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    await req.arrayBuffer();
    onRequest(req.headers.get("thread-id") ?? "");
    const events = buildEvents({ output: [{ type: "message", text: "ok" }] }, ++n);
    return new Response(events.join(""), { headers: { "content-type": "text/event-stream" } });
  });
  return { url: `http://127.0.0.1:${server.addr.port}/v1`, close: () => server.shutdown() };
}

async function benchSpawn(): Promise<void> {
  const arrivals = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const server = startServer((id) => {
    arrivals.set(id, performance.now());
    waiters.get(id)?.();
  });
  const ws = await Deno.makeTempDir({ prefix: "dcx-bench-ws-" });
  const home = await Deno.makeTempDir({ prefix: "dcx-bench-home-" });
  await Deno.writeTextFile(
    `${home}/config.toml`,
    `model = "gpt-5.5"\nmodel_provider = "fake"\n[agents]\nmax_threads = ${RUNS * 2 + 2}\n` +
      `[model_providers.fake]\nname = "fake"\nbase_url = "${server.url}"\nenv_key = "K"\nwire_api = "responses"\n`,
  );
  const env = { CODEX_HOME: home, K: "sk-bench", PATH: Deno.env.get("PATH") ?? "" };
  const arrived = (id: string) =>
    new Promise<number>((resolve) => {
      if (arrivals.has(id)) return resolve(arrivals.get(id)!);
      waiters.set(id, () => resolve(arrivals.get(id)!));
    });
  try {
    const config = await loadConfig({ env, cwd: ws });
    // Baseline: a new root thread and a turn until its first request.
    const base: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const t0 = performance.now();
      const thread = await createThread({ config, cwd: ws });
      const done = thread.run("hi");
      const t1 = await arrived(thread.id);
      await done;
      await thread.shutdown();
      if (i > 0) base.push(t1 - t0);
    }
    // Spawning through the parent's AgentControl.
    const parent = await createThread({ config, cwd: ws });
    const control = agentControlOf(parent);
    if (!control) throw new Error("sub-agents are disabled");
    const spawn: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const t0 = performance.now();
      const { agent_id } = await control.spawn({ threadId: parent.id, turnId: "bench-turn" }, {
        input: [{ type: "input_text", text: "hi" }],
      });
      const t1 = await arrived(agent_id);
      await control.wait([agent_id], 60_000);
      await control.close(agent_id);
      if (i > 0) spawn.push(t1 - t0);
    }
    await parent.shutdown();
    line(
      "spawn_to_first_request",
      median(spawn),
      "new root thread to first request",
      median(base),
      "<= 20 ms",
    );
  } finally {
    await server.close();
    await Deno.remove(ws, { recursive: true });
    await Deno.remove(home, { recursive: true });
  }
}

async function benchCells(): Promise<void> {
  const ctx: ToolContext = {
    cwd: Deno.cwd(),
    signal: new AbortController().signal,
    callId: "bench",
    turnId: "t",
    threadId: "th",
    sandbox: makePolicy("read-only", Deno.cwd(), [], false),
    approvalPolicy: "never",
    collaborationMode: "default",
    env: {},
    emit: () => {},
    services: {},
  };
  const measure = async (warm: boolean): Promise<number> => {
    const host = new CodeModeHost({ nestedTools: () => [], warmSpare: warm });
    host.prewarm();
    const times: number[] = [];
    try {
      for (let i = 0; i < RUNS + 1; i++) {
        // Let the spare runner start between cells, as it does while the model answers.
        if (warm) await new Promise((r) => setTimeout(r, 500));
        const t0 = performance.now();
        await host.exec("text(1)", {}, ctx);
        if (i > 0) times.push(performance.now() - t0);
      }
    } finally {
      await host.shutdown();
    }
    return median(times);
  };
  const cold = await measure(false);
  const warm = await measure(true);
  line("code_mode_cell_start", warm, "cold runner start", cold, "<= 60 ms");
}

if (import.meta.main) {
  await benchSpawn();
  await benchCells();
}
