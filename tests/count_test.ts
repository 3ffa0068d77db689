import assert from "node:assert/strict";
import { formatCount } from "../lib/cli/count.ts";

Deno.test("formatCount writes counts as toLocaleString('en-US') does", () => {
  const samples = [0, 1, 12, 999, 1000, 1001, 12_345, 999_999, 1_000_000, 123_456_789, -1, -1234];
  for (let n = 1; n < 1e15; n = n * 7 + 3) samples.push(n);
  samples.push(1234.5, 0.25, 1_000_000.125);
  for (const n of samples) assert.equal(formatCount(n), n.toLocaleString("en-US"), String(n));
});
