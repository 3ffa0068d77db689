/**
 * Base64 without a dependency (`btoa` works on binary strings; chunked to bound memory).
 *
 * @module
 */

/** Encodes bytes as standard base64. */
export function encodeBase64(bytes: Uint8Array): string {
  let out = "";
  const chunk = 3 * 10_000; // a multiple of 3, so chunks concatenate
  for (let i = 0; i < bytes.length; i += chunk) {
    out += btoa(String.fromCharCode(...bytes.subarray(i, i + chunk)));
  }
  return out;
}
