/**
 * The `clock` namespace of code-mode models: `clock.sleep` is called directly by the model
 * (`{"type": "function_call", "namespace": "clock", "name": "sleep", ...}`), and scripts get
 * `tools.clock__curr_time()`, as upstream exposes them. `sleep` answers
 * `Wall time: <s.ssss> seconds\nSleep completed.`, or `Sleep interrupted by new input.` when a
 * message reaches the thread's inbox (another agent's message, a `notify`) while it sleeps.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import { defineTool, type FunctionTool, type ToolContext, ToolError } from "../define.ts";
import type { DeferredNamespace } from "../tool_search.ts";

/** Our description of the `clock` namespace. */
export const CLOCK_DESCRIPTION = "Telling the time and waiting.";

/** The longest sleep, in ms (12 hours, upstream's bound). */
export const MAX_SLEEP_MS = 43_200_000;

/** The `ctx.services` key of the thread's inbox (see `lib/agent/inbox.ts`). */
const INBOX_SERVICE = "inbox";

/** The part of a thread inbox that `sleep` listens to. */
interface InboxLike {
  onPost(listener: () => void): () => void;
}

function inboxOf(ctx: ToolContext): InboxLike | undefined {
  const inbox = ctx.services[INBOX_SERVICE] as Partial<InboxLike> | undefined;
  return typeof inbox?.onPost === "function" ? inbox as InboxLike : undefined;
}

const SLEEP_PARAMETERS = {
  type: "object",
  properties: {
    duration_ms: {
      type: "number",
      description: `How long to sleep, in milliseconds (1 to ${MAX_SLEEP_MS}).`,
    },
  },
  required: ["duration_ms"],
  additionalProperties: false,
};

/** Clock functions the tools use (tests pass their own). */
export interface ClockDeps {
  /** Milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
}

/** How an interrupted sleep ends: new input, or the turn being stopped. */
type SleepEnd = "completed" | "input" | "aborted";

/** Creates `clock.sleep`. */
export function createSleepTool(deps: ClockDeps = {}): FunctionTool {
  const now = deps.now ?? Date.now;
  const tool = defineTool({
    name: "sleep",
    description: "Wait for a while without doing anything, then report the wall time that " +
      "passed. The sleep ends early when new input (such as a message from another agent) " +
      "arrives or the turn is interrupted.",
    parameters: z.object({ duration_ms: z.number() }),
    handler: async ({ duration_ms }, ctx) => {
      if (!Number.isInteger(duration_ms)) {
        throw new ToolError("duration_ms must be a whole number of milliseconds");
      }
      if (duration_ms < 1 || duration_ms > MAX_SLEEP_MS) {
        throw new ToolError(`duration_ms must be between 1 and ${MAX_SLEEP_MS}`);
      }
      const started = now();
      const end = await new Promise<SleepEnd>((resolve) => {
        let stop = () => {};
        const finish = (how: SleepEnd) => {
          stop();
          resolve(how);
        };
        if (ctx.signal.aborted) return resolve("aborted");
        const timer = setTimeout(() => finish("completed"), duration_ms);
        const onAbort = () => finish("aborted");
        ctx.signal.addEventListener("abort", onAbort, { once: true });
        const unsubscribe = inboxOf(ctx)?.onPost(() => finish("input")) ?? (() => {});
        stop = () => {
          clearTimeout(timer);
          ctx.signal.removeEventListener("abort", onAbort);
          unsubscribe();
        };
      });
      const seconds = ((now() - started) / 1000).toFixed(4);
      const tail = end === "completed"
        ? "Sleep completed."
        : end === "input"
        ? "Sleep interrupted by new input."
        : "Sleep interrupted.";
      return `Wall time: ${seconds} seconds\n${tail}`;
    },
  });
  return { ...tool, parameters: SLEEP_PARAMETERS };
}

/** `2026-11-25 04:30:13 UTC`. */
export function utcStamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * Creates `clock__curr_time`, the script-only tool (`tools.clock__curr_time()`), which returns
 * `{"current_time": "YYYY-MM-DD HH:MM:SS UTC"}`.
 */
export function createCurrTimeTool(deps: ClockDeps = {}): FunctionTool {
  const now = deps.now ?? Date.now;
  return defineTool({
    name: "clock__curr_time",
    description: "The current time in UTC.",
    parameters: z.object({}),
    handler: () => JSON.stringify({ current_time: utcStamp(now()) }),
  });
}

/** The `clock` namespace as the `additional_tools` item announces it. */
export function clockNamespace(deps: ClockDeps = {}): DeferredNamespace {
  return { name: "clock", description: CLOCK_DESCRIPTION, tools: [createSleepTool(deps)] };
}
