import assert from "node:assert/strict";
import { type Script, startFakeResponses } from "./fakes/responses_server.ts";
import {
  cleanup,
  fixture,
  jsonl,
  makeHome,
  makeWorkspace,
  runProgram,
  shapeOf,
  testEnv,
} from "./helpers.ts";

interface FixtureRequest {
  header_order: string[];
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

const AGENTS = "# Oracle workspace\n\nORACLE-AGENTS-MARKER: keep answers short.\n";

Deno.test("exec --json: one request matches upstream's request shape and event stream", async () => {
  const script = await fixture<Script>("exec-simple/model-script.json");
  const server = startFakeResponses(script);
  const ws = await makeWorkspace({ "AGENTS.md": AGENTS });
  const home = await makeHome(server.url);
  try {
    const run = await runProgram(
      ["exec", "--json", "-s", "danger-full-access", "Reply with exactly OK."],
      { cwd: ws, env: testEnv(home) },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Reading additional input from stdin\.\.\./);

    // The JSONL stream equals the fixture's, ids aside.
    const expected = jsonl(
      await Deno.readTextFile(
        new URL(
          "../../shared/fixtures/upstream-codex-0.169/exec-simple/exec-json.stdout.jsonl",
          import.meta.url,
        ),
      ),
    );
    const events = jsonl(run.stdout);
    assert.equal(events.length, expected.length);
    const threadId = (events[0] as { thread_id: string }).thread_id;
    assert.match(threadId, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    assert.deepEqual(events.slice(1), expected.slice(1));

    // One request, shaped like upstream's.
    assert.equal(server.requests.length, 1);
    const req = server.requests[0];
    const want = await fixture<FixtureRequest>("exec-simple/requests/0001.json");
    assert.equal(req.path, "/v1/responses");
    const ours = req.headerOrder.filter((h) => want.header_order.includes(h) && h !== "host");
    assert.deepEqual(
      ours.filter((h) => h !== "content-length"),
      want.header_order.filter((h) => h !== "host" && h !== "content-length"),
    );
    assert.equal(req.headers["authorization"], "Bearer sk-test-fake-key");
    assert.equal(req.headers["originator"], "codex_exec");
    assert.equal(req.headers["x-codex-beta-features"], "remote_compaction_v2");
    assert.equal(req.headers["session-id"], threadId);
    assert.equal(req.headers["thread-id"], threadId);
    assert.equal(req.headers["x-client-request-id"], threadId);
    assert.equal(req.headers["x-codex-window-id"], `${threadId}:0`);
    assert.match(
      req.headers["user-agent"],
      /^denocodex\/\d+\.\d+\.\d+ \(.+ \d+\.\d+\.\d+; [\w-]+\) xterm \(codex_exec; \d+\.\d+\.\d+\)$/,
    );

    const meta = JSON.parse(req.headers["x-codex-turn-metadata"]);
    const wantMeta = JSON.parse(
      want.headers["x-codex-turn-metadata"].replace(/<unix_ms>/, "0").replace(
        /"<WORKSPACE>"/,
        JSON.stringify(ws),
      ),
    );
    assert.deepEqual(Object.keys(meta), Object.keys(wantMeta));
    assert.equal(meta.thread_id, threadId);
    assert.equal(meta.agent_name, "/root");
    assert.equal(meta.turn_trigger, "exec");
    assert.equal(meta.sandbox, "none");
    assert.equal(meta.sandbox_mode, "danger-full-access");
    assert.equal(meta.model, "gpt-5.5");
    assert.equal(meta.reasoning_effort, "medium");
    assert.deepEqual(Object.keys(meta.workspaces), [ws]);
    assert.equal(meta.workspaces[ws].has_changes, false);
    assert.match(meta.workspaces[ws].latest_git_commit_hash, /^[0-9a-f]{40}$/);

    const body = req.body!;
    assert.deepEqual(Object.keys(body), Object.keys(want.body));
    const { input, tools: _t, client_metadata, ...rest } = body;
    const { input: wantInput, tools: _wt, client_metadata: wantCm, ...wantRest } = want.body;
    assert.deepEqual(
      { ...rest, prompt_cache_key: "<id>" },
      { ...wantRest, prompt_cache_key: "<id>" },
    );
    assert.equal(body.prompt_cache_key, threadId);
    assert.deepEqual(
      Object.keys(client_metadata as object).sort(),
      Object.keys(wantCm as object).sort(),
    );
    assert.equal(
      (client_metadata as Record<string, string>)["x-codex-turn-metadata"],
      req.headers["x-codex-turn-metadata"],
    );
    // Input: same items, roles, parts; the AGENTS.md and environment context verbatim.
    const items = input as { id: string; role: string; content: { text: string }[] }[];
    const wantItems = wantInput as typeof items;
    assert.equal(items.length, wantItems.length);
    // The second developer message holds the sections that apply here (upstream also lists
    // its bundled system skills and deferred sub-agent tools); every other item has the same shape.
    for (const i of [0, 2, 3]) assert.deepEqual(shapeOf(items[i]), shapeOf(wantItems[i]));
    assert.deepEqual(Object.keys(items[1]), Object.keys(wantItems[1]));
    for (const item of items) assert.match(item.id, /^msg_[0-9a-f-]{36}$/);
    assert.deepEqual(items.map((i) => i.role), ["developer", "developer", "user", "user"]);
    assert.match(items[1].content[0].text, /^<permissions instructions>/);
    const wantUser = (wantInput as typeof items)[2].content.map((p) =>
      p.text.replaceAll("<WORKSPACE>", ws).replace(
        /<current_date>[^<]*</,
        `<current_date>${items[2].content[1].text.match(/<current_date>([^<]*)</)![1]}<`,
      ).replace(
        /<timezone>[^<]*</,
        `<timezone>${items[2].content[1].text.match(/<timezone>([^<]*)</)![1]}<`,
      )
    );
    assert.deepEqual(items[2].content.map((p) => p.text), wantUser);
    assert.equal(items[3].content[0].text, "Reply with exactly OK.");
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});
