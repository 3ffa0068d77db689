/**
 * The code-mode host with real runner processes and the thread's real tools: helpers, output
 * format, nested tool calls, yields and `wait`, termination, the cell timeout, refused imports
 * and the runner's missing permissions.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CodeModeHost, parseExecInput } from "../tools/code_mode/mod.ts";
import { createThreadTools } from "../lib/agent/thread_tools.ts";
import { makePolicy } from "../lib/sandbox/policy.ts";
import type { ToolContext } from "../tools/define.ts";
import type { AnyItem, ToolOutputBody } from "../lib/protocol/items.ts";
import type { ToolActivityEvent } from "../lib/protocol/events.ts";
import { cleanup, makeWorkspace } from "./helpers.ts";

function texts(out: ToolOutputBody): string[] {
  return typeof out === "string" ? [out] : out.map((p) => ("text" in p ? p.text : `[${p.type}]`));
}

function header(out: ToolOutputBody): string {
  return texts(out)[0].replace(/Wall time \d+\.\d seconds/, "Wall time X seconds");
}

async function withHost(
  fn: (
    run: (src: string, callId?: string) => Promise<ToolOutputBody>,
    ctx: { host: CodeModeHost; ws: string; events: ToolActivityEvent[]; posted: AnyItem[] },
  ) => Promise<void>,
  hostOpts: { cellTimeoutMs?: number } = {},
) {
  const ws = await makeWorkspace({ "a.txt": "alpha\n" });
  const made = await createThreadTools();
  const events: ToolActivityEvent[] = [];
  const posted: AnyItem[] = [];
  const host = new CodeModeHost({
    nestedTools: () => [made.execTools.execCommand, made.execTools.writeStdin, made.applyPatch],
    post: (item) => posted.push(item),
    ...hostOpts,
  });
  const controller = new AbortController();
  const ctxFor = (callId: string): ToolContext => ({
    cwd: ws,
    signal: controller.signal,
    callId,
    turnId: "turn",
    threadId: "thread",
    sandbox: makePolicy("danger-full-access", ws, [], false),
    approvalPolicy: "never",
    collaborationMode: "default",
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    emit: (e) => events.push(e),
    services: {},
  });
  const run = async (src: string, callId = "call_exec") => {
    const parsed = parseExecInput(src);
    if (!parsed.ok) return parsed.error;
    return (await host.exec(parsed.source, parsed.pragma, ctxFor(callId))).output;
  };
  try {
    await fn(run, { host, ws, events, posted });
  } finally {
    await host.shutdown();
    await made.shutdown();
    await cleanup(ws);
  }
}

Deno.test("code mode: helpers and upstream's output format", async () => {
  await withHost(async (run, { posted }) => {
    const out = await run(
      'text("hello"); text(1); text({a:1}); text(undefined); notify("note!"); text("after")',
    );
    assert.deepEqual(texts(out), [
      texts(out)[0],
      "hello",
      "1",
      '{"a":1}',
      "undefined",
      "after",
    ]);
    assert.match(texts(out)[0], /^Script completed\nWall time \d+\.\d seconds\nOutput:\n$/);
    assert.deepEqual(posted.map((i) => [i.type, (i as { output?: unknown }).output]), [
      ["custom_tool_call_output", "note!"],
    ]);
    assert.equal((posted[0] as { call_id?: string }).call_id, "call_exec");

    const env = await run(
      'store("k", {x:[1,2]}); text(load("k")); text(typeof console); text(typeof Deno); ' +
        'text(ALL_TOOLS.map(t => t.name).join(","))',
    );
    assert.deepEqual(texts(env).slice(1), [
      '{"x":[1,2]}',
      "undefined",
      "undefined",
      "exec_command,write_stdin,apply_patch",
    ]);
    // Stored values survive into the next cell; an error fails the cell with its stack.
    const failed = await run('text(load("k")); throw new Error("boom")');
    assert.equal(header(failed), "Script failed\nWall time X seconds\nOutput:\n");
    assert.equal(texts(failed)[1], '{"x":[1,2]}');
    assert.equal(texts(failed)[2], "Script error:\nError: boom\n    at exec_main.mjs:1:24");

    const exited = await run('text("x"); exit(); text("y")');
    assert.deepEqual(texts(exited).slice(1), ["x"]);
    const syntax = await run("syntax error here (");
    assert.equal(texts(syntax)[1], "Script error:\nSyntaxError: Unexpected identifier 'error'");
    const imported = await run('import fs from "node:fs"; text(1)');
    assert.equal(texts(imported)[1], "Script error:\nUnsupported import in exec: node:fs");
    const img = await run('image("data:image/png;base64,iVBORw0KGgo="); text("img")');
    assert.deepEqual(texts(img).slice(1), [
      "image content omitted because it could not be processed",
      "img",
    ]);
    // Nothing but the header: a plain string.
    assert.equal(typeof (await run("const x = 1;")), "string");
    assert.equal(
      await run(""),
      "exec expects raw JavaScript source text (non-empty). Provide JS only, optionally with " +
        'first-line `// @exec: {"yield_time_ms": 10000, "max_output_tokens": 1000}`.',
    );
    assert.equal(
      await run('// @exec: {"bogus": 1}\ntext(1)'),
      "exec pragma only supports `yield_time_ms` and `max_output_tokens`; got `bogus`",
    );
    const cut = await run(
      '// @exec: {"max_output_tokens": 10}\ntext("q".repeat(100)); text("second")',
    );
    assert.equal(
      texts(cut)[1],
      "Warning: truncated output (original token count: 27)\nTotal output lines: 2\n\n" +
        "qqqqqqqqqqqqqqqqqqqq…17 tokens truncated…qqqqqqqqqqqqq\nsecond",
    );
  });
});

Deno.test("code mode: the runner has no permissions of its own", async () => {
  await withHost(async (run, { ws }) => {
    const out = await run(
      `try { await import("node:fs").then((fs) => fs.readFileSync(${
        JSON.stringify(join(ws, "a.txt"))
      }, "utf8")); text("read!"); } catch (e) { text(String(e.name)); }`,
    );
    assert.ok(!texts(out).includes("read!"), texts(out).join("|"));
  });
});

Deno.test("code mode: tools.exec_command and tools.apply_patch run as the thread's tools", async () => {
  await withHost(async (run, { ws, events }) => {
    const out = await run(
      'const r = await tools.exec_command({cmd: "cat a.txt", login: false}); text(r.output.trim()); ' +
        "text(r.exit_code); " +
        'const p = await tools.apply_patch("*** Begin Patch\\n*** Add File: b.txt\\n+beta\\n*** End Patch\\n"); ' +
        "text(p); " +
        'try { await tools.exec_command({}); } catch (e) { text("caught:" + String(e).slice(0, 40)); }',
    );
    const t = texts(out);
    assert.equal(t[0].split("\n")[0], "Script completed");
    assert.deepEqual(t.slice(1, 4), ["alpha", "0", "{}"]);
    assert.match(t[4], /^caught:failed to parse function arguments/);
    assert.equal(await Deno.readTextFile(join(ws, "b.txt")), "beta\n");
    // Activity events still flow, with call ids derived from the exec call.
    const begin = events.find((e) => e.type === "exec_command_begin") as { call_id: string };
    assert.match(begin.call_id, /^call_exec-\d+$/);
    assert.ok(events.some((e) => e.type === "patch_apply_end"));
  });
});

Deno.test("code mode: a cell that outlives its yield is running; wait polls or terminates it", async () => {
  await withHost(async (run, { host }) => {
    const out = await run(
      '// @exec: {"yield_time_ms": 300}\ntext("start"); await new Promise(r => setTimeout(r, 1200)); text("end")',
    );
    const [head, first] = texts(out);
    const id = head.match(/^Script running with cell ID (\d+)\n/)![1];
    assert.equal(first, "start");
    assert.deepEqual(host.runningCells(), [id]);
    const ctx = {
      cwd: "/",
      signal: new AbortController().signal,
      callId: "w",
      turnId: "t",
      threadId: "th",
      sandbox: makePolicy("read-only", "/", [], false),
      approvalPolicy: "never" as const,
      collaborationMode: "default",
      env: {},
      emit: () => {},
      services: {},
    };
    const waited = await host.wait({ cell_id: id, yield_time_ms: 20_000 }, ctx);
    assert.deepEqual(texts(waited.output).slice(1), ["end"]);
    assert.equal(header(waited.output).split("\n")[0], "Script completed");
    assert.deepEqual(host.runningCells(), []);

    const yielded = await run(
      'text("a"); yield_control(); await new Promise(r => setTimeout(r, 60000))',
    );
    const cell = texts(yielded)[0].match(/cell ID (\d+)/)![1];
    assert.deepEqual(texts(yielded).slice(1), ["a"]);
    const stopped = await host.wait({ cell_id: cell, terminate: true }, ctx);
    assert.equal(header(stopped.output), "Script terminated\nWall time X seconds\nOutput:\n");
    const missing = await host.wait({ cell_id: "nope" }, ctx);
    assert.deepEqual(texts(missing.output), [
      "Script failed\nWall time 0.0 seconds\nOutput:\n",
      "Script error:\nexec cell nope not found",
    ]);
  });
});

Deno.test("code mode: the cell timeout kills a runaway script", async () => {
  await withHost(async (run) => {
    const out = await run("while (true) {}");
    assert.equal(header(out).split("\n")[0], "Script failed");
    assert.match(texts(out).at(-1)!, /^Script error:\nexec cell \d+ timed out after 400 ms$/);
  }, { cellTimeoutMs: 400 });
});
