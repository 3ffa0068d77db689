/**
 * `list_dir`: lists a directory tree to a given depth, one entry per line, indented two spaces
 * per level, with a suffix for the kind (`/` directory, `@` symlink, `?` neither file nor
 * directory). All entries are sorted by relative path and paged with `offset`/`limit`.
 *
 * @module
 */

import { isAbsolute, join } from "../lib/path.ts";
import { z } from "npm:zod@^4.6.7";
import { defineTool, type FunctionTool, ToolError } from "./define.ts";

/** Characters kept of an entry name. */
export const MAX_NAME_CHARS = 500;

const DESCRIPTION = `Lists the entries of a local directory, recursing \`depth\` levels (default 2).
\`dir_path\` must be absolute. Entries are sorted by path and shown indented by level, with \`/\` after directories, \`@\` after symlinks and \`?\` after other special files.
Page through big trees with the 1-based \`offset\` (default 1) and \`limit\` (default 25).`;

const listParameters = z.strictObject({
  dir_path: z.string(),
  offset: z.number().int().optional(),
  limit: z.number().int().optional(),
  depth: z.number().int().optional(),
});

interface Entry {
  /** Path relative to the listed directory, `/`-separated. */
  rel: string;
  name: string;
  level: number;
  suffix: "" | "/" | "@" | "?";
}

function suffixOf(e: Deno.DirEntry): Entry["suffix"] {
  if (e.isSymlink) return "@";
  if (e.isDirectory) return "/";
  if (e.isFile) return "";
  return "?";
}

function shortName(name: string): string {
  if (name.length <= MAX_NAME_CHARS) return name;
  return [...name].slice(0, MAX_NAME_CHARS).join("");
}

/** Every entry under `root` down to `depth` levels, breadth first (unreadable folders skipped). */
async function collect(root: string, depth: number): Promise<Entry[]> {
  const out: Entry[] = [];
  let level: { abs: string; rel: string }[] = [{ abs: root, rel: "" }];
  for (let d = 0; d < depth && level.length > 0; d++) {
    const next: { abs: string; rel: string }[] = [];
    for (const dir of level) {
      let entries: Deno.DirEntry[];
      try {
        entries = await Array.fromAsync(Deno.readDir(dir.abs));
      } catch (err) {
        if (d === 0) throw err;
        continue;
      }
      for (const e of entries) {
        const rel = dir.rel === "" ? e.name : `${dir.rel}/${e.name}`;
        const suffix = suffixOf(e);
        out.push({ rel, name: e.name, level: d, suffix });
        if (suffix === "/") next.push({ abs: join(dir.abs, e.name), rel });
      }
    }
    level = next;
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/**
 * Creates the `list_dir` tool (parallel).
 *
 * @example
 * ```ts
 * import { createListDirTool } from "./list_dir.ts";
 * const tool = createListDirTool();
 * ```
 */
export function createListDirTool(): FunctionTool {
  return defineTool({
    name: "list_dir",
    description: DESCRIPTION,
    parameters: listParameters,
    parallel: true,
    handler: async ({ dir_path, offset = 1, limit = 25, depth = 2 }) => {
      if (!isAbsolute(dir_path)) throw new ToolError("Error: `dir_path` must be an absolute path.");
      if (offset < 1) throw new ToolError("Error: `offset` must be a 1-indexed entry number.");
      if (limit < 1) throw new ToolError("Error: `limit` must be greater than zero.");
      if (depth < 1) throw new ToolError("Error: `depth` must be greater than zero.");
      let info: Deno.FileInfo;
      try {
        info = await Deno.stat(dir_path);
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) {
          throw new ToolError(`Error: \`${dir_path}\` does not exist.`);
        }
        throw new ToolError(`Error: unable to read \`${dir_path}\`: ${(err as Error).message}`);
      }
      if (!info.isDirectory) throw new ToolError(`Error: \`${dir_path}\` is not a directory.`);
      let entries: Entry[];
      try {
        entries = await collect(dir_path, depth);
      } catch (err) {
        throw new ToolError(`Error: unable to read \`${dir_path}\`: ${(err as Error).message}`);
      }
      const lines = [`Absolute path: ${dir_path}`];
      if (entries.length === 0) return lines.join("\n");
      if (offset > entries.length) {
        throw new ToolError("Error: `offset` exceeds directory entry count.");
      }
      const shown = entries.slice(offset - 1, offset - 1 + limit);
      for (const e of shown) lines.push(`${"  ".repeat(e.level)}${shortName(e.name)}${e.suffix}`);
      if (offset - 1 + shown.length < entries.length) {
        lines.push(`More than ${shown.length} entries found`);
      }
      return lines.join("\n");
    },
  });
}
