import assert from "node:assert/strict";
import { spawnPty } from "../lib/pty/pty.ts";
import { groupMembers, killProcessGroup } from "../lib/pty/group.ts";
import { findExecutable } from "../lib/pty/which.ts";

/** Collects a pty's output into a string until `until` matches (or the output ends). */
function collector(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let ended = false;
  const waiters: (() => void)[] = [];
  const done = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      waiters.splice(0).forEach((w) => w());
    }
    ended = true;
    waiters.splice(0).forEach((w) => w());
  })();
  return {
    get text() {
      return text;
    },
    done,
    async until(re: RegExp): Promise<string> {
      while (!re.test(text)) {
        if (ended) throw new Error(`output ended without ${re}: ${JSON.stringify(text)}`);
        await new Promise<void>((r) => waiters.push(r));
      }
      return text;
    },
  };
}

Deno.test("pty: the child sees a terminal on stdin, stdout and stderr", async () => {
  const pty = spawnPty([
    "sh",
    "-c",
    "test -t 0 && test -t 1 && test -t 2 && echo all-tty; echo ctty > /dev/tty",
  ]);
  const text = await new Response(pty.output).text();
  const status = await pty.status;
  await pty.close();
  assert.equal(status.code, 0);
  assert.match(text, /all-tty\r\n/);
  assert.match(text, /ctty\r\n/, "the terminal is the controlling tty");
});

Deno.test("pty: the child leads its own session and process group", async () => {
  // /proc/PID/stat: pid (comm) state ppid pgrp session ...
  const pty = spawnPty(["sh", "-c", 'cut -d" " -f5,6 /proc/$$/stat']);
  const text = await new Response(pty.output).text();
  await pty.status;
  await pty.close();
  const [pgid, sid] = text.trim().split(/\s+/).map(Number);
  assert.equal(pgid, pty.pid);
  assert.equal(sid, pty.pid);
});

Deno.test("pty: python3 -i is usable interactively and resize reaches the child", async () => {
  const python = findExecutable("python3", Deno.env.get("PATH") ?? "");
  assert.ok(python, "python3 is needed for this test");
  const pty = spawnPty([python, "-i", "-q"], { cols: 90, rows: 20 });
  const out = collector(pty.output);
  await pty.write("print(6 * 7)\n");
  await out.until(/\n42\r\n/);
  await pty.write("import os; print(os.get_terminal_size())\n");
  await out.until(/columns=90, lines=20/);
  pty.resize(132, 43);
  await pty.write("print(os.get_terminal_size())\n");
  await out.until(/columns=132, lines=43/);
  await pty.write("exit()\n");
  const status = await pty.status;
  await out.done;
  await pty.close();
  assert.equal(status.code, 0);
});

Deno.test("pty: bash -i gets Ctrl-C as SIGINT of the foreground job", async () => {
  const pty = spawnPty(["bash", "--norc", "--noprofile", "-i"], {
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", PS1: "$ ", TERM: "dumb" },
  });
  const out = collector(pty.output);
  await pty.write("sleep 30\n");
  await new Promise((r) => setTimeout(r, 200));
  await pty.write("\x03");
  await pty.write("echo status=$?\n");
  await out.until(/status=130/);
  await pty.write("exit 3\n");
  const status = await pty.status;
  await out.done;
  await pty.close();
  assert.equal(status.code, 3);
});

Deno.test("pty: kill reaches the whole process group, including background jobs", async () => {
  const pty = spawnPty(["sh", "-c", "sleep 60 & sleep 60 & echo started; wait"]);
  const out = collector(pty.output);
  await out.until(/started/);
  assert.ok(groupMembers(pty.pid).length >= 3);
  assert.equal(pty.kill("SIGKILL"), true);
  const status = await pty.status;
  await out.done;
  await pty.close();
  assert.equal(status.signal, "SIGKILL");
  for (let i = 0; i < 50 && groupMembers(pty.pid).length > 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual(groupMembers(pty.pid), []);
});

Deno.test("pty: close() returns while another process still holds the terminal", async () => {
  // The child exits at once but leaves a grandchild holding the terminal open.
  const pty = spawnPty(["sh", "-c", "sleep 30 & echo parent-done"]);
  const out = collector(pty.output);
  await out.until(/parent-done/);
  await pty.status;
  await pty.close(); // must not wait for the sleeping grandchild
  await out.done;
  await assert.rejects(() => pty.write("x"), /closed/);
  killProcessGroup(pty.pid, "SIGKILL");
});

Deno.test("pty: large output arrives complete", async () => {
  const pty = spawnPty(["sh", "-c", "seq 1 100000"]);
  const text = await new Response(pty.output).text();
  await pty.status;
  await pty.close();
  const lines = text.trimEnd().split("\r\n");
  assert.equal(lines.length, 100000);
  assert.equal(lines.at(-1), "100000");
});

Deno.test("pty: a write larger than the terminal buffer completes once the child reads", async () => {
  const pty = spawnPty(["sh", "-c", "stty -echo -icanon; head -c 200000 | wc -c"]);
  const out = collector(pty.output);
  await new Promise((r) => setTimeout(r, 100));
  await pty.write(new Uint8Array(200000).fill(0x61));
  await out.until(/200000/);
  await pty.status;
  await out.done;
  await pty.close();
});
