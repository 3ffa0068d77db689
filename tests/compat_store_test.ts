import assert from "node:assert/strict";
import type { AnyItem } from "../lib/protocol/items.ts";
import { ResponseStore } from "../compat/response_store.ts";
import type { ResponseObject } from "../compat/responses_types.ts";

function response(id: string): ResponseObject {
  return { id } as ResponseObject;
}

const item = (id: string): AnyItem => ({ type: "message", id, role: "user", content: [] });

Deno.test("ResponseStore evicts the oldest entries beyond the entry bound", () => {
  const store = new ResponseStore({ maxEntries: 2 });
  store.put(response("a"), [], 1);
  store.put(response("b"), [], 1);
  store.put(response("c"), [], 1);
  assert.equal(store.size, 2);
  assert.equal(store.get("a"), undefined);
  assert.equal(store.get("c")?.response.id, "c");
});

Deno.test("ResponseStore keeps its byte budget and refuses oversized entries", () => {
  const store = new ResponseStore({ maxBytes: 100 });
  assert.equal(store.put(response("a"), [], 60), true);
  assert.equal(store.put(response("b"), [], 30), true);
  assert.equal(store.bytes, 90);
  store.put(response("c"), [], 30);
  assert.equal(store.get("a"), undefined);
  assert.equal(store.bytes, 60);
  assert.equal(store.put(response("huge"), [], 101), false);
  assert.equal(store.get("huge"), undefined);
  assert.ok(store.delete("b"));
  assert.equal(store.bytes, 30);
  assert.equal(store.delete("b"), false);
});

Deno.test("ResponseStore entries expire after their lifetime", () => {
  let now = 1_000;
  const store = new ResponseStore({ ttlMs: 50 }, () => now);
  store.put(response("a"), [item("m1")], 10);
  now += 30;
  store.put(response("b"), [item("m2")], 10);
  assert.equal(store.findItem("m1")?.type, "message");
  now += 25;
  assert.equal(store.get("a"), undefined);
  assert.equal(store.get("b")?.response.id, "b");
  assert.equal(store.findItem("m1"), undefined);
  assert.equal(store.bytes, 10);
  now += 100;
  assert.equal(store.size, 0);
  assert.equal(store.bytes, 0);
});
