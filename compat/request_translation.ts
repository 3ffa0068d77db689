/**
 * Responses request -> Chat Completions request.
 *
 * - `instructions` -> a leading `developer` message; `developer`/`system`/`user` messages keep
 *   their role; text parts are joined with a blank line (assistant text parts with nothing, as they
 *   are pieces of one answer); `input_image` -> `image_url` parts (user messages only).
 * - Consecutive assistant-side items (assistant messages, reasoning, function and custom tool
 *   calls) become one assistant message with `content`, `tool_calls` and replayed `reasoning`.
 * - Tool outputs -> `tool` messages (text parts joined with a newline); images in tool outputs go
 *   into one user message after the run of tool messages, since `tool` messages are text only.
 * - Every assistant tool call gets a tool message (a placeholder when the history has none) and a
 *   tool output without its call becomes a user message, so strict backends accept the history.
 * - Tools: `function` -> function, `custom` -> function with one `input` string, `web_search` ->
 *   the mock (or nothing), other hosted tools are dropped (a chat model cannot call them).
 * - `tool_choice`, `parallel_tool_calls`, `max_output_tokens`, `temperature`, `top_p`,
 *   `text.format`, `reasoning.effort` are mapped; provider rules are applied last.
 *
 * @module
 */

import type { AnyItem } from "../lib/protocol/items.ts";
import type {
  ChatContentPart,
  ChatFunctionTool,
  ChatMessage,
  ChatRequest,
  ChatResponseFormat,
  ChatToolCall,
  ChatToolChoice,
} from "./chat_types.ts";
import {
  customInputToArguments,
  type CustomToolDefinition,
  customToolToFunction,
} from "./custom_tools.ts";
import { invalidRequest } from "./errors.ts";
import { applyProviderRules, type ProviderName, providerProfile } from "./providers.ts";
import { decodeReasoning } from "./reasoning_carrier.ts";
import type { ResponsesRequest } from "./responses_request.ts";
import { MOCK_SEARCH_NAME, mockSearchTool, type WebSearchMode } from "./web_search_mock.ts";

/** Settings of the translation. */
export interface TranslateOptions {
  provider: ProviderName;
  webSearch: WebSearchMode;
  /** Backend model to use instead of the requested one. */
  model?: string;
  /** Resolves `item_reference` input items (from the response store). */
  findItem?: (id: string) => AnyItem | undefined;
}

/** A translated request plus what the stream translation needs to map answers back. */
export interface TranslatedRequest {
  chat: ChatRequest;
  /** Names of the client's custom tools (their calls become `custom_tool_call` items). */
  customTools: Set<string>;
  /** Names of all functions offered to the backend. */
  toolNames: string[];
  /** Whether the mock `web_search` function is offered. */
  mockSearch: boolean;
}

const TEXT_PART_TYPES = new Set(["input_text", "output_text", "text", "summary_text"]);
const SKIPPED_ITEM_TYPES = new Set([
  "web_search_call",
  "tool_search_call",
  "tool_search_output",
  "compaction",
  "compaction_summary",
]);
const WEB_SEARCH_TOOL_TYPES = new Set([
  "web_search",
  "web_search_preview",
  "web_search_2025_08_26",
  "web_search_preview_2025_03_11",
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Translates `req` whose conversation is `history` (the previous response's items, if any,
 * followed by `req.input`). Throws a 400 `CompatHttpError` for what cannot be translated.
 */
export function translateRequest(
  req: ResponsesRequest,
  history: readonly AnyItem[],
  options: TranslateOptions,
): TranslatedRequest {
  const profile = providerProfile(options.provider);
  const messages: ChatMessage[] = [];
  if (req.instructions) messages.push({ role: "developer", content: req.instructions });
  messages.push(...translateItems(history, options.findItem));

  const tools = translateTools(req.tools, options.webSearch);
  const chat: ChatRequest = {
    model: options.model ?? req.model,
    messages: pairToolCalls(messages),
    stream: req.stream,
  };
  if (req.stream) chat.stream_options = { include_usage: true };
  if (tools.list.length > 0) {
    chat.tools = tools.list;
    const choice = translateToolChoice(req.toolChoice, tools, options.webSearch);
    if (choice.allowed) chat.tools = tools.list.filter((t) => choice.allowed?.has(t.function.name));
    if (choice.choice !== undefined) chat.tool_choice = choice.choice;
    if (req.parallelToolCalls !== null) chat.parallel_tool_calls = req.parallelToolCalls;
    if (chat.tools.length === 0) {
      // Nothing left to call (e.g. allowed_tools listed only dropped tools).
      delete chat.tools;
      delete chat.tool_choice;
      delete chat.parallel_tool_calls;
    }
  }
  if (req.maxOutputTokens !== null) chat[profile.maxTokensField] = req.maxOutputTokens;
  if (req.temperature !== null) chat.temperature = req.temperature;
  if (req.topP !== null) chat.top_p = req.topP;
  const format = translateTextFormat(req.textFormat);
  if (format) chat.response_format = format;
  if (profile.reasoningEffort && req.reasoningEffort) {
    const effort = profile.name === "openai"
      ? req.reasoningEffort
      : localEffort(req.reasoningEffort);
    if (effort) chat.reasoning_effort = effort;
  }
  if (profile.openAiFields) {
    if (req.verbosity) chat.verbosity = req.verbosity;
    if (req.promptCacheKey) chat.prompt_cache_key = req.promptCacheKey;
    if (req.user) chat.user = req.user;
  }
  const processed = applyProviderRules(options.provider, chat);
  return {
    chat: processed,
    customTools: tools.custom,
    toolNames: (processed.tools ?? []).map((t) => t.function.name),
    mockSearch: (processed.tools ?? []).some((t) => t.function.name === MOCK_SEARCH_NAME) &&
      tools.mock,
  };
}

function localEffort(effort: string): string | null {
  if (effort === "minimal") return "low";
  if (effort === "xhigh") return "high";
  return effort === "low" || effort === "medium" || effort === "high" ? effort : null;
}

// ---------------------------------------------------------------------------------------------
// Items

interface AssistantDraft {
  text: string[];
  reasoning: string[];
  calls: ChatToolCall[];
}

function translateItems(
  items: readonly AnyItem[],
  findItem: ((id: string) => AnyItem | undefined) | undefined,
): ChatMessage[] {
  const out: ChatMessage[] = [];
  let draft: AssistantDraft | null = null;
  let images: ChatContentPart[] = [];
  const flushAssistant = () => {
    if (!draft) return;
    const d: AssistantDraft = draft;
    draft = null;
    if (d.text.length === 0 && d.calls.length === 0) return;
    const msg: ChatMessage = { role: "assistant", content: d.text.length ? d.text.join("") : null };
    if (d.calls.length) msg.tool_calls = d.calls;
    if (d.reasoning.length) msg.reasoning = d.reasoning.join("\n\n");
    out.push(msg);
  };
  const flushImages = () => {
    if (images.length === 0) return;
    out.push({
      role: "user",
      content: [{ type: "text", text: "Images returned by the tool calls above:" }, ...images],
    });
    images = [];
  };
  const assistant = (): AssistantDraft => (draft ??= { text: [], reasoning: [], calls: [] });

  items.forEach((original, i) => {
    let item = original as Record<string, unknown>;
    if (item.type === "item_reference") {
      const id = typeof item.id === "string" ? item.id : "";
      const found = findItem?.(id);
      if (!found) {
        throw invalidRequest(`item_reference "${id}" was not found in the store`, "input");
      }
      item = found as Record<string, unknown>;
    }
    const type = item.type as string;
    if (SKIPPED_ITEM_TYPES.has(type)) return;
    switch (type) {
      case "message": {
        const role = item.role;
        if (role === "assistant") {
          const text = messageContent(item.content, "assistant", i);
          if (typeof text === "string" && text !== "") assistant().text.push(text);
          return;
        }
        if (role !== "user" && role !== "system" && role !== "developer") {
          throw invalidRequest(
            `\`input[${i}].role\` "${
              String(role)
            }" is not supported (use user, assistant, system or developer)`,
            "input",
          );
        }
        flushAssistant();
        flushImages();
        out.push({ role, content: messageContent(item.content, role, i) });
        return;
      }
      case "reasoning": {
        const text = reasoningText(item);
        if (text !== "") assistant().reasoning.push(text);
        return;
      }
      case "function_call":
      case "custom_tool_call": {
        const name = item.name;
        if (typeof name !== "string" || name === "") {
          throw invalidRequest(`\`input[${i}]\` (${type}) is missing \`name\``, "input");
        }
        const callId = typeof item.call_id === "string" && item.call_id !== ""
          ? item.call_id
          : `call_${i}`;
        const args = type === "function_call"
          ? (typeof item.arguments === "string" && item.arguments !== "" ? item.arguments : "{}")
          : customInputToArguments(typeof item.input === "string" ? item.input : "");
        assistant().calls.push({
          id: callId,
          type: "function",
          function: { name, arguments: args },
        });
        return;
      }
      case "function_call_output":
      case "custom_tool_call_output": {
        flushAssistant();
        const callId = typeof item.call_id === "string" ? item.call_id : "";
        const { text, imageParts } = toolOutput(item.output);
        images.push(...imageParts);
        const note = imageParts.length
          ? `[${imageParts.length} image(s) returned; they follow in the next user message]`
          : "";
        out.push({
          role: "tool",
          tool_call_id: callId,
          content: [text, note].filter((s) => s !== "").join("\n"),
        });
        return;
      }
      default:
        throw invalidRequest(
          `\`input[${i}]\` has type "${type}", which the compat server cannot translate`,
          "input",
        );
    }
  });
  flushAssistant();
  flushImages();
  return out;
}

function imagePart(part: Record<string, unknown>, where: string): ChatContentPart {
  const raw = part.image_url;
  const url = typeof raw === "string"
    ? raw
    : isObject(raw) && typeof raw.url === "string"
    ? raw.url
    : "";
  if (url === "") {
    throw invalidRequest(
      `${where}: input_image needs an \`image_url\` (an http(s) or data: URL); file ids are not supported`,
      "input",
    );
  }
  const detail = part.detail;
  return detail === "low" || detail === "high" || detail === "auto"
    ? { type: "image_url", image_url: { url, detail } }
    : { type: "image_url", image_url: { url } };
}

function messageContent(
  content: unknown,
  role: "user" | "system" | "developer" | "assistant",
  index: number,
): string | ChatContentPart[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) {
    throw invalidRequest(
      `\`input[${index}].content\` must be a string or a list of parts`,
      "input",
    );
  }
  const parts: ChatContentPart[] = [];
  let hasImage = false;
  for (const part of content) {
    if (!isObject(part) || typeof part.type !== "string") {
      throw invalidRequest(
        `\`input[${index}].content\` parts must be objects with a type`,
        "input",
      );
    }
    if (TEXT_PART_TYPES.has(part.type) && typeof part.text === "string") {
      parts.push({ type: "text", text: part.text });
    } else if (part.type === "refusal" && typeof part.refusal === "string") {
      parts.push({ type: "text", text: part.refusal });
    } else if (part.type === "input_image") {
      if (role !== "user") {
        throw invalidRequest(
          `\`input[${index}]\`: images are only supported in user messages, not ${role}`,
          "input",
        );
      }
      parts.push(imagePart(part, `\`input[${index}]\``));
      hasImage = true;
    } else {
      throw invalidRequest(
        `\`input[${index}]\`: content part type "${part.type}" is not supported by the compat server`,
        "input",
      );
    }
  }
  if (hasImage) return parts;
  const sep = role === "assistant" ? "" : "\n\n";
  return parts.map((p) => (p.type === "text" ? p.text : "")).join(sep);
}

function reasoningText(item: Record<string, unknown>): string {
  if (Array.isArray(item.content)) {
    const text = item.content
      .filter((p): p is Record<string, unknown> => isObject(p) && typeof p.text === "string")
      .map((p) => p.text as string)
      .join("");
    if (text !== "") return text;
  }
  const carried = decodeReasoning(item.encrypted_content);
  if (carried !== null) return carried;
  if (Array.isArray(item.summary)) {
    return item.summary
      .filter((p): p is Record<string, unknown> => isObject(p) && typeof p.text === "string")
      .map((p) => p.text as string)
      .join("\n\n");
  }
  return "";
}

function toolOutput(output: unknown): { text: string; imageParts: ChatContentPart[] } {
  if (typeof output === "string") return { text: output, imageParts: [] };
  if (!Array.isArray(output)) return { text: JSON.stringify(output ?? ""), imageParts: [] };
  const texts: string[] = [];
  const imageParts: ChatContentPart[] = [];
  for (const part of output) {
    if (!isObject(part)) continue;
    if (typeof part.text === "string") texts.push(part.text);
    else if (part.type === "input_image") imageParts.push(imagePart(part, "tool output"));
  }
  return { text: texts.join("\n"), imageParts };
}

/**
 * Makes tool messages follow their calls: a call without an output gets a placeholder tool
 * message, an output without its call becomes a user message.
 */
function pairToolCalls(messages: ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  let open: string[] = [];
  let orphans: ChatMessage[] = [];
  const closeRun = () => {
    for (const id of open) {
      out.push({
        role: "tool",
        tool_call_id: id,
        content: "(no output was recorded for this call)",
      });
    }
    open = [];
    out.push(...orphans);
    orphans = [];
  };
  for (const m of messages) {
    if (m.role === "tool") {
      const at = open.indexOf(m.tool_call_id ?? "");
      if (at >= 0) {
        open.splice(at, 1);
        out.push(m);
      } else {
        // Kept until the run of tool messages ends, so the run stays unbroken.
        orphans.push({
          role: "user",
          content: `Output of tool call ${m.tool_call_id ?? "(unknown)"}:\n${
            String(m.content ?? "")
          }`,
        });
      }
      continue;
    }
    closeRun();
    if (m.role === "assistant" && m.tool_calls) open = m.tool_calls.map((c) => c.id);
    out.push(m);
  }
  closeRun();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tools

interface TranslatedTools {
  list: ChatFunctionTool[];
  custom: Set<string>;
  /** Whether `web_search` became the mock. */
  mock: boolean;
}

function translateTools(
  tools: Record<string, unknown>[],
  webSearch: WebSearchMode,
): TranslatedTools {
  const list: ChatFunctionTool[] = [];
  const custom = new Set<string>();
  let wantsSearch = false;
  tools.forEach((tool, i) => {
    const type = tool.type;
    if (type === "function") {
      const name = tool.name;
      if (typeof name !== "string" || name === "") {
        throw invalidRequest(`\`tools[${i}]\` (function) is missing \`name\``, "tools");
      }
      const fn: ChatFunctionTool["function"] = {
        name,
        parameters: isObject(tool.parameters)
          ? tool.parameters
          : { type: "object", properties: {} },
      };
      if (typeof tool.description === "string") fn.description = tool.description;
      if (typeof tool.strict === "boolean") fn.strict = tool.strict;
      list.push({ type: "function", function: fn });
    } else if (type === "custom") {
      if (typeof tool.name !== "string" || tool.name === "") {
        throw invalidRequest(`\`tools[${i}]\` (custom) is missing \`name\``, "tools");
      }
      list.push(customToolToFunction(tool as unknown as CustomToolDefinition));
      custom.add(tool.name);
    } else if (typeof type === "string" && WEB_SEARCH_TOOL_TYPES.has(type)) {
      wantsSearch = true;
    }
    // Other hosted tools (tool_search, file_search, image_generation, ...) cannot be called
    // through Chat Completions and are left out.
  });
  const mock = wantsSearch && webSearch === "mock" &&
    !list.some((t) => t.function.name === MOCK_SEARCH_NAME);
  if (mock) list.push(mockSearchTool());
  return { list, custom, mock };
}

function translateToolChoice(
  choice: unknown,
  tools: TranslatedTools,
  webSearch: WebSearchMode,
): { choice?: ChatToolChoice; allowed?: Set<string> } {
  if (choice === null || choice === undefined) return {};
  if (choice === "auto" || choice === "none" || choice === "required") return { choice };
  if (!isObject(choice) || typeof choice.type !== "string") {
    throw invalidRequest(
      "`tool_choice` must be auto, none, required or an object with a type",
      "tool_choice",
    );
  }
  const names = new Set(tools.list.map((t) => t.function.name));
  const named = (type: string, name: unknown): string | null => {
    if (WEB_SEARCH_TOOL_TYPES.has(type)) return webSearch === "mock" ? MOCK_SEARCH_NAME : null;
    if (type !== "function" && type !== "custom") {
      throw invalidRequest(`tool_choice type "${type}" is not supported`, "tool_choice");
    }
    if (typeof name !== "string" || !names.has(name)) {
      throw invalidRequest(
        `tool_choice names "${String(name)}", which is not among the tools`,
        "tool_choice",
      );
    }
    return name;
  };
  if (choice.type === "allowed_tools") {
    const listed = Array.isArray(choice.tools) ? choice.tools.filter(isObject) : [];
    const allowed = new Set<string>();
    for (const t of listed) {
      const name = named(String(t.type), t.name);
      if (name) allowed.add(name);
    }
    return { choice: choice.mode === "required" ? "required" : "auto", allowed };
  }
  const name = named(choice.type, choice.name);
  if (name === null || !names.has(name)) return { choice: "auto" };
  return { choice: { type: "function", function: { name } } };
}

function translateTextFormat(format: Record<string, unknown> | null): ChatResponseFormat | null {
  if (format === null || format.type === "text") return null;
  if (format.type === "json_object") return { type: "json_object" };
  if (format.type === "json_schema") {
    const schema: ChatResponseFormat & { type: "json_schema" } = {
      type: "json_schema",
      json_schema: { name: typeof format.name === "string" ? format.name : "response" },
    };
    if (isObject(format.schema)) schema.json_schema.schema = format.schema;
    if (typeof format.strict === "boolean") schema.json_schema.strict = format.strict;
    if (typeof format.description === "string") {
      schema.json_schema.description = format.description;
    }
    return schema;
  }
  throw invalidRequest(
    `text.format type "${
      String(format.type)
    }" is not supported (use text, json_object or json_schema)`,
    "text.format",
  );
}
