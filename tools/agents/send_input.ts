/**
 * `send_input`: gives an open sub-agent more input, queued behind its current work or (with
 * `interrupt`) replacing it. Returns `{"submission_id"}`.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import type { FunctionTool } from "../define.ts";
import {
  agentTool,
  composeInput,
  controlOf,
  emitCollab,
  inputItemSchema,
  promptText,
} from "./common.ts";
import { SEND_INPUT_PARAMETERS } from "./schemas.ts";

const schema = z.object({
  target: z.string(),
  message: z.string().optional(),
  items: z.array(inputItemSchema).optional(),
  interrupt: z.boolean().optional(),
});

/** Creates the `send_input` tool. */
export function createSendInputTool(): FunctionTool {
  return agentTool({
    name: "send_input",
    description:
      "Send more input to a sub-agent you spawned. Without interrupt it is handled after the " +
      "agent's current work; with interrupt=true the current work stops and this input is " +
      "handled now. Reuse an agent this way when the new task builds on what it already knows.",
    parameters: SEND_INPUT_PARAMETERS,
    schema,
    handler(args, ctx) {
      const control = controlOf(ctx);
      const input = composeInput(args.message, args.items);
      const prompt = args.message ?? promptText(input);
      const receivers = [args.target];
      emitCollab(ctx, "begin", { tool: "send_input", receivers, prompt });
      const before = control.status(args.target);
      try {
        const out = control.sendInput(
          { threadId: ctx.threadId, turnId: ctx.turnId },
          args.target,
          input,
          args.interrupt ?? false,
        );
        emitCollab(ctx, "end", {
          tool: "send_input",
          receivers,
          prompt,
          states: { [args.target]: before },
        });
        return JSON.stringify(out);
      } catch (err) {
        emitCollab(ctx, "end", {
          tool: "send_input",
          receivers,
          prompt,
          states: { [args.target]: "not_found" },
          status: "failed",
        });
        throw err;
      }
    },
  });
}
