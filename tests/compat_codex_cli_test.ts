/**
 * Upstream Codex CLI 0.169.0 (the npm package and its native binary) completes a tool-using
 * `codex exec` turn through the compat server against the fake Chat Completions server:
 * `exec_command`, then the freeform `apply_patch` (a custom tool the compat server turns into a
 * function and back), then a final message.
 *
 * The package is installed once into the git-ignored `.tools/codex-0.169.0/`. The test is skipped
 * only when the npm registry cannot be reached, and says so.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startCompatServer } from "../compat/server.ts";
import { type RecordedRequest, startFakeChatServer } from "./fakes/chat_server.ts";

const VERSION = "0.169.0";
const CACHE = fileURLToPath(new URL(`../.tools/codex-${VERSION}/`, import.meta.url));
const BIN = `${CACHE}node_modules/.bin/codex`;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function npm(args: string[], cwd: string): Promise<Deno.CommandOutput> {
  return await new Deno.Command("npm", {
    args,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  })
    .output();
}

/** Installs the package if needed; returns why the test must be skipped, or null. */
async function ensureCodex(): Promise<string | null> {
  if (await exists(BIN)) return null;
  await Deno.mkdir(CACHE, { recursive: true });
  await Deno.writeTextFile(`${CACHE}package.json`, '{"name":"codex-cache","private":true}\n');
  const install = await npm(
    ["install", "--no-audit", "--no-fund", "--no-save", `@openai/codex@${VERSION}`],
    CACHE,
  );
  if (install.success && await exists(BIN)) return null;
  const ping = await npm(["view", `@openai/codex@${VERSION}`, "version"], CACHE);
  if (!ping.success) {
    const lines = new TextDecoder().decode(ping.stderr).trim().split("\n");
    const reason = lines.find((l) => /ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|network/i.test(l)) ??
      lines[0];
    return `the npm registry is unreachable (npm view failed: ${reason})`;
  }
  throw new Error(
    `npm install @openai/codex@${VERSION} failed although npm is reachable: ${
      new TextDecoder().decode(install.stderr)
    }`,
  );
}

let skip: string | null;
try {
  skip = await ensureCodex();
} catch (err) {
  skip = null;
  Deno.test("upstream Codex CLI can be installed", () => {
    throw err;
  });
}
if (skip) console.log(`skipping the upstream Codex CLI test: ${skip}`);

const PATCH = "*** Begin Patch\n*** Update File: hello.txt\n@@\n hello\n-world\n+compat\n" +
  "*** Add File: notes.txt\n+written through the compat server\n*** End Patch\n";

function toolMessages(req: RecordedRequest): { role: string; content: string }[] {
  return (req.body?.messages ?? []).filter((m: { role: string }) => m.role === "tool");
}

Deno.test({
  name: `upstream Codex CLI ${VERSION} runs a tool-using exec turn through the compat server`,
  ignore: skip !== null || !(await exists(BIN)),
  fn: async () => {
    const fake = await startFakeChatServer({
      apiKey: "sk-backend-key",
      script: (req) => {
        const done = toolMessages(req).length;
        if (done === 0) {
          return {
            reasoning: "Look at the file first.",
            toolCalls: [{
              id: "call_exec_1",
              name: "exec_command",
              arguments: ['{"cmd":"cat hello.txt",', '"yield_time_ms":1000}'],
            }],
            usage: { prompt: 1200, completion: 20 },
          };
        }
        if (done === 1) {
          const args = JSON.stringify({ input: PATCH });
          return {
            toolCalls: [{
              id: "call_patch_1",
              name: "apply_patch",
              arguments: [args.slice(0, 40), args.slice(40)],
            }],
            usage: { prompt: 1300, completion: 40, cached: 1200 },
          };
        }
        return {
          content: ["Done: read hello.txt, ", "patched it, added notes.txt."],
          usage: { prompt: 1400, completion: 15, cached: 1300 },
        };
      },
    });
    const server = await startCompatServer({ backend: fake.url, apiKey: "sk-backend-key" });
    const home = await Deno.makeTempDir({ prefix: "compat_codex_" });
    try {
      const codexHome = `${home}/codex-home`;
      const ws = `${home}/ws`;
      await Deno.mkdir(codexHome);
      await Deno.mkdir(ws);
      await Deno.writeTextFile(`${ws}/hello.txt`, "hello\nworld\n");
      await Deno.writeTextFile(
        `${codexHome}/config.toml`,
        [
          'model = "gpt-5.5"',
          'model_provider = "compat"',
          "check_for_update_on_startup = false",
          "",
          "[model_providers.compat]",
          'name = "compat"',
          `base_url = "${server.url}"`,
          'env_key = "COMPAT_CODEX_KEY"',
          'wire_api = "responses"',
          "request_max_retries = 0",
          "stream_max_retries = 0",
          "",
          "[analytics]",
          "enabled = false",
          "",
          "[feedback]",
          "enabled = false",
          "",
          "[features]",
          "plugins = false",
          "",
        ].join("\n"),
      );
      const child = new Deno.Command(BIN, {
        args: [
          "exec",
          "--json",
          "--skip-git-repo-check",
          "-C",
          ws,
          "-s",
          "danger-full-access",
          "-m",
          "gpt-5.5",
          "Show hello.txt, then change world to compat and add notes.txt.",
        ],
        cwd: ws,
        env: {
          PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
          HOME: home,
          CODEX_HOME: codexHome,
          COMPAT_CODEX_KEY: "sk-codex-side-key",
          TERM: "xterm",
          RUST_LOG: "error",
        },
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      // A safety net only: a broken setup must not hang the suite.
      const guard = setTimeout(() => child.kill("SIGKILL"), 90_000);
      const out = await child.output();
      clearTimeout(guard);
      const stdout = new TextDecoder().decode(out.stdout);
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, `codex exec failed\nstdout:\n${stdout}\nstderr:\n${stderr}`);

      const events = stdout.trim().split("\n").map((l) => JSON.parse(l));
      const completed = events.filter((e) => e.type === "item.completed").map((e) => e.item);
      const command = completed.find((i) => i.type === "command_execution");
      assert.ok(command, stdout);
      assert.match(command.command, /cat hello\.txt/);
      assert.equal(command.aggregated_output, "hello\nworld\n");
      assert.equal(command.exit_code, 0);
      const change = completed.find((i) => i.type === "file_change");
      assert.ok(change, stdout);
      assert.equal(change.status, "completed");
      assert.deepEqual(
        change.changes.map((
          c: { path: string; kind: string },
        ) => [c.path.split("/").pop(), c.kind]),
        [["hello.txt", "update"], ["notes.txt", "add"]],
      );
      const message = completed.find((i) => i.type === "agent_message");
      assert.equal(message?.text, "Done: read hello.txt, patched it, added notes.txt.");
      const turn = events.find((e) => e.type === "turn.completed");
      assert.equal(turn.usage.input_tokens, 3900);
      assert.equal(turn.usage.cached_input_tokens, 2500);
      assert.equal(turn.usage.output_tokens, 75);

      assert.equal(await Deno.readTextFile(`${ws}/hello.txt`), "hello\ncompat\n");
      assert.equal(
        await Deno.readTextFile(`${ws}/notes.txt`),
        "written through the compat server\n",
      );

      // What the Chat backend saw.
      const chats = fake.requests.filter((r) => r.path === "/v1/chat/completions");
      assert.equal(chats.length, 3);
      for (const r of chats) assert.equal(r.headers.authorization, "Bearer sk-backend-key");
      const first = chats[0].body;
      const names = first.tools.map((t: { function: { name: string } }) => t.function.name);
      assert.ok(names.includes("exec_command") && names.includes("apply_patch"), names.join());
      assert.ok(first.tools.every((t: { type: string }) => t.type === "function"));
      const patchTool = first.tools.find((t: { function: { name: string } }) =>
        t.function.name === "apply_patch"
      );
      assert.deepEqual(patchTool.function.parameters.required, ["input"]);
      assert.equal(first.messages[0].role, "system");
      const [execOut] = toolMessages(chats[1]);
      assert.match(execOut.content, /Process exited with code 0[\s\S]*hello\nworld/);
      const assistant = chats[2].body.messages.filter((m: { role: string }) =>
        m.role === "assistant"
      );
      assert.equal(assistant[0].tool_calls[0].function.name, "exec_command");
      assert.equal(assistant[0].reasoning, "Look at the file first.");
      assert.deepEqual(JSON.parse(assistant[1].tool_calls[0].function.arguments), { input: PATCH });
      const patchOut = toolMessages(chats[2])[1];
      assert.match(
        patchOut.content,
        /Success\. Updated the following files:\nA notes\.txt\nM hello\.txt/,
      );
    } finally {
      await server.close();
      await fake.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});
