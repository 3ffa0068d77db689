/**
 * Recognises image files by their first bytes (magic numbers), not by their names.
 *
 * @module
 */

/** Image types `view_image` accepts. */
export type ImageMime = "image/png" | "image/jpeg" | "image/gif" | "image/webp";

/** How many leading bytes {@linkcode sniffImageMime} needs. */
export const IMAGE_SNIFF_BYTES = 12;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

/**
 * The MIME type of an image from its first {@linkcode IMAGE_SNIFF_BYTES} bytes, or `undefined`
 * when they match none of PNG, JPEG, GIF (87a/89a) and WebP.
 *
 * @example
 * ```ts
 * import { sniffImageMime } from "./image_mime.ts";
 * sniffImageMime(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])); // "image/jpeg"
 * ```
 */
export function sniffImageMime(bytes: Uint8Array): ImageMime | undefined {
  if (startsWith(bytes, PNG)) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "image/gif";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  return undefined;
}
