/**
 * `--vllm-endpoint URL` (as the seed has it): starts the compat server in-process on a free
 * loopback port in front of a Chat Completions backend, and points the session at it through
 * `-c` overrides. A bare `host:port` gets `http://` and `/v1`.
 *
 * @module
 */

import { UserError } from "../config/errors.ts";

/** The provider id the overrides define. */
export const COMPAT_PROVIDER_ID = "denocodex_compat";

/** Splits `--vllm-endpoint URL` / `--vllm-endpoint=URL` out of `args`. */
export function takeVllmEndpoint(args: string[]): { endpoint?: string; rest: string[] } {
  const rest: string[] = [];
  let endpoint: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--vllm-endpoint") {
      endpoint = args[++i];
      if (!endpoint) throw new UserError("--vllm-endpoint needs a URL, e.g. 127.0.0.1:8000", 2);
    } else if (a.startsWith("--vllm-endpoint=")) {
      endpoint = a.slice("--vllm-endpoint=".length);
    } else {
      rest.push(a);
    }
  }
  return { endpoint, rest };
}

/** `-c` overrides that select a Responses provider at `url`. */
export function compatOverrides(url: string): string[] {
  const p = `model_providers.${COMPAT_PROVIDER_ID}`;
  return [
    "-c",
    `model_provider="${COMPAT_PROVIDER_ID}"`,
    "-c",
    `${p}.name="compat server (in-process)"`,
    "-c",
    `${p}.base_url="${url}"`,
    "-c",
    `${p}.wire_api="responses"`,
  ];
}

/** Inserts `extra` flags after the subcommand (or first, for the interactive session). */
export function withFlags(args: string[], extra: string[]): string[] {
  const sub = ["exec", "e", "resume", "fork"];
  if (args.length && sub.includes(args[0])) return [args[0], ...extra, ...args.slice(1)];
  return [...extra, ...args];
}
