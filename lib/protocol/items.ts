/**
 * Responses API items: what goes into a request's `input` and comes back as `output`.
 *
 * The key order of each item is part of the wire contract (upstream echoes items in a fixed
 * order so the prompt cache keeps hitting). {@linkcode normalizeItem} produces that order.
 *
 * @module
 */

/** Text or image parts of a message. */
export type ContentPart =
  | { type: "input_text"; text: string }
  | { type: "input_image"; image_url: string; detail?: "auto" | "low" | "high" | "original" }
  | {
    type: "output_text";
    text: string;
    annotations?: unknown[];
    logprobs?: unknown[];
  };

/** The role of a message item. */
export type Role = "user" | "developer" | "system" | "assistant";

/** A conversation message. `phase` is set by the server on assistant messages (commentary/final). */
export interface MessageItem {
  type: "message";
  id?: string;
  status?: string;
  role: Role;
  content: ContentPart[];
  phase?: string;
}

/** One reasoning summary part. */
export interface SummaryText {
  type: "summary_text";
  text: string;
}

/** A reasoning item; `encrypted_content` must be echoed back verbatim. */
export interface ReasoningItem {
  type: "reasoning";
  id?: string;
  summary: SummaryText[];
  content?: { type: string; text: string }[] | null;
  encrypted_content?: string | null;
}

/** A call of a JSON-schema (function) tool. `arguments` is the raw JSON text. */
export interface FunctionCallItem {
  type: "function_call";
  status?: string;
  id?: string;
  name: string;
  namespace?: string;
  arguments: string;
  call_id: string;
}

/** A call of a freeform (custom) tool such as `apply_patch`. */
export interface CustomToolCallItem {
  type: "custom_tool_call";
  id?: string;
  status?: string;
  call_id: string;
  name: string;
  input: string;
}

/** Output of a tool call: a string, or content parts (text and images). */
export type ToolOutputBody = string | ContentPart[];

/** The result of a function call. */
export interface FunctionCallOutputItem {
  type: "function_call_output";
  id?: string;
  call_id: string;
  output: ToolOutputBody;
}

/** The result of a custom tool call. */
export interface CustomToolCallOutputItem {
  type: "custom_tool_call_output";
  id?: string;
  call_id: string;
  output: ToolOutputBody;
}

/** A provider-run web search. */
export interface WebSearchCallItem {
  type: "web_search_call";
  id?: string;
  status?: string;
  action?: { type: string; query?: string; queries?: string[]; url?: string; pattern?: string };
}

/** A tool search the model asks for; `execution: "client"` means we run it. */
export interface ToolSearchCallItem extends OtherItem {
  type: "tool_search_call";
  id?: string;
  call_id: string;
  status?: string;
  execution: string;
  arguments: Record<string, unknown>;
}

/** The tools a client-run search found (namespaces with their deferred functions). */
export interface ToolSearchOutputItem extends OtherItem {
  type: "tool_search_output";
  id?: string;
  call_id: string;
  status: string;
  execution: string;
  tools: Record<string, unknown>[];
}

/** Any item type we do not model is kept as-is and echoed. */
export interface OtherItem {
  type: string;
  [key: string]: unknown;
}

/** Every item the agent stores in history. */
export type ResponseItem =
  | MessageItem
  | ReasoningItem
  | FunctionCallItem
  | CustomToolCallItem
  | FunctionCallOutputItem
  | CustomToolCallOutputItem
  | WebSearchCallItem;

/** Items as they may arrive from a server (known or not). */
export type AnyItem = ResponseItem | OtherItem;

/** Tool call items. */
export type ToolCallItem = FunctionCallItem | CustomToolCallItem;

/** Key orders of echoed items, as upstream sends them. */
const KEY_ORDER: Record<string, string[]> = {
  message: ["type", "status", "id", "role", "content", "phase"],
  reasoning: ["type", "id", "summary", "content", "encrypted_content"],
  function_call: ["type", "status", "id", "name", "namespace", "arguments", "call_id"],
  custom_tool_call: ["type", "id", "status", "call_id", "name", "input"],
  function_call_output: ["type", "id", "call_id", "output"],
  custom_tool_call_output: ["type", "id", "call_id", "output"],
  web_search_call: ["type", "id", "status", "action"],
  tool_search_call: ["type", "id", "call_id", "status", "execution", "arguments"],
  tool_search_output: ["type", "id", "call_id", "status", "execution", "tools"],
};

const OUTPUT_TEXT_ORDER = ["type", "text", "annotations", "logprobs"];

function reorder(obj: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (obj[k] !== undefined) out[k] = obj[k];
  for (const k of Object.keys(obj)) if (!(k in out) && obj[k] !== undefined) out[k] = obj[k];
  return out;
}

/**
 * Returns a copy of `item` with its keys in upstream's wire order. Reasoning items always carry
 * `content` (null when absent); assistant `output_text` parts carry `annotations` and `logprobs`.
 */
export function normalizeItem<T extends AnyItem>(item: T): T {
  const order = KEY_ORDER[item.type];
  if (!order) return item;
  const src = { ...item } as Record<string, unknown>;
  if (item.type === "reasoning") {
    if (src.content === undefined) src.content = null;
    if (!Array.isArray(src.summary)) src.summary = [];
  }
  if (item.type === "message" && Array.isArray(src.content)) {
    src.content = (src.content as Record<string, unknown>[]).map((part) =>
      part.type === "output_text"
        ? reorder({ annotations: [], logprobs: [], ...part }, OUTPUT_TEXT_ORDER)
        : part
    );
  }
  return reorder(src, order) as T;
}

/** A user message with one text part. */
export function userMessage(text: string, id?: string): MessageItem {
  return id === undefined
    ? { type: "message", role: "user", content: [{ type: "input_text", text }] }
    : { type: "message", id, role: "user", content: [{ type: "input_text", text }] };
}

/** The concatenated text of a message's text parts. */
export function messageText(item: MessageItem): string {
  return item.content.map((p) => ("text" in p ? p.text : "")).join("");
}

/** The text of a reasoning item's summary parts, joined by blank lines. */
export function reasoningText(item: ReasoningItem): string {
  return item.summary.map((s) => s.text).join("\n\n");
}

/** True for items that ask the client to run a tool. */
export function isToolCall(item: AnyItem): item is ToolCallItem {
  return item.type === "function_call" || item.type === "custom_tool_call";
}

/** True for a `tool_search_call` the client must run. */
export function isClientToolSearch(item: AnyItem): item is ToolSearchCallItem {
  return item.type === "tool_search_call" &&
    (item as { execution?: unknown }).execution === "client";
}

/** Text view of a tool output body (text parts joined). */
export function outputText(body: ToolOutputBody): string {
  if (typeof body === "string") return body;
  return body.map((p) => ("text" in p ? p.text : "")).join("\n");
}
