import assert from "node:assert/strict";
import { join } from "node:path";
import specs from "../tools/builtin_specs.json" with { type: "json" };
import { builtinSpecsText, generateBuiltinSpecs } from "../tools/builtin_specs_gen.ts";
import { builtinDeclaration, builtinTool } from "../tools/builtin.ts";
import { lazyTool, once } from "../tools/lazy.ts";
import { defineTool } from "../tools/define.ts";
import { createThreadTools } from "../lib/agent/thread_tools.ts";
import { z } from "zod";
import { makePolicy } from "../lib/sandbox/policy.ts";
import { makeWorkspace, ROOT, toolContext } from "./helpers.ts";

Deno.test("builtin_specs.json is what the tools declare now (run `deno task gen`)", async () => {
  const fresh = await generateBuiltinSpecs();
  assert.deepEqual(specs, JSON.parse(builtinSpecsText(fresh)));
  const text = await Deno.readTextFile(join(ROOT, "tools", "builtin_specs.json"));
  assert.equal(text, builtinSpecsText(fresh));
});

Deno.test("lazy tool: declared at once, loaded on the first call only, then reused", async () => {
  let loads = 0;
  const real = defineTool({
    name: "double",
    description: "Doubles n.",
    parameters: z.strictObject({ n: z.number() }),
    handler: ({ n }) => String(n * 2),
  });
  const { run: _run, ...declaration } = real;
  const tool = lazyTool(declaration, () => {
    loads++;
    return Promise.resolve(real);
  });
  assert.equal(loads, 0);
  assert.equal(tool.kind, "function");
  assert.deepEqual(tool.kind === "function" && tool.parameters, real.parameters);
  const ctx = toolContext("/");
  if (tool.kind !== "function") throw new Error("unreachable");
  const [a, b] = await Promise.all([tool.run('{"n": 2}', ctx), tool.run('{"n": 5}', ctx)]);
  assert.deepEqual([a.output, b.output], ["4", "10"]);
  assert.equal(loads, 1);
  const bad = await tool.run('{"n": "x"}', ctx);
  assert.equal(bad.success, false);
  assert.match(String(bad.output), /failed to parse function arguments for double: n:/);
});

Deno.test("lazy tool: a failed load is a failed result, and the next call tries again", async () => {
  let attempt = 0;
  const declaration = builtinDeclaration("get_goal");
  const tool = lazyTool(declaration, async () => {
    attempt++;
    if (attempt === 1) throw new Error("disk on fire");
    return (await import("../tools/goals.ts")).createGoalTools()[0];
  });
  if (tool.kind !== "function") throw new Error("get_goal is a function tool");
  const first = await tool.run("{}", toolContext("/"));
  assert.deepEqual(first, { output: "get_goal could not be loaded: disk on fire", success: false });
  const second = await tool.run("{}", toolContext("/"));
  assert.equal(second.output, JSON.stringify({ goal: null }));
});

Deno.test("lazy tool: an implementation of another name is refused, not run", async () => {
  const tool = builtinTool(
    "get_goal",
    async () => (await import("../tools/goals.ts")).createGoalTools()[1],
  );
  if (tool.kind !== "function") throw new Error("get_goal is a function tool");
  const out = await tool.run("{}", toolContext("/"));
  assert.equal(out.success, false);
  assert.match(String(out.output), /found function tool create_goal/);
});

Deno.test("once: concurrent callers share one load", async () => {
  let n = 0;
  const get = once(() => Promise.resolve(++n));
  assert.deepEqual(await Promise.all([get(), get(), get()]), [1, 1, 1]);
});

Deno.test("thread tools: apply_patch and exec_command load together and shut down", async () => {
  const ws = await makeWorkspace();
  const made = createThreadTools();
  await made.shutdown(); // nothing loaded yet: nothing to stop
  const ctx = toolContext(ws, { sandbox: makePolicy("danger-full-access", ws) });
  const patch = made.applyPatch;
  if (patch.kind !== "custom") throw new Error("apply_patch is freeform");
  const out = await patch.run("*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n", ctx);
  assert.notEqual(out.success, false, String(out.output));
  assert.equal(await Deno.readTextFile(join(ws, "a.txt")), "hi\n");
  const exec = made.execTools.execCommand;
  if (exec.kind !== "function") throw new Error("exec_command is a function tool");
  const ran = await exec.run(JSON.stringify({ cmd: "cat a.txt", login: false }), ctx);
  assert.match(String(ran.output), /Output:\nhi\n/);
  await made.shutdown();
  await Deno.remove(ws, { recursive: true });
});
