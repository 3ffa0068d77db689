/**
 * The tools the gpt-5.5 family sees equal upstream's exec set (names, order, schemas), with and
 * without `[tools.update_plan] enabled`; descriptions are ours and excluded, as in the fixtures.
 */
import assert from "node:assert/strict";
import { buildToolset } from "../lib/agent/toolset.ts";
import { createThreadTools } from "../lib/agent/thread_tools.ts";
import { modelInfo } from "../lib/model/catalog.ts";
import { fixture, withoutDescriptions } from "./helpers.ts";

for (
  const [file, updatePlan] of [["gpt-5.5.json", false], [
    "gpt-5.5-with-update-plan.json",
    true,
  ]] as const
) {
  Deno.test(`toolset: gpt-5.5 tools equal upstream's ${file}`, async () => {
    const want = await fixture<Record<string, unknown>[]>(`tool-shapes/${file}`);
    const made = await createThreadTools();
    try {
      const reg = buildToolset({
        model: modelInfo("gpt-5.5"),
        updatePlan,
        webSearch: true,
        execTools: made.execTools,
        applyPatch: made.applyPatch,
        subagents: true,
      });
      const ours = withoutDescriptions(reg.specs()) as Record<string, unknown>[];
      assert.deepEqual(ours.map((t) => t.name ?? t.type), want.map((t) => t.name ?? t.type));
      for (let i = 0; i < want.length; i++) {
        assert.equal(JSON.stringify(ours[i]), JSON.stringify(want[i]), String(want[i].name));
      }
      // Every tool we send has a description of our own.
      for (const spec of reg.specs()) {
        if (spec.type === "web_search") continue;
        assert.ok(typeof spec.description === "string" && spec.description.length > 20);
      }
    } finally {
      await made.shutdown();
    }
  });
}

Deno.test("toolset: [tools] extra adds the named local tools after upstream's set", async () => {
  const made = await createThreadTools(["read_file", "grep_files", "no_such_tool"]);
  try {
    const reg = buildToolset({
      model: modelInfo("gpt-5.5"),
      updatePlan: false,
      webSearch: true,
      extra: ["read_file", "grep_files", "shell", "no_such_tool"],
      execTools: made.execTools,
      applyPatch: made.applyPatch,
      localTools: made.localTools,
    });
    const names = reg.specs().map((t) => t.name ?? t.type);
    assert.deepEqual(names.slice(-3), ["read_file", "grep_files", "shell"]);
    assert.ok(!names.includes("no_such_tool"));
    assert.ok(!names.includes("list_dir"));
  } finally {
    await made.shutdown();
  }
});
