/**
 * `update_plan`: the model keeps a short, ordered checklist of its work. Each call replaces the
 * whole plan; renderers show it (and `exec --json` turns it into a `todo_list` item) through the
 * `plan_update` event.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import { defineTool, type FunctionTool, ToolError } from "./define.ts";
import type { PlanStep } from "../lib/protocol/events.ts";

const DESCRIPTION = `Records your plan for the current task as an ordered list of steps.
Each call replaces the previous plan: send every step, each with a status of pending, in_progress or completed.
Keep exactly one step in_progress while you work on it and mark steps completed as you finish them.
Use it for multi-step work; skip it for trivial one-step requests.`;

const planParameters = z.strictObject({
  explanation: z.string().optional(),
  plan: z.array(
    z.strictObject({
      step: z.string(),
      status: z.enum(["pending", "in_progress", "completed"]),
    }),
  ),
});

/** The text `update_plan` answers on success (upstream's). */
export const PLAN_UPDATED = "Plan updated";

/**
 * Checks a plan: every step needs text and at most one step may be `in_progress`.
 *
 * @param plan The steps as the model sent them.
 * @throws {ToolError} With a message the model can act on.
 */
export function validatePlan(plan: readonly PlanStep[]): void {
  const blank = plan.findIndex((s) => s.step.trim() === "");
  if (blank !== -1) {
    throw new ToolError(
      `update_plan: step ${blank + 1} has no text; give every step a short description`,
    );
  }
  const active = plan.filter((s) => s.status === "in_progress");
  if (active.length > 1) {
    const names = active.map((s) => JSON.stringify(s.step)).join(", ");
    throw new ToolError(
      `update_plan: at most one step can be in_progress, got ${active.length} (${names}); ` +
        "mark the others pending or completed and call update_plan again",
    );
  }
}

/**
 * Creates the `update_plan` tool. A valid call emits a `plan_update` event and answers
 * `Plan updated`; an invalid plan is rejected without emitting anything.
 *
 * @example
 * ```ts
 * import { createUpdatePlanTool } from "./update_plan.ts";
 * const tool = createUpdatePlanTool();
 * ```
 */
export function createUpdatePlanTool(): FunctionTool {
  return defineTool({
    name: "update_plan",
    description: DESCRIPTION,
    parameters: planParameters,
    handler: ({ explanation, plan }, ctx) => {
      validatePlan(plan);
      const steps = plan.map((s) => ({ step: s.step, status: s.status }));
      ctx.emit(
        explanation === undefined
          ? { type: "plan_update", plan: steps }
          : { type: "plan_update", explanation, plan: steps },
      );
      return PLAN_UPDATED;
    },
  });
}
