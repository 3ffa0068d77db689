/**
 * Collaboration v2 in {@linkcode AgentControl} with stand-in child threads: task paths,
 * `agent_message` items (NEW_TASK, MESSAGE, FINAL_ANSWER), the mailbox `wait`, follow-ups,
 * interrupts, listing, forks, upstream's error texts and the four agent slots.
 */
import assert from "node:assert/strict";
import {
  AgentControl,
  agentMessageText,
  type ChildSpec,
  type ChildThread,
  type ChildTurnResult,
  forkedHistory,
} from "../lib/agent/agent_control.ts";
import type { AnyItem, ContentPart } from "../lib/protocol/items.ts";
import type { AgentEvent, EventSink } from "../lib/protocol/events.ts";

/** A child whose turns end when the test says so; `runItems` takes agent messages. */
class TaskChild implements ChildThread {
  readonly history: AnyItem[] = [];
  inbox: AnyItem[] = [];
  listeners = new Set<EventSink>();
  turns: { items: AnyItem[]; finish(r: ChildTurnResult): void }[] = [];
  interrupts = 0;
  constructor(readonly id: string, readonly spec: ChildSpec) {}
  run(_input: string | ContentPart[]): Promise<ChildTurnResult> {
    throw new Error("v2 children start with runItems");
  }
  runItems(items: AnyItem[]): Promise<ChildTurnResult> {
    this.history.push(...items);
    return new Promise((resolve) => {
      this.turns.push({ items, finish: resolve });
      setTimeout(() => this.#emit({ type: "turn_started", turn_id: "t", input: [] }), 0);
    });
  }
  /** A sampling boundary: the inbox moves into the history. */
  boundary(): void {
    this.history.push(...this.inbox.splice(0));
  }
  #emit(e: AgentEvent) {
    for (const l of this.listeners) l(e);
  }
  interrupt(): void {
    this.interrupts++;
  }
  shutdown(): Promise<void> {
    for (const t of this.turns) t.finish({ status: "aborted", lastMessage: null });
    return Promise.resolve();
  }
  subscribe(l: EventSink): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

const ROOT = "01a21080-9d50-7a80-9e42-414e990c6330";
const root = { threadId: ROOT, turnId: "01a21080-9df0-71f3-b327-eb82ab7ac001" };
const tick = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const children = new Map<string, TaskChild>();
  const rootInbox: AnyItem[] = [];
  const rootHistory: AnyItem[] = [
    { type: "message", role: "user", content: [{ type: "input_text", text: "go" }] },
    { type: "function_call", name: "spawn_agent", arguments: "{}", call_id: "c1" },
  ];
  const control = new AgentControl({
    maxThreads: 6,
    maxDepth: 1,
    waitTimeout: { default: 40, min: 20, max: 100 },
    factory: (spec) => {
      const child = new TaskChild(spec.agentId, spec);
      children.set(spec.agentPath!, child);
      control.attach(spec.agentId, {
        depth: spec.depth,
        deliver: (item) => child.inbox.push(item),
        history: () => child.history,
      });
      return Promise.resolve(child);
    },
  });
  control.attach(ROOT, {
    depth: 0,
    deliver: (item) => rootInbox.push(item),
    history: () => rootHistory,
  });
  const drainRoot = () => rootHistory.push(...rootInbox.splice(0));
  return { control, children, rootInbox, rootHistory, drainRoot };
}

const spawn = (control: AgentControl, taskName: string, extra = {}) =>
  control.spawnTask(root, { taskName, message: `do ${taskName}`, forkTurns: "none", ...extra });

Deno.test("v2: spawn names the agent by path and starts it with a NEW_TASK agent message", async () => {
  const { control, children } = setup();
  assert.equal(control.pathOf(ROOT), "/root");
  assert.deepEqual(await spawn(control, "worker"), { task_name: "/root/worker" });
  const child = children.get("/root/worker")!;
  assert.equal(child.spec.agentPath, "/root/worker");
  assert.equal(child.spec.historyInitialization, "new");
  assert.equal(child.spec.lineage.parentThreadId, ROOT);
  const [task] = child.turns[0].items;
  assert.deepEqual(Object.keys(task), ["type", "id", "author", "recipient", "content"]);
  assert.deepEqual((task as { content: unknown }).content, [
    {
      type: "input_text",
      text: "Message Type: NEW_TASK\nTask name: /root/worker\nSender: /root\nPayload:\n",
    },
    { type: "encrypted_content", encrypted_content: "do worker" },
  ]);
  assert.equal(
    agentMessageText(task),
    "Message Type: NEW_TASK\nTask name: /root/worker\nSender: /root\nPayload:\ndo worker",
  );
  // A grandchild is named below its parent.
  const childCaller = { threadId: child.id, turnId: "x" };
  assert.deepEqual(
    await control.spawnTask(childCaller, { taskName: "sub", message: "m", forkTurns: "none" }),
    { task_name: "/root/worker/sub" },
  );
  await control.shutdownAll();
});

Deno.test("v2: upstream's spawn errors and the four agent slots", async () => {
  const { control } = setup();
  const err = async (req: Record<string, unknown>) => {
    try {
      await control.spawnTask(root, { taskName: "a", message: "m", ...req });
      return "no error";
    } catch (e) {
      return (e as Error).message;
    }
  };
  assert.equal(await err({ taskName: "" }), "agent_name must not be empty");
  assert.equal(
    await err({ taskName: "Bad-Name" }),
    "agent_name must use only lowercase letters, digits, and underscores",
  );
  assert.equal(await err({ forkTurns: "some" }), "fork_turns must be `none` or `all`");
  assert.equal(await err({ message: "" }), "Empty message can't be sent to an agent");
  await spawn(control, "a");
  assert.equal(await err({ forkTurns: "none" }), "agent path `/root/a` already exists");
  await spawn(control, "b");
  await spawn(control, "c");
  assert.equal(await err({ taskName: "d" }), "collab spawn failed: agent thread limit reached");
  await control.shutdownAll();
});

Deno.test("v2: a full fork copies the caller's history, answers open calls, adds the suffix", async () => {
  const { control, children, rootHistory } = setup();
  const suffix: AnyItem[] = [{ type: "message", role: "developer", content: [] }];
  await control.spawnTask(root, {
    taskName: "f",
    message: "m",
    forkSuffix: suffix,
    model: "ignored",
    reasoningEffort: "high",
  });
  const spec = children.get("/root/f")!.spec;
  assert.equal(spec.historyInitialization, "warm_fork");
  assert.equal(spec.model, undefined, "a full fork keeps the parent's model");
  assert.equal(spec.reasoningEffort, undefined);
  const history = spec.history!;
  assert.deepEqual(history.slice(0, 2), rootHistory);
  const answer = history[2] as Record<string, unknown>;
  assert.deepEqual([answer.type, answer.call_id, answer.output], [
    "function_call_output",
    "c1",
    "aborted",
  ]);
  assert.match(String(answer.id), /^fco_/);
  assert.equal(history[3], suffix[0]);
  assert.equal(forkedHistory(history.slice(0, 3)).length, 3, "answered calls stay as they are");
  await control.shutdownAll();
});

Deno.test("v2: final answers reach the parent; wait_agent waits for mail", async () => {
  const { control, children, rootInbox, drainRoot } = setup();
  await spawn(control, "w");
  const child = children.get("/root/w")!;
  // Nothing arrives: timed out, with upstream's note when the timeout was raised.
  assert.deepEqual(await control.waitMail(root, 1), {
    message: "Wait timed out.\n\nRequested timeout of 1ms was clamped to the minimum of 20ms.",
    timed_out: true,
  });
  await assert.rejects(
    () => control.waitMail(root, 101),
    /: timeout_ms must be at most 100$/,
  );
  const waiting = control.waitMail(root, 100);
  await tick();
  child.turns[0].finish({ status: "completed", lastMessage: "all done" });
  assert.deepEqual(await waiting, { message: "Wait completed.", timed_out: false });
  assert.equal(rootInbox.length, 1);
  assert.deepEqual(rootInbox[0], {
    type: "agent_message",
    id: (rootInbox[0] as { id: string }).id,
    author: "/root/w",
    recipient: "/root",
    content: [{
      type: "input_text",
      text: "Message Type: FINAL_ANSWER\nTask name: /root\nSender: /root/w\nPayload:\nall done",
    }],
  });
  assert.deepEqual(control.status(child.id), { completed: "all done" });
  drainRoot();
  // Mail already in the history does not end a wait.
  assert.equal((await control.waitMail(root, 20)).timed_out, true);
  await control.shutdownAll();
});

Deno.test("v2: send_message, followup_task and interrupt_agent", async () => {
  const { control, children, rootInbox } = setup();
  await spawn(control, "w");
  const child = children.get("/root/w")!;
  const childCaller = { threadId: child.id, turnId: "x" };
  // While running: a message and a follow-up arrive at the next boundary, no new turn.
  control.sendMessage(root, "w", "note");
  control.followupTask(root, "/root/w", "more");
  assert.deepEqual(child.inbox.map((i) => agentMessageText(i).split("\n")[0]), [
    "Message Type: MESSAGE",
    "Message Type: NEW_TASK",
  ]);
  assert.equal(child.turns.length, 1);
  child.boundary();
  child.turns[0].finish({ status: "completed", lastMessage: "first" });
  await tick();
  assert.equal(child.turns.length, 1, "the follow-up was taken by the running turn");
  // A follow-up delivered too late for the running turn starts a turn of its own.
  control.followupTask(root, "w", "again");
  assert.equal(child.turns.length, 2, "an idle agent starts a turn");
  control.followupTask(root, "w", "late");
  child.turns[1].finish({ status: "completed", lastMessage: "second" });
  await tick();
  assert.equal(child.turns.length, 3);
  assert.deepEqual(child.turns[2].items, [], "the new turn takes the waiting task from the inbox");
  // Interrupting reports the status it had; the child messages the root.
  assert.deepEqual(control.interruptTask(root, "w"), { previous_status: "running" });
  assert.equal(child.interrupts, 1);
  control.sendMessage(childCaller, "/root", "progress");
  assert.match(
    agentMessageText(rootInbox.at(-1)!),
    /^Message Type: MESSAGE\nTask name: \/root\nSender: \/root\/w\n/,
  );
  // Upstream's errors.
  assert.throws(
    () => control.sendMessage(root, "nobody", "x"),
    /: live agent path `\/root\/nobody` not found$/,
  );
  assert.throws(
    () => control.followupTask(root, "/root", "x"),
    /: Follow-up tasks can't target the root agent$/,
  );
  assert.throws(() => control.interruptTask(root, "/root"), /: root is not a spawned agent$/);
  assert.throws(
    () => control.followupTask(root, "w", ""),
    /: Empty message can't be sent to an agent$/,
  );
  await control.shutdownAll();
});

Deno.test("v2: list_agents sorts by path and filters by a (relative) prefix", async () => {
  const { control, children } = setup();
  await spawn(control, "zeta");
  await spawn(control, "alpha");
  const alpha = children.get("/root/alpha")!;
  await control.spawnTask({ threadId: alpha.id, turnId: "x" }, {
    taskName: "b",
    message: "m",
    forkTurns: "none",
  });
  await tick();
  alpha.turns[0].finish({ status: "completed", lastMessage: null });
  await tick();
  assert.deepEqual(control.listTasks(root), {
    agents: [
      { agent_name: "/root", agent_status: "running" },
      { agent_name: "/root/alpha", agent_status: { completed: null } },
      { agent_name: "/root/alpha/b", agent_status: "running" },
      { agent_name: "/root/zeta", agent_status: "running" },
    ],
  });
  assert.deepEqual(
    control.listTasks(root, "alpha").agents.map((a) => a.agent_name),
    ["/root/alpha", "/root/alpha/b"],
  );
  assert.throws(
    () => control.listTasks(root, "/root/"),
    /: absolute agent path must not end with `\/`$/,
  );
  await control.shutdownAll();
});
