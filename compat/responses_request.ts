/**
 * Reads and checks a `POST /v1/responses` body. Every rejection is a 400 that names the field and
 * says what is accepted. Fields the compat server does not use (`include` aside) are ignored, as
 * a Chat backend has no equivalent: `client_metadata`, `metadata`, `truncation`, `service_tier`,
 * `background`, ...
 *
 * @module
 */

import type { AnyItem } from "../lib/protocol/items.ts";
import { invalidRequest } from "./errors.ts";

/** A checked Responses request. */
export interface ResponsesRequest {
  model: string;
  /** `stream` (absent: false, as in the Responses API). */
  stream: boolean;
  /** `store` (absent: true, as in the Responses API). */
  store: boolean;
  instructions: string | null;
  /** This request's input items (a string input is one user message). */
  input: AnyItem[];
  previousResponseId: string | null;
  include: string[];
  tools: Record<string, unknown>[];
  toolChoice: unknown;
  parallelToolCalls: boolean | null;
  maxOutputTokens: number | null;
  temperature: number | null;
  topP: number | null;
  reasoningEffort: string | null;
  reasoningSummary: string | null;
  textFormat: Record<string, unknown> | null;
  verbosity: string | null;
  promptCacheKey: string | null;
  user: string | null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function optionalString(body: Record<string, unknown>, key: string): string | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw invalidRequest(`\`${key}\` must be a string`, key);
  return v;
}

function optionalNumber(
  body: Record<string, unknown>,
  key: string,
  check: (n: number) => boolean,
  what: string,
): number | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !check(v)) throw invalidRequest(`\`${key}\` must be ${what}`, key);
  return v;
}

function optionalBoolean(body: Record<string, unknown>, key: string): boolean | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "boolean") throw invalidRequest(`\`${key}\` must be true or false`, key);
  return v;
}

/** Checks `body` (parsed JSON) and returns the request; throws a 400 `CompatHttpError`. */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  if (!isObject(body)) throw invalidRequest("request body must be a JSON object");
  const model = body.model;
  if (typeof model !== "string" || model === "") {
    throw invalidRequest("`model` is required and must be a non-empty string", "model");
  }
  const input = parseInput(body.input);
  const tools = body.tools ?? [];
  if (!Array.isArray(tools) || !tools.every(isObject)) {
    throw invalidRequest("`tools` must be a list of tool objects", "tools");
  }
  const include = body.include ?? [];
  if (!Array.isArray(include) || !include.every((x) => typeof x === "string")) {
    throw invalidRequest("`include` must be a list of strings", "include");
  }
  const reasoning = body.reasoning ?? {};
  if (!isObject(reasoning)) throw invalidRequest("`reasoning` must be an object", "reasoning");
  const text = body.text ?? {};
  if (!isObject(text)) throw invalidRequest("`text` must be an object", "text");
  const format = text.format ?? null;
  if (format !== null && !isObject(format)) {
    throw invalidRequest("`text.format` must be an object", "text.format");
  }
  return {
    model,
    stream: optionalBoolean(body, "stream") ?? false,
    store: optionalBoolean(body, "store") ?? true,
    instructions: optionalString(body, "instructions"),
    input,
    previousResponseId: optionalString(body, "previous_response_id"),
    include: include as string[],
    tools: tools as Record<string, unknown>[],
    toolChoice: body.tool_choice ?? null,
    parallelToolCalls: optionalBoolean(body, "parallel_tool_calls"),
    maxOutputTokens: optionalNumber(
      body,
      "max_output_tokens",
      (n) => Number.isInteger(n) && n > 0,
      "a positive integer",
    ),
    temperature: optionalNumber(body, "temperature", (n) => n >= 0 && n <= 2, "between 0 and 2"),
    topP: optionalNumber(body, "top_p", (n) => n >= 0 && n <= 1, "between 0 and 1"),
    reasoningEffort: typeof reasoning.effort === "string" ? reasoning.effort : null,
    reasoningSummary: typeof reasoning.summary === "string" ? reasoning.summary : null,
    textFormat: format,
    verbosity: typeof text.verbosity === "string" ? text.verbosity : null,
    promptCacheKey: optionalString(body, "prompt_cache_key"),
    user: optionalString(body, "user"),
  };
}

function parseInput(input: unknown): AnyItem[] {
  if (input === undefined || input === null) return [];
  if (typeof input === "string") {
    return [{ type: "message", role: "user", content: [{ type: "input_text", text: input }] }];
  }
  if (!Array.isArray(input)) {
    throw invalidRequest("`input` must be a string or a list of items", "input");
  }
  return input.map((item, i) => {
    if (!isObject(item)) throw invalidRequest(`\`input[${i}]\` must be an object`, "input");
    // Easy input messages may leave out `type`.
    if (item.type === undefined && typeof item.role === "string") {
      return { ...item, type: "message" } as AnyItem;
    }
    if (typeof item.type !== "string") {
      throw invalidRequest(`\`input[${i}].type\` must be a string`, "input");
    }
    return item as AnyItem;
  });
}
