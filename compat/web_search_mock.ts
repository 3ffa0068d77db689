/**
 * The mock `web_search`: Chat backends have no hosted search, so a Responses `web_search` tool is
 * offered to the model as a function that always finds nothing (or left out, per configuration).
 * When the model calls it, the compat server answers the call itself with an empty, clearly
 * marked result, reports a `web_search_call` item (id prefix `ws_mock_`) and lets the model go on.
 *
 * @module
 */

import type { ChatFunctionTool, ChatMessage, ChatRequest } from "./chat_types.ts";

/** How a Responses `web_search` tool is handled. */
export type WebSearchMode = "mock" | "omit";

/** The function name of the mock. */
export const MOCK_SEARCH_NAME = "web_search";

/** The id prefix that marks mock search items. */
export const MOCK_SEARCH_ID_PREFIX = "ws_mock_";

/** The chat function offered in place of the hosted `web_search` tool. */
export function mockSearchTool(): ChatFunctionTool {
  return {
    type: "function",
    function: {
      name: MOCK_SEARCH_NAME,
      description: "Search the web. Note: this server has no search engine attached, so every " +
        "search returns an empty result list (a mock); do not retry it.",
      parameters: {
        type: "object",
        properties: {
          query: { type: "string", description: "What to search for." },
          queries: {
            type: "array",
            items: { type: "string" },
            description: "Several searches at once (optional).",
          },
        },
        required: ["query"],
        additionalProperties: false,
      },
    },
  };
}

/** The queries of a search call. */
export interface SearchQueries {
  query: string;
  queries: string[];
}

/** Reads `query`/`queries` from a call's arguments (raw text counts as the query). */
export function searchQueries(args: string): SearchQueries {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return { query: args.trim(), queries: args.trim() ? [args.trim()] : [] };
  }
  const obj = parsed !== null && typeof parsed === "object"
    ? parsed as Record<string, unknown>
    : {};
  const queries = Array.isArray(obj.queries)
    ? obj.queries.filter((q): q is string => typeof q === "string").map((q) => q.trim())
      .filter((q) => q !== "")
    : [];
  const query = typeof obj.query === "string" && obj.query.trim() !== ""
    ? obj.query.trim()
    : (queries[0] ?? "");
  if (query !== "" && !queries.includes(query)) queries.unshift(query);
  return { query, queries };
}

/** The tool message content that answers a mock search call. */
export function mockSearchResult(q: SearchQueries): string {
  return JSON.stringify({
    mock: true,
    note: "No search engine is attached to this server; no results.",
    query: q.query,
    queries: q.queries,
    results: [],
  });
}

/** The assistant turn and results of one mock search round. */
export interface MockSearchRound {
  /** Assistant text and reasoning of the round. */
  text: string;
  reasoning: string;
  calls: readonly { callId: string; args: string; queries: SearchQueries }[];
}

/**
 * The follow-up request after a round that only asked for mock searches: the assistant turn with
 * its search calls, one empty result per call, and no search tool any more (so the model answers).
 * `reasoningFields` are the provider's fields for replayed reasoning.
 */
export function mockSearchFollowUp(
  chat: ChatRequest,
  round: MockSearchRound,
  reasoningFields: readonly ("reasoning" | "reasoning_content")[],
): ChatRequest {
  const assistant: ChatMessage = {
    role: "assistant",
    content: round.text,
    tool_calls: round.calls.map((c) => ({
      id: c.callId,
      type: "function",
      function: { name: MOCK_SEARCH_NAME, arguments: c.args.trim() === "" ? "{}" : c.args },
    })),
  };
  if (round.reasoning !== "") { for (const f of reasoningFields) assistant[f] = round.reasoning; }
  const results: ChatMessage[] = round.calls.map((c) => ({
    role: "tool",
    tool_call_id: c.callId,
    content: mockSearchResult(c.queries),
  }));
  const next: ChatRequest = { ...chat, messages: [...chat.messages, assistant, ...results] };
  const tools = (chat.tools ?? []).filter((t) => t.function.name !== MOCK_SEARCH_NAME);
  if (tools.length === 0) {
    delete next.tools;
    delete next.tool_choice;
    delete next.parallel_tool_calls;
  } else {
    next.tools = tools;
    const choice = next.tool_choice;
    if (choice !== undefined && typeof choice === "object") {
      if (choice.function.name === MOCK_SEARCH_NAME) next.tool_choice = "auto";
    }
  }
  return next;
}
