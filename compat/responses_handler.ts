/**
 * `POST /v1/responses`: reads and checks the request, resolves `previous_response_id`, translates
 * it, opens the backend (its HTTP failures are answered with an HTTP error before any stream
 * starts), then streams the translated events (or collects them for a non-streaming request),
 * runs mock web-search rounds, and stores the finished response when asked to.
 *
 * @module
 */

import type { AnyItem } from "../lib/protocol/items.ts";
import type { BackendClient, ChatStream } from "./backend_client.ts";
import type { ChatRequest } from "./chat_types.ts";
import {
  BackendError,
  backendErrorToHttp,
  CompatHttpError,
  errorMessage,
  invalidRequest,
} from "./errors.ts";
import { type ProviderName, providerProfile } from "./providers.ts";
import { type TranslatedRequest, translateRequest } from "./request_translation.ts";
import { parseResponsesRequest, type ResponsesRequest } from "./responses_request.ts";
import type { ResponseObject } from "./responses_types.ts";
import type { ResponseStore } from "./response_store.ts";
import { sseFrame, sseHeaders } from "./sse.ts";
import { ResponseAssembler } from "./stream_translation.ts";
import { mockSearchFollowUp, type WebSearchMode } from "./web_search_mock.ts";

/** What the handler works with. */
export interface ResponsesHandlerDeps {
  backend: BackendClient;
  store: ResponseStore;
  provider: ProviderName;
  webSearch: WebSearchMode;
  /** Backend model to use instead of the requested one. */
  model?: string;
  /** Report reasoning text as the reasoning summary too. */
  summaryFromReasoning: boolean;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  /** Clock in ms. */
  now: () => number;
  /** One line per finished request (never carries secrets or content). */
  log?: (line: string) => void;
  /** Aborted when the server stops: running responses end with `response.failed`. */
  shutdown?: AbortSignal;
}

/** Most follow-up rounds for mock searches in one response. */
const MAX_SEARCH_ROUNDS = 2;

const encoder = new TextEncoder();

/** Handles one `POST /v1/responses` request. */
export async function handleResponses(
  request: Request,
  deps: ResponsesHandlerDeps,
): Promise<Response> {
  const started = performance.now();
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > deps.maxBodyBytes) {
    throw new CompatHttpError(413, `request body is larger than ${deps.maxBodyBytes} bytes`);
  }
  const body = await request.text();
  if (body.length > deps.maxBodyBytes) {
    throw new CompatHttpError(413, `request body is larger than ${deps.maxBodyBytes} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw invalidRequest(`invalid JSON body: ${errorMessage(err)}`);
  }
  const req = parseResponsesRequest(json);
  let previousItems: readonly AnyItem[] = [];
  let previousBytes = 0;
  if (req.previousResponseId !== null) {
    const prev = deps.store.get(req.previousResponseId);
    if (!prev) {
      throw new CompatHttpError(
        400,
        `previous response "${req.previousResponseId}" was not found (it was not stored, expired or was evicted); send the full conversation in \`input\` instead`,
        { code: "previous_response_not_found", param: "previous_response_id" },
      );
    }
    previousItems = prev.items;
    previousBytes = prev.bytes;
  }
  const history = previousItems.length ? [...previousItems, ...req.input] : req.input;
  const translated = translateRequest(req, history, {
    provider: deps.provider,
    webSearch: deps.webSearch,
    ...(deps.model ? { model: deps.model } : {}),
    findItem: (id) => deps.store.findItem(id),
  });

  // Aborted when the client goes away (the SSE body is cancelled) or the server shuts down.
  // `request.signal` is not used: Deno also aborts it after every successful response.
  const abort = new AbortController();
  const shutdown = () => abort.abort(SHUTTING_DOWN);
  deps.shutdown?.addEventListener("abort", shutdown, { once: true });
  const release = () => deps.shutdown?.removeEventListener("abort", shutdown);
  let first: ChatStream | BackendError;
  try {
    first = await deps.backend.open(translated.chat, abort.signal);
  } catch (err) {
    if (!(err instanceof BackendError)) {
      release();
      if (err === SHUTTING_DOWN) {
        throw new CompatHttpError(503, "the compat server is shutting down; retry elsewhere");
      }
      throw err;
    }
    // A context overflow goes into the stream, where clients such as Codex recognise it.
    if (!req.stream || err.code !== "context_length_exceeded") {
      release();
      throw backendErrorToHttp(err);
    }
    first = err;
  }

  const responseId = `resp_${crypto.randomUUID().replaceAll("-", "")}`;
  const run = new ResponseRun({
    deps,
    req,
    translated,
    first,
    abort,
    response: initialResponse(responseId, req, Math.floor(deps.now() / 1000)),
    streaming: req.stream,
    release,
    onFinish: (final) => {
      if (req.store && final.status !== "failed") {
        const items = [...history, ...final.output];
        const bytes = previousBytes + body.length + JSON.stringify(final.output).length;
        deps.store.put(final, items, bytes);
      }
      deps.log?.(
        `POST /v1/responses ${req.stream ? "stream" : "json"} ${final.id} ${final.status} ${
          Math.round(performance.now() - started)
        }ms`,
      );
    },
  });

  if (!req.stream) {
    const final = await run.collect();
    if (final.status === "failed") {
      const code = final.error?.code ?? "server_error";
      throw new CompatHttpError(code === "timeout" ? 504 : 502, final.error?.message ?? "failed", {
        code,
        type: "server_error",
      });
    }
    return new Response(JSON.stringify(final), {
      headers: { "content-type": "application/json", "x-request-id": responseId },
    });
  }
  return new Response(run.stream(), { headers: sseHeaders(responseId) });
}

function initialResponse(id: string, req: ResponsesRequest, createdAt: number): ResponseObject {
  const format = req.textFormat ?? { type: "text" };
  return {
    id,
    object: "response",
    created_at: createdAt,
    status: "in_progress",
    error: null,
    incomplete_details: null,
    instructions: req.instructions,
    max_output_tokens: req.maxOutputTokens,
    model: req.model,
    output: [],
    parallel_tool_calls: req.parallelToolCalls ?? true,
    previous_response_id: req.previousResponseId,
    reasoning: { effort: req.reasoningEffort, summary: req.reasoningSummary },
    store: req.store,
    temperature: req.temperature,
    text: req.verbosity ? { format, verbosity: req.verbosity } : { format },
    tool_choice: req.toolChoice ?? "auto",
    tools: req.tools,
    top_p: req.topP,
    truncation: "disabled",
    usage: null,
    user: null,
    metadata: {},
  };
}

interface RunInit {
  deps: ResponsesHandlerDeps;
  req: ResponsesRequest;
  translated: TranslatedRequest;
  first: ChatStream | BackendError;
  abort: AbortController;
  response: ResponseObject;
  streaming: boolean;
  /** Drops the abort listeners; called once when the run ends. */
  release: () => void;
  onFinish: (final: ResponseObject) => void;
}

/** Abort reason: the client closed the connection. */
const CLIENT_GONE = new Error("the client went away");
/** Abort reason: the server is stopping. */
const SHUTTING_DOWN = new Error("the compat server is shutting down");

/** One response being produced: backend rounds in, Responses events out. */
class ResponseRun {
  #init: RunInit;
  #frames: string[] = [];
  #current: ChatStream | null = null;
  #assembler: ResponseAssembler;

  constructor(init: RunInit) {
    this.#init = init;
    this.#assembler = new ResponseAssembler({
      response: init.response,
      customTools: init.translated.customTools,
      toolNames: init.translated.toolNames,
      mockSearch: init.translated.mockSearch,
      carryReasoning: init.req.include.includes("reasoning.encrypted_content"),
      summaryFromReasoning: init.deps.summaryFromReasoning,
      ...(init.streaming
        ? { emit: (type: string, json: string) => this.#frames.push(sseFrame(type, json)) }
        : {}),
    });
  }

  /** Runs to the end without streaming; returns the final response. */
  async collect(): Promise<ResponseObject> {
    const gen = this.#run();
    let step = await gen.next();
    while (!step.done) step = await gen.next();
    return step.value;
  }

  /**
   * The SSE body. A pump writes frames as the backend produces them and pauses while the client's
   * queue is full; cancelling the body (the client went away) stops the backend request.
   */
  stream(): ReadableStream<Uint8Array> {
    const gen = this.#run();
    let resume: (() => void) | null = null;
    let cancelled = false;
    const pump = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
      try {
        for (let step = await gen.next(); !step.done; step = await gen.next()) {
          if (cancelled) return;
          controller.enqueue(encoder.encode(step.value));
          if ((controller.desiredSize ?? 1) <= 0) {
            await new Promise<void>((resolve) => (resume = resolve));
          }
        }
        if (!cancelled) controller.close();
      } catch (err) {
        if (!cancelled) controller.error(err);
      }
    };
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        pump(controller);
      },
      pull: () => {
        const r = resume;
        resume = null;
        r?.();
      },
      cancel: async () => {
        cancelled = true;
        this.#init.abort.abort(CLIENT_GONE);
        const r = resume;
        resume = null;
        r?.();
        await gen.return(this.#assembler.response);
      },
    }, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength });
  }

  #take(): string {
    const text = this.#frames.length === 1 ? this.#frames[0] : this.#frames.join("");
    this.#frames = [];
    return text;
  }

  async *#run(): AsyncGenerator<string, ResponseObject> {
    const { deps, first, abort } = this.#init;
    const asm = this.#assembler;
    const stopReading = () => this.#current?.close();
    abort.signal.addEventListener("abort", stopReading, { once: true });
    let final: ResponseObject;
    try {
      asm.start();
      yield this.#take();
      if (first instanceof BackendError) throw first;
      this.#current = first;
      let chat: ChatRequest = this.#init.translated.chat;
      for (let round = 0;; round++) {
        const stream: ChatStream = this.#current;
        for (let chunks = await stream.next(); chunks !== null; chunks = await stream.next()) {
          for (const chunk of chunks) asm.applyChunk(chunk);
          // The frames of one backend read go out together, at once: a delta never waits for
          // the next read.
          if (this.#frames.length) yield this.#take();
        }
        if (!stream.sawDone && !asm.roundFinished) {
          throw new BackendError(
            "backend stream ended before completion (connection closed without [DONE] or a finish_reason)",
          );
        }
        const result = asm.endRound();
        if (result.mockCalls.length === 0) break;
        asm.emitMockSearches(result.mockCalls);
        if (result.toolCalls > 0 || round >= MAX_SEARCH_ROUNDS) break;
        yield this.#take();
        chat = mockSearchFollowUp(
          chat,
          { text: result.text, reasoning: result.reasoning, calls: result.mockCalls },
          providerProfile(deps.provider).reasoningFields,
        );
        this.#current = await deps.backend.open(chat, abort.signal);
      }
      final = asm.complete();
    } catch (err) {
      if (abort.signal.reason === CLIENT_GONE) {
        deps.log?.(`POST /v1/responses ${asm.response.id} cancelled by the client`);
        return asm.response;
      }
      const backendError = abort.signal.reason === SHUTTING_DOWN
        ? new BackendError("the compat server is shutting down; retry elsewhere")
        : err instanceof BackendError
        ? err
        : new BackendError(`compat server error: ${deps.backend.redact(errorMessage(err))}`);
      final = asm.fail({ code: backendError.code, message: backendError.message });
    } finally {
      this.#current?.close();
      abort.signal.removeEventListener("abort", stopReading);
      this.#init.release();
    }
    this.#init.onFinish(final);
    yield this.#take();
    return final;
  }
}
