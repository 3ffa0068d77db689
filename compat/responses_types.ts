/**
 * Responses API shapes the compat server produces: the response object, its usage and the
 * request fields it echoes back. Item shapes come from `lib/protocol/items.ts`.
 *
 * @module
 */

import type { AnyItem } from "../lib/protocol/items.ts";

/** Usage as the Responses API reports it. */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** A zeroed {@linkcode ResponseUsage}. */
export function zeroUsage(): ResponseUsage {
  return {
    input_tokens: 0,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 0,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 0,
  };
}

/** Status of a response. */
export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

/** The error of a failed response. */
export interface ResponseError {
  code: string;
  message: string;
}

/** A Responses API `response` object. */
export interface ResponseObject {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  error: ResponseError | null;
  incomplete_details: { reason: string } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: AnyItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: Record<string, unknown>; verbosity?: string };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: "disabled";
  usage: ResponseUsage | null;
  user: null;
  metadata: Record<string, unknown>;
}

/** One event of a Responses stream, before `sequence_number` is assigned. */
export type ResponseEvent = { type: string } & Record<string, unknown>;
