/**
 * `view_image`: shows the model a local image. The file is recognised by its magic bytes
 * (PNG, JPEG, GIF, WebP) and sent as an `input_image` content part with a base64 data URL.
 *
 * @module
 */

import { encodeBase64 } from "../lib/cli/base64.ts";
import { resolve } from "../lib/path.ts";
import { z } from "npm:zod@^4.6.7";
import { defineTool, type FunctionTool, ToolError } from "./define.ts";
import { IMAGE_SNIFF_BYTES, sniffImageMime } from "./fs/image_mime.ts";

const DESCRIPTION = `Attaches a local image file (PNG, JPEG, GIF or WebP) so you can look at it.
\`path\` may be absolute or relative to the working directory.`;

/** The default size limit: 20 MiB. */
export const DEFAULT_MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/** Options of {@linkcode createViewImageTool}. */
export interface ViewImageOptions {
  /** Largest file accepted, in bytes (default {@linkcode DEFAULT_MAX_IMAGE_BYTES}). */
  maxBytes?: number;
}

/** Reads up to `n` bytes from the file's current position. */
async function readUpTo(file: Deno.FsFile, n: number): Promise<Uint8Array> {
  const buf = new Uint8Array(n);
  let filled = 0;
  while (filled < n) {
    const got = await file.read(buf.subarray(filled));
    if (got === null) break;
    filled += got;
  }
  return buf.subarray(0, filled);
}

/**
 * Creates the `view_image` tool (parallel). Answers `[{type: "input_image", image_url:
 * "data:<mime>;base64,..."}]`, or an error for a missing path, a directory, a file that is not
 * a PNG/JPEG/GIF/WebP image, or a file over the size limit.
 *
 * @example
 * ```ts
 * import { createViewImageTool } from "./view_image.ts";
 * const tool = createViewImageTool({ maxBytes: 5 * 1024 * 1024 });
 * ```
 */
export function createViewImageTool(opts: ViewImageOptions = {}): FunctionTool {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  return defineTool({
    name: "view_image",
    description: DESCRIPTION,
    parameters: z.strictObject({ path: z.string() }),
    parallel: true,
    handler: async ({ path }, ctx) => {
      if (path.trim() === "") throw new ToolError("Error: `path` is required.");
      const abs = resolve(ctx.cwd, path);
      let info: Deno.FileInfo;
      try {
        info = await Deno.stat(abs);
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) {
          throw new ToolError(`Error: unable to locate image at \`${abs}\`.`);
        }
        throw new ToolError(`Error: unable to read \`${abs}\`: ${(err as Error).message}`);
      }
      // Checked before opening: opening a FIFO would wait for a writer.
      if (!info.isFile) throw new ToolError(`Error: image path \`${abs}\` is not a file.`);
      let file: Deno.FsFile;
      try {
        file = await Deno.open(abs, { read: true });
      } catch (err) {
        throw new ToolError(`Error: unable to read \`${abs}\`: ${(err as Error).message}`);
      }
      try {
        const mime = sniffImageMime(await readUpTo(file, IMAGE_SNIFF_BYTES));
        if (mime === undefined) {
          throw new ToolError(
            `Error: \`${abs}\` does not look like an image file (PNG, JPEG, GIF or WebP).`,
          );
        }
        if (info.size > maxBytes) {
          throw new ToolError(
            `Error: image \`${abs}\` is ${info.size} bytes, over the ${maxBytes}-byte limit; ` +
              "shrink or crop it first.",
          );
        }
        await file.seek(0, Deno.SeekMode.Start);
        const bytes = await readUpTo(file, info.size);
        const url = `data:${mime};base64,${encodeBase64(bytes)}`;
        return [{ type: "input_image", image_url: url }];
      } finally {
        file.close();
      }
    },
  });
}
