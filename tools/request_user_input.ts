/**
 * `request_user_input`: asks the person at the keyboard one or more multiple-choice questions.
 * Only Plan collaboration mode with an interactive session can ask; everywhere else the call
 * answers upstream's `request_user_input is unavailable in <Mode> mode`.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import { defineTool, type FunctionTool, ToolError } from "./define.ts";

const DESCRIPTION =
  `Asks the user one or more short multiple-choice questions and waits for the answers.
Only works in Plan mode; in other modes it returns an error, so decide yourself there.
Give each question a stable id, a short header, the question text and at least one option (label plus a one-line description).
The user may also answer in their own words.`;

const questionsParameters = z.strictObject({
  questions: z.array(
    z.strictObject({
      id: z.string(),
      header: z.string(),
      question: z.string(),
      options: z.array(z.strictObject({ label: z.string(), description: z.string() })),
    }),
  ),
});

/**
 * The display name of a collaboration mode as upstream prints it: `default` -> `Default`,
 * `plan` -> `Plan`, `pair_programming` -> `Pair Programming`.
 */
export function modeDisplayName(mode: string): string {
  const words = mode.split(/[_\-\s]+/).filter((w) => w !== "");
  if (words.length === 0) return "Default";
  return words.map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()).join(" ");
}

/** Upstream's error text for a call outside Plan mode. */
export function unavailableMessage(mode: string): string {
  return `request_user_input is unavailable in ${modeDisplayName(mode)} mode`;
}

/** The error text when a question has no options. */
export const EMPTY_OPTIONS_MESSAGE =
  "request_user_input requires non-empty options for every question";

/** The error text when the person dismissed the questions. */
export const CANCELLED_MESSAGE = "request_user_input was cancelled before receiving a response";

/**
 * Creates the `request_user_input` tool. In Plan mode with `ctx.ui` it asks through
 * `ctx.ui.askUser` and answers compact JSON, `{"answers":{"<id>":{"answers":["..."]}}}`.
 * Without a UI, or in any other mode, it answers the unavailable error.
 *
 * @example
 * ```ts
 * import { createRequestUserInputTool } from "./request_user_input.ts";
 * const tool = createRequestUserInputTool();
 * ```
 */
export function createRequestUserInputTool(): FunctionTool {
  return defineTool({
    name: "request_user_input",
    description: DESCRIPTION,
    parameters: questionsParameters,
    handler: async ({ questions }, ctx) => {
      if (ctx.collaborationMode !== "plan" || ctx.ui === undefined) {
        throw new ToolError(unavailableMessage(ctx.collaborationMode));
      }
      if (questions.length === 0) {
        throw new ToolError("request_user_input requires at least one question");
      }
      if (questions.some((q) => q.options.length === 0)) throw new ToolError(EMPTY_OPTIONS_MESSAGE);
      const answers = await ctx.ui.askUser(questions);
      if (answers === null || ctx.signal.aborted) throw new ToolError(CANCELLED_MESSAGE);
      return { output: JSON.stringify({ answers }), success: true };
    },
  });
}
