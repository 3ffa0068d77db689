/**
 * AgentControl on its own, with stand-in child threads whose turns the test finishes by hand:
 * states, limits, wait bounds, close/resume and the parent notifications.
 */
import assert from "node:assert/strict";
import {
  AgentControl,
  type ChildSpec,
  type ChildThread,
  type ChildTurnResult,
  forkableHistory,
} from "../lib/agent/agent_control.ts";
import type { AnyItem, ContentPart } from "../lib/protocol/items.ts";
import type { AgentEvent, EventSink } from "../lib/protocol/events.ts";

/** A child whose turns end when the test says so. */
class StubChild implements ChildThread {
  readonly history: AnyItem[] = [];
  listeners = new Set<EventSink>();
  turns: { input: ContentPart[] | string; finish(r: ChildTurnResult): void }[] = [];
  interrupts = 0;
  shutdowns = 0;
  constructor(readonly id: string, readonly spec: ChildSpec) {}
  run(input: string | ContentPart[]): Promise<ChildTurnResult> {
    return new Promise((resolve) => {
      this.turns.push({ input, finish: resolve });
      setTimeout(() => this.#emit({ type: "turn_started", turn_id: "t", input: [] }), 0);
    });
  }
  #emit(e: AgentEvent) {
    for (const l of this.listeners) l(e);
  }
  interrupt(): void {
    this.interrupts++;
  }
  shutdown(): Promise<void> {
    this.shutdowns++;
    for (const t of this.turns) t.finish({ status: "aborted", lastMessage: null });
    return Promise.resolve();
  }
  subscribe(l: EventSink): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

const ROOT = "01a21080-9d50-7a80-9e42-414e990c6330";
const caller = { threadId: ROOT, turnId: "01a21080-9df0-71f3-b327-eb82ab7ac001" };
const text = (t: string): ContentPart[] => [{ type: "input_text", text: t }];
const tick = () => new Promise((r) => setTimeout(r, 0));

function setup(maxThreads = 4, maxDepth = 1) {
  const children = new Map<string, StubChild>();
  const delivered: { to: string; text: string }[] = [];
  const control = new AgentControl({
    maxThreads,
    maxDepth,
    waitTimeout: { default: 40, min: 20, max: 100 },
    factory: (spec) => {
      const child = new StubChild(spec.agentId, spec);
      children.set(spec.agentId, child);
      control.attach(spec.agentId, {
        depth: spec.depth,
        deliver: (item) => delivered.push({ to: spec.agentId, text: JSON.stringify(item) }),
        history: () => child.history,
      });
      return Promise.resolve(child);
    },
  });
  const rootHistory: AnyItem[] = [
    { type: "message", role: "user", content: [{ type: "input_text", text: "go" }] },
    { type: "function_call", name: "spawn_agent", arguments: "{}", call_id: "c1" },
  ];
  control.attach(ROOT, {
    depth: 0,
    deliver: (item) => {
      const content = (item as { content: { text: string }[] }).content;
      delivered.push({ to: ROOT, text: content[0].text });
    },
    history: () => rootHistory,
  });
  return { control, children, delivered };
}

Deno.test("agent control: pending_init, running, completed, with one notification", async () => {
  const { control, children, delivered } = setup();
  const { agent_id, nickname } = await control.spawn(caller, { input: text("work") });
  assert.match(nickname, /^[A-Z]/);
  assert.equal(control.status(agent_id), "pending_init");
  await tick();
  assert.equal(control.status(agent_id), "running");
  const child = children.get(agent_id)!;
  assert.equal(child.spec.lineage.parentThreadId, ROOT);
  assert.equal(child.spec.lineage.sessionId, ROOT);
  assert.equal(child.spec.lineage.kind, "thread_spawn");
  assert.equal(child.spec.canSpawn, false);
  child.turns[0].finish({ status: "completed", lastMessage: "done" });
  await tick();
  assert.deepEqual(control.status(agent_id), { completed: "done" });
  assert.deepEqual(delivered, [{
    to: ROOT,
    text:
      `<subagent_notification>\n{"agent_path":"${agent_id}","status":{"completed":"done"}}\n</subagent_notification>`,
  }]);
  // A later turn (send_input) reports through wait only: the notification fired once.
  control.sendInput(caller, agent_id, text("more"));
  assert.equal(control.status(agent_id), "running");
  await tick();
  child.turns[1].finish({ status: "failed", lastMessage: null, error: "HTTP 400" });
  await tick();
  assert.deepEqual(control.status(agent_id), { errored: "HTTP 400" });
  assert.equal(delivered.length, 1);
  await control.shutdownAll();
});

Deno.test("agent control: thread and depth limits give clear errors", async () => {
  const { control, children } = setup(1, 1);
  const a = await control.spawn(caller, { input: text("one") });
  await assert.rejects(
    control.spawn(caller, { input: text("two") }),
    { message: "collab spawn failed: agent thread limit reached" },
  );
  // A child at max depth cannot spawn.
  await control.close(a.agent_id);
  const b = await control.spawn(caller, { input: text("three") });
  assert.equal(children.get(b.agent_id)!.spec.depth, 1);
  await assert.rejects(
    control.spawn({ threadId: b.agent_id, turnId: "t2" }, { input: text("deeper") }),
    { message: "collab spawn failed: agent depth limit reached" },
  );
  await control.shutdownAll();
});

Deno.test("agent control: wait validates ids, reports not_found, and times out within bounds", async () => {
  const { control } = setup();
  await assert.rejects(control.wait([], 1000), { message: "agent ids must be non-empty" });
  await assert.rejects(control.wait(["__A__"], 1000), {
    message: "invalid agent id __A__: Error(ParseChar { character: '_', index: 1 })",
  });
  const unknown = "01a21080-0000-7000-8000-000000000000";
  assert.deepEqual(await control.wait([unknown], 1), {
    status: { [unknown]: "not_found" },
    timed_out: false,
  });
  const { agent_id } = await control.spawn(caller, { input: text("slow") });
  // 1 ms is raised to the minimum; the agent is still running, so the wait times out.
  assert.deepEqual(await control.wait([agent_id], 1), { status: {}, timed_out: true });
  const aborted = new AbortController();
  const pending = control.wait([agent_id], 100_000, aborted.signal);
  aborted.abort();
  assert.deepEqual(await pending, { status: {}, timed_out: true });
  await control.shutdownAll();
});

Deno.test("agent control: close shuts the thread and its descendants; resume reopens it", async () => {
  const { control, children, delivered } = setup(4, 2);
  const a = await control.spawn(caller, { input: text("parent task") });
  await tick();
  const grandchild = await control.spawn({ threadId: a.agent_id, turnId: "ta" }, {
    input: text("child task"),
  });
  assert.equal(children.get(a.agent_id)!.spec.canSpawn, true);
  assert.equal(children.get(grandchild.agent_id)!.spec.lineage.rootTurnId, caller.turnId);
  assert.deepEqual(await control.close(a.agent_id), { previous_status: "running" });
  assert.equal(children.get(a.agent_id)!.shutdowns, 1);
  assert.equal(children.get(grandchild.agent_id)!.shutdowns, 1);
  assert.equal(control.status(a.agent_id), "not_found");
  assert.ok(delivered.some((d) => d.to === ROOT && d.text.includes('"status":"shutdown"')));
  await assert.rejects(control.close(a.agent_id), {
    message: `agent with id ${a.agent_id} not found`,
  });
  assert.throws(() => control.sendInput(caller, a.agent_id, text("x")), {
    message: `agent with id ${a.agent_id} not found`,
  });
  assert.deepEqual(await control.resume(caller, a.agent_id), { status: "pending_init" });
  const reopened = children.get(a.agent_id)!;
  assert.equal(reopened.spec.historyInitialization, "resumed");
  assert.equal(control.liveAgents().length, 1);
  await assert.rejects(
    control.resume(caller, "01a21080-0000-7000-8000-000000000000"),
    { message: "agent with id 01a21080-0000-7000-8000-000000000000 not found" },
  );
  control.sendInput(caller, a.agent_id, text("again"), true);
  assert.equal(reopened.interrupts, 1);
  await control.shutdownAll();
  assert.deepEqual(control.liveAgents(), []);
});

Deno.test("agent control: a fork copies the history the model has seen answered", async () => {
  const { control, children } = setup();
  const { agent_id } = await control.spawn(caller, { input: text("forked"), forkContext: true });
  const spec = children.get(agent_id)!.spec;
  assert.equal(spec.historyInitialization, "warm_fork");
  assert.deepEqual(spec.history?.map((i) => i.type), ["message"]);
  assert.deepEqual(forkableHistory([]), []);
  await control.shutdownAll();
});
