import assert from "node:assert/strict";
import { join } from "node:path";
import { groupMembers } from "../lib/pty/group.ts";
import { CTRL_C, CTRL_D } from "../lib/cli/interactive/pty_driver.ts";
import { inputOf, openSession, textOf, until } from "./interactive_harness.ts";

Deno.test("interactive: Ctrl-C interrupts a long command, kills its process group, the session goes on", async () => {
  const s = await openSession({
    turns: [
      {
        output: [{
          type: "function_call",
          name: "exec_command",
          call_id: "call_sleep",
          arguments: { cmd: "echo $$ > pgid.txt; sleep 30", yield_time_ms: 25000 },
        }],
        usage: { input_tokens: 100, output_tokens: 5 },
      },
      {
        output: [{ type: "message", text: "Understood, stopped." }],
        usage: { input_tokens: 150, output_tokens: 5 },
      },
    ],
  }, { args: ["--sandbox", "danger-full-access"] });
  let pgid = 0;
  try {
    const { d, server } = s;
    await d.type("run the slow thing\r");
    const pidFile = join(s.ws, "pgid.txt");
    await until(() => {
      try {
        pgid = Number(Deno.readTextFileSync(pidFile).trim());
      } catch {
        return false;
      }
      return pgid > 0;
    }, "the command wrote its pid");
    await until(() => groupMembers(pgid).length >= 1, "sleep runs in the command's group");
    let at = await d.waitFor(/Running echo/);
    await d.type(CTRL_C);
    at = await d.waitFor(/Conversation interrupted/, { from: at });
    await until(() => groupMembers(pgid).length === 0, "the process group is gone", 10_000);
    assert.deepEqual(groupMembers(pgid), []);

    // The session is still usable: the next turn sees the interrupted call answered.
    await d.type("never mind\r");
    await d.waitFor(/Understood, stopped\./, { from: at });
    await d.type(CTRL_D);
    assert.equal(await d.exit(), 0);
    const reqs = server.responsesRequests();
    assert.equal(reqs.length, 2);
    const input = inputOf(reqs[1].body);
    assert.ok(input.some((i) => i.type === "function_call_output" && i.call_id === "call_sleep"));
    const last = input[input.length - 1];
    assert.equal(last.role, "user");
    assert.equal(textOf(last), "never mind");
  } finally {
    if (pgid > 1) {
      try {
        Deno.kill(-pgid, "SIGKILL");
      } catch { /* already gone */ }
    }
    await s.close();
  }
});

Deno.test("interactive: Ctrl-C twice on an idle prompt quits; once shows the hint", async () => {
  const s = await openSession({ turns: [] });
  try {
    const { d } = s;
    const at = d.mark;
    await d.type(CTRL_C);
    await d.waitFor(/Press Ctrl-C again to quit/, { from: at });
    await d.type(CTRL_C);
    assert.equal(await d.exit(), 0);
  } finally {
    await s.close();
  }
});

Deno.test("interactive: Ctrl-Z suspends to the shell; fg redraws the composer", async () => {
  const s = await openSession({ turns: [] });
  const { PtyDriver } = await import("../lib/cli/interactive/pty_driver.ts");
  const { ROOT, testEnv } = await import("./helpers.ts");
  const sh = PtyDriver.start(["bash", "--norc", "--noprofile", "-i"], {
    cwd: s.ws,
    env: { ...testEnv(s.home), PS1: "SHELL$ " },
  });
  try {
    await sh.waitFor(/SHELL\$ /);
    await sh.type(`${Deno.execPath()} run -A --quiet ${join(ROOT, "main.ts")}\r`);
    await sh.waitFor(/>_ denocodex/);
    let at = sh.mark;
    await sh.type("\x1a");
    at = await sh.waitFor(/Stopped[^]*SHELL\$ /, { from: at });
    await sh.type("fg\r");
    at = await sh.waitFor(/Ask denocodex to do anything/, { from: at });
    await sh.type("typed after fg");
    at = await sh.waitFor(/› typed after fg/, { from: at });
    await sh.type(CTRL_C + CTRL_D);
    await sh.waitFor(/SHELL\$ /, { from: at });
    await sh.type("exit\r");
    assert.equal(await sh.exit(), 0);
  } finally {
    await sh.kill().catch(() => {});
    await s.close();
  }
});
