/**
 * Model providers: the built-in ones and `[model_providers.<id>]` tables.
 *
 * @module
 */

import { ConfigError } from "./errors.ts";
import type { ProviderToml } from "./schema.ts";

/** A resolved model provider. */
export interface ProviderInfo {
  id: string;
  name: string;
  /** Base URL without a trailing slash, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Environment variable holding the API key. */
  envKey?: string;
  /** Extra hint shown when the key is missing. */
  envKeyInstructions?: string;
  /** Only `responses` is spoken directly. */
  wireApi: "responses";
  httpHeaders: Record<string, string>;
  /** Header name -> environment variable to read its value from. */
  envHttpHeaders: Record<string, string>;
  queryParams: Record<string, string>;
  requestMaxRetries: number;
  streamMaxRetries: number;
  streamIdleTimeoutMs: number;
  /** True for the built-in OpenAI provider (also reads `CODEX_API_KEY`). */
  isOpenAi: boolean;
}

/** Defaults as upstream: 4 request retries, 5 stream retries, 5 minutes of stream silence. */
export const DEFAULT_REQUEST_MAX_RETRIES = 4;
export const DEFAULT_STREAM_MAX_RETRIES = 5;
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;

const BUILT_IN: Record<string, ProviderToml> = {
  openai: { name: "OpenAI", base_url: "https://api.openai.com/v1", env_key: "OPENAI_API_KEY" },
  ollama: { name: "Ollama", base_url: "http://localhost:11434/v1" },
  lmstudio: { name: "LM Studio", base_url: "http://localhost:1234/v1" },
};

/** Ids of the built-in providers. */
export const BUILT_IN_PROVIDER_IDS: readonly string[] = Object.keys(BUILT_IN);

/** Resolves provider `id` from the built-ins and the config's `model_providers`. */
export function resolveProvider(
  id: string,
  tables: Record<string, ProviderToml>,
  openaiBaseUrl?: string,
): ProviderInfo {
  const table = tables[id] ?? BUILT_IN[id];
  if (!table) {
    const known = [...new Set([...BUILT_IN_PROVIDER_IDS, ...Object.keys(tables)])].join(", ");
    throw new ConfigError(
      `unknown model provider '${id}'; known providers: ${known} (define [model_providers.${id}] in config.toml)`,
    );
  }
  const wire = table.wire_api ?? "responses";
  if (wire === "chat") {
    throw new ConfigError(
      `provider '${id}' uses wire_api = "chat", which denocodex does not speak directly; run ` +
        `'denocodex compat-server --backend ${
          table.base_url ?? "URL"
        }' and point a responses provider at it`,
    );
  }
  if (wire !== "responses") {
    throw new ConfigError(
      `provider '${id}' has unsupported wire_api = "${wire}"; use "responses"`,
    );
  }
  const isOpenAi = id === "openai" && !tables[id];
  let baseUrl = table.base_url;
  if (isOpenAi && openaiBaseUrl) baseUrl = openaiBaseUrl;
  if (!baseUrl) {
    throw new ConfigError(`provider '${id}' has no base_url; set model_providers.${id}.base_url`);
  }
  return {
    id,
    name: table.name ?? id,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    envKey: table.env_key,
    envKeyInstructions: table.env_key_instructions,
    wireApi: "responses",
    httpHeaders: { ...table.http_headers },
    envHttpHeaders: { ...table.env_http_headers },
    queryParams: { ...table.query_params },
    requestMaxRetries: table.request_max_retries ?? DEFAULT_REQUEST_MAX_RETRIES,
    streamMaxRetries: table.stream_max_retries ?? DEFAULT_STREAM_MAX_RETRIES,
    streamIdleTimeoutMs: table.stream_idle_timeout_ms ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    isOpenAi,
  };
}

/**
 * The API key for `provider`, or `undefined` when the provider needs none. Throws a
 * {@linkcode ConfigError} naming the variable to set when a required key is missing.
 */
export function resolveApiKey(
  provider: ProviderInfo,
  env: Record<string, string | undefined>,
): string | undefined {
  if (provider.isOpenAi) {
    const key = env.CODEX_API_KEY?.trim() || env.OPENAI_API_KEY?.trim();
    if (key) return key;
    throw new ConfigError(
      "missing API key: set OPENAI_API_KEY (or CODEX_API_KEY) in the environment or in CODEX_HOME/.env",
    );
  }
  if (!provider.envKey) return undefined;
  const key = env[provider.envKey]?.trim();
  if (key) return key;
  const hint = provider.envKeyInstructions ? ` (${provider.envKeyInstructions})` : "";
  throw new ConfigError(
    `missing API key: set ${provider.envKey} for provider '${provider.id}' in the environment or in CODEX_HOME/.env${hint}`,
  );
}
