/**
 * A scripted fake Responses API server on 127.0.0.1, for tests, the demo and benchmarks.
 *
 * It speaks raw HTTP/1.1 over TCP (one request per connection) so tests can see headers in wire
 * order and so faults are real: connection resets, streams cut mid-way, silence.
 *
 * Each request to `POST /v1/responses` consumes the next entry of `script.turns`. An entry is an
 * output (items the model "says") with usage, or a fault. The script format extends the
 * `model-script.json` files of the upstream fixtures, so those replay as they are.
 *
 * Run standalone: `deno run -A tests/fakes/responses_server.ts --script FILE [--port N]`.
 *
 * @module
 */

/** One item the fake model outputs. */
export type ScriptOutput =
  | { type: "message"; text: string; phase?: string; chunks?: number }
  | { type: "reasoning"; summary: string[]; encrypted_content?: string }
  | { type: "function_call"; name: string; call_id: string; arguments: unknown }
  | { type: "custom_tool_call"; name: string; call_id: string; input: string }
  | { type: "raw_item"; item: Record<string, unknown> };

/** A fault instead of (or around) a normal response. */
export type ScriptFault =
  | { fault: "http"; status: number; body?: string; headers?: Record<string, string> }
  | { fault: "reset" }
  | { fault: "cut" }
  | { fault: "malformed" }
  | { fault: "failed"; message?: string }
  | { fault: "silence" }
  | { fault: "minimal" };

/** Token usage of one response, in the fixtures' shorthand. */
export interface ScriptUsage {
  input_tokens: number;
  cached_tokens?: number;
  output_tokens: number;
  reasoning_tokens?: number;
}

/** One scripted response. */
export interface ScriptTurn {
  comment?: string;
  output?: ScriptOutput[];
  usage?: ScriptUsage;
  /** Delay before the response starts. */
  delay_ms?: number;
  /** Delay between SSE events. */
  event_delay_ms?: number;
  fault?: ScriptFault["fault"];
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  message?: string;
}

/** A whole script. */
export interface Script {
  comment?: string;
  turns: ScriptTurn[];
}

/** A request as it arrived. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Header names (lower-cased) in wire order. */
  headerOrder: string[];
  headers: Record<string, string>;
  /** The parsed JSON body (or `null`). */
  body: Record<string, unknown> | null;
  rawBody: string;
  /** Index of the script entry that answered (-1 when none). */
  turn: number;
  /** `performance.now()` when the request was read. */
  receivedAt?: number;
  /** `performance.now()` when the response was fully written. */
  finishedAt?: number;
}

/** A running fake server. */
export interface FakeResponsesServer {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:1234/v1`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Responses requests only. */
  responsesRequests(): RecordedRequest[];
  close(): Promise<void>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function sse(event: Record<string, unknown>): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

function pad(n: number): string {
  return String(n).padStart(4, "0");
}

/** Builds the output items and SSE events of a normal response. */
export function buildEvents(turn: ScriptTurn, requestNo: number): string[] {
  const respId = `resp_fake_${pad(requestNo)}`;
  const items: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  const output = turn.output ?? [];
  output.forEach((o, index) => {
    const suffix = `${pad(requestNo)}_${index}`;
    switch (o.type) {
      case "message": {
        const id = `msg_fake_${suffix}`;
        const item: Record<string, unknown> = {
          type: "message",
          id,
          status: "completed",
          role: "assistant",
          content: [{ type: "output_text", text: o.text, annotations: [] }],
        };
        if (o.phase) item.phase = o.phase;
        events.push({
          type: "response.output_item.added",
          output_index: index,
          item: { ...item, status: "in_progress", content: [] },
        });
        const n = Math.max(1, o.chunks ?? 2);
        const size = Math.ceil(o.text.length / n) || 1;
        for (let i = 0; i < o.text.length; i += size) {
          events.push({
            type: "response.output_text.delta",
            item_id: id,
            output_index: index,
            content_index: 0,
            delta: o.text.slice(i, i + size),
          });
        }
        events.push({ type: "response.output_item.done", output_index: index, item });
        items.push(item);
        break;
      }
      case "reasoning": {
        const item = {
          type: "reasoning",
          id: `rs_fake_${suffix}`,
          summary: o.summary.map((text) => ({ type: "summary_text", text })),
          encrypted_content: o.encrypted_content ?? null,
        };
        for (const text of o.summary) {
          events.push({
            type: "response.reasoning_summary_text.delta",
            item_id: item.id,
            output_index: index,
            delta: text,
          });
        }
        events.push({ type: "response.output_item.done", output_index: index, item });
        items.push(item);
        break;
      }
      case "function_call": {
        const item = {
          type: "function_call",
          id: `fc_fake_${suffix}`,
          status: "completed",
          name: o.name,
          call_id: o.call_id,
          arguments: typeof o.arguments === "string" ? o.arguments : JSON.stringify(o.arguments),
        };
        events.push({ type: "response.output_item.done", output_index: index, item });
        items.push(item);
        break;
      }
      case "custom_tool_call": {
        const item = {
          type: "custom_tool_call",
          id: `ctc_fake_${suffix}`,
          status: "completed",
          call_id: o.call_id,
          name: o.name,
          input: o.input,
        };
        events.push({ type: "response.output_item.done", output_index: index, item });
        items.push(item);
        break;
      }
      case "raw_item":
        events.push({ type: "response.output_item.done", output_index: index, item: o.item });
        items.push(o.item);
        break;
    }
  });
  const u = turn.usage ?? { input_tokens: 0, output_tokens: 0 };
  const usage = {
    input_tokens: u.input_tokens,
    input_tokens_details: { cached_tokens: u.cached_tokens ?? 0 },
    output_tokens: u.output_tokens,
    output_tokens_details: { reasoning_tokens: u.reasoning_tokens ?? 0 },
    total_tokens: u.input_tokens + u.output_tokens,
  };
  const created = {
    type: "response.created",
    response: { id: respId, object: "response", status: "in_progress", output: [] },
  };
  const completed = {
    type: "response.completed",
    response: { id: respId, object: "response", status: "completed", output: items, usage },
  };
  if (turn.fault === "minimal") {
    return [
      ...events.filter((e) => e.type === "response.output_item.done").map(sse),
      sse(completed),
    ];
  }
  return [sse(created), ...events.map(sse), sse(completed)];
}

function httpHead(status: number, headers: Record<string, string>): string {
  const reason: Record<number, string> = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
  };
  let head = `HTTP/1.1 ${status} ${reason[status] ?? "Status"}\r\n`;
  for (const [k, v] of Object.entries({ connection: "close", ...headers })) {
    head += `${k}: ${v}\r\n`;
  }
  return head + "\r\n";
}

async function writeAll(conn: Deno.Conn, text: string): Promise<void> {
  let data = enc.encode(text);
  while (data.length) {
    const n = await conn.write(data);
    data = data.subarray(n);
  }
}

async function readRequest(conn: Deno.Conn): Promise<Omit<RecordedRequest, "turn"> | null> {
  let buf = new Uint8Array(0);
  const chunk = new Uint8Array(65536);
  let headerEnd = -1;
  while (headerEnd < 0) {
    const n = await conn.read(chunk);
    if (n === null) return null;
    const next = new Uint8Array(buf.length + n);
    next.set(buf);
    next.set(chunk.subarray(0, n), buf.length);
    buf = next;
    headerEnd = dec.decode(buf).indexOf("\r\n\r\n");
  }
  const headText = dec.decode(buf).slice(0, headerEnd);
  const headBytes = enc.encode(headText + "\r\n\r\n").length;
  const [requestLine, ...lines] = headText.split("\r\n");
  const [method, path] = requestLine.split(" ");
  const headerOrder: string[] = [];
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(":");
    const name = line.slice(0, i).trim().toLowerCase();
    headerOrder.push(name);
    headers[name] = line.slice(i + 1).trim();
  }
  const length = Number(headers["content-length"] ?? 0);
  let body = buf.subarray(headBytes);
  while (body.length < length) {
    const n = await conn.read(chunk);
    if (n === null) break;
    const next = new Uint8Array(body.length + n);
    next.set(body);
    next.set(chunk.subarray(0, n), body.length);
    body = next;
  }
  const rawBody = dec.decode(body);
  let parsed: Record<string, unknown> | null = null;
  try {
    parsed = rawBody ? JSON.parse(rawBody) : null;
  } catch {
    parsed = null;
  }
  return { method, path, headerOrder, headers, body: parsed, rawBody };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the fake server on 127.0.0.1 (port 0 = any free port). */
export function startFakeResponses(
  script: Script,
  opts: { port?: number; models?: string[] } = {},
): FakeResponsesServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: opts.port ?? 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const requests: RecordedRequest[] = [];
  const open = new Set<Deno.Conn>();
  const pending = new Set<Promise<void>>();
  let next = 0;
  let closed = false;

  async function serve(conn: Deno.Conn): Promise<void> {
    try {
      const req = await readRequest(conn);
      if (!req) return;
      if (req.method === "GET" && /^\/v1\/models(\?|$)/.test(req.path)) {
        requests.push({ ...req, turn: -1 });
        const body = JSON.stringify({
          object: "list",
          data: (opts.models ?? ["gpt-5.5", "fake-model"]).map((id) => ({ id, object: "model" })),
        });
        await writeAll(
          conn,
          httpHead(200, {
            "content-type": "application/json",
            "content-length": `${body.length}`,
          }) +
            body,
        );
        return;
      }
      if (req.method !== "POST" || !/^\/v1\/responses(\?|$)/.test(req.path)) {
        requests.push({ ...req, turn: -1 });
        await writeAll(conn, httpHead(404, { "content-length": "9" }) + "not found");
        return;
      }
      const index = next++;
      const record: RecordedRequest = {
        ...req,
        turn: index < script.turns.length ? index : -1,
        receivedAt: performance.now(),
      };
      requests.push(record);
      const turn = script.turns[index];
      if (!turn) {
        const body = JSON.stringify({
          error: { message: "fake server: script exhausted", type: "invalid_request_error" },
        });
        await writeAll(
          conn,
          httpHead(400, {
            "content-type": "application/json",
            "content-length": `${body.length}`,
          }) +
            body,
        );
        return;
      }
      if (turn.delay_ms) await sleep(turn.delay_ms);
      switch (turn.fault) {
        case "http": {
          const body = turn.body ?? JSON.stringify({ error: { message: `fake ${turn.status}` } });
          await writeAll(
            conn,
            httpHead(turn.status ?? 500, {
              "content-type": "application/json",
              "content-length": `${enc.encode(body).length}`,
              "x-request-id": `req_fake_${pad(index + 1)}`,
              ...turn.headers,
            }) + body,
          );
          return;
        }
        case "reset":
          return; // close without a response
        case "silence": {
          await writeAll(conn, httpHead(200, { "content-type": "text/event-stream" }));
          await writeAll(conn, buildEvents(turn, index + 1)[0]);
          // Hold the connection until the client gives up or the server closes.
          const sink = new Uint8Array(1024);
          while (!closed && (await conn.read(sink).catch(() => null)) !== null) { /* wait */ }
          return;
        }
      }
      const events = buildEvents(turn, index + 1);
      await writeAll(conn, httpHead(200, { "content-type": "text/event-stream" }));
      if (turn.fault === "failed") {
        await writeAll(conn, events[0]);
        await writeAll(
          conn,
          sse({
            type: "response.failed",
            response: {
              id: `resp_fake_${pad(index + 1)}`,
              status: "failed",
              error: { code: "server_error", message: turn.message ?? "fake failure" },
            },
          }),
        );
        return;
      }
      const body = turn.fault === "cut" ? events.slice(0, -1) : events;
      for (const [i, e] of body.entries()) {
        if (turn.fault === "malformed" && i === 1) await writeAll(conn, "data: {not json\n\n");
        await writeAll(conn, e);
        if (turn.event_delay_ms) await sleep(turn.event_delay_ms);
      }
      record.finishedAt = performance.now();
    } catch {
      // The client went away: nothing to do.
    } finally {
      open.delete(conn);
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  }

  const loop = (async () => {
    for await (const conn of listener) {
      open.add(conn);
      const p = serve(conn);
      pending.add(p);
      p.finally(() => pending.delete(p));
    }
  })().catch(() => {});

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    responsesRequests: () => requests.filter((r) => r.turn !== -1 || r.path.includes("responses")),
    async close() {
      closed = true;
      try {
        listener.close();
      } catch { /* closed */ }
      for (const c of open) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      await loop;
      await Promise.allSettled([...pending]);
    },
  };
}

if (import.meta.main) {
  const { parseArgs } = await import("node:util");
  const { values } = parseArgs({
    options: { script: { type: "string" }, port: { type: "string", default: "0" } },
  });
  if (!values.script) {
    console.error("usage: responses_server.ts --script FILE [--port N]");
    Deno.exit(2);
  }
  const script = JSON.parse(await Deno.readTextFile(values.script)) as Script;
  const server = startFakeResponses(script, { port: Number(values.port) });
  console.log(server.url);
}
