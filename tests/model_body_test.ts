import assert from "node:assert/strict";
import { encodeBody } from "../lib/model/body.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("encodeBody equals JSON.stringify as UTF-8, and reuses each item's JSON", () => {
  const items: Record<string, unknown>[] = [
    { type: "message", role: "user", content: [{ type: "input_text", text: 'é \u2028 "q" 😀' }] },
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
  assert.deepEqual(encodeBody(body), new TextEncoder().encode(JSON.stringify(body)));
  // Cached: a later mutation of an already-sent item is not seen (items are immutable by
  // contract); a new item is.
  (items[0].content as { text: string }[])[0].text = "changed";
  items.push({ type: "message", role: "assistant", content: [] });
  const again = JSON.parse(text(encodeBody(body)));
  assert.equal(again.input[0].content[0].text, 'é \u2028 "q" 😀');
  assert.equal(again.input.length, 3);
});

Deno.test("encodeBody: empty input, input first or last, undefined and null items", () => {
  const bodies: Record<string, unknown>[] = [
    { model: "m", input: [] },
    { input: [{ a: 1 }, { b: [2] }], model: "m" },
    { model: "m", stream: false, input: [{ a: "x" }] },
    { input: [] },
    { model: "m", input: [null, undefined, 3, "s"] },
    {},
  ];
  for (const body of bodies) assert.equal(text(encodeBody(body)), JSON.stringify(body));
});
