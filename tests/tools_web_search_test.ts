import assert from "node:assert/strict";
import { sharedToolShapes } from "./helpers.ts";
import { createWebSearchTool } from "../tools/web_search.ts";
import { toolSpec } from "../tools/define.ts";
import { ToolRegistry } from "../tools/registry.ts";
import { makePolicy } from "../lib/sandbox/policy.ts";

/** upstream-codex-0.169/tool-shapes/gpt-5.5.json, entry of type `web_search`. */
const FIXTURE = {
  type: "web_search",
  external_web_access: true,
  search_content_types: ["text", "image"],
};

Deno.test("web_search: declaration equals upstream's, key order included", () => {
  const tool = createWebSearchTool();
  assert.equal(tool.kind, "hosted");
  assert.equal(tool.name, "web_search");
  assert.equal(JSON.stringify(toolSpec(tool)), JSON.stringify(FIXTURE));
});

Deno.test("web_search: external_web_access is configurable", () => {
  const spec = toolSpec(createWebSearchTool({ externalWebAccess: false }));
  assert.equal(
    JSON.stringify(spec),
    '{"type":"web_search","external_web_access":false,"search_content_types":["text","image"]}',
  );
});

const shared = sharedToolShapes();

Deno.test({
  name: "web_search: embedded fixture matches the shared upstream capture",
  ignore: shared === undefined,
  fn: () => {
    const entry = shared!.find((t) => t.type === "web_search");
    assert.equal(JSON.stringify(entry), JSON.stringify(FIXTURE));
  },
});

Deno.test("web_search: the registry never runs it locally", async () => {
  const registry = new ToolRegistry([createWebSearchTool()]);
  const res = await registry.dispatch(
    { type: "function_call", name: "web_search", arguments: "{}", call_id: "c1" },
    {
      cwd: "/",
      signal: new AbortController().signal,
      callId: "c1",
      turnId: "t",
      threadId: "th",
      sandbox: makePolicy("read-only", "/"),
      approvalPolicy: "never",
      collaborationMode: "default",
      env: {},
      emit: () => {},
      services: {},
    },
  );
  assert.equal(res.success, false);
  assert.match(String(res.output), /run by the model provider/);
});
