/**
 * `read_file`: reads numbered lines of a file, either a plain slice (`offset`, `limit`) or the
 * indentation block around an anchor line. Large files are never read whole: the reader skips
 * to the wanted lines and stops right after them.
 *
 * Output: one `L<number>: <text>` line per file line (text cut to 500 characters), joined by
 * `\n`.
 *
 * @module
 */

import { isAbsolute } from "../lib/path.ts";
import { z } from "npm:zod@^4.6.7";
import { defineTool, type FunctionTool, ToolError } from "./define.ts";
import { previousTextLineStart, readLineWindow, type WindowLine } from "./fs/line_window.ts";
import { type BlockLine, indentationBlock, measureIndent } from "./fs/indentation_block.ts";
import { LineMarkCache, type LineMarks } from "./fs/line_index.ts";

/** Characters kept per line. */
export const MAX_LINE_CHARS = 500;
/** Bytes read per line: enough for {@linkcode MAX_LINE_CHARS} characters of any UTF-8 text. */
const MAX_LINE_BYTES = MAX_LINE_CHARS * 4;
/** Default number of lines. */
export const DEFAULT_LIMIT = 2000;

const DESCRIPTION =
  `Reads a local file and returns its lines numbered as \`L<n>: <text>\` (long lines are cut to 500 characters).
\`file_path\` must be absolute. Slice mode (default) returns \`limit\` lines (default 2000) from the 1-based \`offset\` (default 1).
Indentation mode returns the code block around \`indentation.anchor_line\` (default: offset): lines are added above and below while they stay at or deeper than the anchor's indentation minus \`max_levels\` levels (0 = any depth); \`include_siblings\` keeps following blocks at that level, \`include_header\` keeps comment lines just above, \`max_lines\` caps the result.`;

const readParameters = z.strictObject({
  file_path: z.string(),
  offset: z.number().int().optional(),
  limit: z.number().int().optional(),
  mode: z.enum(["slice", "indentation"]).optional(),
  indentation: z.strictObject({
    anchor_line: z.number().int().optional(),
    max_levels: z.number().int().optional(),
    include_siblings: z.boolean().optional(),
    include_header: z.boolean().optional(),
    max_lines: z.number().int().optional(),
  }).optional(),
});

type ReadArgs = z.output<typeof readParameters>;

const decoder = new TextDecoder();

/** The display text of a line: decoded (invalid UTF-8 replaced) and cut to 500 characters. */
function displayText(bytes: Uint8Array): string {
  const text = decoder.decode(bytes);
  if (text.length <= MAX_LINE_CHARS) return text;
  let out = "";
  let n = 0;
  for (const c of text) {
    if (n++ === MAX_LINE_CHARS) break;
    out += c;
  }
  return out;
}

function toBlockLine(line: WindowLine): BlockLine {
  return { number: line.index + 1, text: displayText(line.bytes), blank: !line.hasText };
}

function render(lines: readonly BlockLine[]): string {
  return lines.map((l) => `L${l.number}: ${l.text}`).join("\n");
}

interface OpenedFile {
  file: Deno.FsFile;
  info: Deno.FileInfo;
}

async function openFile(path: string): Promise<OpenedFile> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new ToolError(`Error: \`${path}\` does not exist.`);
    }
    throw new ToolError(`Error: unable to read \`${path}\`: ${(err as Error).message}`);
  }
  if (!info.isFile) throw new ToolError(`Error: \`${path}\` is not a file.`);
  try {
    return { file: await Deno.open(path, { read: true }), info };
  } catch (err) {
    throw new ToolError(`Error: unable to read \`${path}\`: ${(err as Error).message}`);
  }
}

async function readSlice(
  file: Deno.FsFile,
  marks: LineMarks,
  offset: number,
  limit: number,
): Promise<string> {
  const window = await readLineWindow(file, offset - 1, limit, MAX_LINE_BYTES, marks);
  if (window.lines.length === 0) throw new ToolError("Error: `offset` exceeds file length.");
  return render(window.lines.map(toBlockLine));
}

async function readIndentation(
  file: Deno.FsFile,
  marks: LineMarks,
  args: ReadArgs,
  offset: number,
  limit: number,
): Promise<string> {
  const opts = args.indentation ?? {};
  const anchorLine = opts.anchor_line ?? offset;
  if (anchorLine < 1) throw new ToolError("Error: `anchor_line` must be a 1-indexed line number.");
  const maxLines = opts.max_lines ?? limit;
  if (maxLines < 1) throw new ToolError("Error: `max_lines` must be greater than zero.");
  const maxLevels = opts.max_levels ?? 0;
  if (maxLevels < 0) {
    throw new ToolError("Error: `max_levels` must be zero (no limit) or a positive level count.");
  }
  const cap = Math.min(limit, maxLines);
  const anchor = anchorLine - 1;
  const first = Math.max(0, anchor - (cap - 1));
  const window = await readLineWindow(file, first, anchor - first + cap, MAX_LINE_BYTES, marks);
  if (window.lines.length <= anchor - first) {
    throw new ToolError("Error: `anchor_line` exceeds file length.");
  }
  let inherited = 0;
  if (first > 0 && !window.lines[0]!.hasText) {
    const start = await previousTextLineStart(file, window.firstOffset);
    if (start >= 0) {
      const head = await lineTextAt(file, start);
      inherited = measureIndent(head);
    }
  }
  const block = indentationBlock(window.lines.map(toBlockLine), anchor - first, inherited, {
    maxLevels,
    includeSiblings: opts.include_siblings ?? false,
    includeHeader: opts.include_header ?? true,
    cap,
  });
  return render(block);
}

/** The first bytes (as text) of the line starting at `offset`. */
async function lineTextAt(file: Deno.FsFile, offset: number): Promise<string> {
  await file.seek(offset, Deno.SeekMode.Start);
  const buf = new Uint8Array(MAX_LINE_BYTES);
  const n = await file.read(buf);
  const bytes = buf.subarray(0, n ?? 0);
  const nl = bytes.indexOf(0x0a);
  return decoder.decode(nl < 0 ? bytes : bytes.subarray(0, nl));
}

/**
 * Creates the `read_file` tool (parallel). The tool remembers where lines start in the last
 * few large files it read (dropped when a file changes), so paging deep into a big file only
 * counts lines once.
 *
 * @example
 * ```ts
 * import { createReadFileTool } from "./read_file.ts";
 * const tool = createReadFileTool();
 * ```
 */
export function createReadFileTool(): FunctionTool {
  const cache = new LineMarkCache();
  return defineTool({
    name: "read_file",
    description: DESCRIPTION,
    parameters: readParameters,
    parallel: true,
    handler: async (args) => {
      if (!isAbsolute(args.file_path)) {
        throw new ToolError("Error: `file_path` must be an absolute path.");
      }
      const offset = args.offset ?? 1;
      if (offset < 1) throw new ToolError("Error: `offset` must be a 1-indexed line number.");
      const limit = args.limit ?? DEFAULT_LIMIT;
      if (limit < 1) throw new ToolError("Error: `limit` must be greater than zero.");
      const { file, info } = await openFile(args.file_path);
      const marks = cache.marksFor(args.file_path, info);
      try {
        return args.mode === "indentation"
          ? await readIndentation(file, marks, args, offset, limit)
          : await readSlice(file, marks, offset, limit);
      } finally {
        file.close();
      }
    },
  });
}
