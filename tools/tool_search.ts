/**
 * `tool_search`: the client-run search over deferred tool namespaces (upstream declares it as
 * `{"type": "tool_search", "execution": "client", ...}`). The model sends a `tool_search_call`;
 * the loop runs this tool and answers with a `tool_search_output` whose `tools` are the
 * matching namespaces, each listing its matching functions with `defer_loading: true`.
 * Matching is BM25 over each function's name, description and parameter names; the best
 * `limit` (default 8) functions are returned, best first.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import { type FunctionTool, guard, ToolError } from "./define.ts";

/** Functions announced by name only (in the `<tools>` developer section) until searched. */
export interface DeferredNamespace {
  name: string;
  description: string;
  tools: FunctionTool[];
}

/** Default number of functions a search returns. */
export const DEFAULT_SEARCH_LIMIT = 8;

const args = z.object({
  query: z.string(),
  limit: z.number().optional(),
});

/** The declaration of `tool_search` in a request's `tools`. */
export function toolSearchSpec(): Record<string, unknown> {
  return {
    type: "tool_search",
    execution: "client",
    description: "# Finding more tools\n\n" +
      "Some tools are not listed up front; their namespaces are named in the `<tools>` " +
      "section. Search for them here by what you need (for example `spawn agent` or `wait`); " +
      "the matching tools become callable in your next step.",
    parameters: {
      type: "object",
      properties: {
        limit: {
          type: "number",
          description: `How many tools to return at most (${DEFAULT_SEARCH_LIMIT} by default).`,
        },
        query: { type: "string", description: "Words describing the tools you are looking for." },
      },
      required: ["query"],
      additionalProperties: false,
    },
  };
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 0);
}

function documentOf(tool: FunctionTool): string[] {
  const props = (tool.parameters.properties ?? {}) as Record<string, unknown>;
  // The name counts double: it is the strongest hint of what a tool does.
  return [
    ...words(tool.name),
    ...words(tool.name),
    ...words(tool.description),
    ...Object.keys(props).flatMap(words),
  ];
}

/** Scores each tool against `query` with BM25 (k1 = 1.2, b = 0.75). */
export function bm25(tools: FunctionTool[], query: string): number[] {
  const docs = tools.map(documentOf);
  const avg = docs.reduce((n, d) => n + d.length, 0) / Math.max(1, docs.length);
  const terms = [...new Set(words(query))];
  return docs.map((doc) => {
    let score = 0;
    for (const term of terms) {
      const tf = doc.filter((w) => w === term || (term.length > 3 && w.startsWith(term))).length;
      if (tf === 0) continue;
      const df = docs.filter((d) => d.some((w) => w === term || w.startsWith(term))).length;
      const idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
      score += idf * (tf * 2.2) / (tf + 1.2 * (0.25 + 0.75 * doc.length / avg));
    }
    return score;
  });
}

/** A function as `tool_search_output` lists it. */
export function deferredSpec(tool: FunctionTool): Record<string, unknown> {
  return {
    type: "function",
    name: tool.name,
    description: tool.description,
    strict: false,
    defer_loading: true,
    parameters: tool.parameters,
  };
}

/** Runs a search: the namespaces (in their order) holding the best matches. */
export function searchDeferred(
  namespaces: DeferredNamespace[],
  query: string,
  limit = DEFAULT_SEARCH_LIMIT,
): Record<string, unknown>[] {
  const all = namespaces.flatMap((ns) => ns.tools.map((tool) => ({ ns, tool })));
  const scores = bm25(all.map((e) => e.tool), query);
  const ranked = all.map((e, i) => ({ ...e, score: scores[i] })).filter((e) => e.score > 0)
    .sort((a, b) => b.score - a.score).slice(0, Math.max(1, Math.floor(limit)));
  const out: Record<string, unknown>[] = [];
  for (const ns of namespaces) {
    const hits = ranked.filter((e) => e.ns === ns);
    if (hits.length === 0) continue;
    out.push({
      type: "namespace",
      name: ns.name,
      description: ns.description,
      tools: hits.map((e) => deferredSpec(e.tool)),
    });
  }
  return out;
}

/**
 * The `tool_search` tool over `namespaces` (read at each call). Its output is the JSON array
 * of found namespaces; the loop turns it into a `tool_search_output` item.
 */
export function createToolSearchTool(namespaces: () => DeferredNamespace[]): FunctionTool {
  return {
    kind: "function",
    name: "tool_search",
    description: String(toolSearchSpec().description),
    parameters: toolSearchSpec().parameters as Record<string, unknown>,
    parallel: false,
    run(raw) {
      return guard(() => {
        let json: unknown;
        try {
          json = JSON.parse(raw || "{}");
        } catch {
          throw new ToolError("tool_search expects JSON arguments with a `query`");
        }
        const parsed = args.safeParse(json);
        if (!parsed.success) throw new ToolError("tool_search needs a `query` string");
        return JSON.stringify(
          searchDeferred(
            namespaces(),
            parsed.data.query,
            parsed.data.limit ?? DEFAULT_SEARCH_LIMIT,
          ),
        );
      });
    },
  };
}
