/**
 * Code mode end to end: a code-mode model (gpt-6.1-sol) gets its tools through the
 * `additional_tools` item (no `tools` key), calls `exec`, and the script calls `exec_command`
 * and `apply_patch` through `tools`; the output goes back in upstream's format.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createThread, loadConfig } from "../mod.ts";
import { startFakeResponses } from "./fakes/responses_server.ts";
import { cleanup, makeHome, makeWorkspace } from "./helpers.ts";

const SCRIPT = [
  'const r = await tools.exec_command({ cmd: "cat notes.txt", login: false });',
  "text(r.output.trim());",
  'await tools.apply_patch("*** Begin Patch\\n*** Add File: made.txt\\n+made by a script\\n*** End Patch\\n");',
  'text("patched");',
].join("\n");

Deno.test("code mode: a script calls exec_command and apply_patch through tools", async () => {
  const server = startFakeResponses({
    turns: [
      { output: [{ type: "custom_tool_call", name: "exec", call_id: "call_exec", input: SCRIPT }] },
      { output: [{ type: "message", text: "done" }] },
    ],
  });
  const ws = await makeWorkspace({ "notes.txt": "from the workspace\n" });
  const home = await makeHome(server.url, 'sandbox_mode = "workspace-write"', "gpt-6.1-sol");
  try {
    const config = await loadConfig({
      env: { CODEX_HOME: home, FAKE_API_KEY: "sk-code", PATH: Deno.env.get("PATH") ?? "" },
      cwd: ws,
    });
    const thread = await createThread({ config, cwd: ws });
    const kinds: string[] = [];
    thread.subscribe((e) => kinds.push(e.type));
    const result = await thread.run("Use a script.");
    await thread.shutdown();
    assert.equal(result.status, "completed", result.error);

    const [first, second] = server.requests.filter((r) => r.path.startsWith("/v1/responses"));
    const body = first.body!;
    assert.ok(!("tools" in body), "code-mode requests send no tools");
    assert.equal(body.parallel_tool_calls, false);
    assert.equal(first.headers["x-openai-internal-codex-responses-lite"], "true");
    const input = body.input as Record<string, unknown>[];
    assert.equal(input[0].type, "additional_tools");
    assert.equal(input[0].role, "developer");
    assert.match(String(input[0].id), /^at_[0-9a-f-]{36}$/);
    const [ns] = input[0].tools as {
      type: string;
      name: string;
      tools: Record<string, unknown>[];
    }[];
    assert.equal(ns.type, "namespace");
    assert.equal(ns.name, "functions");
    // (`request_user_input_async` follows for the root once the code-mode surface is wired.)
    assert.deepEqual(ns.tools.slice(0, 3).map((t) => t.name), [
      "exec",
      "wait",
      "request_user_input",
    ]);
    assert.equal(ns.tools[0].type, "custom");
    assert.deepEqual((ns.tools[0].format as { syntax: string }).syntax, "lark");
    assert.match(String(ns.tools[0].description), /### `exec_command`/);

    const out = (second.body!.input as Record<string, unknown>[]).find((i) =>
      i.type === "custom_tool_call_output"
    )!;
    const parts = out.output as { type: string; text: string }[];
    assert.match(parts[0].text, /^Script completed\nWall time \d+\.\d seconds\nOutput:\n$/);
    assert.deepEqual(parts.slice(1).map((p) => p.text), ["from the workspace", "patched"]);
    assert.equal(await Deno.readTextFile(join(ws, "made.txt")), "made by a script\n");
    // The nested calls still report their activity.
    assert.ok(kinds.includes("exec_command_begin") && kinds.includes("patch_apply_end"));
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});
