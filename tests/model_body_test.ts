import assert from "node:assert/strict";
import { serializeBody } from "../lib/model/body.ts";

Deno.test("serializeBody equals JSON.stringify, and reuses each item's JSON", () => {
  const items: Record<string, unknown>[] = [
    { type: "message", role: "user", content: [{ type: "input_text", text: 'é \u2028 "q"' }] },
    { type: "function_call", name: "x", arguments: "{}", call_id: "c", skipped: undefined },
  ];
  const body = {
    model: "m",
    stream: true,
    input: items,
    tools: [{ type: "function", name: "t" }],
    gone: undefined,
    text: { verbosity: "low" },
  };
  assert.equal(serializeBody(body), JSON.stringify(body));
  // Cached: a later mutation of an already-sent item is not seen (items are immutable by
  // contract); a new item is.
  (items[0].content as { text: string }[])[0].text = "changed";
  items.push({ type: "message", role: "assistant", content: [] });
  const again = JSON.parse(serializeBody(body));
  assert.equal(again.input[0].content[0].text, 'é \u2028 "q"');
  assert.equal(again.input.length, 3);
});
