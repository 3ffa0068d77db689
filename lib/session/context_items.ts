/**
 * Telling the kinds of history items apart: the initial context at the head of a history
 * (developer messages, the AGENTS.md / `<environment_context>` user message) versus what the
 * user really typed, and tool calls versus their outputs.
 *
 * @module
 */

import type { AnyItem, MessageItem } from "../protocol/items.ts";

/** Prefixes of user-role messages the harness writes (not typed by the user). */
const HARNESS_PREFIXES = [
  "# AGENTS.md instructions for ",
  "<environment_context>",
  "<user_instructions>",
  "<skills_instructions>",
  "<turn_aborted>",
  "<subagent_notification>",
];

/** The item as a message, or `null`. */
export function asMessage(item: AnyItem): MessageItem | null {
  return item.type === "message" && Array.isArray((item as MessageItem).content)
    ? item as MessageItem
    : null;
}

/** The text parts of a message, joined by newlines. */
export function messageTextOf(item: MessageItem): string {
  return item.content.map((p) => ("text" in p ? p.text : "")).filter(Boolean).join("\n");
}

/** True for a user message the harness wrote (AGENTS.md, environment context...). */
export function isHarnessUserMessage(item: AnyItem): boolean {
  const m = asMessage(item);
  if (!m || m.role !== "user") return false;
  const texts = m.content.filter((p) => p.type === "input_text") as { text: string }[];
  return texts.length > 0 && texts.every((p) => HARNESS_PREFIXES.some((x) => p.text.startsWith(x)));
}

/** True for a message the user typed (user role, not written by the harness). */
export function isTypedUserMessage(item: AnyItem): boolean {
  const m = asMessage(item);
  return m !== null && m.role === "user" && !isHarnessUserMessage(item);
}

/**
 * The number of leading items that form the initial context: developer/system messages and
 * harness user messages before the first typed user message or model output.
 */
export function initialContextLength(history: AnyItem[]): number {
  let i = 0;
  while (i < history.length) {
    const m = asMessage(history[i]);
    if (!m) break;
    if (m.role === "developer" || m.role === "system" || isHarnessUserMessage(m)) i++;
    else break;
  }
  return i;
}

/** Output item type answering a call item type, or `undefined` for non-calls. */
export const OUTPUT_FOR_CALL: Record<string, string> = {
  function_call: "function_call_output",
  custom_tool_call: "custom_tool_call_output",
};

/** True for tool outputs we pair with calls. */
export function isCallOutput(item: AnyItem): boolean {
  return item.type === "function_call_output" || item.type === "custom_tool_call_output";
}
