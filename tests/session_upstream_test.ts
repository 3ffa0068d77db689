/**
 * Interoperability with the real upstream programs (npm packages installed on demand into the
 * git-ignored `.tools/sessions/`): upstream Codex 0.169.0 resumes rollouts denocodex wrote, and
 * the official TypeScript SDK (`codexPathOverride` -> denocodex) continues a thread with
 * `exec resume`. Skipped, with the reason printed, only when npm cannot install them.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type RecordedRequest, startFakeResponses } from "./fakes/responses_server.ts";
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

const TOOLS = join(ROOT, ".tools", "sessions");
const CODEX_DIR = join(TOOLS, "codex");
const SDK_DIR = join(TOOLS, "sdk");
const CODEX_BIN = join(CODEX_DIR, "node_modules", ".bin", "codex");
const SDK_ENTRY = join(SDK_DIR, "node_modules", "@openai", "codex-sdk", "dist", "index.js");

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Installs `spec` into `dir` unless `probe` exists; the reason when that is impossible. */
async function ensureNpm(dir: string, spec: string, probe: string, extra: string[] = []) {
  if (await exists(probe)) return null;
  await Deno.mkdir(dir, { recursive: true });
  if (!(await exists(join(dir, "package.json")))) {
    await Deno.writeTextFile(join(dir, "package.json"), '{"name":"tools","private":true}\n');
  }
  try {
    const out = await new Deno.Command("npm", {
      args: ["install", "--no-audit", "--no-fund", "--loglevel=error", ...extra, spec],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(240_000),
    }).output();
    if (!out.success) {
      return `npm install ${spec} failed: ${
        new TextDecoder().decode(out.stderr).trim().split("\n")[0]
      }`;
    }
  } catch (err) {
    return `npm is not usable: ${(err as Error).message}`;
  }
  return (await exists(probe)) ? null : `npm install ${spec} did not provide ${probe}`;
}

const codexSkip = await ensureNpm(CODEX_DIR, "@openai/codex@0.169.0", CODEX_BIN);
// The SDK's own dependency is an older native binary we do not need (codexPathOverride).
const sdkSkip = await ensureNpm(SDK_DIR, "@openai/codex-sdk@0.163.0", SDK_ENTRY, [
  "--omit=optional",
]);
if (codexSkip) console.warn(`skipping upstream codex tests: ${codexSkip}`);
if (sdkSkip) console.warn(`skipping codex-sdk test: ${sdkSkip}`);

/** Settings upstream needs to talk only to the fake server. */
const UPSTREAM_TOML = `check_for_update_on_startup = false
[analytics]
enabled = false
[feedback]
enabled = false
[features]
plugins = false
`;

type Item = Record<string, unknown>;

function inputOf(req: RecordedRequest): Item[] {
  return req.body!.input as Item[];
}

function historyInit(req: RecordedRequest): unknown {
  return JSON.parse(req.headers["x-codex-turn-metadata"]).history_initialization;
}

async function runUpstream(args: string[], cwd: string, env: Record<string, string>) {
  const out = await new Deno.Command(CODEX_BIN, {
    args,
    cwd,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** Upstream's input: its own base message (our text), then exactly our stored items. */
function assertContinues(upstreamInput: Item[], ours: Item[]): void {
  assert.equal(upstreamInput[0].role, "developer");
  assert.deepEqual(upstreamInput[0].content, ours[0].content);
  assert.deepEqual(upstreamInput.slice(1, ours.length), ours.slice(1));
}

Deno.test({
  name: "upstream codex 0.169.0 resumes a denocodex rollout (also after a compaction)",
  ignore: codexSkip !== null,
  async fn() {
    const server = startFakeResponses({
      turns: [
        {
          output: [{
            type: "function_call",
            name: "exec_command",
            call_id: "c1",
            arguments: { cmd: "true" },
          }],
          usage: { input_tokens: 30_000, output_tokens: 10 },
        },
        {
          output: [{ type: "message", text: "SUMMARY: ran true" }],
          usage: { input_tokens: 30_500, output_tokens: 5 },
        },
        {
          output: [{ type: "message", text: "ours done" }],
          usage: { input_tokens: 2_000, output_tokens: 5 },
        },
        {
          output: [{ type: "message", text: "upstream done" }],
          usage: { input_tokens: 2_100, output_tokens: 5 },
        },
        {
          output: [{ type: "message", text: "plain" }],
          usage: { input_tokens: 1_000, output_tokens: 5 },
        },
        {
          output: [{ type: "message", text: "upstream again" }],
          usage: { input_tokens: 1_100, output_tokens: 5 },
        },
      ],
    });
    const ws = await makeWorkspace({ "AGENTS.md": "# ws\n" });
    const home = await makeHome(
      server.url,
      `model_auto_compact_token_limit = 20000\n${UPSTREAM_TOML}`,
    );
    try {
      const env = testEnv(home);
      // A session with a tool call and an automatic compaction.
      const a = await runProgram(["exec", "--json", "-s", "danger-full-access", "first"], {
        cwd: ws,
        env,
      });
      assert.equal(a.code, 0, a.stderr);
      const id = jsonl(a.stdout)[0].thread_id as string;
      const ours = [...inputOf(server.requests[2]), {
        type: "message",
        status: "completed",
        id: "msg_fake_0003_0",
        role: "assistant",
        content: [{ type: "output_text", text: "ours done", annotations: [], logprobs: [] }],
      }];
      const up = await runUpstream(
        [
          "exec",
          "--json",
          "--skip-git-repo-check",
          "-s",
          "danger-full-access",
          "resume",
          id,
          "go on",
        ],
        ws,
        env,
      );
      assert.equal(up.code, 0, up.stderr);
      assert.equal(jsonl(up.stdout)[0].thread_id, id);
      const req = server.requests[3];
      assert.equal(historyInit(req), "cold_resume");
      assertContinues(inputOf(req), ours);
      assert.deepEqual((inputOf(req).at(-1)!.content as Item[])[0], {
        type: "input_text",
        text: "go on",
      });

      // A plain session (no compaction) with the default limit.
      const b = await runProgram(["exec", "--json", "plain one"], {
        cwd: ws,
        env,
      });
      assert.equal(b.code, 0, b.stderr);
      const plainId = jsonl(b.stdout)[0].thread_id as string;
      const up2 = await runUpstream(
        ["exec", "--json", "--skip-git-repo-check", "resume", plainId, "and again"],
        ws,
        env,
      );
      assert.equal(up2.code, 0, up2.stderr);
      assertContinues(inputOf(server.requests[5]), inputOf(server.requests[4]));
    } finally {
      await server.close();
      await cleanup(ws, home);
    }
  },
});

Deno.test({
  name: "denocodex resumes rollouts upstream codex 0.169.0 wrote, a paginated fork included",
  ignore: codexSkip !== null,
  async fn() {
    const server = startFakeResponses({
      turns: [
        {
          output: [{
            type: "function_call",
            name: "exec_command",
            call_id: "c1",
            arguments: { cmd: "true" },
          }],
          usage: { input_tokens: 900, output_tokens: 10 },
        },
        {
          output: [{ type: "message", text: "upstream first" }],
          usage: { input_tokens: 950, output_tokens: 5 },
        },
        {
          output: [{ type: "message", text: "upstream fork" }],
          usage: { input_tokens: 990, output_tokens: 5 },
        },
        {
          output: [{ type: "message", text: "ours on the fork" }],
          usage: { input_tokens: 999, output_tokens: 5 },
        },
      ],
    });
    const ws = await makeWorkspace({ "AGENTS.md": "# ws\n" });
    const home = await makeHome(server.url, UPSTREAM_TOML);
    try {
      const env = testEnv(home);
      const flags = ["exec", "--json", "--skip-git-repo-check", "-s", "danger-full-access"];
      const a = await runUpstream([...flags, "first"], ws, env);
      assert.equal(a.code, 0, a.stderr);
      const id = jsonl(a.stdout)[0].thread_id as string;
      const f = await runUpstream([...flags, "fork", id, "on a branch"], ws, env);
      assert.equal(f.code, 0, f.stderr);
      const forkId = jsonl(f.stdout)[0].thread_id as string;
      assert.notEqual(forkId, id);

      const r = await runProgram(["exec", "--json", "resume", forkId, "ours now"], {
        cwd: ws,
        env,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(jsonl(r.stdout)[0].thread_id, forkId);
      const upstreamFork = inputOf(server.requests[2]);
      const ours = inputOf(server.requests[3]);
      assert.equal(historyInit(server.requests[3]), "cold_resume");
      // The base instructions as the fork's session_meta stores them (upstream trims a line of its
      // prose when it sends them), then exactly the items upstream sent, parent part included.
      const forkFile = (await rollouts(home)).find((p) => p.includes(forkId))!;
      const stored = JSON.parse((await Deno.readTextFile(forkFile)).split("\n")[0]);
      assert.deepEqual(ours[0].content, [
        { type: "input_text", text: stored.payload.base_instructions.text },
      ]);
      assert.deepEqual(ours.slice(1, upstreamFork.length), upstreamFork.slice(1));
      assert.deepEqual(
        ours.slice(upstreamFork.length).map((i) => (i.content as { text: string }[])[0].text),
        ["upstream fork", "ours now"],
      );
    } finally {
      await server.close();
      await cleanup(ws, home);
    }
  },
});

/** The slice of the SDK we use. */
interface SdkThread {
  readonly id: string | null;
  run(input: string): Promise<{ finalResponse: string }>;
}
interface SdkCodex {
  startThread(options: Record<string, unknown>): SdkThread;
  resumeThread(id: string, options: Record<string, unknown>): SdkThread;
}
type SdkModule = { Codex: new (options: Record<string, unknown>) => SdkCodex };

Deno.test({
  name: "@openai/codex-sdk with codexPathOverride -> denocodex: a second run continues the thread",
  ignore: sdkSkip !== null,
  async fn() {
    const server = startFakeResponses({
      turns: [
        {
          output: [{ type: "message", text: "first answer" }],
          usage: { input_tokens: 900, output_tokens: 5 },
        },
        {
          output: [{ type: "message", text: "second answer" }],
          usage: { input_tokens: 950, output_tokens: 5 },
        },
      ],
    });
    const ws = await makeWorkspace();
    const home = await makeHome(server.url);
    const bin = await Deno.makeTempDir({ prefix: "dcx-shim-" });
    try {
      const shim = join(bin, "denocodex");
      await Deno.writeTextFile(
        shim,
        `#!/bin/sh\nexec "${Deno.execPath()}" run -A --quiet "${join(ROOT, "main.ts")}" "$@"\n`,
      );
      await Deno.chmod(shim, 0o755);
      const sdk = await import(pathToFileURL(SDK_ENTRY).href) as SdkModule;
      const codex = new sdk.Codex({ codexPathOverride: shim, env: testEnv(home) });
      const options = { workingDirectory: ws, skipGitRepoCheck: true, sandboxMode: "read-only" };
      const first = codex.startThread(options);
      assert.equal((await first.run("remember the number 7")).finalResponse, "first answer");
      const id = first.id;
      assert.ok(id);
      const second = codex.resumeThread(id, options);
      assert.equal((await second.run("which number?")).finalResponse, "second answer");
      assert.equal(second.id, id);

      const [a, b] = server.requests;
      assert.equal(historyInit(b), "cold_resume");
      assert.equal(b.body!.prompt_cache_key, id);
      assert.equal(a.headers.originator, "codex_sdk_ts");
      const prev = inputOf(a);
      assert.deepEqual(inputOf(b).slice(0, prev.length), prev);
      assert.deepEqual(
        inputOf(b).slice(prev.length).map((i) => (i.content as { text: string }[])[0].text),
        ["first answer", "which number?"],
      );
    } finally {
      await server.close();
      await cleanup(ws, home, bin);
    }
  },
});
