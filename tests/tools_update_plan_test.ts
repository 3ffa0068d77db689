import assert from "node:assert/strict";
import { sharedToolShapes, withoutDescriptions } from "./helpers.ts";
import { createUpdatePlanTool, PLAN_UPDATED } from "../tools/update_plan.ts";
import { type ToolContext, toolSpec } from "../tools/define.ts";
import type { ToolActivityEvent } from "../lib/protocol/events.ts";
import { makePolicy } from "../lib/sandbox/policy.ts";

function context(events: ToolActivityEvent[]): ToolContext {
  return {
    cwd: "/",
    signal: new AbortController().signal,
    callId: "call_1",
    turnId: "turn_1",
    threadId: "thread_1",
    sandbox: makePolicy("read-only", "/"),
    approvalPolicy: "never",
    collaborationMode: "default",
    env: {},
    emit: (e) => events.push(e),
    services: {},
  };
}

/** Drops string `description` keys (tool and property descriptions), keeping properties named so. */

/** upstream-codex-0.169/tool-shapes/gpt-5.5-with-update-plan.json, entry `update_plan`. */
const FIXTURE = {
  type: "function",
  name: "update_plan",
  strict: false,
  parameters: {
    type: "object",
    properties: {
      explanation: { type: "string" },
      plan: {
        type: "array",
        items: {
          type: "object",
          properties: {
            status: { type: "string", enum: ["pending", "in_progress", "completed"] },
            step: { type: "string" },
          },
          required: ["step", "status"],
          additionalProperties: false,
        },
      },
    },
    required: ["plan"],
    additionalProperties: false,
  },
};

Deno.test("update_plan: schema equals upstream's shape (descriptions excluded), key order too", () => {
  const spec = withoutDescriptions(toolSpec(createUpdatePlanTool()));
  assert.deepEqual(spec, FIXTURE);
  assert.equal(JSON.stringify(spec), JSON.stringify(FIXTURE));
});

const sharedFixture = sharedToolShapes("gpt-5.5-with-update-plan.json");

Deno.test({
  name: "update_plan: embedded fixture matches the shared upstream capture",
  ignore: sharedFixture === undefined,
  fn: () => {
    const entry = sharedFixture!.find((t) => t.name === "update_plan");
    assert.equal(JSON.stringify(entry), JSON.stringify(FIXTURE));
  },
});

Deno.test("update_plan: a valid plan emits plan_update and answers `Plan updated`", async () => {
  const events: ToolActivityEvent[] = [];
  const tool = createUpdatePlanTool();
  const plan = [
    { step: "Read the code", status: "completed" },
    { step: "Fix the bug", status: "in_progress" },
    { step: "Run the tests", status: "pending" },
  ];
  const res = await tool.run(JSON.stringify({ explanation: "Starting", plan }), context(events));
  assert.equal(res.output, PLAN_UPDATED);
  assert.equal(res.output, "Plan updated");
  assert.notEqual(res.success, false);
  assert.deepEqual(events, [{ type: "plan_update", explanation: "Starting", plan }]);
});

Deno.test("update_plan: explanation is optional and absent from the event", async () => {
  const events: ToolActivityEvent[] = [];
  const res = await createUpdatePlanTool().run(
    JSON.stringify({ plan: [{ step: "Only step", status: "pending" }] }),
    context(events),
  );
  assert.equal(res.output, "Plan updated");
  assert.deepEqual(events, [{
    type: "plan_update",
    plan: [{ step: "Only step", status: "pending" }],
  }]);
  assert.equal("explanation" in events[0]!, false);
});

Deno.test("update_plan: two in_progress steps are refused with a clear error and no event", async () => {
  const events: ToolActivityEvent[] = [];
  const res = await createUpdatePlanTool().run(
    JSON.stringify({
      plan: [{ step: "a", status: "in_progress" }, { step: "b", status: "in_progress" }],
    }),
    context(events),
  );
  assert.equal(res.success, false);
  assert.match(String(res.output), /at most one step can be in_progress, got 2 \("a", "b"\)/);
  assert.deepEqual(events, []);
});

Deno.test("update_plan: bad status, missing plan, blank step and bad JSON are model-visible errors", async () => {
  const events: ToolActivityEvent[] = [];
  const tool = createUpdatePlanTool();
  const badStatus = await tool.run(
    JSON.stringify({ plan: [{ step: "a", status: "done" }] }),
    context(events),
  );
  assert.equal(badStatus.success, false);
  assert.match(String(badStatus.output), /update_plan: plan\.0\.status/);

  const missing = await tool.run(JSON.stringify({ explanation: "x" }), context(events));
  assert.equal(missing.success, false);
  assert.match(String(missing.output), /plan/);

  const blank = await tool.run(
    JSON.stringify({ plan: [{ step: "  ", status: "pending" }] }),
    context(events),
  );
  assert.equal(blank.success, false);
  assert.match(String(blank.output), /step 1 has no text/);

  const extra = await tool.run(
    JSON.stringify({ plan: [{ step: "a", status: "pending", note: 1 }] }),
    context(events),
  );
  assert.equal(extra.success, false);

  const notJson = await tool.run("{plan:", context(events));
  assert.equal(notJson.success, false);
  assert.match(String(notJson.output), /^failed to parse function arguments for update_plan/);
  assert.deepEqual(events, []);
});

Deno.test("update_plan: runs serially (not parallel)", () => {
  assert.equal(createUpdatePlanTool().parallel, false);
});
