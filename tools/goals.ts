/**
 * Goal tools: `get_goal`, `create_goal` and `update_goal`. A thread has at most one goal: an
 * objective the model pursues across turns, an optional token budget and a status. Goals live
 * in a {@linkcode GoalStore} keyed by thread id, passed to {@linkcode createGoalTools}.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import { defineTool, type FunctionTool, ToolError } from "./define.ts";

/** Where a goal stands. New goals are `active`; `update_goal` sets the others. */
export type GoalStatus = "active" | "complete" | "blocked" | "paused";

/** A thread's goal. */
export interface Goal {
  objective: string;
  status: GoalStatus;
  /** Tokens the model may spend on the goal, when it set a budget. */
  token_budget?: number;
}

/** Holds one goal per thread. */
export interface GoalStore {
  /** The goal of `threadId`, if any. */
  get(threadId: string): Goal | undefined;
  /** Replaces the goal of `threadId`. */
  set(threadId: string, goal: Goal): void;
}

/** A {@linkcode GoalStore} in memory. */
export class MemoryGoalStore implements GoalStore {
  #goals = new Map<string, Goal>();

  /** The goal of `threadId`, if any (a copy). */
  get(threadId: string): Goal | undefined {
    const goal = this.#goals.get(threadId);
    return goal === undefined ? undefined : { ...goal };
  }

  /** Replaces the goal of `threadId` (stores a copy). */
  set(threadId: string, goal: Goal): void {
    this.#goals.set(threadId, { ...goal });
  }
}

const GET_DESCRIPTION =
  `Returns this thread's goal (objective, status, token budget), or null when there is none.`;

const CREATE_DESCRIPTION =
  `Sets a goal for this thread: the objective you will keep working toward across turns, and optionally a token budget.
Fails while another goal is still active; finish, pause or block that one first with update_goal.`;

const UPDATE_DESCRIPTION =
  `Changes the status of this thread's goal: complete when the objective is met,
blocked when you cannot continue without the user, paused to set it aside.`;

function goalJson(goal: Goal | undefined): string {
  if (goal === undefined) return JSON.stringify({ goal: null });
  const out: Goal = { objective: goal.objective, status: goal.status };
  if (goal.token_budget !== undefined) out.token_budget = goal.token_budget;
  return JSON.stringify({ goal: out });
}

/**
 * Creates `get_goal`, `create_goal` and `update_goal`, in that order, sharing `store`
 * (a fresh {@linkcode MemoryGoalStore} by default). Each answers `{"goal": {...}}` (JSON).
 *
 * @example
 * ```ts
 * import { createGoalTools, MemoryGoalStore } from "./goals.ts";
 * const [getGoal, createGoal, updateGoal] = createGoalTools(new MemoryGoalStore());
 * ```
 */
export function createGoalTools(store: GoalStore = new MemoryGoalStore()): FunctionTool[] {
  const getGoal = defineTool({
    name: "get_goal",
    description: GET_DESCRIPTION,
    parameters: z.strictObject({}),
    parallel: true,
    handler: (_args, ctx) => goalJson(store.get(ctx.threadId)),
  });

  const createGoal = defineTool({
    name: "create_goal",
    description: CREATE_DESCRIPTION,
    parameters: z.strictObject({
      objective: z.string(),
      token_budget: z.number().int().optional(),
    }),
    handler: ({ objective, token_budget }, ctx) => {
      const text = objective.trim();
      if (text === "") throw new ToolError("create_goal: `objective` must not be empty");
      if (token_budget !== undefined && token_budget <= 0) {
        throw new ToolError(
          "create_goal: `token_budget` must be a positive number of tokens; omit it for no budget",
        );
      }
      const current = store.get(ctx.threadId);
      if (current?.status === "active") {
        throw new ToolError(
          "create_goal: this thread already has an active goal " +
            `(${JSON.stringify(current.objective)}); mark it complete, blocked or paused ` +
            "with update_goal before creating another",
        );
      }
      const goal: Goal = { objective: text, status: "active" };
      if (token_budget !== undefined) goal.token_budget = token_budget;
      store.set(ctx.threadId, goal);
      return goalJson(goal);
    },
  });

  const updateGoal = defineTool({
    name: "update_goal",
    description: UPDATE_DESCRIPTION,
    parameters: z.strictObject({ status: z.enum(["complete", "blocked", "paused"]) }),
    handler: ({ status }, ctx) => {
      const current = store.get(ctx.threadId);
      if (current === undefined) {
        throw new ToolError("update_goal: this thread has no goal; create one with create_goal");
      }
      const goal: Goal = { ...current, status };
      store.set(ctx.threadId, goal);
      return goalJson(goal);
    },
  });

  return [getGoal, createGoal, updateGoal];
}
