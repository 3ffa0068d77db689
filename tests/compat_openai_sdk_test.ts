import assert from "node:assert/strict";
import OpenAI from "openai";
import { startCompatServer } from "../compat/server.ts";
import { type FakeTurn, startFakeChatServer } from "./fakes/chat_server.ts";

async function withServer(
  script: FakeTurn[],
  fn: (client: OpenAI) => Promise<void>,
): Promise<void> {
  const fake = await startFakeChatServer({ script });
  const server = await startCompatServer({ backend: fake.url, apiKey: "sk-backend" });
  try {
    await fn(new OpenAI({ baseURL: server.url, apiKey: "sk-client", maxRetries: 0 }));
  } finally {
    await server.close();
    await fake.close();
  }
}

const tools: OpenAI.Responses.Tool[] = [
  {
    type: "function",
    name: "exec_command",
    parameters: { type: "object", properties: { cmd: { type: "string" } } },
    strict: false,
  },
  { type: "custom", name: "apply_patch" },
];

Deno.test("openai SDK responses.stream() parses the translated stream", async () => {
  await withServer([{
    reasoning: ["plan", " it"],
    content: ["Hello", " there"],
    toolCalls: [
      { id: "call_1", name: "exec_command", arguments: ['{"cmd"', ':"ls"}'] },
      {
        id: "call_2",
        name: "apply_patch",
        arguments: ['{"input":"*** Begin Patch\\n', '*** End Patch\\n"}'],
      },
    ],
    usage: { prompt: 300, completion: 30, cached: 200, reasoning: 4 },
  }], async (client) => {
    const stream = client.responses.stream({ model: "gpt-5.5", input: "hi", tools });
    const seen = new Set<string>();
    let text = "";
    for await (const event of stream) {
      seen.add(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    const final = await stream.finalResponse();
    assert.equal(final.status, "completed");
    assert.equal(final.output_text, "Hello there");
    assert.equal(text, "Hello there");
    for (
      const type of [
        "response.created",
        "response.in_progress",
        "response.reasoning_text.delta",
        "response.output_text.done",
        "response.function_call_arguments.done",
        "response.custom_tool_call_input.delta",
        "response.custom_tool_call_input.done",
        "response.completed",
      ]
    ) assert.ok(seen.has(type), type);
    const [reasoning, message, fn, custom] = final.output;
    assert.equal(reasoning.type, "reasoning");
    assert.equal(message.type, "message");
    assert.ok(fn.type === "function_call");
    assert.equal(fn.name, "exec_command");
    assert.equal(fn.arguments, '{"cmd":"ls"}');
    assert.equal(fn.call_id, "call_1");
    assert.ok(custom.type === "custom_tool_call");
    assert.equal(custom.input, "*** Begin Patch\n*** End Patch\n");
    assert.equal(final.usage?.input_tokens_details.cached_tokens, 200);
    assert.equal(final.usage?.output_tokens_details.reasoning_tokens, 4);
    assert.equal(final.usage?.total_tokens, 330);
  });
});

Deno.test("openai SDK responses.create() without streaming, models.list() and errors", async () => {
  await withServer([
    { content: "plain answer", usage: { prompt: 3, completion: 2 } },
    { content: "x", fault: { kind: "malformed", after: 1 } },
  ], async (client) => {
    const res = await client.responses.create({ model: "m", input: "hi", instructions: "be nice" });
    assert.equal(res.status, "completed");
    assert.equal(res.output_text, "plain answer");
    assert.equal(res.instructions, "be nice");
    assert.equal(res.usage?.output_tokens, 2);

    const models = await client.models.list();
    assert.deepEqual(models.data.map((m) => m.id), ["fake-model"]);

    const failing = client.responses.stream({ model: "m", input: "hi" });
    let failed: OpenAI.Responses.ResponseFailedEvent | null = null;
    for await (const event of failing) if (event.type === "response.failed") failed = event;
    assert.ok(failed);
    assert.match(failed.response.error?.message ?? "", /malformed stream chunk/);

    await assert.rejects(
      client.responses.create({ model: "m", input: [{ role: "tool", content: "x" }] as never }),
      (err: unknown) =>
        err instanceof OpenAI.BadRequestError && /role` "tool" is not supported/.test(err.message),
    );
  });
});
