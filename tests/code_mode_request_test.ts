/**
 * The first request of a code-mode `exec` (gpt-6.1-sol), compared with what upstream Codex
 * 0.169.0 sends: the `additional_tools` item (shapes in tests/fixtures/), `reasoning.context`,
 * `node_repl_auto_review_required`, and the developer messages in order. The same run calls
 * `clock.sleep` and `request_user_input_async` directly and `tools.clock__curr_time()` from a
 * script. Runs the real program against the scripted fake Responses server.
 *
 * These need the code-mode surface wired into `lib/agent/setup.ts` / `toolset.ts` (see
 * docs/code-mode.md); until then they are ignored.
 */
import assert from "node:assert/strict";
import { startFakeResponses } from "./fakes/responses_server.ts";
import {
  cleanup,
  makeHome,
  makeWorkspace,
  runProgram,
  testEnv,
  withoutDescriptions,
} from "./helpers.ts";

const FIXTURE = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/codemode_additional_tools.json", import.meta.url)),
) as { item_keys: string[]; tools: unknown[] };

type Item = Record<string, unknown>;

function call(namespace: string, name: string, callId: string, args: unknown) {
  return {
    output: [{
      type: "raw_item" as const,
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

function texts(item: Item): string[] {
  return ((item.content ?? []) as { text?: string }[]).map((p) => p.text ?? "");
}

Deno.test({
  name: "code mode exec: the first request matches upstream's; clock and async questions answer",
  fn: async () => {
    const script = "text(JSON.stringify(await tools.clock__curr_time({})));";
    const server = startFakeResponses({
      turns: [
        call("clock", "sleep", "c_sleep", { duration_ms: 20 }),
        call("clock", "sleep", "c_sleep0", { duration_ms: 0 }),
        call("functions", "request_user_input_async", "c_ask", {
          questions: [{ title: "Which color?", options: ["red", "blue"] }],
        }),
        call("functions", "request_user_input_async", "c_ask0", { questions: [] }),
        { output: [{ type: "custom_tool_call", name: "exec", call_id: "c_exec", input: script }] },
        { output: [{ type: "message", text: "done" }] },
      ],
    });
    const ws = await makeWorkspace({ "AGENTS.md": "# ws\n" });
    const home = await makeHome(server.url, "", "gpt-6.1-sol");
    try {
      const run = await runProgram(["exec", "hi"], { cwd: ws, env: testEnv(home) });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, "done\n");
      const reqs = server.responsesRequests();
      assert.equal(reqs.length, 6);
      const first = reqs[0];
      const body = first.body!;
      assert.deepEqual(body.reasoning, { effort: "low", context: "all_turns" });
      assert.ok(!("tools" in body));
      const metadata = JSON.parse(first.headers["x-codex-turn-metadata"]);
      assert.equal(metadata.node_repl_auto_review_required, true);
      assert.equal(metadata.agent_name, "/root");

      // The additional_tools item: upstream's shapes, our descriptions.
      const input = body.input as Item[];
      assert.deepEqual(Object.keys(input[0]), FIXTURE.item_keys);
      assert.deepEqual(withoutDescriptions(input[0].tools), FIXTURE.tools);
      const namespaces = input[0].tools as { description: string; tools: Item[] }[];
      assert.equal(namespaces[0].description, "");
      for (const ns of namespaces.slice(1)) assert.ok(ns.description.length > 0);
      for (const t of namespaces.flatMap((ns) => ns.tools)) {
        assert.ok(String(t.description).length > 0, `${t.name} has a description`);
      }

      // Developer messages: base, then skills/permissions/collaboration mode, role, mode.
      assert.deepEqual(
        input.map((i) => `${i.type}:${i.role}`),
        [
          "additional_tools:developer",
          "message:developer",
          "message:developer",
          "message:developer",
          "message:developer",
          "message:user",
          "message:user",
        ],
      );
      assert.match(texts(input[2]).at(-1)!, /^<collaboration_mode>[\s\S]*<\/collaboration_mode>$/);
      assert.match(texts(input[2])[0], /^<permissions instructions>/);
      assert.deepEqual(texts(input[3]).length, 1);
      assert.match(
        texts(input[3])[0],
        /^<multi_agent_role>You are `\/root`[\s\S]*<\/multi_agent_role>$/,
      );
      assert.match(texts(input[4])[0], /^<multi_agent_mode>[\s\S]*<\/multi_agent_mode>$/);
      assert.match(texts(input[5])[0], /^# AGENTS\.md instructions for /);
      assert.deepEqual(texts(input[6]), ["hi"]);

      // Outputs of the direct calls and the script.
      const last = reqs[5].body!.input as Item[];
      const out = (id: string) =>
        last.find((i) => i.call_id === id && String(i.type).endsWith("_output"))!;
      assert.match(
        String(out("c_sleep").output),
        /^Wall time: \d+\.\d{4} seconds\nSleep completed\.$/,
      );
      assert.equal(out("c_sleep0").output, "duration_ms must be between 1 and 43200000");
      assert.equal(out("c_ask").output, '{"accepted":true}');
      assert.equal(out("c_ask0").output, "questions must not be empty");
      const parts = out("c_exec").output as { text: string }[];
      assert.match(parts[0].text, /^Script completed\n/);
      assert.match(parts[1].text, /^\{"current_time":"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"\}$/);
      // Every request of the turn keeps the same flags.
      for (const r of reqs) {
        assert.equal(
          JSON.parse(r.headers["x-codex-turn-metadata"]).node_repl_auto_review_required,
          true,
        );
      }
    } finally {
      await server.close();
      await cleanup(ws, home);
    }
  },
});

Deno.test("classic exec: gpt-5.5 keeps reasoning without context and node_repl flag false", async () => {
  const server = startFakeResponses({ turns: [{ output: [{ type: "message", text: "ok" }] }] });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  try {
    const run = await runProgram(["exec", "hi"], { cwd: ws, env: testEnv(home) });
    assert.equal(run.code, 0, run.stderr);
    const first = server.responsesRequests()[0];
    assert.deepEqual(first.body!.reasoning, { effort: "medium" });
    const metadata = JSON.parse(first.headers["x-codex-turn-metadata"]);
    assert.equal(metadata.node_repl_auto_review_required, false);
    const input = first.body!.input as Item[];
    const all = input.flatMap(texts);
    assert.ok(!all.some((t) => t.startsWith("<collaboration_mode>")));
    assert.ok(!all.some((t) => t.startsWith("<multi_agent_role>")));
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});
