import assert from "node:assert/strict";
import { createCompatApp } from "../compat/app.ts";
import type { CompatAppOptions } from "../compat/app.ts";
import {
  type FakeTurn,
  parseSse,
  type SseEvent,
  startFakeChatServer,
} from "./fakes/chat_server.ts";

const TOOLS = [
  { type: "function", name: "exec_command", parameters: { type: "object" }, strict: false },
  {
    type: "custom",
    name: "apply_patch",
    format: { type: "grammar", syntax: "lark", definition: "x" },
  },
];

async function withCompat(
  script: FakeTurn[],
  fn: (
    call: (body: Record<string, unknown>) => Promise<Response>,
    // deno-lint-ignore no-explicit-any
    requests: { body: any }[],
  ) => Promise<void>,
  options: Partial<CompatAppOptions> = {},
): Promise<void> {
  const fake = await startFakeChatServer({ script });
  try {
    const app = createCompatApp({ backend: fake.url, ...options });
    const call = (body: Record<string, unknown>) =>
      Promise.resolve(app.request("/v1/responses", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "test-model", stream: true, ...body }),
      }));
    await fn(call, fake.requests);
  } finally {
    await fake.close();
  }
}

async function events(res: Response): Promise<SseEvent[]> {
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  return parseSse(await res.text());
}

/**
 * Checks the invariants real clients rely on: contiguous sequence numbers, created/in_progress
 * first, every item event pointing at an added item with the same id, each added item done
 * exactly once, and the final response carrying exactly the done items in output order.
 */
// deno-lint-ignore no-explicit-any
function checkStream(evs: SseEvent[]): any {
  evs.forEach((e, i) => {
    assert.equal(e.data.sequence_number, i, `sequence_number of event ${i}`);
    assert.equal(e.event, e.data.type);
  });
  assert.equal(evs[0].event, "response.created");
  assert.equal(evs[1].event, "response.in_progress");
  const id = evs[0].data.response.id;
  assert.match(id, /^resp_/);
  // deno-lint-ignore no-explicit-any
  const added = new Map<number, any>();
  // deno-lint-ignore no-explicit-any
  const done = new Map<number, any>();
  for (const e of evs.slice(2, -1)) {
    const d = e.data;
    if (e.event === "response.output_item.added") {
      assert.ok(!added.has(d.output_index), "output_index reused");
      assert.equal(d.output_index, added.size, "output indexes are assigned in order");
      added.set(d.output_index, d.item);
    } else if (e.event === "response.output_item.done") {
      assert.equal(added.get(d.output_index)?.id, d.item.id);
      assert.ok(!done.has(d.output_index), "item done twice");
      done.set(d.output_index, d.item);
    } else {
      assert.ok(added.has(d.output_index), `${e.event} for an unknown output_index`);
      assert.ok(!done.has(d.output_index), `${e.event} after the item was done`);
      assert.equal(d.item_id, added.get(d.output_index).id);
    }
  }
  const last = evs[evs.length - 1].data;
  assert.equal(last.response.id, id);
  assert.equal(done.size, added.size, "every added item is done");
  const ordered = [...done.entries()].sort((a, b) => a[0] - b[0]).map(([, item]) => item);
  assert.deepEqual(last.response.output, ordered);
  return last;
}

Deno.test("compat stream: reasoning, text, function and custom tool calls, usage", async () => {
  await withCompat([{
    reasoning: ["Let me ", "think."],
    content: ["Hel", "lo"],
    toolCalls: [
      { id: "call_exec", name: "exec_command", arguments: ['{"cmd":', '"ls"}'] },
      {
        id: "call_patch",
        name: "apply_patch",
        arguments: ['{"input":"*** Begin', ' Patch\\nx\\n*** End Patch\\n"}'],
      },
    ],
    usage: { prompt: 1200, completion: 40, cached: 1000, reasoning: 7 },
  }], async (call, requests) => {
    const evs = await events(await call({ input: "hi", tools: TOOLS }));
    const last = checkStream(evs);
    assert.deepEqual(evs.map((e) => e.event), [
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.reasoning_text.delta",
      "response.reasoning_text.delta",
      "response.reasoning_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.output_item.added",
      "response.custom_tool_call_input.delta",
      "response.custom_tool_call_input.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.custom_tool_call_input.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const r = last.response;
    assert.equal(r.status, "completed");
    assert.equal(r.model, "test-model");
    assert.deepEqual(r.output.map((o: { type: string }) => o.type), [
      "reasoning",
      "message",
      "function_call",
      "custom_tool_call",
    ]);
    assert.deepEqual(r.output[0].content, [{ type: "reasoning_text", text: "Let me think." }]);
    assert.equal(r.output[1].content[0].text, "Hello");
    assert.equal(r.output[1].role, "assistant");
    assert.equal(r.output[2].arguments, '{"cmd":"ls"}');
    assert.equal(r.output[2].call_id, "call_exec");
    assert.equal(r.output[2].name, "exec_command");
    assert.equal(r.output[3].input, "*** Begin Patch\nx\n*** End Patch\n");
    assert.equal(r.output[3].call_id, "call_patch");
    const customDeltas = evs.filter((e) => e.event === "response.custom_tool_call_input.delta")
      .map((e) => e.data.delta).join("");
    assert.equal(customDeltas, r.output[3].input);
    assert.deepEqual(r.usage, {
      input_tokens: 1200,
      input_tokens_details: { cached_tokens: 1000 },
      output_tokens: 40,
      output_tokens_details: { reasoning_tokens: 7 },
      total_tokens: 1240,
    });
    assert.equal(requests.length, 1);
    assert.equal(requests[0].body.stream, true);
  });
});

Deno.test("compat non-stream: the same final response as JSON", async () => {
  await withCompat([{
    reasoning: "why",
    reasoningField: "reasoning",
    content: "Answer",
    toolCalls: [{ id: "c1", name: "apply_patch", arguments: '{"input":"P"}' }],
    usage: { prompt: 5, completion: 3 },
  }], async (call, requests) => {
    const res = await call({ input: "hi", tools: TOOLS, stream: false });
    assert.equal(res.status, 200);
    const r = await res.json();
    assert.equal(r.object, "response");
    assert.equal(r.status, "completed");
    assert.deepEqual(r.output.map((o: { type: string }) => o.type), [
      "reasoning",
      "message",
      "custom_tool_call",
    ]);
    assert.equal(r.output[0].content[0].text, "why");
    assert.equal(r.output[1].content[0].text, "Answer");
    assert.equal(r.output[2].input, "P");
    assert.equal(r.usage.total_tokens, 8);
    assert.equal(requests[0].body.stream, false);
    assert.equal(requests[0].body.stream_options, undefined);
  });
});

Deno.test("compat stream: quirky tool call chunks (late name, reused index, interleaving)", async () => {
  const raw = (chunks: unknown[]) =>
    chunks.map((c) => `data: ${JSON.stringify({ choices: [c] })}\n\n`).join("") +
    "data: [DONE]\n\n";
  await withCompat([
    {
      // The name arrives after the first argument piece.
      raw: raw([
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: "a", function: { arguments: '{"cmd"' } }] },
        },
        { index: 0, delta: { tool_calls: [{ index: 0, function: { name: "exec_command" } }] } },
        { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':"x"}' } }] } },
        { index: 0, delta: {}, finish_reason: "tool_calls" },
      ]),
    },
    {
      // Ollama style: every call on index 0, told apart by id; arguments as objects.
      raw: raw([
        {
          delta: {
            tool_calls: [
              { index: 0, id: "o1", function: { name: "exec_command", arguments: { cmd: "a" } } },
            ],
          },
        },
        {
          delta: {
            tool_calls: [
              { index: 0, id: "o2", function: { name: "exec_command", arguments: { cmd: "b" } } },
            ],
          },
          finish_reason: "tool_calls",
        },
      ]),
    },
    {
      // Interleaved parallel calls; the same backend id twice gets a fresh call_id.
      raw: raw([
        {
          delta: {
            tool_calls: [{
              index: 0,
              id: "dup",
              function: { name: "exec_command", arguments: '{"cmd":' },
            }],
          },
        },
        {
          delta: {
            tool_calls: [{
              index: 1,
              id: "dup",
              function: { name: "exec_command", arguments: '{"cmd":' },
            }],
          },
        },
        { delta: { tool_calls: [{ index: 1, function: { arguments: '"two"}' } }] } },
        {
          delta: { tool_calls: [{ index: 0, function: { arguments: '"one"}' } }] },
          finish_reason: "tool_calls",
        },
      ]),
    },
  ], async (call) => {
    const first = checkStream(await events(await call({ input: "a", tools: TOOLS }))).response;
    assert.equal(first.output.length, 1);
    assert.equal(first.output[0].name, "exec_command");
    assert.equal(first.output[0].arguments, '{"cmd":"x"}');

    const second = checkStream(await events(await call({ input: "b", tools: TOOLS }))).response;
    assert.deepEqual(
      second.output.map((o: { call_id: string; arguments: string }) => [o.call_id, o.arguments]),
      [["o1", '{"cmd":"a"}'], ["o2", '{"cmd":"b"}']],
    );

    const third = checkStream(await events(await call({ input: "c", tools: TOOLS }))).response;
    assert.deepEqual(third.output.map((o: { arguments: string }) => o.arguments), [
      '{"cmd":"one"}',
      '{"cmd":"two"}',
    ]);
    assert.equal(third.output[0].call_id, "dup");
    assert.notEqual(third.output[1].call_id, "dup");
  });
});

Deno.test("compat stream: finish_reason length ends as response.incomplete", async () => {
  await withCompat([{ content: "cut he", finishReason: "length" }], async (call) => {
    const evs = await events(await call({ input: "hi", max_output_tokens: 3 }));
    const last = checkStream(evs);
    assert.equal(last.type, "response.incomplete");
    assert.equal(last.response.status, "incomplete");
    assert.deepEqual(last.response.incomplete_details, { reason: "max_output_tokens" });
    assert.equal(last.response.output[0].status, "incomplete");
    assert.equal(last.response.max_output_tokens, 3);
  });
});

Deno.test("compat stream: the mock web_search answers itself and the model goes on", async () => {
  await withCompat([
    {
      content: "Searching.",
      toolCalls: [{ id: "s1", name: "web_search", arguments: '{"query":"deno 3"}' }],
      usage: { prompt: 10, completion: 5 },
    },
    { content: "Nothing found.", usage: { prompt: 20, completion: 4 } },
  ], async (call, requests) => {
    const evs = await events(
      await call({ input: "news?", tools: [{ type: "web_search" }], tool_choice: "auto" }),
    );
    const last = checkStream(evs);
    const out = last.response.output;
    assert.deepEqual(out.map((o: { type: string }) => o.type), [
      "message",
      "web_search_call",
      "message",
    ]);
    assert.match(out[1].id, /^ws_mock_/);
    assert.deepEqual(out[1].action, { type: "search", query: "deno 3", queries: ["deno 3"] });
    assert.equal(out[2].content[0].text, "Nothing found.");
    assert.ok(evs.some((e) => e.event === "response.web_search_call.completed"));
    assert.equal(last.response.usage.input_tokens, 30);
    assert.equal(last.response.usage.output_tokens, 9);

    assert.equal(requests.length, 2);
    assert.equal(requests[0].body.tools[0].function.name, "web_search");
    const follow = requests[1].body;
    assert.equal(follow.tools, undefined);
    assert.equal(follow.tool_choice, undefined);
    const tail = follow.messages.slice(-2);
    assert.equal(tail[0].role, "assistant");
    assert.equal(tail[0].content, "Searching.");
    assert.equal(tail[0].tool_calls[0].id, "s1");
    assert.equal(tail[1].role, "tool");
    assert.equal(tail[1].tool_call_id, "s1");
    const result = JSON.parse(tail[1].content);
    assert.equal(result.mock, true);
    assert.deepEqual(result.results, []);
  });
});

Deno.test("compat stream: reasoning summary events and carried reasoning replay", async () => {
  await withCompat([
    { reasoning: "step one", content: "A" },
    { content: "B" },
  ], async (call, requests) => {
    const evs = await events(
      await call({ input: "q", include: ["reasoning.encrypted_content"] }),
    );
    const last = checkStream(evs);
    assert.ok(evs.some((e) => e.event === "response.reasoning_summary_text.delta"));
    const rs = last.response.output[0];
    assert.deepEqual(rs.summary, [{ type: "summary_text", text: "step one" }]);
    assert.match(rs.encrypted_content, /^compat-reasoning-v1:/);
    // Replay the way upstream Codex does: content null, encrypted_content echoed.
    const replay = [
      { type: "message", role: "user", content: [{ type: "input_text", text: "q" }] },
      { ...rs, content: null },
      last.response.output[1],
      { type: "message", role: "user", content: [{ type: "input_text", text: "more" }] },
    ];
    checkStream(await events(await call({ input: replay })));
    const assistant = requests[1].body.messages[1];
    assert.equal(assistant.role, "assistant");
    assert.equal(assistant.content, "A");
    assert.equal(assistant.reasoning, "step one");
    assert.equal(assistant.reasoning_content, "step one");
  }, { summaryFromReasoning: true });
});

Deno.test("compat store: previous_response_id, GET and DELETE of stored responses", async () => {
  await withCompat(
    [{ content: "first answer" }, { content: "second answer" }],
    async (call, requests) => {
      const first = checkStream(
        await events(await call({ input: "one", instructions: "be brief" })),
      );
      const id = first.response.id;
      const second = checkStream(
        await events(await call({ input: "two", previous_response_id: id })),
      );
      assert.equal(second.response.previous_response_id, id);
      assert.deepEqual(
        requests[1].body.messages.map((
          m: { role: string; content: string },
        ) => [m.role, m.content]),
        [["user", "one"], ["assistant", "first answer"], ["user", "two"]],
      );
      const missing = await call({ input: "x", previous_response_id: "resp_nope" });
      assert.equal(missing.status, 400);
      const body = await missing.json();
      assert.equal(body.error.code, "previous_response_not_found");
      assert.equal(body.error.param, "previous_response_id");
    },
  );
  const fake = await startFakeChatServer({
    script: [{ content: "kept" }, { content: "not kept" }],
  });
  try {
    const app = createCompatApp({ backend: fake.url });
    const post = async (store: boolean) =>
      await (await app.request("/v1/responses", {
        method: "POST",
        body: JSON.stringify({ model: "m", input: "x", store }),
      })).json();
    const kept = await post(true);
    const notKept = await post(false);
    const got = await app.request(`/v1/responses/${kept.id}`);
    assert.equal(got.status, 200);
    assert.equal((await got.json()).output[0].content[0].text, "kept");
    assert.equal((await app.request(`/v1/responses/${notKept.id}`)).status, 404);
    const del = await app.request(`/v1/responses/${kept.id}`, { method: "DELETE" });
    assert.deepEqual(await del.json(), { id: kept.id, object: "response.deleted", deleted: true });
    const gone = await app.request(`/v1/responses/${kept.id}`);
    assert.equal(gone.status, 404);
    await gone.body?.cancel();
  } finally {
    await fake.close();
  }
});

Deno.test("compat stream: a backend that answers a stream request with JSON still works", async () => {
  await withCompat(
    [{ content: "whole", asJson: true, usage: { prompt: 2, completion: 1 } }],
    async (call) => {
      const last = checkStream(await events(await call({ input: "hi" })));
      assert.equal(last.response.status, "completed");
      assert.equal(last.response.output[0].content[0].text, "whole");
      assert.equal(last.response.usage.total_tokens, 3);
    },
  );
});
