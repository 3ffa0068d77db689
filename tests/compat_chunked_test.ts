import assert from "node:assert/strict";
import { ChunkedDecoder } from "../compat/chunked_decoder.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Feeds `wire` to a decoder in pieces cut at `cuts`; returns the body text and the decoder. */
function decode(wire: string, cuts: number[]): { body: string; dec: ChunkedDecoder } {
  const bytes = encoder.encode(wire);
  const dec = new ChunkedDecoder();
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const at of [...cuts, bytes.length]) {
    // Each piece is its own array, and is overwritten afterwards: results must not alias it
    // beyond the call.
    const piece = bytes.slice(start, at);
    parts.push(dec.push(piece).slice());
    piece.fill(0);
    start = at;
  }
  return { body: parts.map((p) => decoder.decode(p, { stream: true })).join(""), dec };
}

const WIRE = "5\r\nhello\r\n" +
  "1A;name=value\r\n" + "abcdefghijklmnopqrstuvwxyz\r\n" +
  "4 \r\n" + "éxy\r\n" + // a size with trailing space; "é" is two bytes
  "8\r\n" + "🙂abcd\r\n" + // "🙂" is four bytes
  "0\r\n" + "Trailer-One: 1\r\n" + "\r\n";

Deno.test("ChunkedDecoder: sizes, extensions and trailers, cut at every position", () => {
  const expected = "hello" + "abcdefghijklmnopqrstuvwxyz" + "éxy" + "🙂abcd";
  const length = encoder.encode(WIRE).length;
  for (let a = 0; a <= length; a++) {
    const { body, dec } = decode(WIRE, [a]);
    assert.equal(body, expected, `cut at ${a}`);
    assert.ok(dec.done);
    assert.equal(dec.excess, false);
  }
  // Byte by byte.
  const { body } = decode(WIRE, Array.from({ length }, (_, i) => i));
  assert.equal(body, expected);
});

Deno.test("ChunkedDecoder: a body that is not finished is not done; bytes after the end show", () => {
  const partial = decode("5\r\nhel", []);
  assert.equal(partial.body, "hel");
  assert.equal(partial.dec.done, false);
  const lastWithoutTrailerEnd = decode("3\r\nabc\r\n0\r\n", []);
  assert.equal(lastWithoutTrailerEnd.dec.done, false);
  const extra = decode("3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n", []);
  assert.equal(extra.body, "abc");
  assert.ok(extra.dec.done);
  assert.ok(extra.dec.excess);
});

Deno.test("ChunkedDecoder: malformed framing is an error", () => {
  assert.throws(() => decode("zz\r\nabc\r\n", []), /bad chunk size line "zz"/);
  assert.throws(() => decode("\r\n", []), /bad chunk size line/);
  assert.throws(() => decode("3\r\nabcX\r\n", []), /not followed by CRLF/);
  assert.throws(() => decode("1".repeat(13) + "\r\n", []), /bad chunk size line/);
  assert.throws(() => decode("3" + ";x".repeat(3000), []), /too long/);
});
