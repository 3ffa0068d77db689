/**
 * `deno task demo`: an offline run of `denocodex exec` against the scripted fake Responses server
 * in a temporary git workspace. Everything but the model is real: config loading, the request
 * builder, SSE parsing, the agent loop, commands and patches.
 *
 * Pass `--json` to see the JSONL events instead of the human output.
 *
 * @module
 */

import { join } from "node:path";
import { runCli } from "../../lib/cli/main.ts";
import { processIo } from "../../lib/cli/io.ts";
import { type Script, startFakeResponses } from "./responses_server.ts";
import { sandboxAvailable } from "../../lib/sandbox/detect.ts";
import scriptData from "./demo_script.json" with { type: "json" };

async function sh(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command(args[0], { args: args.slice(1), cwd, stdout: "piped" })
    .output();
  return new TextDecoder().decode(out.stdout);
}

if (import.meta.main) {
  const server = startFakeResponses(scriptData as Script);
  const ws = await Deno.makeTempDir({ prefix: "denocodex-demo-ws-" });
  const home = await Deno.makeTempDir({ prefix: "denocodex-demo-home-" });
  await Deno.writeTextFile(join(ws, "hello.txt"), "hello\nworld\n");
  await Deno.writeTextFile(join(ws, "AGENTS.md"), "# Demo workspace\n\nKeep answers short.\n");
  const gitArgs = ["-c", "user.email=demo@example.com", "-c", "user.name=demo"];
  await sh(ws, "git", "init", "-q");
  await sh(ws, "git", "add", "-A");
  await sh(ws, "git", ...gitArgs, "commit", "-q", "-m", "demo workspace");
  await Deno.writeTextFile(
    join(home, "config.toml"),
    `model = "gpt-5.5"\nmodel_provider = "demo"\n\n[model_providers.demo]\nname = "scripted fake"\n` +
      `base_url = "${server.url}"\nenv_key = "DEMO_API_KEY"\nwire_api = "responses"\n`,
  );
  const io = processIo();
  io.cwd = ws;
  io.env = { ...io.env, CODEX_HOME: home, DEMO_API_KEY: "sk-demo-not-a-real-key" };
  io.stdinIsTty = true; // nothing to read: the prompt is the argument
  io.stderr(`demo workspace: ${ws}\nfake Responses server: ${server.url}\n\n`);
  const json = Deno.args.includes("--json");
  // The demo sandboxes its commands with bubblewrap when this machine has it.
  const probe = await sandboxAvailable();
  const sandbox = probe.available ? "workspace-write" : "danger-full-access";
  if (!probe.available) {
    io.stderr(`(no sandbox here: ${probe.reason}; the demo runs with -s danger-full-access)\n\n`);
  }
  const code = await runCli(
    [
      "exec",
      ...(json ? ["--json"] : []),
      "-s",
      sandbox,
      "Greet denocodex in hello.txt and add a notes file.",
    ],
    io,
  );
  io.stderr(`\nworkspace after the run (git status):\n${await sh(ws, "git", "status", "--short")}`);
  io.stderr(`requests served by the fake model: ${server.requests.length}\n`);
  await server.close();
  await Deno.remove(ws, { recursive: true });
  await Deno.remove(home, { recursive: true });
  Deno.exit(code);
}
