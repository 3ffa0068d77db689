/**
 * denocodex `exec` through the compat server, end to end: a Chat Completions-only backend (the
 * scripted fake) drives a turn with a command and a patch. Once with `--vllm-endpoint` (the
 * compat server in-process), once with a standalone `compat-server` process.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeChatServer } from "./fakes/chat_server.ts";
import type { FakeTurn } from "./fakes/chat_server.ts";
import { cleanup, git, jsonl, makeWorkspace, runProgram, testEnv } from "./helpers.ts";

const PATCH = "*** Begin Patch\n*** Update File: hello.txt\n@@\n hello\n-world\n+compat\n" +
  "*** Add File: notes.txt\n+via chat completions\n*** End Patch\n";

const SCRIPT: FakeTurn[] = [
  {
    toolCalls: [{
      id: "call_cmd",
      name: "exec_command",
      arguments: ['{"cmd":', '"cat hello.txt"}'],
    }],
    usage: { prompt: 100, completion: 10 },
  },
  {
    toolCalls: [{
      id: "call_patch",
      name: "apply_patch",
      arguments: JSON.stringify({ input: PATCH }),
    }],
    usage: { prompt: 120, completion: 30 },
  },
  { content: ["Patched ", "hello.txt."], usage: { prompt: 140, completion: 4 } },
];

async function homeFor(url: string | null): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "dcx-home-" }));
  const provider = url === null ? "" : `model_provider = "compat"\n[model_providers.compat]\n` +
    `base_url = "${url}"\nwire_api = "responses"\n`;
  await Deno.writeTextFile(join(dir, "config.toml"), `model = "local-model"\n${provider}`);
  return dir;
}

async function check(run: { code: number; stdout: string; stderr: string }, ws: string, chat: {
  requests: { body: { messages: { role: string; content?: unknown; tool_calls?: unknown }[] } }[];
}) {
  assert.equal(run.code, 0, run.stderr);
  const events = jsonl(run.stdout) as { type: string; item?: Record<string, unknown> }[];
  const items = events.filter((e) => e.type === "item.completed").map((e) => e.item!);
  const cmd = items.find((i) => i.type === "command_execution")!;
  assert.equal(cmd.aggregated_output, "hello\nworld\n");
  assert.equal(cmd.exit_code, 0);
  const change = items.find((i) => i.type === "file_change")!;
  assert.deepEqual(change.changes, [
    { path: join(ws, "hello.txt"), kind: "update" },
    { path: join(ws, "notes.txt"), kind: "add" },
  ]);
  assert.equal(items.at(-1)!.type, "agent_message");
  assert.equal(items.at(-1)!.text, "Patched hello.txt.");
  assert.equal(await Deno.readTextFile(join(ws, "hello.txt")), "hello\ncompat\n");
  assert.equal(await Deno.readTextFile(join(ws, "notes.txt")), "via chat completions\n");
  // The backend saw the tool outputs as `tool` messages.
  const last = chat.requests[2].body.messages;
  const tools = last.filter((m) => m.role === "tool").map((m) => String(m.content));
  assert.match(tools[0], /Process exited with code 0/);
  assert.match(tools[1], /Success\. Updated the following files:/);
  assert.ok(await git(ws, "status", "--short"));
}

Deno.test("compat e2e: exec --vllm-endpoint runs a command and a patch against a chat backend", async () => {
  const chat = await startFakeChatServer({ script: SCRIPT });
  const ws = await makeWorkspace({ "hello.txt": "hello\nworld\n" });
  const home = await homeFor(null);
  try {
    const backend = chat.url.replace(/^http:\/\//, "").replace(/\/v1$/, "");
    const run = await runProgram(
      ["--vllm-endpoint", backend, "exec", "--json", "-s", "workspace-write", "patch it"],
      { cwd: ws, env: testEnv(home) },
    );
    await check(run, ws, chat as never);
  } finally {
    await chat.close();
    await cleanup(ws, home);
  }
});

Deno.test("compat e2e: a standalone compat-server process serves exec", async () => {
  const chat = await startFakeChatServer({ script: SCRIPT });
  const ws = await makeWorkspace({ "hello.txt": "hello\nworld\n" });
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "compat-server", "--port", String(port), "--backend", chat.url],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const home = await homeFor(`http://127.0.0.1:${port}/v1`);
  try {
    for (let i = 0; i < 200; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) =>
        r.body?.cancel().then(() => r.ok)
      ).catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const run = await runProgram(["exec", "--json", "-s", "workspace-write", "patch it"], {
      cwd: ws,
      env: testEnv(home),
    });
    await check(run, ws, chat as never);
  } finally {
    server.kill("SIGTERM");
    await server.output();
    await chat.close();
    await cleanup(ws, home);
  }
});
