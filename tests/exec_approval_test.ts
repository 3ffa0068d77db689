/**
 * Approvals of the command tools, with real processes and real bubblewrap: what runs, what asks
 * the person, what is refused, and where (inside or outside the sandbox) an approved command runs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createExecTools } from "../tools/exec/mod.ts";
import type {
  ApprovalDecision,
  ApprovalPolicy,
  ToolContext,
  UserInterface,
} from "../tools/define.ts";
import { makePolicy, type SandboxMode } from "../lib/sandbox/policy.ts";
import { cleanup } from "./helpers.ts";

interface Asked {
  kind: string;
  summary: string;
  reason?: string;
}

function ui(answers: ApprovalDecision[], asked: Asked[]): UserInterface {
  return {
    requestApproval(req) {
      asked.push({ kind: req.kind, summary: req.summary, reason: req.reason });
      return Promise.resolve(answers.shift() ?? "denied");
    },
    askUser: () => Promise.resolve(null),
  };
}

async function setup(policy: ApprovalPolicy, mode: SandboxMode, answers?: ApprovalDecision[]) {
  const ws = await Deno.realPath(await Deno.makeTempDir({ prefix: "dcx-appr-ws-" }));
  // Not under /tmp: the sandbox gives commands a private /tmp.
  const outside = await Deno.realPath(
    await Deno.makeTempDir({ dir: "/var/tmp", prefix: "dcx-appr-out-" }),
  );
  const asked: Asked[] = [];
  let interrupted = false;
  const tools = createExecTools();
  const ctx = (callId: string): ToolContext => ({
    cwd: ws,
    signal: new AbortController().signal,
    callId,
    turnId: "t",
    threadId: "th",
    sandbox: makePolicy(mode, ws),
    approvalPolicy: policy,
    collaborationMode: "default",
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: ws },
    emit: () => {},
    ui: answers ? ui(answers, asked) : undefined,
    interruptTurn: () => (interrupted = true),
    services: {},
  });
  const run = (cmd: string, extra: Record<string, unknown> = {}, id = "c") =>
    tools.execCommand.run(JSON.stringify({ cmd, login: false, ...extra }), ctx(id));
  return {
    ws,
    outside,
    asked,
    run,
    interrupted: () => interrupted,
    async done() {
      await tools.manager.shutdown();
      await cleanup(ws, outside);
    },
  };
}

const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

Deno.test("approval never: an escalation request is refused and nothing runs", async () => {
  const t = await setup("never", "workspace-write", []);
  try {
    const target = join(t.outside, "x");
    const r = await t.run(`touch ${target}`, { sandbox_permissions: "require_escalated" });
    assert.equal(r.success, false);
    assert.match(String(r.output), /approval policy is "never"/);
    assert.equal(await exists(target), false);
    assert.deepEqual(t.asked, []);
  } finally {
    await t.done();
  }
});

Deno.test("approval on-request: an approved escalation runs outside the sandbox", async () => {
  const t = await setup("on-request", "workspace-write", ["approved", "denied"]);
  try {
    const target = join(t.outside, "granted");
    const r = await t.run(`touch ${target}`, {
      sandbox_permissions: "require_escalated",
      justification: "needs to write the shared cache",
    });
    assert.match(String(r.output), /Process exited with code 0/);
    assert.equal(await exists(target), true);
    assert.deepEqual(t.asked, [{
      kind: "command",
      summary: `touch ${target}`,
      reason: "needs to write the shared cache",
    }]);
    // A declined one does not run.
    const other = join(t.outside, "declined");
    const r2 = await t.run(`touch ${other}`, { sandbox_permissions: "require_escalated" });
    assert.equal(r2.output, "exec command rejected by user");
    assert.equal(await exists(other), false);
    // Without escalation, the sandbox still refuses writes outside the workspace.
    const r3 = await t.run(`touch ${join(t.outside, "plain")}`);
    assert.match(String(r3.output), /Read-only file system|Permission denied/);
  } finally {
    await t.done();
  }
});

Deno.test("approval untrusted: read-only commands run; others ask; 'always' is remembered", async () => {
  const t = await setup("untrusted", "workspace-write", ["approved_for_session"]);
  try {
    const ls = await t.run("ls");
    assert.match(String(ls.output), /Process exited with code 0/);
    assert.equal(t.asked.length, 0);
    await t.run("touch made.txt");
    assert.equal(t.asked.length, 1);
    assert.equal(await exists(join(t.ws, "made.txt")), true);
    await t.run("touch made.txt");
    assert.equal(t.asked.length, 1, "approved for the session: not asked again");
  } finally {
    await t.done();
  }
});

Deno.test("approval abort: the command does not run and the turn is interrupted", async () => {
  const t = await setup("untrusted", "workspace-write", ["abort"]);
  try {
    const r = await t.run("touch nope.txt");
    assert.equal(r.output, "exec command rejected by user");
    assert.equal(t.interrupted(), true);
    assert.equal(await exists(join(t.ws, "nope.txt")), false);
  } finally {
    await t.done();
  }
});

Deno.test("approval without a person (exec): questions become refusals, never a hang", async () => {
  const t = await setup("untrusted", "workspace-write");
  try {
    const r = await t.run("touch nope.txt");
    assert.equal(r.success, false);
    assert.match(String(r.output), /no one can approve in this session/);
    assert.equal(await exists(join(t.ws, "nope.txt")), false);
  } finally {
    await t.done();
  }
});

Deno.test("approval on-failure: a sandbox denial asks to run again outside the sandbox", async () => {
  const t = await setup("on-failure", "workspace-write", ["approved"]);
  try {
    const target = join(t.outside, "after-retry");
    const r = await t.run(`touch ${target}`);
    assert.equal(t.asked.length, 1);
    assert.match(String(t.asked[0].reason), /failed inside the sandbox/);
    assert.match(String(r.output), /Process exited with code 0/);
    assert.equal(await exists(target), true);
  } finally {
    await t.done();
  }
});

Deno.test("patch approvals: outside the writable roots asks; yes writes, no refuses", async () => {
  const { createApplyPatchTool } = await import("../tools/apply_patch/tool.ts");
  const t = await setup("on-request", "workspace-write", ["approved", "denied"]);
  const patch = (p: string) => `*** Begin Patch\n*** Add File: ${p}\n+hello\n*** End Patch\n`;
  try {
    const tool = createApplyPatchTool();
    const asked: Asked[] = [];
    const ctxFor = (answers: ApprovalDecision[] | undefined): ToolContext => ({
      cwd: t.ws,
      signal: new AbortController().signal,
      callId: "p",
      turnId: "t",
      threadId: "th",
      sandbox: makePolicy("workspace-write", t.ws),
      approvalPolicy: "on-request",
      collaborationMode: "default",
      env: {},
      emit: () => {},
      ui: answers ? ui(answers, asked) : undefined,
      services: {},
    });
    const yes = join(t.outside, "yes.txt");
    const r1 = await tool.run(patch(yes), ctxFor(["approved"]));
    assert.match(String(r1.output), /Success\. Updated the following files:/);
    assert.equal(await Deno.readTextFile(yes), "hello\n");
    assert.equal(asked[0].kind, "patch");
    const no = join(t.outside, "no.txt");
    const r2 = await tool.run(patch(no), ctxFor(["denied"]));
    assert.equal(r2.output, "patch rejected by user");
    assert.equal(await exists(no), false);
    // Without a person, upstream's refusal text stands and nothing is asked.
    const r3 = await tool.run(patch(no), ctxFor(undefined));
    assert.equal(
      r3.output,
      "patch rejected: writing outside of the project; rejected by user approval settings",
    );
    // Inside the workspace nothing is asked.
    const before = asked.length;
    const r4 = await tool.run(patch("inside.txt"), ctxFor(["denied"]));
    assert.match(String(r4.output), /Success/);
    assert.equal(asked.length, before);
  } finally {
    await t.done();
  }
});
