import assert from "node:assert/strict";
import { ResponsesClient } from "../lib/model/client.ts";
import { HIGH_DEMAND_MESSAGE, ModelError, TurnAbortedError } from "../lib/model/errors.ts";
import { resolveProvider } from "../lib/config/providers.ts";
import { type ScriptTurn, startFakeResponses } from "./fakes/responses_server.ts";

const OK: ScriptTurn = {
  output: [{ type: "message", text: "fine" }],
  usage: { input_tokens: 10, cached_tokens: 4, output_tokens: 3, reasoning_tokens: 1 },
};

function client(url: string, extra: Record<string, unknown> = {}) {
  const sleeps: number[] = [];
  const provider = resolveProvider("fake", {
    fake: { base_url: url, env_key: "K", request_max_retries: 4, stream_max_retries: 5, ...extra },
  });
  const c = new ResponsesClient({
    provider,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
  });
  return { c, sleeps };
}

const REQ = {
  body: { model: "m", stream: true, input: [] },
  headers: [["content-type", "application/json"], ["authorization", "Bearer k"]] as [
    string,
    string,
  ][],
};

async function withServer(
  turns: ScriptTurn[],
  fn: (url: string, srv: ReturnType<typeof startFakeResponses>) => Promise<void>,
) {
  const srv = startFakeResponses({ turns });
  try {
    await fn(srv.url, srv);
  } finally {
    await srv.close();
  }
}

Deno.test("client: a normal stream gives items, deltas and usage", async () => {
  await withServer([OK], async (url) => {
    const { c } = client(url);
    const deltas: string[] = [];
    const res = await c.stream(REQ, { onTextDelta: (_id, d) => deltas.push(d) });
    assert.equal(deltas.join(""), "fine");
    assert.equal(res.items.length, 1);
    assert.deepEqual(res.usage, {
      input_tokens: 10,
      cached_input_tokens: 4,
      cache_write_input_tokens: 0,
      output_tokens: 3,
      reasoning_output_tokens: 1,
    });
  });
});

Deno.test("client: the minimal stream upstream accepts is accepted (no created, no usage)", async () => {
  await withServer([{ ...OK, usage: undefined, fault: "minimal" }], async (url) => {
    const { c } = client(url);
    const res = await c.stream(REQ);
    assert.equal(res.items.length, 1);
    assert.equal(res.usage.input_tokens, 0);
  });
});

Deno.test("client: non-JSON data lines are skipped", async () => {
  await withServer([{ ...OK, fault: "malformed" }], async (url) => {
    const { c } = client(url);
    const retries: string[] = [];
    const res = await c.stream(REQ, { onRetry: (m) => retries.push(m) });
    assert.equal(res.items.length, 1);
    assert.deepEqual(retries, []);
  });
});

Deno.test("client: 5xx is retried silently by the request layer with exponential backoff", async () => {
  const e500: ScriptTurn = { fault: "http", status: 500 };
  await withServer([e500, e500, e500, OK], async (url, srv) => {
    const { c, sleeps } = client(url);
    const retries: string[] = [];
    const res = await c.stream(REQ, { onRetry: (m) => retries.push(m) });
    assert.equal(res.items.length, 1);
    assert.deepEqual(retries, []);
    assert.deepEqual(sleeps, [200, 400, 800]);
    // Retried requests are byte-identical.
    const bodies = new Set(srv.requests.map((r) => r.rawBody));
    assert.equal(bodies.size, 1);
    const headerSets = new Set(srv.requests.map((r) => JSON.stringify(r.headers)));
    assert.equal(headerSets.size, 1);
  });
});

Deno.test("client: 5xx forever = 6 stream attempts x 5 requests, then upstream's message", async () => {
  const turns: ScriptTurn[] = Array.from({ length: 30 }, () => ({ fault: "http", status: 503 }));
  await withServer(turns, async (url, srv) => {
    const { c } = client(url);
    const retries: string[] = [];
    await assert.rejects(
      () => c.stream(REQ, { onRetry: (m) => retries.push(m) }),
      (err: unknown) => err instanceof ModelError && err.message === HIGH_DEMAND_MESSAGE,
    );
    assert.equal(srv.requests.length, 30);
    assert.deepEqual(
      retries,
      [1, 2, 3, 4, 5].map((n) => `Reconnecting... ${n}/5 (${HIGH_DEMAND_MESSAGE})`),
    );
  });
});

Deno.test("client: 429 is a stream retry that honours Retry-After and quotes the request id", async () => {
  await withServer(
    [{ fault: "http", status: 429, headers: { "retry-after": "2" } }, OK],
    async (url) => {
      const { c, sleeps } = client(url);
      const retries: string[] = [];
      await c.stream(REQ, { onRetry: (m) => retries.push(m) });
      assert.deepEqual(sleeps, [2000]);
      assert.equal(retries.length, 1);
      assert.match(retries[0], /^Reconnecting\.\.\. 1\/5 \(429 .*req_fake_0001/);
    },
  );
});

Deno.test("client: 400 is not retried and its body is the message", async () => {
  const body = JSON.stringify({ error: { message: "bad field 'x'" } });
  await withServer([{ fault: "http", status: 400, body }, OK], async (url, srv) => {
    const { c } = client(url);
    await assert.rejects(() => c.stream(REQ), (e: unknown) => (e as Error).message === body);
    assert.equal(srv.requests.length, 1);
  });
});

Deno.test("client: reset, cut stream and response.failed are retried by the stream layer", async () => {
  await withServer(
    [{ fault: "reset" }, { ...OK, fault: "cut" }, { fault: "failed", message: "boom" }, OK],
    async (url) => {
      const { c, sleeps } = client(url, { request_max_retries: 0 });
      const retries: string[] = [];
      const res = await c.stream(REQ, { onRetry: (m) => retries.push(m) });
      assert.equal(res.items.length, 1);
      assert.equal(retries.length, 3);
      assert.match(retries[0], /^Reconnecting\.\.\. 1\/5 \(request failed/);
      assert.equal(retries[1], "Reconnecting... 2/5 (stream closed before response.completed)");
      assert.equal(retries[2], "Reconnecting... 3/5 (boom)");
      assert.deepEqual(sleeps, [200, 400, 800]);
    },
  );
});

Deno.test("client: an idle stream times out and is retried", async () => {
  await withServer([{ fault: "silence" }, OK], async (url) => {
    const { c } = client(url, { stream_idle_timeout_ms: 200 });
    const retries: string[] = [];
    const res = await c.stream(REQ, { onRetry: (m) => retries.push(m) });
    assert.equal(res.items.length, 1);
    assert.deepEqual(retries, ["Reconnecting... 1/5 (idle timeout waiting for SSE)"]);
  });
});

Deno.test("client: aborting during a silent stream ends with TurnAbortedError", async () => {
  await withServer([{ fault: "silence" }], async (url) => {
    const { c } = client(url);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    await assert.rejects(() => c.stream(REQ, {}, ctl.signal), TurnAbortedError);
  });
});

Deno.test("client: query params are appended to the URL", async () => {
  await withServer([OK], async (url, srv) => {
    const { c } = client(url, { query_params: { "api-version": "2025-01-01" } });
    await c.stream(REQ);
    assert.equal(srv.requests[0].path, "/v1/responses?api-version=2025-01-01");
  });
});
