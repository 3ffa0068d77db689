/**
 * `ResponsesClient`: one streamed `POST {base_url}/responses` with upstream's two retry layers.
 *
 * - Request layer: 5xx answers and connection failures are retried silently,
 *   `request_max_retries` times (default 4), backing off 200, 400, 800... ms with jitter.
 * - Stream layer: an exhausted request layer, HTTP 429 (honouring `Retry-After`), a stream cut
 *   before `response.completed`, `response.failed` and an idle stream are retried
 *   `stream_max_retries` times (default 5), each announced as `Reconnecting... n/5 (reason)`.
 * - Other 4xx answers are not retried: the response body becomes the error message.
 *
 * Retried requests are byte-identical (same body and headers).
 *
 * @module
 */

import { createParser } from "npm:eventsource-parser@^4.1.3";
import type { AnyItem } from "../protocol/items.ts";
import { emptyUsage, type Usage } from "../protocol/events.ts";
import type { ProviderInfo } from "../config/providers.ts";
import { encodeBody } from "./body.ts";
import { backoffMs, errorForStatus, ModelError, TurnAbortedError } from "./errors.ts";

/** A prepared request: body and headers in wire order. */
export interface ModelRequest {
  body: Record<string, unknown>;
  headers: [string, string][];
}

/** Callbacks while a response streams. */
export interface StreamHandlers {
  /** Assistant text as it arrives. */
  onTextDelta?(itemId: string, delta: string): void;
  /** Reasoning summary text as it arrives. */
  onReasoningDelta?(itemId: string, delta: string): void;
  /** A finished output item (it may still be discarded if the stream later fails). */
  onItem?(item: AnyItem): void;
  /** A stream-layer retry: `Reconnecting... n/N (reason)`. */
  onRetry?(message: string): void;
}

/** A completed response. */
export interface ModelResponse {
  id?: string;
  items: AnyItem[];
  usage: Usage;
}

/** Dependencies of a client (injectable for tests). */
export interface ClientOptions {
  provider: ProviderInfo;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new TurnAbortedError());
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new TurnAbortedError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Maps a Responses `usage` object to {@linkcode Usage}. */
export function parseUsage(raw: unknown): Usage {
  const u = emptyUsage();
  if (!raw || typeof raw !== "object") return u;
  const r = raw as Record<string, unknown>;
  const inDetails = (r.input_tokens_details ?? {}) as Record<string, unknown>;
  const outDetails = (r.output_tokens_details ?? {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  u.input_tokens = num(r.input_tokens);
  u.cached_input_tokens = num(inDetails.cached_tokens);
  u.cache_write_input_tokens = num(inDetails.cache_write_tokens ?? inDetails.cache_creation_tokens);
  u.output_tokens = num(r.output_tokens);
  u.reasoning_output_tokens = num(outDetails.reasoning_tokens);
  return u;
}

/** Streams Responses API calls for one provider. */
export class ResponsesClient {
  readonly provider: ProviderInfo;
  #fetch: typeof fetch;
  #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  #random: () => number;

  constructor(opts: ClientOptions) {
    this.provider = opts.provider;
    this.#fetch = opts.fetch ?? fetch;
    this.#sleep = opts.sleep ?? defaultSleep;
    this.#random = opts.random ?? Math.random;
  }

  /** `{base_url}/responses` with the provider's query parameters. */
  responsesUrl(): string {
    return this.#url("/responses");
  }

  #url(path: string): string {
    const qs = new URLSearchParams(this.provider.queryParams).toString();
    return `${this.provider.baseUrl}${path}${qs ? `?${qs}` : ""}`;
  }

  /** Lists model ids from `GET {base_url}/models`. */
  async listModels(headers: [string, string][], signal?: AbortSignal): Promise<string[]> {
    const res = await this.#fetch(this.#url("/models"), {
      headers: headers.filter(([k]) => k !== "content-type" && k !== "accept")
        .concat([["accept", "application/json"]]),
      signal,
    });
    const text = await res.text();
    if (!res.ok) throw new ModelError(`models request failed (${res.status}): ${text}`, "fatal");
    const data = (JSON.parse(text) as { data?: { id?: unknown }[] }).data;
    if (!Array.isArray(data)) throw new ModelError("models response has no data list", "fatal");
    return data.map((m) => m.id).filter((id): id is string => typeof id === "string");
  }

  /** Sends `req` and streams the response, retrying as upstream does. */
  async stream(
    req: ModelRequest,
    handlers: StreamHandlers = {},
    signal?: AbortSignal,
  ): Promise<ModelResponse> {
    const bodyBytes = encodeBody(req.body);
    const maxStream = this.provider.streamMaxRetries;
    for (let streamAttempt = 0;; streamAttempt++) {
      try {
        return await this.#attempt(req.headers, bodyBytes, handlers, signal);
      } catch (err) {
        if (signal?.aborted || err instanceof TurnAbortedError) throw new TurnAbortedError();
        const e = err instanceof ModelError ? err : new ModelError(String(err), "stream");
        if (e.layer === "fatal" || streamAttempt >= maxStream) throw e;
        const n = streamAttempt + 1;
        handlers.onRetry?.(`Reconnecting... ${n}/${maxStream} (${e.message})`);
        await this.#sleep(e.retryAfterMs ?? backoffMs(n, this.#random), signal);
      }
    }
  }

  /** One stream-layer attempt: the request layer (silent retries) then the stream. */
  async #attempt(
    headers: [string, string][],
    body: Uint8Array<ArrayBuffer>,
    handlers: StreamHandlers,
    signal?: AbortSignal,
  ): Promise<ModelResponse> {
    const maxRequest = this.provider.requestMaxRetries;
    let res: Response | undefined;
    for (let attempt = 0;; attempt++) {
      let failure: ModelError;
      try {
        res = await this.#fetch(this.responsesUrl(), {
          method: "POST",
          headers,
          body,
          signal,
        });
        if (res.ok) break;
        const text = await res.text().catch(() => "");
        failure = errorForStatus(res.status, res.statusText, text, res.headers);
      } catch (err) {
        if (signal?.aborted) throw new TurnAbortedError();
        failure = new ModelError(
          `request failed: ${(err as Error).message ?? String(err)}`,
          "request",
        );
      }
      if (failure.layer !== "request") throw failure;
      if (attempt >= maxRequest) throw new ModelError(failure.message, "stream", failure);
      await this.#sleep(backoffMs(attempt + 1, this.#random), signal);
    }
    return await this.#readStream(res!, handlers, signal);
  }

  async #readStream(
    res: Response,
    handlers: StreamHandlers,
    signal?: AbortSignal,
  ): Promise<ModelResponse> {
    if (!res.body) throw new ModelError("response has no body", "stream");
    const items: AnyItem[] = [];
    let done: ModelResponse | undefined;
    let failure: ModelError | undefined;
    const parser = createParser({
      onEvent: (ev) => {
        if (done || failure) return;
        let data: Record<string, unknown>;
        try {
          data = JSON.parse(ev.data);
        } catch {
          return; // upstream skips data lines that are not JSON
        }
        switch (data.type) {
          case "response.output_text.delta":
            handlers.onTextDelta?.(String(data.item_id ?? ""), String(data.delta ?? ""));
            break;
          case "response.reasoning_summary_text.delta":
          case "response.reasoning_text.delta":
            handlers.onReasoningDelta?.(String(data.item_id ?? ""), String(data.delta ?? ""));
            break;
          case "response.output_item.done": {
            const item = data.item as AnyItem | undefined;
            if (item && typeof item.type === "string") {
              items.push(item);
              handlers.onItem?.(item);
            }
            break;
          }
          case "response.completed": {
            const r = (data.response ?? {}) as Record<string, unknown>;
            done = { id: r.id as string | undefined, items, usage: parseUsage(r.usage) };
            break;
          }
          case "response.failed": {
            const r = (data.response ?? {}) as { error?: { message?: string } };
            failure = new ModelError(r.error?.message ?? "response.failed", "stream");
            break;
          }
          case "response.incomplete": {
            const r = (data.response ?? {}) as { incomplete_details?: { reason?: string } };
            failure = new ModelError(
              `Incomplete response returned, reason: ${r.incomplete_details?.reason ?? "unknown"}`,
              "fatal",
            );
            break;
          }
          case "error": {
            const msg = (data as { message?: string }).message ??
              ((data as { error?: { message?: string } }).error?.message) ?? "stream error";
            failure = new ModelError(msg, "stream");
            break;
          }
        }
      },
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const idleMs = this.provider.streamIdleTimeoutMs;
    try {
      while (!done && !failure) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const idle = new Promise<"idle">((resolve) => {
          timer = setTimeout(() => resolve("idle"), idleMs);
        });
        let next: ReadableStreamReadResult<string> | "idle";
        try {
          next = await Promise.race([reader.read(), idle]);
        } catch (err) {
          if (signal?.aborted) throw new TurnAbortedError();
          throw new ModelError(`stream error: ${(err as Error).message}`, "stream");
        } finally {
          clearTimeout(timer);
        }
        if (next === "idle") throw new ModelError("idle timeout waiting for SSE", "stream");
        if (next.done) break;
        parser.feed(next.value);
      }
    } finally {
      reader.cancel().catch(() => {});
    }
    if (failure) throw failure;
    if (!done) {
      if (signal?.aborted) throw new TurnAbortedError();
      throw new ModelError("stream closed before response.completed", "stream");
    }
    return done;
  }
}
