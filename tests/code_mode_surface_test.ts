/**
 * The code-mode surface on its own: the `additional_tools` entries against upstream's shapes
 * (tests/fixtures/codemode_additional_tools.json), `clock.sleep` / `clock__curr_time`,
 * `request_user_input_async`, the code-mode initial context and the request fields that
 * differ for code-mode models (`reasoning.context`, `node_repl_auto_review_required`).
 */
import assert from "node:assert/strict";
import {
  additionalToolsEntries,
  CodeModeHost,
  codeModeSurface,
  createCurrTimeTool,
  createExecTool,
  createRequestUserInputAsyncTool,
  createSleepTool,
  createWaitTool,
  execDescription,
} from "../tools/code_mode/mod.ts";
import { builtinTool } from "../tools/builtin.ts";
import type { FunctionTool, Tool } from "../tools/define.ts";
import { ThreadInbox } from "../lib/agent/inbox.ts";
import { buildInitialContext, forkedChildItems } from "../lib/context/initial.ts";
import { makePolicy } from "../lib/sandbox/policy.ts";
import { modelInfo } from "../lib/model/catalog.ts";
import { buildBody, turnMetadata, type TurnRequestContext } from "../lib/model/request.ts";
import type { MessageItem } from "../lib/protocol/items.ts";
import { cleanup, makeWorkspace, toolContext, withoutDescriptions } from "./helpers.ts";

const FIXTURE = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/codemode_additional_tools.json", import.meta.url)),
) as { item_keys: string[]; tools: unknown[] };

const requestUserInput = builtinTool(
  "request_user_input",
  async () => (await import("../tools/request_user_input.ts")).createRequestUserInputTool(),
);

function entries(root: boolean, collaboration: boolean) {
  const host = new CodeModeHost({ nestedTools: () => [], warmSpare: false });
  const surface = codeModeSurface({ root, collaboration });
  const functions: Tool[] = [
    createExecTool(host, () => surface.nested),
    createWaitTool(host),
    requestUserInput,
    ...surface.functions,
  ];
  return { surface, tools: additionalToolsEntries(functions, surface.namespaces) };
}

Deno.test("surface: the root's additional_tools entries have upstream's shapes", () => {
  const { tools } = entries(true, true);
  assert.deepEqual(withoutDescriptions(tools), FIXTURE.tools);
  const namespaces = tools as { name: string; description: string; tools: FunctionTool[] }[];
  assert.equal(namespaces[0].description, "");
  assert.ok(namespaces[1].description.length > 0 && namespaces[2].description.length > 0);
  for (const t of namespaces.flatMap((n) => n.tools)) {
    assert.ok(t.description.length > 0, `${t.name} needs a description`);
  }
});

Deno.test("surface: sub-agents lose request_user_input_async; no collaboration without agents", () => {
  const child = entries(false, true).tools as { name: string; tools: { name: string }[] }[];
  assert.deepEqual(child[0].tools.map((t) => t.name), ["exec", "wait", "request_user_input"]);
  assert.deepEqual(child.map((n) => n.name), ["functions", "clock", "collaboration"]);
  const alone = entries(true, false).tools as { name: string }[];
  assert.deepEqual(alone.map((n) => n.name), ["functions", "clock"]);
});

Deno.test("surface: exec lists clock__curr_time under a clock section", () => {
  const { surface } = entries(true, true);
  const text = execDescription(surface.nested);
  assert.match(text, /\n## clock\n[^\n]+\n\n### `clock__curr_time`\n/);
  assert.match(
    text,
    /declare const tools: \{ clock__curr_time\(args: \{\}\): Promise<unknown>; \};/,
  );
});

Deno.test("clock.sleep: wall time with four decimals, bounds, early end on new input", async () => {
  let now = 1_000;
  const sleep = createSleepTool({ now: () => now });
  const ctx = toolContext("/tmp");
  const done = sleep.run('{"duration_ms": 5}', ctx);
  now += 1234.56;
  assert.deepEqual(await done, { output: "Wall time: 1.2346 seconds\nSleep completed." });
  for (const bad of [0, 43_200_001, -3]) {
    const out = await sleep.run(JSON.stringify({ duration_ms: bad }), ctx);
    assert.deepEqual(out, {
      output: "duration_ms must be between 1 and 43200000",
      success: false,
    });
  }
  assert.equal((await sleep.run('{"duration_ms": 2.5}', ctx)).success, false);
  assert.equal((await sleep.run("{}", ctx)).success, false);

  const inbox = new ThreadInbox();
  const long = sleep.run('{"duration_ms": 600000}', toolContext("/tmp", { services: { inbox } }));
  await new Promise((r) => setTimeout(r, 5));
  inbox.post({ type: "agent_message", content: [] });
  assert.match(
    String((await long).output),
    /^Wall time: [\d.]+ seconds\nSleep interrupted by new input\.$/,
  );

  const stop = new AbortController();
  const aborted = sleep.run(
    '{"duration_ms": 600000}',
    toolContext("/tmp", { signal: stop.signal }),
  );
  stop.abort();
  assert.match(String((await aborted).output), /\nSleep interrupted\.$/);
});

Deno.test("clock__curr_time: the UTC time as upstream's object", async () => {
  const tool = createCurrTimeTool({ now: () => Date.UTC(2026, 10, 25, 4, 30, 13, 999) });
  assert.deepEqual(await tool.run("{}", toolContext("/tmp")), {
    output: '{"current_time":"2026-11-25 04:30:13 UTC"}',
  });
});

Deno.test("request_user_input_async: accepted at once; upstream's errors", async () => {
  const tool = createRequestUserInputAsyncTool();
  const ctx = toolContext("/tmp");
  const run = async (args: unknown) => await tool.run(JSON.stringify(args), ctx);
  assert.deepEqual(await run({ questions: [{ title: "Which?", options: ["a", "b"] }] }), {
    output: '{"accepted":true}',
  });
  assert.deepEqual(await run({ questions: [{ title: "Free text?" }] }), {
    output: '{"accepted":true}',
  });
  const error = async (args: unknown) => (await run(args)).output;
  assert.equal(await error({ questions: [] }), "questions must not be empty");
  assert.equal(await error({ questions: [{ title: " " }] }), "question titles must not be empty");
  assert.equal(
    await error({ questions: [{ title: "t", options: [] }] }),
    "options must contain at least one non-empty answer",
  );
  assert.equal(
    await error({ questions: [{ title: "t", options: [""] }] }),
    "options must contain at least one non-empty answer",
  );
  assert.match(String(await error({ questions: [{ options: ["a"] }] })), /failed to parse/);
});

function partsOf(item: MessageItem): string[] {
  return item.content.map((p) => ("text" in p ? p.text : ""));
}

Deno.test("initial context: code mode adds collaboration mode, role and mode messages", async () => {
  const ws = await makeWorkspace();
  const home = await Deno.makeTempDir();
  try {
    const base = {
      cwd: ws,
      codexHome: home,
      env: {},
      policy: makePolicy("read-only", ws),
      approvalPolicy: "never" as const,
      projectDocMaxBytes: 32768,
    };
    const root = await buildInitialContext({
      ...base,
      codeMode: true,
      team: { root: true, slots: 4 },
    });
    assert.deepEqual(root.map((i) => i.role), [
      "developer",
      "developer",
      "developer",
      "developer",
      "user",
    ]);
    assert.match(partsOf(root[1]).at(-1)!, /^<collaboration_mode>[\s\S]+<\/collaboration_mode>$/);
    assert.match(
      partsOf(root[2])[0],
      /^<multi_agent_role>You are `\/root`[\s\S]+<\/multi_agent_role>$/,
    );
    assert.match(partsOf(root[2])[0], /At most 4 agents/);
    assert.match(partsOf(root[3])[0], /^<multi_agent_mode>[^<]+<\/multi_agent_mode>$/);

    const child = await buildInitialContext({
      ...base,
      codeMode: true,
      team: { root: false, slots: 4 },
    });
    assert.match(partsOf(child[2])[0], /^<multi_agent_role>(?!You are `\/root`)/);

    // Code mode without agents: the collaboration mode only.
    const solo = await buildInitialContext({ ...base, codeMode: true });
    assert.equal(solo.length, 3);
    assert.match(partsOf(solo[1]).at(-1)!, /^<collaboration_mode>/);

    // Classic: unchanged (no collaboration mode unless asked for).
    const classic = await buildInitialContext(base);
    assert.equal(classic.length, 3);
    assert.ok(!partsOf(classic[1]).some((t) => t.startsWith("<collaboration_mode>")));

    const fork = forkedChildItems({
      slots: 4,
      removedTools: ["functions.request_user_input_async"],
    });
    assert.equal(fork.length, 4);
    assert.match(partsOf(fork[2])[0], /\n- functions\.request_user_input_async$/);
    assert.equal(forkedChildItems({ slots: 4, removedTools: [] }).length, 3);
  } finally {
    await cleanup(ws, home);
  }
});

function requestContext(model: string, summary?: string): TurnRequestContext {
  return {
    model: modelInfo(model),
    provider: {
      name: "fake",
      baseUrl: "http://127.0.0.1:1/v1",
      httpHeaders: {},
      envHttpHeaders: {},
    },
    env: {},
    threadId: "t",
    turnId: "u",
    installationId: "i",
    contextWindowId: "w",
    originator: "codex_exec",
    userAgent: "ua",
    reasoningSummary: summary,
    sandboxMode: "read-only",
    workspaces: {},
    turnStartedAtMs: 0,
    historyInitialization: "new",
    turnTrigger: "exec",
    threadSource: "user",
    agentName: "/root",
    parallelToolCalls: false,
  } as unknown as TurnRequestContext;
}

Deno.test("request: code-mode reasoning.context after effort and summary; node_repl flag", () => {
  const sol = requestContext("gpt-6.1-sol");
  assert.equal(
    JSON.stringify(buildBody(sol, [], []).reasoning),
    '{"effort":"low","context":"all_turns"}',
  );
  assert.equal(
    JSON.stringify(buildBody(requestContext("gpt-6.1-sol", "detailed"), [], []).reasoning),
    '{"effort":"low","summary":"detailed","context":"all_turns"}',
  );
  assert.equal(JSON.parse(turnMetadata(sol)).node_repl_auto_review_required, true);
  const classic = requestContext("gpt-5.5");
  assert.equal(JSON.stringify(buildBody(classic, [], []).reasoning), '{"effort":"medium"}');
  assert.equal(JSON.parse(turnMetadata(classic)).node_repl_auto_review_required, false);
  assert.equal(
    JSON.parse(turnMetadata(requestContext("no-such-model"))).node_repl_auto_review_required,
    false,
  );
});

Deno.test("request: no workspaces key outside a git repository, as upstream", () => {
  const plain = JSON.parse(turnMetadata(requestContext("gpt-6.1-sol")));
  assert.ok(!("workspaces" in plain));
  const repo = {
    ...requestContext("gpt-6.1-sol"),
    workspaces: { "/ws": { has_changes: true } },
  };
  const keys = Object.keys(JSON.parse(turnMetadata(repo)));
  assert.deepEqual(
    keys.slice(keys.indexOf("node_repl_disabled"), keys.indexOf("node_repl_disabled") + 3),
    [
      "node_repl_disabled",
      "workspaces",
      "turn_started_at_unix_ms",
    ],
  );
});
