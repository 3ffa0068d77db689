/**
 * The custom-tool adapter: Responses `custom` (freeform) tools such as `apply_patch` become Chat
 * Completions function tools with one string argument `input`, and the backend's calls of those
 * functions become `custom_tool_call` items again.
 *
 * @module
 */

import applyPatchDescription from "./apply_patch_tool.txt" with { type: "text" };
import type { ChatFunctionTool } from "./chat_types.ts";

/** A Responses `custom` tool definition. */
export interface CustomToolDefinition {
  type: "custom";
  name: string;
  description?: string;
  format?: { type?: string; syntax?: string; definition?: string };
}

const ADAPTER_NOTE = "This tool takes free-form text. Call it with a JSON object whose only " +
  "property `input` holds that text as one string; the text is passed on unchanged.";

/** The chat function that stands in for the custom tool `tool`. */
export function customToolToFunction(tool: CustomToolDefinition): ChatFunctionTool {
  const sections: string[] = [];
  if (tool.name === "apply_patch") {
    // The client's own description says not to use JSON, which is wrong for the adapter.
    sections.push(applyPatchDescription.trim());
  } else {
    if (tool.description) sections.push(tool.description);
    sections.push(ADAPTER_NOTE);
  }
  const format = tool.format;
  if (format && format.type === "grammar" && format.definition) {
    const syntax = format.syntax ? `${format.syntax} ` : "";
    sections.push(`The input must match this ${syntax}grammar:\n${format.definition}`);
  }
  return {
    type: "function",
    function: {
      name: tool.name,
      description: sections.join("\n\n"),
      parameters: {
        type: "object",
        properties: {
          input: {
            type: "string",
            description: tool.name === "apply_patch"
              ? "The whole patch, from `*** Begin Patch` to `*** End Patch`."
              : "The free-form input, verbatim.",
          },
        },
        required: ["input"],
        additionalProperties: false,
      },
    },
  };
}

/** The compact JSON arguments that replay a custom tool call's `input` to the backend. */
export function customInputToArguments(input: string): string {
  return JSON.stringify({ input });
}

/**
 * The custom tool input carried by a backend's function arguments: the `input` string of the
 * JSON object, else its only string property, else the raw text (a model that skipped the JSON).
 */
export function customInputFromArguments(args: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return args;
  }
  if (typeof parsed === "string") return parsed;
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return args;
  const obj = parsed as Record<string, unknown>;
  if (typeof obj.input === "string") return obj.input;
  const strings = Object.values(obj).filter((v): v is string => typeof v === "string");
  return strings.length === 1 ? strings[0] : args;
}
