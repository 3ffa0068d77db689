/**
 * Client-side encryption of a bundle: AES-256-GCM under a key derived with HKDF-SHA-256 from a
 * random 128-bit secret. The storage server only ever sees the encrypted object.
 *
 * Object layout (version 1):
 *
 * | bytes | content |
 * | --- | --- |
 * | 4 | magic `DCX1` (also the GCM additional data) |
 * | 12 | random nonce (also the HKDF salt) |
 * | n + 16 | ciphertext followed by the 16-byte GCM tag |
 *
 * The call id is the first 16 bytes of SHA-256 over the whole object, in fixed-width Base58: the
 * server recomputes it, and a client checks a download against it before decrypting.
 *
 * @module
 */

import { base58Width, decodeBase58Fixed, encodeBase58Fixed } from "./base58.ts";
import { PortableError } from "./errors.ts";

/** The 4 magic bytes at the start of every stored object. */
export const OBJECT_MAGIC: Uint8Array = new TextEncoder().encode("DCX1");
/** Bytes of randomness in a secret (128 bits). */
export const SECRET_BYTES = 16;
/** Bytes of SHA-256 kept in a call id (128 bits). */
export const CALL_ID_BYTES = 16;
/** GCM nonce length. */
export const NONCE_BYTES = 12;
/** GCM tag length. */
export const TAG_BYTES = 16;
/** The smallest possible object: magic, nonce and a tag over empty plaintext. */
export const MIN_OBJECT_BYTES: number = OBJECT_MAGIC.length + NONCE_BYTES + TAG_BYTES;
/** Characters in a secret or a call id. */
export const TOKEN_PART_CHARS: number = base58Width(SECRET_BYTES);

const HKDF_INFO = new TextEncoder().encode("denocodex portable bundle v1: AES-256-GCM key");
const CALL_ID_RE = new RegExp(`^[1-9A-HJ-NP-Za-km-z]{${base58Width(CALL_ID_BYTES)}}$`);

/** A fresh random secret (22 Base58 characters). */
export function generateSecret(): string {
  return encodeBase58Fixed(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

/** True when `text` has the shape of a secret (length, alphabet, range). */
export function isValidSecret(text: string): boolean {
  return decodeBase58Fixed(text, SECRET_BYTES) !== undefined;
}

/** True when `text` has the shape of a call id (safe as a file name: Base58 only). */
export function isValidCallId(text: string): boolean {
  return CALL_ID_RE.test(text) && decodeBase58Fixed(text, CALL_ID_BYTES) !== undefined;
}

/** The call id of a stored object: SHA-256 prefix, fixed-width Base58. */
export async function callIdOf(object: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", object as BufferSource));
  return encodeBase58Fixed(digest.subarray(0, CALL_ID_BYTES));
}

/** True when `object` starts with the magic bytes and is long enough to hold a tag. */
export function looksEncrypted(object: Uint8Array): boolean {
  if (object.length < MIN_OBJECT_BYTES) return false;
  return OBJECT_MAGIC.every((b, i) => object[i] === b);
}

async function deriveKey(secret: string, salt: Uint8Array): Promise<CryptoKey> {
  const raw = decodeBase58Fixed(secret, SECRET_BYTES);
  if (!raw) {
    throw new PortableError(
      "the secret in the call token is malformed or cut off; copy the whole token printed by --put",
    );
  }
  const base = await crypto.subtle.importKey("raw", raw as BufferSource, "HKDF", false, [
    "deriveKey",
  ]);
  return await crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: salt as BufferSource, info: HKDF_INFO },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Encrypts `plaintext` under `secret` into a stored object (layout in the module docs). */
export async function encryptBundle(plaintext: Uint8Array, secret: string): Promise<Uint8Array> {
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const key = await deriveKey(secret, nonce);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: nonce, additionalData: OBJECT_MAGIC as BufferSource },
      key,
      plaintext as BufferSource,
    ),
  );
  const out = new Uint8Array(OBJECT_MAGIC.length + NONCE_BYTES + sealed.length);
  out.set(OBJECT_MAGIC, 0);
  out.set(nonce, OBJECT_MAGIC.length);
  out.set(sealed, OBJECT_MAGIC.length + NONCE_BYTES);
  return out;
}

/**
 * Verifies the GCM tag and decrypts. Throws {@linkcode PortableError} when the object is not an
 * encrypted bundle, or when the secret is wrong or the object was altered (the two cannot be
 * told apart, by design).
 */
export async function decryptBundle(object: Uint8Array, secret: string): Promise<Uint8Array> {
  if (!looksEncrypted(object)) {
    throw new PortableError("the stored object is not an encrypted denocodex bundle");
  }
  const nonce = object.subarray(OBJECT_MAGIC.length, OBJECT_MAGIC.length + NONCE_BYTES);
  const key = await deriveKey(secret, nonce);
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: "AES-GCM",
          iv: nonce as BufferSource,
          additionalData: OBJECT_MAGIC as BufferSource,
        },
        key,
        object.subarray(OBJECT_MAGIC.length + NONCE_BYTES) as BufferSource,
      ),
    );
  } catch {
    throw new PortableError(
      "cannot decrypt the bundle: the secret is wrong or the bundle was altered; check the token printed by --put",
    );
  }
}
