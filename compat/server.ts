/**
 * Starts the compat app on a real socket.
 *
 * @module
 */

import { type CompatAppOptions, createCompatApp } from "./app.ts";

/** Settings of {@linkcode startCompatServer}. */
export interface StartCompatServerOptions extends CompatAppOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to listen on (default `127.0.0.1`). */
  host?: string;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
}

/** A running compat server. */
export interface CompatServerHandle {
  /** Base URL for Responses clients, e.g. `http://127.0.0.1:4321/v1`. */
  url: string;
  /** The port it listens on. */
  port: number;
  /** Stops listening and waits for open requests to end. */
  close(): Promise<void>;
}

/**
 * Starts the compat server and resolves once it listens (its `/healthz` answers from then on).
 *
 * @example
 * ```ts
 * const server = await startCompatServer({ backend: "127.0.0.1:8000", provider: "vllm" });
 * console.log(server.url); // http://127.0.0.1:<port>/v1
 * await server.close();
 * ```
 */
export async function startCompatServer(
  options: StartCompatServerOptions,
): Promise<CompatServerHandle> {
  const { port = 0, host = "127.0.0.1", signal, ...appOptions } = options;
  const controller = new AbortController();
  // Stopping the server also ends running responses, so shutdown never waits on a backend.
  const app = createCompatApp({ ...appOptions, signal: controller.signal });
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const server = Deno.serve({
    hostname: host,
    port,
    signal: controller.signal,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
    onError: (err) => {
      appOptions.log?.(`compat server error: ${err instanceof Error ? err.name : "error"}`);
      return new Response("internal error", { status: 500 });
    },
  }, app.fetch);
  const addr = await listening.promise;
  const shown = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return {
    url: `http://${shown}:${addr.port}/v1`,
    port: addr.port,
    close: async () => {
      signal?.removeEventListener("abort", onAbort);
      controller.abort();
      await server.finished;
    },
  };
}
