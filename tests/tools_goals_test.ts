import assert from "node:assert/strict";
import { sharedToolShapes, withoutDescriptions } from "./helpers.ts";
import { createGoalTools, MemoryGoalStore } from "../tools/goals.ts";
import { type ToolContext, toolSpec } from "../tools/define.ts";
import { makePolicy } from "../lib/sandbox/policy.ts";

function context(threadId = "thread_1"): ToolContext {
  return {
    cwd: "/",
    signal: new AbortController().signal,
    callId: "call_1",
    turnId: "turn_1",
    threadId,
    sandbox: makePolicy("read-only", "/"),
    approvalPolicy: "never",
    collaborationMode: "default",
    env: {},
    emit: () => {},
    services: {},
  };
}

/** upstream-codex-0.169/tool-shapes/gpt-5.5.json, entries `get_goal`, `create_goal`, `update_goal`. */
const FIXTURES = [
  {
    type: "function",
    name: "get_goal",
    strict: false,
    parameters: { type: "object", properties: {}, required: [], additionalProperties: false },
  },
  {
    type: "function",
    name: "create_goal",
    strict: false,
    parameters: {
      type: "object",
      properties: { objective: { type: "string" }, token_budget: { type: "integer" } },
      required: ["objective"],
      additionalProperties: false,
    },
  },
  {
    type: "function",
    name: "update_goal",
    strict: false,
    parameters: {
      type: "object",
      properties: { status: { type: "string", enum: ["complete", "blocked", "paused"] } },
      required: ["status"],
      additionalProperties: false,
    },
  },
];

Deno.test("goals: schemas equal upstream's shapes (descriptions excluded), in upstream order", () => {
  const specs = createGoalTools().map((t) => withoutDescriptions(toolSpec(t)));
  assert.equal(JSON.stringify(specs), JSON.stringify(FIXTURES));
});

const shared = sharedToolShapes();

Deno.test({
  name: "goals: embedded fixtures match the shared upstream capture",
  ignore: shared === undefined,
  fn: () => {
    const entries = ["get_goal", "create_goal", "update_goal"].map((n) =>
      shared!.find((t) => t.name === n)
    );
    assert.equal(JSON.stringify(entries), JSON.stringify(FIXTURES));
  },
});

Deno.test("goals: create, read and update a goal", async () => {
  const [getGoal, createGoal, updateGoal] = createGoalTools(new MemoryGoalStore());
  const ctx = context();
  assert.equal((await getGoal!.run("{}", ctx)).output, '{"goal":null}');
  const created = await createGoal!.run(
    JSON.stringify({ objective: "  Ship the parser  ", token_budget: 50000 }),
    ctx,
  );
  assert.notEqual(created.success, false);
  assert.equal(
    created.output,
    '{"goal":{"objective":"Ship the parser","status":"active","token_budget":50000}}',
  );
  assert.equal(
    (await getGoal!.run("", ctx)).output,
    '{"goal":{"objective":"Ship the parser","status":"active","token_budget":50000}}',
  );
  const updated = await updateGoal!.run(JSON.stringify({ status: "complete" }), ctx);
  assert.equal(
    updated.output,
    '{"goal":{"objective":"Ship the parser","status":"complete","token_budget":50000}}',
  );
  // A finished goal can be replaced; no budget is fine.
  const next = await createGoal!.run(JSON.stringify({ objective: "Write docs" }), ctx);
  assert.equal(next.output, '{"goal":{"objective":"Write docs","status":"active"}}');
});

Deno.test("goals: goals are per thread and the store is shared between the three tools", async () => {
  const store = new MemoryGoalStore();
  const [, createGoal] = createGoalTools(store);
  const [getGoal] = createGoalTools(store);
  await createGoal!.run(JSON.stringify({ objective: "A" }), context("t1"));
  assert.equal((await getGoal!.run("{}", context("t2"))).output, '{"goal":null}');
  assert.equal(
    (await getGoal!.run("{}", context("t1"))).output,
    '{"goal":{"objective":"A","status":"active"}}',
  );
  assert.deepEqual(store.get("t1"), { objective: "A", status: "active" });
});

Deno.test("goals: error paths", async () => {
  const [getGoal, createGoal, updateGoal] = createGoalTools();
  const ctx = context();
  const noGoal = await updateGoal!.run(JSON.stringify({ status: "paused" }), ctx);
  assert.equal(noGoal.success, false);
  assert.match(String(noGoal.output), /no goal; create one with create_goal/);

  const empty = await createGoal!.run(JSON.stringify({ objective: " " }), ctx);
  assert.equal(empty.success, false);
  assert.match(String(empty.output), /`objective` must not be empty/);

  const badBudget = await createGoal!.run(JSON.stringify({ objective: "x", token_budget: 0 }), ctx);
  assert.equal(badBudget.success, false);
  assert.match(String(badBudget.output), /`token_budget` must be a positive/);

  const fractional = await createGoal!.run(
    JSON.stringify({ objective: "x", token_budget: 1.5 }),
    ctx,
  );
  assert.equal(fractional.success, false);
  assert.match(String(fractional.output), /token_budget/);

  await createGoal!.run(JSON.stringify({ objective: "first" }), ctx);
  const second = await createGoal!.run(JSON.stringify({ objective: "second" }), ctx);
  assert.equal(second.success, false);
  assert.match(String(second.output), /already has an active goal \("first"\)/);

  const badStatus = await updateGoal!.run(JSON.stringify({ status: "active" }), ctx);
  assert.equal(badStatus.success, false);
  assert.match(String(badStatus.output), /status/);

  const extra = await getGoal!.run(JSON.stringify({ id: 1 }), ctx);
  assert.equal(extra.success, false);
  assert.equal(
    (await getGoal!.run("{}", ctx)).output,
    '{"goal":{"objective":"first","status":"active"}}',
  );
});
