/**
 * `request_user_input_async`: the model asks the user questions without waiting for answers.
 * Without a person to ask (`exec`), upstream accepts the questions and no answer ever comes:
 * the call answers `{"accepted":true}`. denocodex answers the same in interactive sessions too
 * (the questions are not shown; see `docs/code-mode.md`).
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import { defineTool, type FunctionTool, ToolError } from "../define.ts";

const PARAMETERS = {
  type: "object",
  properties: {
    questions: {
      type: "array",
      description: "The questions, in the order to show them; each one must make sense alone.",
      items: {
        type: "object",
        properties: {
          options: {
            type: "array",
            description: "Suggested answers, best first (the first one is preselected). The " +
              "user can always type a free answer instead, so do not add an 'Other' option. " +
              "Leave out for a free-text question.",
            items: { type: "string" },
            minItems: 1,
          },
          title: {
            type: "string",
            description: "The whole question as the user will read it, with the context needed " +
              "to answer it.",
          },
        },
        required: ["title"],
        additionalProperties: false,
      },
      minItems: 1,
    },
  },
  required: ["questions"],
  additionalProperties: false,
};

const args = z.object({
  questions: z.array(
    z.object({ options: z.array(z.string()).optional(), title: z.string() }),
  ),
});

/** Creates `request_user_input_async`. */
export function createRequestUserInputAsyncTool(): FunctionTool {
  const tool = defineTool({
    name: "request_user_input_async",
    description: "Ask the user questions while you keep working: the call returns at once and " +
      "does not end the turn; answers, if any, arrive later as a user message. Ask only for " +
      "information, preferences or decisions you cannot work out yourself, and keep each " +
      "question short and self-contained.",
    parameters: args,
    handler: ({ questions }) => {
      if (questions.length === 0) throw new ToolError("questions must not be empty");
      if (questions.some((q) => q.title.trim() === "")) {
        throw new ToolError("question titles must not be empty");
      }
      if (questions.some((q) => q.options && !q.options.some((o) => o.trim() !== ""))) {
        throw new ToolError("options must contain at least one non-empty answer");
      }
      return JSON.stringify({ accepted: true });
    },
  });
  return { ...tool, parameters: PARAMETERS };
}
