/**
 * Images attached with `-i/--image`: read and turned into `data:` URLs.
 *
 * @module
 */

import { encodeBase64 } from "./base64.ts";
import { UserError } from "../config/errors.ts";

const SIGNATURES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], "image/png"],
  [[0xff, 0xd8, 0xff], "image/jpeg"],
  [[0x47, 0x49, 0x46, 0x38], "image/gif"],
];

/** The MIME type of image bytes, from their signature. */
export function sniffImage(bytes: Uint8Array): string | undefined {
  for (const [sig, mime] of SIGNATURES) {
    if (sig.every((b, i) => bytes[i] === b)) return mime;
  }
  if (
    bytes.length > 12 && String.fromCharCode(...bytes.subarray(0, 4)) === "RIFF" &&
    String.fromCharCode(...bytes.subarray(8, 12)) === "WEBP"
  ) return "image/webp";
  return undefined;
}

/** Reads `path` and returns a `data:` URL; a clear error for missing files and non-images. */
export async function imageDataUrl(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    throw new UserError(`cannot read image ${path}: ${(err as Error).message}`);
  }
  const mime = sniffImage(bytes);
  if (!mime) throw new UserError(`${path} is not a PNG, JPEG, GIF or WebP image`);
  return `data:${mime};base64,${encodeBase64(bytes)}`;
}
