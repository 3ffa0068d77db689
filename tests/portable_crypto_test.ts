import assert from "node:assert/strict";
import { base58Width, decodeBase58Fixed, encodeBase58Fixed } from "../lib/portable/base58.ts";
import {
  callIdOf,
  decryptBundle,
  encryptBundle,
  generateSecret,
  isValidCallId,
  isValidSecret,
  MIN_OBJECT_BYTES,
} from "../lib/portable/crypto.ts";
import { PortableError } from "../lib/portable/errors.ts";

const enc = new TextEncoder();

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

Deno.test("encodeBase58Fixed() always gives 22 characters for 16 bytes and round-trips", () => {
  assert.equal(base58Width(16), 22);
  const samples = [
    new Uint8Array(16),
    new Uint8Array(16).fill(255),
    Uint8Array.from([0, 0, 1, ...new Array(13).fill(7)]),
    ...Array.from({ length: 50 }, () => crypto.getRandomValues(new Uint8Array(16))),
  ];
  for (const s of samples) {
    const text = encodeBase58Fixed(s);
    assert.equal(text.length, 22);
    assert.deepEqual(decodeBase58Fixed(text, 16), s);
  }
  assert.equal(encodeBase58Fixed(new Uint8Array(16)), "1".repeat(22));
});

Deno.test("decodeBase58Fixed() refuses cut-off, foreign-alphabet and overflowing text", () => {
  const text = encodeBase58Fixed(crypto.getRandomValues(new Uint8Array(16)));
  assert.equal(decodeBase58Fixed(text.slice(0, 21), 16), undefined);
  assert.equal(decodeBase58Fixed(text + "1", 16), undefined);
  assert.equal(decodeBase58Fixed("0" + text.slice(1), 16), undefined);
  assert.equal(decodeBase58Fixed("l" + text.slice(1), 16), undefined);
  assert.equal(decodeBase58Fixed("z".repeat(22), 16), undefined); // 58^22 - 1 > 2^128
});

Deno.test("generateSecret() is random and well-formed", () => {
  const a = generateSecret();
  const b = generateSecret();
  assert.notEqual(a, b);
  assert.ok(isValidSecret(a) && isValidSecret(b));
  assert.ok(!isValidSecret(a.slice(1)));
  assert.ok(!isValidCallId("../../etc/passwd"));
  assert.ok(!isValidCallId(""));
});

Deno.test("encryptBundle()/decryptBundle() round-trip and hide the plaintext", async () => {
  const plain = enc.encode("OPENAI_API_KEY=sk-very-secret-value\n".repeat(20));
  const secret = generateSecret();
  const a = await encryptBundle(plain, secret);
  const b = await encryptBundle(plain, secret);
  assert.notDeepEqual(a, b, "fresh nonce each time");
  assert.ok(!contains(a, enc.encode("sk-very-secret-value")));
  assert.ok(!contains(a, enc.encode("OPENAI_API_KEY")));
  assert.deepEqual(await decryptBundle(a, secret), plain);
  assert.equal(a.length, MIN_OBJECT_BYTES + plain.length);
  const id = await callIdOf(a);
  assert.ok(isValidCallId(id));
  assert.equal(await callIdOf(a.slice()), id);
  assert.notEqual(await callIdOf(b), id);
});

Deno.test("decryptBundle() refuses a wrong secret, any flipped byte and a truncated object", async () => {
  const plain = enc.encode("config");
  const secret = generateSecret();
  const obj = await encryptBundle(plain, secret);
  await assert.rejects(() => decryptBundle(obj, generateSecret()), /secret is wrong/);
  for (const at of [4, 10, 16, 20, obj.length - 1]) {
    const bad = obj.slice();
    bad[at] ^= 1;
    await assert.rejects(() => decryptBundle(bad, secret), PortableError, `byte ${at}`);
  }
  await assert.rejects(() => decryptBundle(obj.slice(0, obj.length - 1), secret), PortableError);
  await assert.rejects(() => decryptBundle(obj.slice(0, 20), secret), /not an encrypted/);
  const wrongMagic = obj.slice();
  wrongMagic[0] = 0x50;
  await assert.rejects(() => decryptBundle(wrongMagic, secret), /not an encrypted/);
  await assert.rejects(() => decryptBundle(obj, secret.slice(1)), /malformed or cut off/);
});
