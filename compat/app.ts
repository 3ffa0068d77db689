/**
 * The compat server as a Hono app: the Responses API (`POST /v1/responses`, streamed or not) in
 * front of a Chat Completions backend, for denocodex, upstream Codex CLI and the `openai` SDK.
 *
 * Routes: `GET /healthz` (and `/health`), `GET /v1/models` (passed through from the backend),
 * `POST /v1/responses`, `GET|DELETE /v1/responses/:id` (the store); the same without `/v1`.
 * Anything else is a 404. Errors are OpenAI-style JSON bodies; the backend API key never appears
 * in any answer or log line.
 *
 * @example Mount in-process
 * ```ts
 * const app = createCompatApp({ backend: "http://127.0.0.1:8000/v1", provider: "vllm" });
 * Deno.serve({ hostname: "127.0.0.1", port: 0 }, app.fetch);
 * ```
 *
 * @module
 */

import { Hono } from "npm:hono@^4.13.19";
import type { ContentfulStatusCode } from "npm:hono@^4.13.19/utils/http-status";
import { BackendClient } from "./backend_client.ts";
import { normalizeBackendUrl } from "./backend_url.ts";
import {
  BackendError,
  backendErrorToHttp,
  CompatHttpError,
  errorMessage,
  redactSecrets,
} from "./errors.ts";
import { createLoopbackFetch } from "./loopback_fetch.ts";
import type { ProviderName } from "./providers.ts";
import { handleResponses } from "./responses_handler.ts";
import { ResponseStore, type ResponseStoreLimits } from "./response_store.ts";
import type { WebSearchMode } from "./web_search_mock.ts";

/** Settings of the compat app. */
export interface CompatAppOptions {
  /** Chat Completions base URL (`host:port` gets `http://` and `/v1`). */
  backend: string;
  /** Backend kind, for its quirks (default `vllm`). */
  provider?: ProviderName;
  /** The backend's API key (sent as a bearer token; never shown). */
  apiKey?: string;
  /** Backend model to use whatever model the client asks for. */
  model?: string;
  /** `mock` (default): `web_search` is a function that finds nothing; `omit`: left out. */
  webSearch?: WebSearchMode;
  /** Also report reasoning text as the reasoning summary (default false). */
  summaryFromReasoning?: boolean;
  /** Limits of the response store. */
  store?: ResponseStoreLimits;
  /** Deadline for the backend's response headers, ms (default 300000). */
  headersTimeoutMs?: number;
  /** Longest silence of a backend stream, ms (default 300000). */
  idleTimeoutMs?: number;
  /** Largest request body, bytes (default 64 MiB). */
  maxBodyBytes?: number;
  /**
   * The fetch used towards the backend (default: a plain HTTP/1.1 client for `http://` backends
   * on loopback, which keeps connections only when `signal` is given, and `globalThis.fetch` for
   * all others; see `compat/loopback_fetch.ts`).
   */
  fetch?: typeof fetch;
  /**
   * Reach loopback backends with our own HTTP/1.1 client (default true); `false` uses
   * `globalThis.fetch` for every backend (`compat-server --plain-fetch`). Ignored with `fetch`.
   */
  loopbackClient?: boolean;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
  /** Receives one line per finished request. */
  log?: (line: string) => void;
  /** When aborted, running responses end at once (`response.failed`); used at shutdown. */
  signal?: AbortSignal;
}

/** Creates the compat app. Throws a `TypeError` for a bad backend URL. */
export function createCompatApp(options: CompatAppOptions): Hono {
  const backend = new BackendClient({
    baseUrl: normalizeBackendUrl(options.backend),
    fetch: options.fetch ??
      (options.loopbackClient === false ? globalThis.fetch : createLoopbackFetch({
        fallback: globalThis.fetch,
        ...(options.signal ? { keepAliveUntil: options.signal } : {}),
      })),
    headersTimeoutMs: options.headersTimeoutMs ?? 300_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 300_000,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
  });
  const now = options.now ?? Date.now;
  const store = new ResponseStore(options.store, now);
  const secrets = options.apiKey ? [options.apiKey] : [];
  const deps = {
    backend,
    store,
    provider: options.provider ?? "vllm",
    webSearch: options.webSearch ?? "mock",
    summaryFromReasoning: options.summaryFromReasoning ?? false,
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 * 1024,
    now,
    ...(options.model ? { model: options.model } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.signal ? { shutdown: options.signal } : {}),
  };

  const app = new Hono();
  const health = () => Response.json({ ok: true });
  app.get("/healthz", health);
  app.get("/health", health);

  // `request.signal` is not passed on: Deno also aborts it after every successful response.
  const models = async () => {
    try {
      const res = await backend.models();
      return new Response(res.body, {
        status: res.status,
        headers: { "content-type": "application/json" },
      });
    } catch (err) {
      if (err instanceof BackendError) throw backendErrorToHttp(err);
      throw err;
    }
  };
  app.get("/v1/models", models);
  app.get("/models", models);

  const responses = (c: { req: { raw: Request } }) => handleResponses(c.req.raw, deps);
  app.post("/v1/responses", responses);
  app.post("/responses", responses);

  const notStored = (id: string) =>
    new CompatHttpError(
      404,
      `response "${id}" is not in the store (not stored, expired or evicted)`,
      {
        type: "not_found_error",
        code: "not_found",
      },
    );
  for (const prefix of ["/v1", ""]) {
    app.get(`${prefix}/responses/:id`, (c) => {
      const entry = store.get(c.req.param("id"));
      if (!entry) throw notStored(c.req.param("id"));
      return c.json(entry.response);
    });
    app.delete(`${prefix}/responses/:id`, (c) => {
      const id = c.req.param("id");
      if (!store.delete(id)) throw notStored(id);
      return c.json({ id, object: "response.deleted", deleted: true });
    });
  }

  app.notFound((c) =>
    c.json(
      new CompatHttpError(404, `no route for ${c.req.method} ${c.req.path}`, {
        type: "not_found_error",
        code: "not_found",
      }).toBody(),
      404,
    )
  );
  app.onError((err, c) => {
    if (err instanceof CompatHttpError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json(err.toBody(), err.status as ContentfulStatusCode);
    }
    const message = redactSecrets(errorMessage(err), secrets);
    options.log?.(`${c.req.method} ${c.req.path} 500 ${message}`);
    return c.json(
      new CompatHttpError(500, `compat server error: ${message}`).toBody(),
      500,
    );
  });
  return app;
}
