import assert from "node:assert/strict";
import {
  CANCELLED_PERMISSIONS_MESSAGE,
  createRequestPermissionsTool,
  NO_PERMISSION_MESSAGE,
} from "../tools/request_permissions.ts";
import type { ApprovalDecision, ToolContext, UserInterface } from "../tools/define.ts";
import { makePolicy } from "../lib/sandbox/policy.ts";

type Request = Parameters<UserInterface["requestApproval"]>[0];

function context(ui?: UserInterface): ToolContext {
  return {
    cwd: "/",
    signal: new AbortController().signal,
    callId: "call_7",
    turnId: "turn_1",
    threadId: "thread_1",
    sandbox: makePolicy("workspace-write", "/"),
    approvalPolicy: "on-request",
    collaborationMode: "default",
    env: {},
    emit: () => {},
    ...(ui === undefined ? {} : { ui }),
    services: {},
  };
}

function deciding(decision: ApprovalDecision, seen: Request[]): UserInterface {
  return {
    requestApproval: (r) => {
      seen.push(r);
      return Promise.resolve(decision);
    },
    askUser: () => Promise.resolve(null),
  };
}

const ARGS = JSON.stringify({
  reason: "Need to download dependencies",
  permissions: { network: { enabled: true }, file_system: { write: ["/opt/cache"] } },
});

Deno.test("request_permissions: asks through the UI and reports a turn grant", async () => {
  const seen: Request[] = [];
  const res = await createRequestPermissionsTool().run(ARGS, context(deciding("approved", seen)));
  assert.equal(
    res.output,
    '{"permissions":{"network":{"enabled":true},"file_system":{"write":["/opt/cache"]}},"scope":"turn"}',
  );
  assert.deepEqual(seen, [{
    kind: "permissions",
    call_id: "call_7",
    summary: "network access; write /opt/cache",
    reason: "Need to download dependencies",
  }]);
});

Deno.test("request_permissions: session grants and denials", async () => {
  const seen: Request[] = [];
  const tool = createRequestPermissionsTool();
  const session = await tool.run(ARGS, context(deciding("approved_for_session", seen)));
  assert.match(String(session.output), /"scope":"session"}$/);
  const denied = await tool.run(ARGS, context(deciding("denied", seen)));
  assert.equal(denied.output, '{"permissions":{},"scope":"turn"}');
});

Deno.test("request_permissions: error paths", async () => {
  const seen: Request[] = [];
  const tool = createRequestPermissionsTool();
  const aborted = await tool.run(ARGS, context(deciding("abort", seen)));
  assert.equal(aborted.output, CANCELLED_PERMISSIONS_MESSAGE);
  assert.equal(aborted.success, false);

  const nothing = await tool.run(
    JSON.stringify({ permissions: { network: { enabled: false }, file_system: { read: [] } } }),
    context(deciding("approved", seen)),
  );
  assert.equal(nothing.output, NO_PERMISSION_MESSAGE);

  const headless = await tool.run(ARGS, context());
  assert.equal(headless.success, false);
  assert.match(String(headless.output), /no one to approve/);

  const notObject = await tool.run(JSON.stringify({ permissions: "all" }), context());
  assert.equal(notObject.success, false);
  assert.match(String(notObject.output), /permissions/);
  assert.equal(seen.length, 1); // only the aborted request reached the UI
});
