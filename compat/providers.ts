/**
 * Per-provider rules, all in one place: which reasoning field a backend accepts on replayed
 * assistant messages, how `max_output_tokens` is spelled, and the payload processor that reshapes
 * a canonical Chat Completions request for the backend's quirks.
 *
 * The canonical request (from `request_translation.ts`) uses role `developer` for instructions,
 * `reasoning` for replayed reasoning, `max_tokens`, and `null` content on tool-call-only assistant
 * messages. Processors never mutate their input.
 *
 * @module
 */

import type { ChatMessage, ChatRequest } from "./chat_types.ts";

/** Backends the compat server knows. */
export type ProviderName = "vllm" | "ollama" | "llamacpp" | "openai" | "stepfun";

/** All provider names, for argument validation. */
export const PROVIDER_NAMES: readonly ProviderName[] = [
  "vllm",
  "ollama",
  "llamacpp",
  "openai",
  "stepfun",
];

/** What the request translation needs to know about a provider. */
export interface ProviderProfile {
  /** The provider. */
  name: ProviderName;
  /** Assistant-message fields that carry replayed reasoning text (empty: not replayed). */
  reasoningFields: readonly ("reasoning" | "reasoning_content")[];
  /** How `max_output_tokens` is sent. */
  maxTokensField: "max_tokens" | "max_completion_tokens";
  /** Whether `reasoning.effort` is sent as `reasoning_effort`. */
  reasoningEffort: boolean;
  /** Whether OpenAI-only fields (`verbosity`, `prompt_cache_key`) are sent. */
  openAiFields: boolean;
}

const PROFILES: Record<ProviderName, ProviderProfile> = {
  vllm: {
    name: "vllm",
    reasoningFields: ["reasoning", "reasoning_content"],
    maxTokensField: "max_tokens",
    reasoningEffort: true,
    openAiFields: false,
  },
  ollama: {
    name: "ollama",
    reasoningFields: ["reasoning"],
    maxTokensField: "max_tokens",
    reasoningEffort: false,
    openAiFields: false,
  },
  llamacpp: {
    name: "llamacpp",
    reasoningFields: ["reasoning_content"],
    maxTokensField: "max_tokens",
    reasoningEffort: false,
    openAiFields: false,
  },
  openai: {
    name: "openai",
    reasoningFields: [],
    maxTokensField: "max_completion_tokens",
    reasoningEffort: true,
    openAiFields: true,
  },
  stepfun: {
    name: "stepfun",
    reasoningFields: ["reasoning"],
    maxTokensField: "max_tokens",
    reasoningEffort: false,
    openAiFields: false,
  },
};

/** True when `name` is a known provider. */
export function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}

/** The profile of `name` (`vllm` when absent). */
export function providerProfile(name: ProviderName = "vllm"): ProviderProfile {
  return PROFILES[name];
}

/**
 * Reshapes a canonical request for `provider`. Returns a new request; `chat` is not modified.
 *
 * - all: `reasoning` on assistant messages is renamed/duplicated into the provider's fields or
 *   dropped.
 * - every provider but `openai`: `developer` becomes `system`, leading system messages merge into
 *   one, consecutive user messages merge, `null` assistant content becomes `""` (many chat
 *   templates only render a leading system message, need alternating turns, or choke on `null`).
 * - `llamacpp`, `ollama`: no `strict` on tools; a named `tool_choice` becomes a tool list of that
 *   one tool (`required` for llama.cpp, which takes only string choices; dropped for Ollama,
 *   which ignores `tool_choice` and `parallel_tool_calls`).
 * - `stepfun`: the seed dropped developer messages (and with them the instructions); here they
 *   become system messages like for the other local providers.
 */
export function applyProviderRules(provider: ProviderName, chat: ChatRequest): ChatRequest {
  const profile = PROFILES[provider];
  let messages = chat.messages.map((m) => replayReasoning(m, profile));
  if (provider !== "openai") messages = localMessageRules(messages);
  const out: ChatRequest = { ...chat, messages };
  if (provider === "llamacpp" || provider === "ollama") restrictTools(out, provider);
  return out;
}

function replayReasoning(message: ChatMessage, profile: ProviderProfile): ChatMessage {
  if (message.reasoning === undefined) return message;
  const { reasoning, ...rest } = message;
  const out: ChatMessage = { ...rest };
  for (const field of profile.reasoningFields) out[field] = reasoning;
  return out;
}

function localMessageRules(messages: ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const original of messages) {
    let m = original;
    if (m.role === "developer") m = { ...m, role: "system" };
    if (m.role === "assistant" && m.content === null) m = { ...m, content: "" };
    const prev = out[out.length - 1];
    const leadingSystem = m.role === "system" && prev?.role === "system" &&
      out.every((x) => x.role === "system");
    if (prev && (leadingSystem || (m.role === "user" && prev.role === "user"))) {
      out[out.length - 1] = { ...prev, content: joinContent(prev.content, m.content) };
      continue;
    }
    out.push(m);
  }
  return out;
}

function joinContent(a: ChatMessage["content"], b: ChatMessage["content"]): ChatMessage["content"] {
  if (typeof a === "string" && typeof b === "string") return a === "" ? b : `${a}\n\n${b}`;
  const parts = (c: ChatMessage["content"]) =>
    typeof c === "string" ? (c === "" ? [] : [{ type: "text" as const, text: c }]) : (c ?? []);
  return [...parts(a), ...parts(b)];
}

function restrictTools(chat: ChatRequest, provider: "llamacpp" | "ollama"): void {
  if (chat.tools) {
    chat.tools = chat.tools.map((t) => {
      const { strict: _strict, ...fn } = t.function;
      return { type: "function", function: fn };
    });
  }
  const choice = chat.tool_choice;
  if (choice !== undefined && typeof choice === "object" && chat.tools) {
    const name = choice.function.name;
    chat.tools = chat.tools.filter((t) => t.function.name === name);
    chat.tool_choice = "required";
  }
  if (provider === "ollama") {
    if (chat.tool_choice === "none") delete chat.tools;
    delete chat.tool_choice;
    delete chat.parallel_tool_calls;
  }
}
