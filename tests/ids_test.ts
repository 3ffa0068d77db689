import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { sha1 } from "../lib/protocol/sha1.ts";
import { isUuid, uuidv5, uuidv5Async, uuidv7 } from "../lib/protocol/ids.ts";

Deno.test("sha1 equals node:crypto for lengths around the block boundaries", () => {
  for (const n of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 70_000]) {
    const data = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
    const want = new Uint8Array(createHash("sha1").update(data).digest());
    assert.deepEqual(sha1(data), want, `length ${n}`);
  }
});

Deno.test("uuidv5 matches RFC 9562's example; uuidv7 is time-ordered", async () => {
  // RFC 9562 appendix A.4: "www.example.com" in the DNS namespace.
  assert.equal(
    uuidv5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
    "2ed6657d-e927-568b-95e1-2665a8aea6a2",
  );
  assert.equal(
    await uuidv5Async("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
    "2ed6657d-e927-568b-95e1-2665a8aea6a2",
  );
  const long = "x".repeat(10_000);
  assert.equal(
    await uuidv5Async(long, "6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
    uuidv5(long, "6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
  );
  const a = uuidv7(1_700_000_000_000);
  const b = uuidv7(1_700_000_000_001);
  assert.ok(isUuid(a) && a[14] === "7");
  assert.ok(a < b);
});
