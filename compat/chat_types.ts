/**
 * Chat Completions wire shapes, as far as the compat server sends and reads them.
 *
 * Shapes read from a backend are untrusted: the stream translation checks every field at run time,
 * so the optional members here describe what may arrive, not what is guaranteed.
 *
 * @module
 */

/** A text part of a chat message. */
export interface ChatTextPart {
  type: "text";
  text: string;
}

/** An image part of a chat message (a URL or a `data:` URL). */
export interface ChatImagePart {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
}

/** A content part of a chat message. */
export type ChatContentPart = ChatTextPart | ChatImagePart;

/** A tool call the assistant made, as replayed to the backend. */
export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** Roles the compat server sends (`developer` is mapped per provider). */
export type ChatRole = "system" | "developer" | "user" | "assistant" | "tool";

/** One chat message. Reasoning fields are only set for providers that accept replayed reasoning. */
export interface ChatMessage {
  role: ChatRole;
  content?: string | ChatContentPart[] | null;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  reasoning?: string;
  reasoning_content?: string;
}

/** A function tool definition. */
export interface ChatFunctionTool {
  type: "function";
  function: {
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean;
  };
}

/** `tool_choice` as Chat Completions takes it. */
export type ChatToolChoice =
  | "auto"
  | "none"
  | "required"
  | { type: "function"; function: { name: string } };

/** `response_format` as Chat Completions takes it. */
export type ChatResponseFormat =
  | { type: "json_object" }
  | {
    type: "json_schema";
    json_schema: {
      name: string;
      schema?: Record<string, unknown>;
      strict?: boolean;
      description?: string;
    };
  };

/** A Chat Completions request body. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  stream_options?: { include_usage: boolean };
  tools?: ChatFunctionTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  response_format?: ChatResponseFormat;
  reasoning_effort?: string;
  verbosity?: string;
  prompt_cache_key?: string;
  user?: string;
}

/** A tool call fragment in a streamed chunk. */
export interface ChatToolCallDelta {
  index?: number;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: unknown } | null;
}

/** The `delta` of a streamed choice (or the `message` of a non-streamed one). */
export interface ChatDelta {
  role?: string | null;
  content?: unknown;
  reasoning?: unknown;
  reasoning_content?: unknown;
  refusal?: unknown;
  tool_calls?: unknown;
}

/** One choice of a streamed chunk. */
export interface ChatChoiceDelta {
  index?: number;
  delta?: ChatDelta | null;
  finish_reason?: string | null;
}

/** Token usage as Chat Completions reports it. */
export interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/** A streamed `chat.completion.chunk`. */
export interface ChatChunk {
  id?: string;
  choices?: ChatChoiceDelta[] | null;
  usage?: ChatUsage | null;
}
