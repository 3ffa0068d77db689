import assert from "node:assert/strict";
import { join } from "node:path";
import type { ToolActivityEvent } from "../lib/protocol/events.ts";
import { makePolicy, type SandboxMode } from "../lib/sandbox/policy.ts";
import { groupMembers } from "../lib/pty/group.ts";
import { findExecutable } from "../lib/pty/which.ts";
import { type ToolContext, toolSpec } from "../tools/define.ts";
import { createExecTools, type ExecToolsOptions, UnifiedExecManager } from "../tools/exec/mod.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

interface Harness {
  tools: ReturnType<typeof createExecTools>;
  ctx: ToolContext;
  events: ToolActivityEvent[];
  ws: string;
  turn: AbortController;
  call(
    tool: "execCommand" | "writeStdin" | "shell" | "shellCommand",
    args: unknown,
    callId?: string,
  ): Promise<{ output: string; success?: boolean }>;
}

async function withTools(
  fn: (h: Harness) => Promise<void>,
  opts: { mode?: SandboxMode; tools?: ExecToolsOptions } = {},
) {
  const ws = await Deno.realPath(await Deno.makeTempDir());
  const tools = createExecTools(opts.tools);
  const events: ToolActivityEvent[] = [];
  const turn = new AbortController();
  const ctx: ToolContext = {
    cwd: ws,
    signal: turn.signal,
    callId: "call_1",
    turnId: "turn_1",
    threadId: "thread_1",
    sandbox: makePolicy(opts.mode ?? "danger-full-access", ws),
    approvalPolicy: "never",
    collaborationMode: "default",
    env: { PATH, HOME: Deno.env.get("HOME") ?? "/", SHELL: "/bin/bash" },
    emit: (e) => events.push(e),
    services: {},
  };
  const h: Harness = {
    tools,
    ctx,
    events,
    ws,
    turn,
    async call(tool, args, callId = "call_1") {
      const r = await tools[tool].run(JSON.stringify(args), { ...ctx, callId });
      return { output: r.output as string, success: r.success };
    },
  };
  try {
    await fn(h);
  } finally {
    await tools.manager.shutdown();
    await Deno.remove(ws, { recursive: true });
  }
}

const FIXTURE = new URL(
  "../../shared/fixtures/upstream-codex-0.169/tool-shapes/gpt-5.5.json",
  import.meta.url,
);

Deno.test("exec tools: exec_command and write_stdin schemas equal upstream's shapes", async () => {
  let shapes: { name: string; type: string; strict: boolean; parameters: unknown }[];
  try {
    shapes = JSON.parse(Deno.readTextFileSync(FIXTURE));
  } catch {
    console.warn("upstream fixtures not found beside the repository; shape test skipped");
    return;
  }
  const tools = createExecTools();
  for (const tool of [tools.execCommand, tools.writeStdin]) {
    const expected = shapes.find((s) => s.name === tool.name);
    assert.ok(expected, tool.name);
    const spec = toolSpec(tool);
    assert.equal(JSON.stringify(tool.parameters), JSON.stringify(expected.parameters));
    assert.equal(spec.type, "function");
    assert.equal(spec.strict, false);
    assert.ok(typeof spec.description === "string" && (spec.description as string).length > 50);
  }
  await tools.manager.shutdown();
});

Deno.test("exec tools: exec_command output text and command events", async () => {
  await withTools(async (h) => {
    Deno.writeTextFileSync(join(h.ws, "hello.txt"), "hello\nworld\n");
    const r = await h.call("execCommand", { cmd: "cat hello.txt", login: false });
    assert.match(
      r.output,
      /^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\nProcess exited with code 0\nOriginal token count: 3\nOutput:\nhello\nworld\n$/,
    );
    assert.equal(r.success, true);
    const begin = h.events.find((e) => e.type === "exec_command_begin");
    assert.deepEqual(begin, {
      type: "exec_command_begin",
      call_id: "call_1",
      command: "/bin/bash -c 'cat hello.txt'",
      cwd: h.ws,
    });
    const deltas = h.events.filter((e) => e.type === "exec_command_output_delta");
    assert.equal(
      deltas.map((d) => d.type === "exec_command_output_delta" ? d.chunk : "").join(""),
      "hello\nworld\n",
    );
    const end = h.events.at(-1)!;
    assert.equal(end.type, "exec_command_end");
    if (end.type === "exec_command_end") {
      assert.equal(end.aggregated_output, "hello\nworld\n");
      assert.equal(end.exit_code, 0);
      assert.equal(end.command, "/bin/bash -c 'cat hello.txt'");
      assert.ok(end.duration_ms >= 0);
    }
    const fail = await h.call("execCommand", { cmd: "ls does-not-exist", login: false });
    assert.match(
      fail.output,
      /Process exited with code 2\nOriginal token count: 16\nOutput:\nls: cannot access 'does-not-exist': No such file or directory\n$/,
    );
    assert.equal(fail.success, false);
  });
});

Deno.test("exec tools: login defaults to true and the display form is <shell> -lc '<cmd>'", async () => {
  await withTools(async (h) => {
    h.ctx.env.SHELL = "bash"; // a bare name is resolved on PATH
    h.ctx.env.HOME = h.ws; // keep the machine's own login profile out of the test
    const r = await h.call("execCommand", { cmd: "shopt -q login_shell && echo login" });
    assert.match(r.output, /\nOutput:\n(.*\n)*login\n$/);
    const begin = h.events.find((e) => e.type === "exec_command_begin");
    assert.ok(begin?.type === "exec_command_begin");
    assert.equal(
      begin.command,
      `${findExecutable("bash", PATH)} -lc 'shopt -q login_shell && echo login'`,
    );
  });
});

Deno.test("exec tools: max_output_tokens truncates the middle and reports the original count", async () => {
  await withTools(async (h) => {
    const r = await h.call("execCommand", {
      cmd: "seq 1 3000",
      login: false,
      max_output_tokens: 50,
    });
    // seq 1 3000 prints 13,893 bytes: ceil(13893 / 4) = 3474 tokens.
    assert.match(
      r.output,
      /\nOriginal token count: 3474\nOutput:\nTotal output lines: 3000\n\n1\n2\n3\n/,
    );
    assert.match(r.output, /…3424 tokens truncated…/);
    assert.ok(r.output.endsWith("\n2999\n3000\n"));
  });
});

Deno.test("exec tools: tty runs on a real terminal and python3 -i works through write_stdin", async () => {
  await withTools(async (h) => {
    const t = await h.call("execCommand", {
      cmd: "test -t 0 && test -t 1 && echo terminal",
      tty: true,
      login: false,
    });
    assert.match(t.output, /Output:\nterminal\r\n$/);
    const p = await h.call("execCommand", { cmd: "test -t 0 || echo pipes", login: false });
    assert.match(p.output, /Output:\npipes\n$/);

    const started = await h.call("execCommand", {
      cmd: "python3 -i -q",
      tty: true,
      login: false,
      yield_time_ms: 500,
    }, "call_py");
    const id = Number(/Process running with session ID (\d+)/.exec(started.output)?.[1]);
    assert.ok(id >= 1000, started.output);
    const pending = h.events.find((e) => e.type === "exec_command_end" && e.call_id === "call_py");
    assert.ok(pending?.type === "exec_command_end" && pending.exit_code === null);

    let seen = "";
    for (let i = 0; i < 20 && !/\b42\r\n/.test(seen); i++) {
      const chars = i === 0 ? "import sys; print(sys.stdin.isatty(), 6 * 7)\n" : "";
      const r = await h.call("writeStdin", { session_id: id, chars, yield_time_ms: 500 }, "call_w");
      assert.match(r.output, /Process running with session ID/);
      seen += r.output;
    }
    assert.match(seen, /True 42\r\n/);
    const bye = await h.call("writeStdin", {
      session_id: id,
      chars: "exit()\n",
      yield_time_ms: 5000,
    }, "call_w2");
    assert.match(bye.output, /Process exited with code 0\n/);
    // The exit is reported on the exec_command call that started the session.
    const done = h.events.filter((e) => e.type === "exec_command_end" && e.call_id === "call_py");
    assert.equal(done.length, 2);
    assert.ok(done[1].type === "exec_command_end" && done[1].exit_code === 0);
    assert.ok(done[1].type === "exec_command_end" && done[1].aggregated_output.includes("True 42"));
  });
});

Deno.test("exec tools: write_stdin errors are model-visible", async () => {
  await withTools(async (h) => {
    const unknown = await h.call("writeStdin", { session_id: 99999, chars: "x" });
    assert.deepEqual(unknown, {
      output: "write_stdin failed: Unknown process id 99999",
      success: false,
    });
    const frac = await h.call("writeStdin", { session_id: 1.5 });
    assert.equal(frac.success, false);
    assert.match(frac.output, /session_id/);
    const missing = await h.call("writeStdin", {});
    assert.equal(missing.success, false);
    assert.match(missing.output, /session_id/);
    const s = await h.call("execCommand", { cmd: "sleep 30", login: false, yield_time_ms: 250 });
    const id = Number(/session ID (\d+)/.exec(s.output)?.[1]);
    const closed = await h.call("writeStdin", { session_id: id, chars: "y\n" });
    assert.match(
      closed.output,
      /stdin is closed for this session; rerun exec_command with tty=true/,
    );
    const exited = await h.call("execCommand", { cmd: "true", login: false });
    assert.match(exited.output, /Process exited with code 0/);
    const gone = await h.call("writeStdin", { session_id: id + 1 });
    assert.match(gone.output, /has already exited/);
  });
});

Deno.test("exec tools: workdir is resolved against the cwd and checked", async () => {
  await withTools(async (h) => {
    Deno.mkdirSync(join(h.ws, "sub"));
    const r = await h.call("execCommand", { cmd: "pwd", workdir: "sub", login: false });
    assert.match(r.output, new RegExp(`Output:\\n${join(h.ws, "sub")}\\n$`));
    const bad = await h.call("execCommand", { cmd: "pwd", workdir: "nope", login: false });
    assert.equal(bad.success, false);
    assert.match(bad.output, /workdir ".*nope" is not an existing directory/);
    const empty = await h.call("execCommand", { cmd: "  " });
    assert.match(empty.output, /`cmd` is required/);
  });
});

Deno.test("exec tools: the intercept hook runs first and can take over a command", async () => {
  const seen: string[] = [];
  await withTools(async (h) => {
    const taken = await h.call("execCommand", {
      cmd: "apply_patch <<'EOF'\n*** Begin Patch\nEOF",
      login: false,
    });
    assert.deepEqual(taken, { output: "intercepted", success: true });
    assert.equal(h.events.length, 0, "an intercepted command emits no command events");
    const normal = await h.call("execCommand", { cmd: "touch ran.txt", login: false });
    assert.match(normal.output, /Process exited with code 0/);
    assert.ok(Deno.statSync(join(h.ws, "ran.txt")).isFile);
    assert.deepEqual(seen, [
      `apply_patch <<'EOF'\n*** Begin Patch\nEOF|${h.ws}`,
      `touch ran.txt|${h.ws}`,
    ]);
  }, {
    tools: {
      intercept: (cmd, workdir) => {
        seen.push(`${cmd}|${workdir}`);
        return Promise.resolve(
          cmd.startsWith("apply_patch") ? { output: "intercepted", success: true } : null,
        );
      },
    },
  });
});

Deno.test("exec tools: commands run in the thread's sandbox", async () => {
  const outside = await Deno.makeTempDir({
    dir: Deno.statSync("/var/tmp").isDirectory ? "/var/tmp" : undefined,
  });
  try {
    await withTools(async (h) => {
      const r = await h.call("execCommand", {
        cmd: `echo in > inside.txt && echo ok; echo out > ${outside}/x.txt`,
        login: false,
      });
      assert.match(r.output, /Process exited with code 1\n/);
      assert.match(r.output, /ok\n.*Read-only file system/s);
      assert.ok(Deno.statSync(join(h.ws, "inside.txt")).isFile);
      assert.throws(() => Deno.statSync(join(outside, "x.txt")));
      const sh = await h.call("shell", { command: ["touch", `${outside}/y.txt`] });
      assert.match(sh.output, /^Exit code: 1\n.*Read-only file system/s);
    }, { mode: "workspace-write" });
    await withTools(async (h) => {
      const r = await h.call("execCommand", { cmd: "echo x > here.txt", login: false });
      assert.match(r.output, /Process exited with code 1\n.*Read-only file system/s);
    }, { mode: "read-only" });
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("exec tools: a missing bubblewrap is a clear error naming the fix", async () => {
  await withTools(async (h) => {
    const r = await h.call("execCommand", { cmd: "echo never", login: false });
    assert.equal(r.success, false);
    assert.match(
      r.output,
      /^exec_command failed for `\/bin\/bash -c 'echo never'`: the workspace-write sandbox cannot be set up: /,
    );
    assert.match(r.output, /Install bubblewrap .* or choose danger-full-access/);
    assert.equal(h.events.length, 0);
    const s = await h.call("shellCommand", { command: "echo never", login: false });
    assert.match(s.output, /^shell_command failed for .*Install bubblewrap/);
  }, {
    mode: "workspace-write",
    tools: { manager: new UnifiedExecManager({ bwrapPath: "/nonexistent/bwrap" }) },
  });
});

Deno.test("exec tools: interrupting the turn kills running sessions", async () => {
  await withTools(async (h) => {
    const s = await h.call("execCommand", {
      cmd: "sleep 60 & sleep 60; wait",
      login: false,
      yield_time_ms: 250,
    });
    const id = Number(/session ID (\d+)/.exec(s.output)?.[1]);
    const pid = h.tools.manager.sessionPid(id)!;
    assert.ok(groupMembers(pid).length >= 2);
    h.turn.abort();
    for (let i = 0; i < 100 && groupMembers(pid).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(groupMembers(pid), []);
    const after = await h.call("writeStdin", { session_id: id });
    assert.match(after.output, /interrupted/);
  });
});

Deno.test("exec tools: shell runs an argv and reports upstream's shell format", async () => {
  await withTools(async (h) => {
    const r = await h.call("shell", { command: ["sh", "-c", "echo out; echo err >&2; exit 4"] });
    assert.match(r.output, /^Exit code: 4\nWall time: \d+(\.\d)? seconds\nOutput:\n/);
    assert.match(r.output, /out\n/);
    assert.match(r.output, /err\n/);
    assert.equal(r.success, false);
    const begin = h.events.find((e) => e.type === "exec_command_begin");
    assert.ok(begin?.type === "exec_command_begin");
    assert.equal(begin.command, "sh -c 'echo out; echo err >&2; exit 4'");
    const empty = await h.call("shell", { command: [] });
    assert.match(empty.output, /`command` must be a non-empty array/);
    const slow = await h.call("shell", {
      command: ["sh", "-c", "echo before; sleep 30"],
      timeout_ms: 300,
    });
    assert.match(
      slow.output,
      /^Exit code: 124\n.*\nOutput:\ncommand timed out after 300 milliseconds\nbefore\n$/s,
    );
  });
});

Deno.test("exec tools: shell_command runs a string in the user's shell", async () => {
  await withTools(async (h) => {
    const r = await h.call("shellCommand", {
      command: "echo $((6 * 7)) | tee out.txt",
      login: false,
    });
    assert.match(r.output, /^Exit code: 0\nWall time: \d+(\.\d)? seconds\nOutput:\n42\n$/);
    assert.equal(Deno.readTextFileSync(join(h.ws, "out.txt")), "42\n");
    const begin = h.events.find((e) => e.type === "exec_command_begin");
    assert.ok(begin?.type === "exec_command_begin");
    assert.equal(begin.command, "/bin/bash -c 'echo $((6 * 7)) | tee out.txt'");
    const empty = await h.call("shellCommand", { command: "" });
    assert.match(empty.output, /`command` is required/);
  });
});
