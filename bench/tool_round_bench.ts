/**
 * Tool round overhead: from the end of a response stream that asked for `exec_command true` to
 * the next request, measured by the fake server's own clock, in process. Baseline in the same
 * run: the same round with a no-op tool (pure loop overhead). Also `apply_patch` rounds.
 * Target: <= 40 ms median (upstream 0.169.0: 128 ms; after apply_patch: 39 ms).
 *
 * @module
 */

import { join } from "node:path";
import { z } from "zod";
import { createThread, defineTool, loadConfig } from "../mod.ts";
import { type ScriptTurn, startFakeResponses } from "../tests/fakes/responses_server.ts";

const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 15);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function measure(
  call: (i: number) => ScriptTurn,
  sandbox: "danger-full-access" | "workspace-write",
): Promise<number> {
  const turns: ScriptTurn[] = Array.from({ length: ROUNDS }, (_, i) => call(i));
  turns.push({ output: [{ type: "message", text: "done" }] });
  const server = startFakeResponses({ turns });
  const home = await Deno.makeTempDir({ prefix: "dcx-bench-home-" });
  const ws = await Deno.makeTempDir({ prefix: "dcx-bench-ws-" });
  await Deno.writeTextFile(
    join(home, "config.toml"),
    `model = "gpt-5.5"\nmodel_provider = "fake"\nsandbox_mode = "${sandbox}"\n` +
      `[model_providers.fake]\nbase_url = "${server.url}"\nenv_key = "K"\nwire_api = "responses"\n`,
  );
  const noop = defineTool({
    name: "noop",
    description: "Does nothing and answers ok; used to measure the loop itself.",
    parameters: z.strictObject({}),
    handler: () => "ok",
  });
  const config = await loadConfig({
    // A temp HOME keeps the machine's login profile (pyenv, cargo...) out of `bash -lc`.
    env: { ...Deno.env.toObject(), HOME: home, CODEX_HOME: home, K: "k" },
    cwd: ws,
  });
  const thread = await createThread({ config, cwd: ws, extraTools: [noop] });
  const result = await thread.run("go");
  await thread.shutdown();
  await server.close();
  await Deno.remove(home, { recursive: true });
  await Deno.remove(ws, { recursive: true });
  if (result.status !== "completed") throw new Error(`turn ${result.status}: ${result.error}`);
  const gaps: number[] = [];
  const reqs = server.requests;
  // Skip the first round (cold caches).
  for (let i = 2; i < reqs.length; i++) gaps.push(reqs[i].receivedAt! - reqs[i - 1].finishedAt!);
  return median(gaps);
}

if (import.meta.main) {
  const fc = (name: string, args: unknown) => (i: number): ScriptTurn => ({
    output: [{ type: "function_call", name, call_id: `c${i}`, arguments: args }],
  });
  const patch = (i: number): ScriptTurn => ({
    output: [{
      type: "custom_tool_call",
      name: "apply_patch",
      call_id: `p${i}`,
      input: `*** Begin Patch\n*** Add File: f${i}.txt\n+line ${i}\n*** End Patch\n`,
    }],
  });
  const base = await measure(fc("noop", {}), "danger-full-access");
  const exec = await measure(fc("exec_command", { cmd: "true" }), "danger-full-access");
  const execSandboxed = await measure(fc("exec_command", { cmd: "true" }), "workspace-write");
  const ap = await measure(patch, "danger-full-access");
  const line = (name: string, v: number, target: string) =>
    console.log(
      `${name}: ${v.toFixed(1)} ms (baseline no-op tool round: ${base.toFixed(1)} ms, ratio ${
        (v / base).toFixed(2)
      }, target ${target})`,
    );
  line("tool round after exec_command true", exec, "<= 40 ms; upstream 128 ms");
  line("tool round after exec_command true (bubblewrap)", execSandboxed, "report; upstream n/a");
  line("tool round after apply_patch", ap, "report; upstream 39 ms");
}
