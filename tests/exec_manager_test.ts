import assert from "node:assert/strict";
import { makePolicy, type SandboxMode } from "../lib/sandbox/policy.ts";
import { groupMembers } from "../lib/pty/group.ts";
import { SandboxUnavailableError } from "../lib/sandbox/detect.ts";
import {
  ExecSessionError,
  UnifiedExecManager,
  type UnifiedExecManagerOptions,
} from "../tools/exec/manager.ts";

const ENV = { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: Deno.env.get("HOME") ?? "/" };

function request(
  cmd: string,
  extra: { tty?: boolean; yieldTimeMs?: number; mode?: SandboxMode } = {},
) {
  return {
    argv: ["/bin/bash", "-c", cmd],
    cwd: "/tmp",
    env: ENV,
    sandbox: makePolicy(extra.mode ?? "danger-full-access", "/tmp"),
    tty: extra.tty,
    yieldTimeMs: extra.yieldTimeMs ?? 5000,
  };
}

async function withManager(
  fn: (m: UnifiedExecManager) => Promise<void>,
  opts: UnifiedExecManagerOptions = {},
) {
  const m = new UnifiedExecManager(opts);
  try {
    await fn(m);
  } finally {
    await m.shutdown();
  }
}

/** Waits (bounded) until no live process remains in group `pgid`. */
async function groupGone(pgid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (groupMembers(pgid).length === 0) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

Deno.test("manager: a finished command reports its exit code and output, no session", async () => {
  await withManager(async (m) => {
    const r = await m.exec(request("echo out; echo err >&2; exit 3"));
    assert.equal(r.exitCode, 3);
    assert.equal(r.sessionId, null);
    assert.match(r.output, /out\n/);
    assert.match(r.output, /err\n/);
    assert.match(
      r.text,
      /^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\nProcess exited with code 3\n/,
    );
    assert.match(r.aggregatedOutput, /out/);
    assert.deepEqual(m.sessionIds(), []);
  });
});

Deno.test("manager: session ids count up from 1000", async () => {
  await withManager(async (m) => {
    const a = await m.exec(request("true"));
    const b = await m.exec(request("sleep 5", { yieldTimeMs: 100 }));
    assert.equal(a.session.id, 1000);
    assert.equal(b.sessionId, 1001);
    assert.deepEqual(m.sessionIds(), [1001]);
  });
});

Deno.test("manager: a slow command yields a session; polling collects the rest", async () => {
  await withManager(async (m) => {
    const first = await m.exec(request("echo start; sleep 0.6; echo done", { yieldTimeMs: 250 }));
    assert.equal(first.exitCode, null);
    assert.equal(typeof first.sessionId, "number");
    assert.match(first.text, /Process running with session ID \d+\n/);
    assert.match(first.output, /^start\n$/);
    const second = await m.write({ sessionId: first.sessionId!, yieldTimeMs: 5000 });
    assert.equal(second.exitCode, 0);
    assert.equal(second.output, "done\n"); // only what was not returned before
    assert.equal(second.aggregatedOutput, "start\ndone\n");
    assert.deepEqual(m.sessionIds(), []);
  });
});

Deno.test("manager: tty sessions keep shell state between writes", async () => {
  await withManager(async (m) => {
    const r = await m.exec({
      ...request("", { tty: true, yieldTimeMs: 300 }),
      argv: ["/bin/bash", "--norc", "--noprofile", "-i"],
      env: { ...ENV, PS1: "$ " },
    });
    const id = r.sessionId!;
    assert.ok(id);
    await m.write({ sessionId: id, chars: "export SESSION_VALUE=remembered\n", yieldTimeMs: 300 });
    const echo = await m.write({
      sessionId: id,
      chars: "echo $SESSION_VALUE; test -t 0 && echo is-a-tty\n",
      yieldTimeMs: 500,
    });
    assert.match(echo.output, /\r\nremembered\r\n/);
    assert.match(echo.output, /is-a-tty/);
    assert.equal(m.resize(id, 100, 30), true);
    const size = await m.write({ sessionId: id, chars: "stty size\n", yieldTimeMs: 500 });
    assert.match(size.output, /\r\n30 100\r\n/);
    assert.equal(m.resize(4242, 1, 1), false);
    const bye = await m.write({ sessionId: id, chars: "exit 7\n", yieldTimeMs: 3000 });
    assert.equal(bye.exitCode, 7);
  });
});

Deno.test("manager: without tty stdin is closed and not a terminal", async () => {
  await withManager(async (m) => {
    const r = await m.exec(request("test -t 0 && echo tty || echo no-tty; cat; echo cat-done"));
    assert.equal(r.output, "no-tty\ncat-done\n");
    const s = await m.exec(request("sleep 30", { yieldTimeMs: 100 }));
    await assert.rejects(
      () => m.write({ sessionId: s.sessionId!, chars: "hello\n" }),
      (e: unknown) =>
        e instanceof ExecSessionError &&
        e.message ===
          "write_stdin failed: stdin is closed for this session; rerun exec_command with tty=true to keep stdin open",
    );
    // Ctrl-C still works: it interrupts the process group.
    const stopped = await m.write({ sessionId: s.sessionId!, chars: "\x03", yieldTimeMs: 3000 });
    assert.equal(stopped.exitCode, 130);
  });
});

Deno.test("manager: unknown and finished sessions are clear errors", async () => {
  await withManager(async (m) => {
    await assert.rejects(() => m.write({ sessionId: 4242 }), {
      message: "write_stdin failed: Unknown process id 4242",
    });
    const r = await m.exec(request("sleep 0.3; echo bye", { yieldTimeMs: 100 }));
    const end = await m.write({ sessionId: r.sessionId!, yieldTimeMs: 3000 });
    assert.equal(end.exitCode, 0);
    await assert.rejects(() => m.write({ sessionId: r.sessionId!, chars: "" }), {
      message: /session \d+ has already exited.*start a new command with exec_command/,
    });
  });
});

Deno.test("manager: shutdown kills every session's whole process group", async () => {
  const m = new UnifiedExecManager();
  const a = await m.exec(request("sleep 60 & sleep 60 & echo up; wait", { yieldTimeMs: 300 }));
  const b = await m.exec(request("sleep 60", { tty: true, yieldTimeMs: 100 }));
  const pids = [m.sessionPid(a.sessionId!)!, m.sessionPid(b.sessionId!)!];
  assert.ok(groupMembers(pids[0]).length >= 3, "the background jobs are running");
  await m.shutdown();
  for (const pid of pids) assert.ok(await groupGone(pid), `group ${pid} still alive`);
  assert.deepEqual(m.sessionIds(), []);
  await assert.rejects(() => m.exec(request("true")), /shut down/);
});

Deno.test("manager: an interrupt (aborted signal) kills all sessions", async () => {
  await withManager(async (m) => {
    const turn = new AbortController();
    const idle = await m.exec({
      ...request("sleep 60", { yieldTimeMs: 100 }),
      signal: turn.signal,
    });
    const idlePid = m.sessionPid(idle.sessionId!)!;
    const pending = m.exec({
      ...request("sleep 60 & wait", { yieldTimeMs: 20_000 }),
      signal: turn.signal,
    });
    let pendingPid = 0;
    setTimeout(() => {
      pendingPid = m.sessionPid(idle.sessionId! + 1) ?? 0;
      turn.abort();
    }, 200);
    const r = await pending;
    assert.equal(r.exitCode, 137, "the waiting command was killed");
    assert.ok(pendingPid > 0);
    assert.ok(await groupGone(pendingPid));
    assert.ok(await groupGone(idlePid));
    for (let i = 0; i < 100 && m.sessionIds().length > 0; i++) {
      await new Promise((res) => setTimeout(res, 20));
    }
    assert.deepEqual(m.sessionIds(), []);
    await assert.rejects(() => m.write({ sessionId: idle.sessionId! }), /interrupted/);
  });
});

Deno.test("manager: the session limit kills the least recently used group", async () => {
  await withManager(async (m) => {
    const a = await m.exec(request("sleep 60", { yieldTimeMs: 100 }));
    const b = await m.exec(request("sleep 60", { yieldTimeMs: 100 }));
    const pidA = m.sessionPid(a.sessionId!)!;
    const pidB = m.sessionPid(b.sessionId!)!;
    await m.write({ sessionId: a.sessionId! }); // a is now more recently used than b
    const c = await m.exec(request("sleep 60", { yieldTimeMs: 100 }));
    assert.deepEqual(m.sessionIds().sort(), [a.sessionId!, c.sessionId!].sort());
    assert.ok(await groupGone(pidB));
    assert.ok(groupMembers(pidA).length > 0);
    await assert.rejects(() => m.write({ sessionId: b.sessionId! }), /more than 2 sessions/);
  }, { maxSessions: 2 });
});

Deno.test("manager: unread output is capped at 1 MiB (head and tail)", async () => {
  await withManager(async (m) => {
    // 3 MiB of numbered lines, then the process stays alive.
    const r = await m.exec({
      ...request("seq -w 1 500000 | head -c 3145728; echo; echo END; sleep 30", {
        yieldTimeMs: 2000,
      }),
      maxOutputTokens: 1_000_000,
    });
    assert.equal(r.exitCode, null);
    assert.ok(r.originalTokenCount >= 3145728 / 4);
    const bytes = new TextEncoder().encode(r.output).length;
    assert.ok(bytes <= 1024 * 1024 + 200, `kept ${bytes} bytes`);
    assert.ok(bytes >= 1024 * 1024 - 8);
    assert.ok(r.output.startsWith("Total output lines: "));
    assert.match(r.output, /\n000001\n000002\n/);
    assert.match(r.output, /…\d+ tokens truncated…/);
    assert.ok(r.output.endsWith("\nEND\n"));
  });
});

Deno.test("manager: sandboxed sessions run under bubblewrap", async () => {
  const ws = await Deno.makeTempDir();
  try {
    await withManager(async (m) => {
      const r = await m.exec({
        ...request(`echo hi > inside.txt && cat inside.txt; echo x > /etc/denocodex-test 2>&1`),
        cwd: ws,
        sandbox: makePolicy("workspace-write", ws),
      });
      assert.match(r.output, /^hi\n/);
      assert.match(r.output, /Read-only file system/);
      assert.equal(Deno.readTextFileSync(`${ws}/inside.txt`), "hi\n");
      // A terminal session inside the sandbox keeps its tty and takes input.
      const t = await m.exec({
        ...request("test -t 0 && echo sandboxed-tty; read -r line; echo got:$line", {
          tty: true,
          yieldTimeMs: 500,
        }),
        cwd: ws,
        sandbox: makePolicy("workspace-write", ws),
      });
      assert.match(t.output, /sandboxed-tty\r\n/);
      const done = await m.write({ sessionId: t.sessionId!, chars: "typed\n", yieldTimeMs: 3000 });
      assert.equal(done.exitCode, 0);
      assert.match(done.output, /got:typed\r\n/);
    });
  } finally {
    await Deno.remove(ws, { recursive: true });
  }
});

Deno.test("manager: a sandboxed mode without bubblewrap fails clearly", async () => {
  await withManager(async (m) => {
    await assert.rejects(
      () => m.exec(request("echo never", { mode: "workspace-write" })),
      (e: unknown) => e instanceof SandboxUnavailableError && /Install bubblewrap/.test(e.message),
    );
    assert.deepEqual(m.sessionIds(), []);
    const full = await m.exec(request("echo fine"));
    assert.equal(full.output, "fine\n");
  }, { bwrapPath: "/nonexistent/bwrap" });
});
