import assert from "node:assert/strict";
import { generateSecret } from "../lib/portable/crypto.ts";
import { encodeBase58Fixed } from "../lib/portable/base58.ts";
import {
  formatCallToken,
  parseCallToken,
  parsePutSpec,
  parseStorageAddress,
} from "../lib/portable/spec.ts";

const id = encodeBase58Fixed(crypto.getRandomValues(new Uint8Array(16)));

Deno.test("parseStorageAddress() accepts host:port, IPv6 and http(s) URLs", () => {
  assert.deepEqual(parseStorageAddress("127.0.0.1:5577"), {
    scheme: "http",
    host: "127.0.0.1",
    port: 5577,
    address: "127.0.0.1:5577",
    origin: "http://127.0.0.1:5577",
  });
  assert.equal(parseStorageAddress("[::1]:80").origin, "http://[::1]:80");
  assert.equal(parseStorageAddress("http://box.lan:9/").address, "box.lan:9");
  const tls = parseStorageAddress("https://store.example.com");
  assert.equal(tls.port, 443);
  assert.equal(tls.address, "https://store.example.com:443");
  assert.equal(parseStorageAddress(tls.address).origin, "https://store.example.com:443");
});

Deno.test("parseStorageAddress() explains bad addresses in one line", () => {
  for (
    const [bad, why] of [
      ["127.0.0.1", /missing port/],
      ["host:99999", /out of range/],
      ["host:abc", /not a number/],
      ["ftp://h:1", /unsupported scheme/],
      ["h:1/x", /no path/],
      ["bad_host:1", /bad host/],
      ["", /no host/],
    ] as const
  ) {
    assert.throws(() => parseStorageAddress(bad), why, bad);
    assert.throws(() => parseStorageAddress(bad), (e: Error) => !e.message.includes("\n"));
  }
});

Deno.test("parsePutSpec() splits an optional home from the server on the last '@'", () => {
  assert.deepEqual(parsePutSpec("@127.0.0.1:5577").homeDir, undefined);
  const s = parsePutSpec("/home/a@b/.codex/@host:1");
  assert.equal(s.homeDir, "/home/a@b/.codex/");
  assert.equal(s.target.address, "host:1");
  assert.throws(() => parsePutSpec("host:1"), /has no '@'/);
  assert.throws(() => parsePutSpec("/x/@"), /missing HOST:PORT/);
});

Deno.test("parseCallToken() round-trips formatCallToken() and rejects cut or mangled tokens", () => {
  const secret = generateSecret();
  const target = parseStorageAddress("127.0.0.1:5577");
  const token = formatCallToken(secret, id, target);
  assert.deepEqual(parseCallToken(token), { secret, callId: id, target });
  assert.deepEqual(parseCallToken(` ${token}\n`).secret, secret);
  assert.throws(() => parseCallToken(token.replace("@127.0.0.1:5577", "")), /no '@HOST:PORT'/);
  assert.throws(() => parseCallToken(`${secret}-${id.slice(0, -1)}@h:1`), /call id .* cut off/);
  assert.throws(() => parseCallToken(`${secret.slice(1)}-${id}@h:1`), /secret .* cut off/);
  assert.throws(() => parseCallToken(`${secret}${id}@h:1`), /missing the '-'/);
  assert.throws(() => parseCallToken(`${secret}-${id}@`), /missing HOST:PORT/);
  for (const bad of [`${secret.slice(1)}-${id}@h:1`, `${secret}-x@h:1`]) {
    try {
      parseCallToken(bad);
      assert.fail("should throw");
    } catch (e) {
      assert.ok(!(e as Error).message.includes(secret.slice(1)), "the secret is never echoed");
    }
  }
});
