/**
 * `web_search`: the provider-native search tool. It is declared in the request and run by the
 * model provider; its `web_search_call` output items are shown as `web_search` events, never run
 * locally.
 *
 * @module
 */

import { defineHostedTool, type HostedTool } from "./tool.ts";

/** Options of {@linkcode createWebSearchTool}. */
export interface WebSearchOptions {
  /**
   * Whether the provider may fetch live pages (`true`, the default) or only use its cached
   * index (`false`).
   */
  externalWebAccess?: boolean;
}

/**
 * Creates the `web_search` declaration with upstream's fields, in upstream's key order:
 * `{"type":"web_search","external_web_access":true,"search_content_types":["text","image"]}`.
 *
 * @example
 * ```ts
 * import { createWebSearchTool } from "./web_search.ts";
 * const cachedOnly = createWebSearchTool({ externalWebAccess: false });
 * ```
 */
export function createWebSearchTool(opts: WebSearchOptions = {}): HostedTool {
  return defineHostedTool("web_search", {
    type: "web_search",
    external_web_access: opts.externalWebAccess ?? true,
    search_content_types: ["text", "image"],
  });
}
