/**
 * A scripted fake Chat Completions server for tests and benchmarks, on 127.0.0.1.
 *
 * Each `POST /v1/chat/completions` takes the next {@linkcode FakeTurn} of the script (or asks a
 * function) and answers it streamed (`stream: true`: `delta.content`, `reasoning_content` or
 * `reasoning`, tool calls split across chunks, a usage chunk, `[DONE]`) or as one completion.
 * Faults: an HTTP error status, a malformed chunk, a disconnect mid-stream, a stream that ends
 * without `[DONE]`, silence. Every request is recorded (path, headers, parsed body).
 *
 * Run standalone (`deno run -A tests/fakes/chat_server.ts [--port N]`) it serves a generative
 * script for benchmarks: a last user message `deltas N` is answered with N content deltas `x`.
 *
 * @module
 */

/** A tool call the fake model makes. */
export interface FakeToolCall {
  /** Call id (default `call_<n>`); `null` sends none. */
  id?: string | null;
  /** Function name; `null` sends none (a quirky backend). */
  name: string | null;
  /** Arguments, or the pieces they are streamed in. */
  arguments: string | string[];
  /** Stream index to report (default: position in the list). */
  index?: number;
}

/** A fault instead of (or in the middle of) an answer. */
export type FakeFault =
  | { kind: "http"; status: number; body: string; headers?: Record<string, string> }
  | { kind: "malformed"; after: number }
  | { kind: "disconnect"; after: number }
  | { kind: "no-done"; after: number }
  | { kind: "silence"; after: number }
  | { kind: "error-chunk"; after: number; message: string };

/** One scripted answer. */
export interface FakeTurn {
  /** Reasoning text, or its pieces. */
  reasoning?: string | string[];
  /** Delta field carrying reasoning (default `reasoning_content`). */
  reasoningField?: "reasoning_content" | "reasoning";
  /** Answer text, or its pieces. */
  content?: string | string[];
  toolCalls?: FakeToolCall[];
  /** Token usage (sent as a final chunk); `null` sends none. */
  usage?: { prompt: number; completion: number; cached?: number; reasoning?: number } | null;
  /** Default: `tool_calls` with tool calls, else `stop`. */
  finishReason?: string;
  fault?: FakeFault;
  /** Raw SSE body, sent instead of generated chunks. */
  raw?: string;
  /** Answer with one JSON completion even when a stream was asked for. */
  asJson?: boolean;
}

/** A request the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** Settings of the fake. */
export interface FakeChatServerOptions {
  /** Answers in order, or a function choosing the answer for the n-th request (from 0). */
  script?: FakeTurn[] | ((request: RecordedRequest, n: number) => FakeTurn);
  /** When set, requests must carry `Authorization: Bearer <apiKey>`; a wrong key is echoed in the 401 (as some real servers do). */
  apiKey?: string;
  /** Body of `GET /v1/models`. */
  models?: unknown;
  /** Record requests (default true; benchmarks turn it off). */
  record?: boolean;
  /** Port (default 0: a free one). */
  port?: number;
}

/** A running fake. */
export interface FakeChatServer {
  /** Base URL, `http://127.0.0.1:<port>/v1`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Streamed answers still open (not finished, failed or cancelled by the client). */
  openStreams(): number;
  close(): Promise<void>;
}

function pieces(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return typeof v === "string" ? (v === "" ? [] : [v]) : v;
}

function usageJson(u: NonNullable<FakeTurn["usage"]>): Record<string, unknown> {
  return {
    prompt_tokens: u.prompt,
    completion_tokens: u.completion,
    total_tokens: u.prompt + u.completion,
    prompt_tokens_details: { cached_tokens: u.cached ?? 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
  };
}

/** The stream chunks (JSON objects) of `turn`, without faults. */
export function chatChunks(turn: FakeTurn, model = "fake-model"): Record<string, unknown>[] {
  const base = { id: "chatcmpl-fake", object: "chat.completion.chunk", created: 1, model };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const out: Record<string, unknown>[] = [chunk({ role: "assistant", content: "" })];
  const field = turn.reasoningField ?? "reasoning_content";
  for (const p of pieces(turn.reasoning)) out.push(chunk({ [field]: p }));
  for (const p of pieces(turn.content)) out.push(chunk({ content: p }));
  (turn.toolCalls ?? []).forEach((call, i) => {
    const index = call.index ?? i;
    const args = pieces(call.arguments);
    const first: Record<string, unknown> = {
      index,
      type: "function",
      function: { arguments: args[0] ?? "" },
    };
    if (call.id !== null) first.id = call.id ?? `call_${i}`;
    if (call.name !== null) (first.function as Record<string, unknown>).name = call.name;
    out.push(chunk({ tool_calls: [first] }));
    for (const p of args.slice(1)) {
      out.push(chunk({ tool_calls: [{ index, function: { arguments: p } }] }));
    }
  });
  const finish = turn.finishReason ?? (turn.toolCalls?.length ? "tool_calls" : "stop");
  out.push(chunk({}, finish));
  if (turn.usage) out.push({ ...base, choices: [], usage: usageJson(turn.usage) });
  return out;
}

/** The non-streamed completion of `turn`. */
export function chatCompletion(turn: FakeTurn, model = "fake-model"): Record<string, unknown> {
  const message: Record<string, unknown> = {
    role: "assistant",
    content: pieces(turn.content).join("") || null,
  };
  const reasoning = pieces(turn.reasoning).join("");
  if (reasoning) message[turn.reasoningField ?? "reasoning_content"] = reasoning;
  if (turn.toolCalls?.length) {
    message.tool_calls = turn.toolCalls.map((call, i) => ({
      id: call.id ?? `call_${i}`,
      type: "function",
      function: { name: call.name ?? "", arguments: pieces(call.arguments).join("") },
    }));
  }
  return {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: 1,
    model,
    choices: [{
      index: 0,
      message,
      finish_reason: turn.finishReason ?? (turn.toolCalls?.length ? "tool_calls" : "stop"),
    }],
    ...(turn.usage ? { usage: usageJson(turn.usage) } : {}),
  };
}

const encoder = new TextEncoder();

function sseBody(
  turn: FakeTurn,
  model: string,
  streams: Set<ReadableStreamDefaultController>,
): ReadableStream<Uint8Array> {
  const fault = turn.fault;
  const frames = turn.raw !== undefined
    ? [turn.raw]
    : chatChunks(turn, model).map((c) => `data: ${JSON.stringify(c)}\n\n`);
  let i = 0;
  let faulted = false;
  let ctl: ReadableStreamDefaultController<Uint8Array> | null = null;
  const finish = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    streams.delete(controller);
    controller.close();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      ctl = controller;
      streams.add(controller);
    },
    pull(controller) {
      if (faulted) return finish(controller);
      if (fault && fault.kind !== "http" && i === fault.after) {
        faulted = true;
        switch (fault.kind) {
          case "malformed":
            controller.enqueue(encoder.encode("data: {this is not json\n\n"));
            return;
          case "error-chunk":
            controller.enqueue(encoder.encode(
              `data: ${
                JSON.stringify({ error: { message: fault.message, type: "server_error" } })
              }\n\n`,
            ));
            return;
          case "disconnect":
            streams.delete(controller);
            controller.error(new Error("fake backend disconnect (a scripted fault)"));
            return;
          case "no-done":
            return finish(controller);
          case "silence":
            // Never answer again; the stream ends when the client gives up (or at close()).
            return new Promise<void>(() => {});
        }
      }
      const frame = frames[i++];
      if (frame === undefined) {
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        return finish(controller);
      }
      controller.enqueue(encoder.encode(frame));
    },
    cancel() {
      if (ctl) streams.delete(ctl);
    },
  }, { highWaterMark: 0 });
}

/** Starts the fake on 127.0.0.1 (a free port). */
export async function startFakeChatServer(
  options: FakeChatServerOptions = {},
): Promise<FakeChatServer> {
  const requests: RecordedRequest[] = [];
  const streams = new Set<ReadableStreamDefaultController>();
  let n = 0;
  const record = options.record ?? true;
  const next = (req: RecordedRequest): FakeTurn => {
    const script = options.script ?? [];
    const i = n++;
    if (typeof script === "function") return script(req, i);
    return script[i] ??
      {
        fault: {
          kind: "http",
          status: 500,
          body: `{"error":{"message":"fake chat server: script exhausted at request ${i}"}}`,
        },
      };
  };
  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const headers = Object.fromEntries(request.headers);
    const text = request.method === "POST" ? await request.text() : "";
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    const rec: RecordedRequest = { method: request.method, path: url.pathname, headers, body };
    if (record) requests.push(rec);
    if (options.apiKey !== undefined) {
      const auth = request.headers.get("authorization") ?? "";
      if (auth !== `Bearer ${options.apiKey}`) {
        const got = auth.replace(/^Bearer /, "");
        return Response.json({
          error: { message: `Incorrect API key provided: ${got}`, type: "invalid_request_error" },
        }, { status: 401 });
      }
    }
    if (request.method === "GET" && url.pathname === "/v1/models") {
      return Response.json(
        options.models ??
          { object: "list", data: [{ id: "fake-model", object: "model", owned_by: "fake" }] },
      );
    }
    if (request.method !== "POST" || url.pathname !== "/v1/chat/completions") {
      return Response.json({ error: { message: "not found" } }, { status: 404 });
    }
    const turn = next(rec);
    const model = (body as { model?: string } | null)?.model ?? "fake-model";
    if (turn.fault?.kind === "http") {
      return new Response(turn.fault.body, {
        status: turn.fault.status,
        headers: { "content-type": "application/json", ...turn.fault.headers },
      });
    }
    if ((body as { stream?: boolean } | null)?.stream && !turn.asJson) {
      return new Response(sseBody(turn, model, streams), {
        headers: { "content-type": "text/event-stream" },
      });
    }
    return Response.json(chatCompletion(turn, model));
  };
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const controller = new AbortController();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    signal: controller.signal,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
  }, handler);
  const addr = await listening.promise;
  return {
    url: `http://127.0.0.1:${addr.port}/v1`,
    port: addr.port,
    requests,
    openStreams: () => streams.size,
    close: async () => {
      for (const s of streams) {
        try {
          s.close();
        } catch {
          // already closed
        }
      }
      streams.clear();
      controller.abort();
      await server.finished;
    },
  };
}

/** The benchmark script: `deltas N` -> N content deltas `x`, anything else -> `ok`. */
export function generativeTurn(request: RecordedRequest): FakeTurn {
  const messages = (request.body?.messages ?? []) as { role: string; content: unknown }[];
  const last = [...messages].reverse().find((m) => m.role === "user");
  const text = typeof last?.content === "string" ? last.content : "";
  const m = /^deltas (\d+)$/.exec(text.trim());
  const count = m ? Number(m[1]) : 0;
  return {
    content: count ? Array.from({ length: count }, () => "x") : "ok",
    usage: { prompt: 10, completion: Math.max(1, count) },
  };
}

if (import.meta.main) {
  const portArg = Deno.args.indexOf("--port");
  const port = portArg >= 0 ? Number(Deno.args[portArg + 1]) : 0;
  const server = await startFakeChatServer({ script: generativeTurn, record: false, port });
  console.log(`listening on ${server.url}`);
  const stop = () => server.close().then(() => Deno.exit(0));
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
}

/** One parsed SSE event of a Responses stream. */
export interface SseEvent {
  event: string;
  // deno-lint-ignore no-explicit-any
  data: any;
}

/** Parses a complete `text/event-stream` body (as the compat server writes it). */
export function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const frame of text.split("\n\n")) {
    if (frame.trim() === "") continue;
    let event = "";
    const data: string[] = [];
    for (const line of frame.split("\n")) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    out.push({ event, data: JSON.parse(data.join("\n")) });
  }
  return out;
}
