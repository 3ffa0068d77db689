/**
 * `denocodex compat-server`: runs the Responses -> Chat Completions compat server until SIGINT or
 * SIGTERM.
 *
 * ```
 * denocodex compat-server --port PORT --backend URL [--provider vllm|ollama|llamacpp|openai|stepfun]
 *   [--host 127.0.0.1] [--api-key-env NAME] [--model NAME] [--web-search mock|omit]
 *   [--idle-timeout-ms MS] [--reasoning-as-summary] [--plain-fetch]
 * ```
 *
 * @module
 */

import { parseArgs } from "./args.ts";
import { normalizeBackendUrl } from "../../compat/backend_url.ts";
import { isProviderName, PROVIDER_NAMES, type ProviderName } from "../../compat/providers.ts";
import { startCompatServer } from "../../compat/server.ts";

const USAGE = "usage: denocodex compat-server --port PORT --backend URL " +
  "[--provider vllm|ollama|llamacpp|openai|stepfun] [--host 127.0.0.1] [--api-key-env NAME] " +
  "[--model NAME] [--web-search mock|omit] [--idle-timeout-ms MS] [--reasoning-as-summary] " +
  "[--plain-fetch]";

interface CompatServerArgs {
  port: number;
  host: string;
  backend: string;
  provider: ProviderName;
  apiKey?: string;
  model?: string;
  webSearch: "mock" | "omit";
  idleTimeoutMs?: number;
  reasoningAsSummary: boolean;
  plainFetch: boolean;
}

/** `denocodex compat-server`'s options. */
export const COMPAT_SERVER_OPTIONS = {
  port: { type: "string" },
  backend: { type: "string" },
  provider: { type: "string" },
  host: { type: "string" },
  "api-key-env": { type: "string" },
  model: { type: "string" },
  "web-search": { type: "string" },
  "idle-timeout-ms": { type: "string" },
  "reasoning-as-summary": { type: "boolean" },
  "plain-fetch": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

class UsageError extends Error {}

function parse(args: string[], env: Record<string, string | undefined>): CompatServerArgs | null {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: COMPAT_SERVER_OPTIONS,
      allowPositionals: false,
      strict: true,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return null;
  if (values.port === undefined) throw new UsageError("--port is required (0 picks a free port)");
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    throw new UsageError(`--port "${values.port}" must be a number from 0 to 65535`);
  }
  if (values.backend === undefined) {
    throw new UsageError("--backend is required, e.g. --backend http://127.0.0.1:8000/v1");
  }
  let backend: string;
  try {
    backend = normalizeBackendUrl(values.backend);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const provider = values.provider ?? "vllm";
  if (!isProviderName(provider)) {
    throw new UsageError(`--provider "${provider}" is unknown (use ${PROVIDER_NAMES.join(", ")})`);
  }
  const webSearch = values["web-search"] ?? "mock";
  if (webSearch !== "mock" && webSearch !== "omit") {
    throw new UsageError(`--web-search "${webSearch}" is unknown (use mock or omit)`);
  }
  const out: CompatServerArgs = {
    port,
    host: values.host ?? "127.0.0.1",
    backend,
    provider,
    webSearch,
    reasoningAsSummary: values["reasoning-as-summary"] ?? false,
    plainFetch: values["plain-fetch"] ?? false,
  };
  const keyEnv = values["api-key-env"];
  if (keyEnv !== undefined) {
    const key = env[keyEnv];
    if (!key) {
      throw new UsageError(
        `environment variable ${keyEnv} (named by --api-key-env) is not set or empty`,
      );
    }
    out.apiKey = key;
  }
  if (values.model !== undefined) out.model = values.model;
  const idle = values["idle-timeout-ms"];
  if (idle !== undefined) {
    if (!/^\d+$/.test(idle) || Number(idle) === 0) {
      throw new UsageError(`--idle-timeout-ms "${idle}" must be a positive number of milliseconds`);
    }
    out.idleTimeoutMs = Number(idle);
  }
  return out;
}

/**
 * Runs `denocodex compat-server` with `args` (after the subcommand) and environment `env`.
 * Resolves with the exit code: 0 after SIGINT/SIGTERM, 2 for bad arguments, 1 when the server
 * cannot start.
 */
export async function compatServerCommand(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<number> {
  let parsed: CompatServerArgs | null;
  try {
    parsed = parse(args, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`denocodex compat-server: ${err.message}\n${USAGE}`);
    return 2;
  }
  if (parsed === null) {
    console.log(USAGE);
    return 0;
  }
  const stopped = Promise.withResolvers<void>();
  const stop = () => stopped.resolve();
  let server;
  try {
    server = await startCompatServer({
      port: parsed.port,
      host: parsed.host,
      backend: parsed.backend,
      provider: parsed.provider,
      webSearch: parsed.webSearch,
      summaryFromReasoning: parsed.reasoningAsSummary,
      loopbackClient: !parsed.plainFetch,
      ...(parsed.apiKey ? { apiKey: parsed.apiKey } : {}),
      ...(parsed.model ? { model: parsed.model } : {}),
      ...(parsed.idleTimeoutMs ? { idleTimeoutMs: parsed.idleTimeoutMs } : {}),
      log: (line) => console.error(line),
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(
      `denocodex compat-server: cannot listen on ${parsed.host}:${parsed.port}: ${message}`,
    );
    return 1;
  }
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  console.log(
    `compat server listening on ${server.url} (backend ${parsed.backend}, provider ${parsed.provider})`,
  );
  try {
    await stopped.promise;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
    await server.close();
  }
  return 0;
}

if (import.meta.main) {
  Deno.exit(await compatServerCommand(Deno.args, Deno.env.toObject()));
}
