/**
 * Fixed-width Base58 (Bitcoin alphabet) for the 16-byte values in a call token.
 *
 * Unlike classic Base58, a value always encodes to the same number of characters (left-padded
 * with `1`, the zero digit), so a token that lost characters is recognised as cut off instead of
 * silently decoding to a different value.
 *
 * @module
 */

/** The Bitcoin Base58 alphabet (no `0`, `O`, `I`, `l`, no `-` or `@`). */
export const BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

const INDEX = new Map<string, bigint>(
  [...BASE58_ALPHABET].map((ch, i) => [ch, BigInt(i)]),
);

/** Characters needed to write `bytes` bytes in Base58 (22 for 16 bytes). */
export function base58Width(bytes: number): number {
  return Math.ceil((bytes * 8) / Math.log2(58));
}

/** Encodes `bytes` as exactly {@linkcode base58Width}`(bytes.length)` characters. */
export function encodeBase58Fixed(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = "";
  while (n > 0n) {
    out = BASE58_ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  return out.padStart(base58Width(bytes.length), "1");
}

/**
 * Decodes a fixed-width Base58 string into `size` bytes, or returns `undefined` when the text
 * has the wrong length, a character outside the alphabet, or a value that does not fit.
 */
export function decodeBase58Fixed(text: string, size: number): Uint8Array | undefined {
  if (text.length !== base58Width(size)) return undefined;
  let n = 0n;
  for (const ch of text) {
    const digit = INDEX.get(ch);
    if (digit === undefined) return undefined;
    n = n * 58n + digit;
  }
  if (n >> BigInt(size * 8) !== 0n) return undefined;
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}
