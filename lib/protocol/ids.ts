/**
 * Identifier helpers: UUIDv7 for threads, turns and items (time-ordered, as upstream uses),
 * UUIDv4 for installation ids, and short hex ids for exec chunks.
 *
 * @module
 */

import { sha1 } from "./sha1.ts";

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function format(bytes: Uint8Array): string {
  const h = Array.from(bytes, (b) => HEX[b]).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A UUIDv7 (RFC 9562): 48-bit unix milliseconds, version 7, variant 10, random rest. */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = Math.floor(nowMs);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return format(bytes);
}

/** A random UUIDv4. */
export function uuidv4(): string {
  return crypto.randomUUID();
}

/** `n` random lowercase hex characters (upstream's exec `Chunk ID` uses 6). */
export function randomHex(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil(n / 2)));
  return Array.from(bytes, (b) => HEX[b]).join("").slice(0, n);
}

/** True when `s` looks like a UUID of any version. */
export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}

/** A name-based UUIDv5 (SHA-1) of `name` in `namespace` (a UUID string). */
export function uuidv5(name: string, namespace: string): string {
  const ns = new Uint8Array(namespace.replace(/-/g, "").match(/../g)!.map((h) => parseInt(h, 16)));
  const data = new TextEncoder().encode(name);
  const buf = new Uint8Array(ns.length + data.length);
  buf.set(ns);
  buf.set(data, ns.length);
  const bytes = sha1(buf).subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return format(bytes);
}

/**
 * {@linkcode uuidv5} with the platform's native SHA-1 (async): faster for long names such as a
 * whole base prompt.
 */
export async function uuidv5Async(name: string, namespace: string): Promise<string> {
  const ns = new Uint8Array(namespace.replace(/-/g, "").match(/../g)!.map((h) => parseInt(h, 16)));
  const data = new TextEncoder().encode(name);
  const buf = new Uint8Array(ns.length + data.length);
  buf.set(ns);
  buf.set(data, ns.length);
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-1", buf)).subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return format(bytes);
}
