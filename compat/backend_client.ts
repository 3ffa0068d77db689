/**
 * The client side towards the Chat Completions backend: `POST {base}/chat/completions` with the
 * server's own API key, a deadline for the response headers, an idle deadline while the body
 * streams, and every failure turned into a {@linkcode BackendError} whose message never contains
 * the API key.
 *
 * @module
 */

import type { ChatRequest } from "./chat_types.ts";
import { backendErrorText, ChatSseParser, classifyBackendMessage } from "./chat_sse_parser.ts";
import { BackendError, errorMessage, redactSecrets } from "./errors.ts";

/** Settings of the backend client. */
export interface BackendClientOptions {
  /** Base URL including the version path, e.g. `http://127.0.0.1:8000/v1` (no trailing slash). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer ...` when set. */
  apiKey?: string;
  /** The fetch to use. */
  fetch: typeof fetch;
  /** Deadline for the backend's response headers (and a whole non-streamed body). */
  headersTimeoutMs: number;
  /** Longest silence allowed while a streamed body is being read. */
  idleTimeoutMs: number;
}

class HeadersTimeout {}

/** Talks to one Chat Completions backend. */
export class BackendClient {
  #opts: BackendClientOptions;
  #secrets: string[];

  /** Creates the client. */
  constructor(opts: BackendClientOptions) {
    this.#opts = opts;
    this.#secrets = opts.apiKey ? [opts.apiKey, `Bearer ${opts.apiKey}`] : [];
  }

  /** `text` with the API key removed. */
  redact(text: string): string {
    return redactSecrets(text, this.#secrets);
  }

  #headers(accept: string): Record<string, string> {
    const headers: Record<string, string> = { accept, "content-type": "application/json" };
    if (this.#opts.apiKey) headers.authorization = `Bearer ${this.#opts.apiKey}`;
    return headers;
  }

  /**
   * Sends `chat` and waits for the answer's headers. Throws a `BackendError` for an error status,
   * a transport failure or a timeout; rethrows the abort reason when `signal` aborts.
   */
  async open(chat: ChatRequest, signal?: AbortSignal): Promise<ChatStream> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(
      () => controller.abort(new HeadersTimeout()),
      this.#opts.headersTimeoutMs,
    );
    const accept = chat.stream ? "text/event-stream" : "application/json";
    try {
      let res: Response;
      try {
        res = await this.#opts.fetch(`${this.#opts.baseUrl}/chat/completions`, {
          method: "POST",
          headers: this.#headers(accept),
          body: JSON.stringify(chat),
          signal: controller.signal,
        });
      } catch (err) {
        throw this.#transportError(err, controller.signal, signal);
      }
      if (res.status >= 400) {
        let body = "";
        try {
          body = await res.text();
        } catch (err) {
          throw this.#transportError(err, controller.signal, signal);
        }
        throw this.#statusError(res, body);
      }
      if (!res.body) throw new BackendError("backend answered without a body");
      // Some servers answer a streaming request with one JSON completion; take it as such.
      const json = /^application\/json/i.test(res.headers.get("content-type") ?? "");
      if (!chat.stream || json) {
        let text: string;
        try {
          text = await res.text();
        } catch (err) {
          throw this.#transportError(err, controller.signal, signal);
        }
        return ChatStream.fromCompletion(text, (t) => this.redact(t));
      }
      return new ChatStream(res.body, this.#opts.idleTimeoutMs, (t) => this.redact(t), controller);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** `GET {base}/models`, passed through; throws a `BackendError` when it fails. */
  async models(signal?: AbortSignal): Promise<{ status: number; body: string }> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(
      () => controller.abort(new HeadersTimeout()),
      this.#opts.headersTimeoutMs,
    );
    try {
      const res = await this.#opts.fetch(`${this.#opts.baseUrl}/models`, {
        headers: this.#headers("application/json"),
        signal: controller.signal,
      });
      const body = await res.text();
      if (res.status >= 400) throw this.#statusError(res, body);
      return { status: res.status, body };
    } catch (err) {
      if (err instanceof BackendError) throw err;
      throw this.#transportError(err, controller.signal, signal);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  #statusError(res: Response, body: string): BackendError {
    let detail = body.trim();
    try {
      detail = backendErrorText(JSON.parse(body));
    } catch {
      // not JSON: keep the text
    }
    const message = this.redact(detail).slice(0, 500);
    return new BackendError(`backend returned HTTP ${res.status}: ${message}`, {
      status: res.status,
      code: res.status === 429 ? "rate_limit_exceeded" : classifyBackendMessage(message),
      retryAfter: res.headers.get("retry-after"),
    });
  }

  #transportError(err: unknown, own: AbortSignal, caller?: AbortSignal): unknown {
    if (caller?.aborted) return caller.reason;
    if (own.aborted && own.reason instanceof HeadersTimeout) {
      return new BackendError(
        `backend did not answer within ${this.#opts.headersTimeoutMs} ms`,
        { code: "timeout" },
      );
    }
    return new BackendError(`backend request failed: ${this.redact(errorMessage(err))}`);
  }
}

/** The body of a backend answer, read as batches of chunks. */
export class ChatStream {
  #reader: BodyReader | null;
  #decoder = new TextDecoder();
  #parser: ChatSseParser;
  #idleMs: number;
  /** When the read under way started (-1: none is). */
  #waitingSince = -1;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #silent = false;
  #ended = false;
  /** True once the body was read to its end, cancelled or handed to the drain. */
  #released = false;
  #controller: AbortController | null;
  #pending: unknown[] | null = null;

  /** Wraps a streamed body. */
  constructor(
    body: ReadableStream<Uint8Array> | null,
    idleMs: number,
    redact: (text: string) => string,
    controller: AbortController | null,
  ) {
    this.#reader = body ? bodyReader(body) : null;
    this.#parser = new ChatSseParser(redact);
    this.#idleMs = idleMs;
    this.#controller = controller;
  }

  /** A stream over a non-streamed completion body: one synthetic chunk, then the end. */
  static fromCompletion(text: string, redact: (text: string) => string): ChatStream {
    const stream = new ChatStream(null, 0, redact, null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new BackendError(`backend sent a malformed completion: ${redact(text.slice(0, 200))}`);
    }
    if (parsed !== null && typeof parsed === "object" && "error" in parsed) {
      const message = redact(backendErrorText(parsed)).slice(0, 500);
      throw new BackendError(`backend reported an error: ${message}`, {
        code: classifyBackendMessage(message),
      });
    }
    stream.#pending = [completionToChunk(parsed)];
    return stream;
  }

  /** True when the body ended with `[DONE]` (or was a complete non-streamed answer). */
  get sawDone(): boolean {
    return this.#reader === null || this.#parser.done;
  }

  /**
   * The chunks of the next network read (maybe none), or `null` at the end of the body. Throws
   * a `BackendError` for a broken, malformed, failing or silent stream.
   */
  async next(): Promise<unknown[] | null> {
    if (this.#pending) {
      const out = this.#pending;
      this.#pending = null;
      return out;
    }
    const reader = this.#reader;
    if (!reader || this.#ended) return null;
    if (this.#timer === undefined) this.#arm(this.#idleMs);
    let result: ReadableStreamReadResult<Uint8Array>;
    this.#waitingSince = performance.now();
    try {
      result = await reader.read();
    } catch (err) {
      this.close();
      if (this.#silent) throw this.#silenceError();
      throw new BackendError(`backend stream broke: ${errorMessage(err)}`);
    }
    this.#waitingSince = -1;
    if (this.#silent) {
      this.close();
      throw this.#silenceError();
    }
    const out: unknown[] = [];
    try {
      if (result.done) {
        this.#ended = true;
        this.#released = true;
        clearTimeout(this.#timer);
        this.#parser.push(this.#decoder.decode(), out);
        this.#parser.finish(out);
        return out.length ? out : null;
      }
      this.#parser.push(this.#decoder.decode(result.value, { stream: true }), out);
    } catch (err) {
      this.close();
      throw err;
    }
    if (this.#parser.done) {
      // Nothing after [DONE] matters, but reading the body to its end (rather than cancelling
      // it) lets the connection go back to the pool for the next request.
      this.#ended = true;
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#drain(reader);
    }
    return out;
  }

  /** Stops reading and releases the connection. */
  close(): void {
    this.#ended = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const reader = this.#reader;
    if (reader && !this.#released) {
      this.#released = true;
      reader.cancel().catch(() => {});
      this.#controller?.abort();
    }
  }

  /** Reads what follows `[DONE]` to the end of the body; gives up after a second. */
  #drain(reader: BodyReader): void {
    this.#released = true;
    const giveUp = setTimeout(() => reader.cancel().catch(() => {}), 1000);
    (async () => {
      try {
        while (!(await reader.read()).done) { /* ignored */ }
      } catch {
        // The connection is gone either way.
      } finally {
        clearTimeout(giveUp);
      }
    })();
  }

  /**
   * One timer per stream, not per read: when it fires it checks how long the current read has
   * been waiting and either reports silence or sleeps for the rest of the allowance.
   */
  #arm(delay: number): void {
    if (this.#idleMs <= 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#ended) return;
      const since = this.#waitingSince;
      const waited = since < 0 ? 0 : performance.now() - since;
      if (waited >= this.#idleMs) {
        this.#silent = true;
        this.#reader?.cancel().catch(() => {});
        return;
      }
      this.#arm(this.#idleMs - waited);
    }, delay);
  }

  #silenceError(): BackendError {
    return new BackendError(`backend stream was silent for ${this.#idleMs} ms`, {
      code: "timeout",
    });
  }
}

/** Reads a body chunk by chunk; the bytes of a read are valid until the next read starts. */
interface BodyReader {
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  cancel(): Promise<void>;
}

/** Size of the one buffer a byte-stream body is read into. */
const READ_BUFFER_BYTES = 16 * 1024;

/**
 * A reader of `body`. A byte stream (a fetch response body) is read into one reused buffer: the
 * default reader allocates a fresh 64 KiB buffer for every read, which costs more than anything
 * else per backend chunk (a backend writes each delta as its own chunk). Other streams get the
 * default reader.
 */
function bodyReader(body: ReadableStream<Uint8Array>): BodyReader {
  let byob: ReadableStreamBYOBReader;
  try {
    byob = body.getReader({ mode: "byob" });
  } catch {
    return body.getReader();
  }
  let buffer = new ArrayBuffer(READ_BUFFER_BYTES);
  return {
    read: async () => {
      const result = await byob.read(new Uint8Array(buffer));
      // The read transferred the buffer into the view it returned; reuse it for the next read.
      if (result.value) buffer = result.value.buffer as ArrayBuffer;
      return result as ReadableStreamReadResult<Uint8Array>;
    },
    cancel: () => byob.cancel(),
  };
}

/** A non-streamed chat completion as one stream chunk. */
function completionToChunk(parsed: unknown): unknown {
  if (parsed === null || typeof parsed !== "object") return {};
  const p = parsed as Record<string, unknown>;
  const choices = Array.isArray(p.choices) ? p.choices : [];
  return {
    usage: p.usage,
    choices: choices.map((c: unknown) => {
      const choice = (c ?? {}) as Record<string, unknown>;
      const message = (choice.message ?? {}) as Record<string, unknown>;
      const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
      return {
        index: choice.index,
        finish_reason: choice.finish_reason ?? "stop",
        delta: {
          ...message,
          tool_calls: calls.map((tc: unknown, i: number) => ({
            ...(tc as Record<string, unknown>),
            index: i,
          })),
        },
      };
    }),
  };
}
