import assert from "node:assert/strict";
import { createCompatApp } from "../compat/app.ts";
import { startCompatServer } from "../compat/server.ts";
import { type FakeTurn, parseSse, startFakeChatServer } from "./fakes/chat_server.ts";

const SECRET = "sk-compat-secret-0123456789";

async function run(
  turn: FakeTurn,
  body: Record<string, unknown> = {},
  options: { apiKey?: string; idleTimeoutMs?: number; fakeKey?: string } = {},
): Promise<{ res: Response; text: string; logs: string[] }> {
  const fake = await startFakeChatServer({
    script: [turn],
    ...(options.fakeKey ? { apiKey: options.fakeKey } : {}),
  });
  const logs: string[] = [];
  try {
    const app = createCompatApp({
      backend: fake.url,
      apiKey: options.apiKey ?? SECRET,
      idleTimeoutMs: options.idleTimeoutMs ?? 5_000,
      log: (line) => logs.push(line),
    });
    const res = await app.request("/v1/responses", {
      method: "POST",
      body: JSON.stringify({ model: "m", input: "hi", stream: true, ...body }),
    });
    const text = await res.text();
    return { res, text, logs };
  } finally {
    await fake.close();
  }
}

function failedEvent(text: string): { code: string; message: string } {
  const evs = parseSse(text);
  const last = evs[evs.length - 1];
  assert.equal(last.event, "response.failed");
  assert.equal(last.data.response.status, "failed");
  assert.equal(evs[0].event, "response.created");
  evs.forEach((e, i) => assert.equal(e.data.sequence_number, i));
  return last.data.response.error;
}

Deno.test("compat errors: bad request bodies get a 400 with a message", async () => {
  const app = createCompatApp({ backend: "http://127.0.0.1:9/v1" });
  const post = (body: string) => app.request("/v1/responses", { method: "POST", body });
  const bad = await post("{not json");
  assert.equal(bad.status, 400);
  const err = (await bad.json()).error;
  assert.match(err.message, /^invalid JSON body: /);
  assert.equal(err.type, "invalid_request_error");
  const notObject = await post("[]");
  assert.equal(notObject.status, 400);
  assert.match((await notObject.json()).error.message, /must be a JSON object/);
  const noModel = await post('{"input":"x"}');
  assert.equal(noModel.status, 400);
  assert.equal((await noModel.json()).error.param, "model");
  const small = createCompatApp({ backend: "http://127.0.0.1:9/v1", maxBodyBytes: 100 });
  const big = await small.request("/v1/responses", {
    method: "POST",
    body: JSON.stringify({ model: "m", input: "x".repeat(200) }),
  });
  assert.equal(big.status, 413);
  assert.match((await big.json()).error.message, /larger than 100 bytes/);
});

Deno.test("compat errors: routes, health and model pass-through", async () => {
  const fake = await startFakeChatServer({
    models: { object: "list", data: [{ id: "qwen", object: "model" }] },
  });
  try {
    const app = createCompatApp({ backend: fake.url, apiKey: SECRET });
    const health = await app.request("/healthz");
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { ok: true });
    const models = await app.request("/v1/models");
    assert.equal(models.status, 200);
    assert.deepEqual(await models.json(), {
      object: "list",
      data: [{ id: "qwen", object: "model" }],
    });
    assert.equal(fake.requests[0].headers.authorization, `Bearer ${SECRET}`);
    const unknown = await app.request("/v1/chat/completions", { method: "POST", body: "{}" });
    assert.equal(unknown.status, 404);
    assert.match((await unknown.json()).error.message, /no route for POST \/v1\/chat\/completions/);
    const wrongMethod = await app.request("/v1/responses");
    assert.equal(wrongMethod.status, 404);
    await wrongMethod.body?.cancel();
  } finally {
    await fake.close();
  }
  const down = createCompatApp({ backend: `http://127.0.0.1:${fake.port}/v1`, apiKey: SECRET });
  const res = await down.request("/v1/models");
  assert.equal(res.status, 502);
  const text = await res.text();
  assert.match(text, /backend request failed/);
  assert.ok(!text.includes(SECRET));
});

Deno.test("compat errors: backend HTTP errors before the stream keep their meaning", async () => {
  const five = await run({
    fault: { kind: "http", status: 500, body: '{"error":{"message":"GPU on fire"}}' },
  });
  assert.equal(five.res.status, 502);
  const fiveBody = JSON.parse(five.text);
  assert.equal(fiveBody.error.message, "backend returned HTTP 500: GPU on fire");
  assert.equal(fiveBody.error.type, "server_error");

  const busy = await run({
    fault: { kind: "http", status: 429, body: "slow down", headers: { "retry-after": "2" } },
  });
  assert.equal(busy.res.status, 429);
  assert.equal(busy.res.headers.get("retry-after"), "2");
  assert.equal(JSON.parse(busy.text).error.message, "backend returned HTTP 429: slow down");

  const invalid = await run({
    fault: { kind: "http", status: 400, body: '{"detail":"bad tool schema"}' },
  });
  assert.equal(invalid.res.status, 400);
  assert.equal(
    JSON.parse(invalid.text).error.message,
    "backend returned HTTP 400: bad tool schema",
  );

  // A context overflow goes into the stream so clients can compact and retry.
  const overflow = await run({
    fault: {
      kind: "http",
      status: 400,
      body: JSON.stringify({
        error: { message: "This model's maximum context length is 32768 tokens" },
      }),
    },
  });
  assert.equal(overflow.res.status, 200);
  const err = failedEvent(overflow.text);
  assert.equal(err.code, "context_length_exceeded");
  assert.match(err.message, /maximum context length/);

  const jsonOverflow = await run({
    fault: { kind: "http", status: 400, body: '{"error":{"message":"prompt is too long"}}' },
  }, { stream: false });
  assert.equal(jsonOverflow.res.status, 400);
  assert.equal(JSON.parse(jsonOverflow.text).error.code, "context_length_exceeded");
});

Deno.test("compat errors: stream faults become response.failed with a clear message", async () => {
  const malformed = await run({ content: ["a", "b"], fault: { kind: "malformed", after: 2 } });
  assert.match(
    failedEvent(malformed.text).message,
    /^backend sent a malformed stream chunk: \{this is not json/,
  );

  const disconnect = await run({
    content: ["a", "b", "c"],
    fault: { kind: "disconnect", after: 2 },
  });
  assert.match(
    failedEvent(disconnect.text).message,
    /^backend stream (broke|ended before completion)/,
  );

  const noDone = await run({ content: ["a", "b", "c"], fault: { kind: "no-done", after: 2 } });
  assert.match(failedEvent(noDone.text).message, /^backend stream ended before completion/);

  const silent = await run({ content: ["a", "b"], fault: { kind: "silence", after: 2 } }, {}, {
    idleTimeoutMs: 200,
  });
  const silence = failedEvent(silent.text);
  assert.equal(silence.message, "backend stream was silent for 200 ms");
  assert.equal(silence.code, "timeout");
  // What streamed before the failure is still reported.
  const evs = parseSse(silent.text);
  assert.ok(evs.some((e) => e.event === "response.output_text.delta" && e.data.delta === "a"));

  const reported = await run({
    content: "x",
    fault: { kind: "error-chunk", after: 1, message: "out of memory" },
  });
  assert.equal(failedEvent(reported.text).message, "backend reported an error: out of memory");

  const nameless = await run({
    toolCalls: [{ name: null, arguments: "{}" }],
  }, {
    tools: [
      { type: "function", name: "a", parameters: {} },
      { type: "function", name: "b", parameters: {} },
    ],
  });
  assert.equal(
    failedEvent(nameless.text).message,
    "backend sent a tool call without a function name",
  );
});

Deno.test("compat errors: the backend API key never reaches the client or the log", async () => {
  // The backend rejects the key and echoes it back, as some real servers do.
  const rejected = await run({ content: "never" }, {}, { fakeKey: "sk-other" });
  assert.equal(rejected.res.status, 502);
  assert.ok(!rejected.text.includes(SECRET), rejected.text);
  assert.match(JSON.parse(rejected.text).error.message, /Incorrect API key provided: \[redacted\]/);

  const streamed = await run({
    content: "x",
    fault: { kind: "error-chunk", after: 1, message: `bad key ${SECRET}` },
  });
  assert.ok(!streamed.text.includes(SECRET));
  assert.match(failedEvent(streamed.text).message, /bad key \[redacted\]/);

  const json = await run(
    { fault: { kind: "http", status: 500, body: `Bearer ${SECRET} failed` } },
    { stream: false },
  );
  assert.ok(!json.text.includes(SECRET));
  for (const line of [...rejected.logs, ...streamed.logs, ...json.logs]) {
    assert.ok(!line.includes(SECRET), line);
  }
  assert.ok(streamed.logs.length > 0);
});

Deno.test("compat errors: an unreachable backend is a 502, a slow one a 504", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const app = createCompatApp({ backend: `127.0.0.1:${port}`, apiKey: SECRET });
  const res = await app.request("/v1/responses", {
    method: "POST",
    body: JSON.stringify({ model: "m", input: "x", stream: true }),
  });
  assert.equal(res.status, 502);
  const body = await res.json();
  assert.match(body.error.message, /^backend request failed: /);

  // A backend that accepts the connection but never answers.
  const hang = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of hang) conns.push(conn);
  })();
  try {
    const slow = createCompatApp({
      backend: `127.0.0.1:${(hang.addr as Deno.NetAddr).port}`,
      headersTimeoutMs: 150,
    });
    const timedOut = await slow.request("/v1/responses", {
      method: "POST",
      body: JSON.stringify({ model: "m", input: "x" }),
    });
    assert.equal(timedOut.status, 504);
    assert.equal((await timedOut.json()).error.message, "backend did not answer within 150 ms");
  } finally {
    hang.close();
    for (const c of conns) c.close();
    await accepting;
  }
});

Deno.test("compat errors: a client that goes away cancels the backend stream", async () => {
  const fake = await startFakeChatServer({
    // Chunk 0 is the role chunk, then "a" and "b"; then nothing more.
    script: [{ content: ["a", "b"], fault: { kind: "silence", after: 3 } }],
  });
  const server = await startCompatServer({ backend: fake.url });
  try {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/responses`, {
      method: "POST",
      body: JSON.stringify({ model: "m", input: "x", stream: true }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let seen = "";
    while (!seen.includes('"delta":"b"')) {
      const { value } = await reader.read();
      seen += new TextDecoder().decode(value);
    }
    assert.equal(fake.openStreams(), 1);
    controller.abort();
    await reader.cancel().catch(() => {});
    for (let i = 0; i < 200 && fake.openStreams() > 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(fake.openStreams(), 0, "the backend stream was not cancelled");
  } finally {
    await server.close();
    await fake.close();
  }
});
