/**
 * The compat server's public API: a Responses API front (`POST /v1/responses`) for Chat
 * Completions backends (vLLM, Ollama, llama.cpp, OpenAI, stepfun). Re-exported from the root
 * `mod.ts`.
 *
 * @example Run it next to a local vLLM
 * ```ts
 * import { startCompatServer } from "./compat/mod.ts";
 * const server = await startCompatServer({ backend: "127.0.0.1:8000", provider: "vllm" });
 * // point a Responses client at server.url, then:
 * await server.close();
 * ```
 *
 * @module
 */

export { type CompatAppOptions, createCompatApp } from "./app.ts";
export { normalizeBackendUrl } from "./backend_url.ts";
export { isProviderName, PROVIDER_NAMES, type ProviderName } from "./providers.ts";
export type { ResponseStoreLimits } from "./response_store.ts";
export {
  type CompatServerHandle,
  startCompatServer,
  type StartCompatServerOptions,
} from "./server.ts";
export type { WebSearchMode } from "./web_search_mock.ts";
