/**
 * Parses `apply_patch` text into hunks. The format is upstream's: `*** Begin Patch`, then
 * `*** Add File: <path>` (followed by `+` lines), `*** Delete File: <path>` or
 * `*** Update File: <path>` (optionally `*** Move to: <path>`, then chunks that start with `@@` or
 * `@@ <context line>`, made of ` `, `-` and `+` lines, optionally ending in `*** End of File`), and
 * `*** End Patch`.
 *
 * Like upstream 0.169.0 (checked against its binary), the parser is lenient where models are
 * sloppy: whitespace around the patch, its markers and file headers, a heredoc wrapper (`<<'EOF'`
 * ... `EOF`), a first chunk without `@@`, an empty line inside a chunk (an empty context line),
 * stray `*** End of File` lines before the first chunk, blank lines after an `*** End of File`,
 * and a doubled `*** End Patch`. Error texts and line numbers match upstream's.
 *
 * @example Parse a one-line update
 * ```ts
 * import { parsePatch } from "./parser.ts";
 *
 * const { hunks } = parsePatch("*** Begin Patch\n*** Update File: a.txt\n@@\n-old\n+new\n*** End Patch");
 * console.log(hunks[0].type); // "update"
 * ```
 *
 * @module
 */

import { ApplyPatchError } from "./errors.ts";
import { lines as splitLines, trim, trimEnd } from "./rust_text.ts";

const BEGIN_PATCH = "*** Begin Patch";
const END_PATCH = "*** End Patch";
const ADD_FILE = "*** Add File: ";
const DELETE_FILE = "*** Delete File: ";
const UPDATE_FILE = "*** Update File: ";
const MOVE_TO = "*** Move to: ";
const END_OF_FILE = "*** End of File";
const CONTEXT = "@@ ";
const EMPTY_CONTEXT = "@@";
const HEREDOC_STARTS = new Set(["<<EOF", "<<'EOF'", '<<"EOF"']);

/** One line of an update chunk: kept (` `), removed (`-`) or added (`+`). */
export interface ChunkLine {
  op: " " | "-" | "+";
  text: string;
}

/** One `@@` chunk of an update. */
export interface UpdateChunk {
  /** The `@@ <line>` locator: the chunk applies after the first line matching it. */
  context?: string;
  /** The chunk's lines in patch order. */
  lines: ChunkLine[];
  /** Context and removed lines: what must be found in the file. */
  oldLines: string[];
  /** Context and added lines: what replaces them. */
  newLines: string[];
  /** `*** End of File`: the old lines must end the file. */
  endOfFile: boolean;
}

/** `*** Add File:` (also overwrites an existing file, as upstream). */
export interface AddHunk {
  type: "add";
  /** The path as the patch names it. */
  path: string;
  /** The new file's text (each `+` line followed by `\n`). */
  contents: string;
}

/** `*** Delete File:`. */
export interface DeleteHunk {
  type: "delete";
  path: string;
}

/** `*** Update File:`, optionally moved. */
export interface UpdateHunk {
  type: "update";
  path: string;
  /** `*** Move to:` destination, as the patch names it. */
  movePath?: string;
  chunks: UpdateChunk[];
}

/** One file operation of a patch. */
export type Hunk = AddHunk | DeleteHunk | UpdateHunk;

/** A parsed patch. */
export interface ParsedPatch {
  hunks: Hunk[];
  /** The patch text between (and including) the markers, without a heredoc wrapper. */
  patch: string;
}

function invalidPatch(message: string): ApplyPatchError {
  return new ApplyPatchError("verification", `invalid patch: ${message}`);
}

function invalidHunk(message: string, lineNumber: number): ApplyPatchError {
  return new ApplyPatchError("verification", `invalid hunk at line ${lineNumber}, ${message}`);
}

/** Checks the first and last lines; returns the lines between them. */
function bodyWithinMarkers(all: string[]): string[] {
  const first = all.length ? trim(all[0]) : undefined;
  const last = all.length ? trim(all[all.length - 1]) : undefined;
  if (first === BEGIN_PATCH && last === END_PATCH && all.length >= 2) {
    return all.slice(1, -1);
  }
  if (first !== undefined && first !== BEGIN_PATCH) {
    throw invalidPatch("The first line of the patch must be '*** Begin Patch'");
  }
  throw invalidPatch("The last line of the patch must be '*** End Patch'");
}

/**
 * Parses patch text.
 *
 * @param text the patch, as the model wrote it
 * @returns the hunks in patch order
 * @throws {ApplyPatchError} kind `verification`, with upstream's `invalid patch: ...` or
 * `invalid hunk at line N, ...` reason
 */
export function parsePatch(text: string): ParsedPatch {
  const all = splitLines(trim(text));
  let outer = all;
  let body: string[];
  try {
    body = bodyWithinMarkers(all);
  } catch (err) {
    // A heredoc wrapper (`<<'EOF'` ... `EOF`) around an otherwise valid patch.
    const n = all.length;
    if (n >= 4 && HEREDOC_STARTS.has(all[0]) && all[n - 1].endsWith("EOF")) {
      outer = all.slice(1, -1);
      body = bodyWithinMarkers(outer);
    } else {
      throw err;
    }
  }
  // An earlier `*** End Patch` ends the hunks; only blank lines may follow it (checked after
  // the hunks, whose errors come first).
  const early = body.findIndex((l) => trim(l) === END_PATCH);
  const trailer = early >= 0 ? body.slice(early + 1) : [];
  if (early >= 0) body = body.slice(0, early);
  const hunks: Hunk[] = [];
  let lineNumber = 2;
  let rest = 0;
  while (rest < body.length) {
    const [hunk, used] = parseHunk(body, rest, lineNumber);
    hunks.push(hunk);
    lineNumber += used;
    rest += used;
  }
  if (trailer.some((l) => trim(l) !== "")) {
    throw invalidPatch("The last line of the patch must be '*** End Patch'");
  }
  return { hunks, patch: outer.join("\n") };
}

function parseHunk(lines: string[], at: number, lineNumber: number): [Hunk, number] {
  const header = trim(lines[at]);
  if (header.startsWith(ADD_FILE)) {
    let contents = "";
    let i = at + 1;
    while (i < lines.length && lines[i].startsWith("+")) {
      contents += lines[i].slice(1) + "\n";
      i++;
    }
    return [{ type: "add", path: header.slice(ADD_FILE.length), contents }, i - at];
  }
  if (header.startsWith(DELETE_FILE)) {
    return [{ type: "delete", path: header.slice(DELETE_FILE.length) }, 1];
  }
  if (header.startsWith(UPDATE_FILE)) {
    const path = header.slice(UPDATE_FILE.length);
    let i = at + 1;
    let movePath: string | undefined;
    // Before the first chunk: one `*** Move to:`, and stray `*** End of File` lines (ignored).
    for (; i < lines.length; i++) {
      const line = trimEnd(lines[i]);
      if (line === END_OF_FILE) continue;
      if (movePath !== undefined || !line.startsWith(MOVE_TO)) break;
      movePath = line.slice(MOVE_TO.length);
    }
    const chunks: UpdateChunk[] = [];
    while (i < lines.length && !isHunkHeader(lines[i])) {
      const [chunk, used] = parseChunk(lines, i, lineNumber + (i - at), chunks.length === 0);
      chunks.push(chunk);
      i += used;
      // Blank lines after an `*** End of File` are separators, not context.
      if (chunk.endOfFile) { while (i < lines.length && trim(lines[i]) === "") i++; }
    }
    if (chunks.length === 0) {
      throw invalidHunk(`Update file hunk for path '${path}' is empty`, lineNumber);
    }
    const hunk: UpdateHunk = { type: "update", path, chunks };
    if (movePath !== undefined) hunk.movePath = movePath;
    return [hunk, i - at];
  }
  throw invalidHunk(
    `'${header}' is not a valid hunk header. Valid hunk headers: ` +
      "'*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
    lineNumber,
  );
}

/** A file header ends an update hunk (trailing blanks allowed, leading ones not). */
function isHunkHeader(line: string): boolean {
  const t = trimEnd(line);
  return t.startsWith(ADD_FILE) || t.startsWith(DELETE_FILE) || t.startsWith(UPDATE_FILE);
}

function parseChunk(
  lines: string[],
  at: number,
  lineNumber: number,
  firstChunk: boolean,
): [UpdateChunk, number] {
  const head = trimEnd(lines[at]);
  let context: string | undefined;
  let start = at;
  if (head === EMPTY_CONTEXT) {
    start = at + 1;
  } else if (head.startsWith(CONTEXT)) {
    context = head.slice(CONTEXT.length);
    start = at + 1;
  } else if (!firstChunk) {
    throw invalidHunk(
      `Expected update hunk to start with a @@ context marker, got: '${lines[at]}'`,
      lineNumber,
    );
  }
  if (start >= lines.length) {
    throw invalidHunk("Update hunk does not contain any lines", lineNumber + 1);
  }
  const chunk: UpdateChunk = { lines: [], oldLines: [], newLines: [], endOfFile: false };
  if (context !== undefined) chunk.context = context;
  let i = start;
  for (; i < lines.length; i++) {
    const line = lines[i];
    const parsed = i - start;
    if (line.startsWith("*") && trimEnd(line) === END_OF_FILE) {
      if (parsed === 0) {
        throw invalidHunk("Update hunk does not contain any lines", lineNumber + 1);
      }
      chunk.endOfFile = true;
      i++;
      break;
    }
    const header = isHunkHeader(line);
    const op = line === "" ? " " : line[0];
    if (header || (op !== " " && op !== "-" && op !== "+")) {
      if (parsed === 0) {
        throw invalidHunk(
          `Unexpected line found in update hunk: '${
            header ? trimEnd(line) : line
          }'. Every line should start with ` +
            "' ' (context line), '+' (added line), or '-' (removed line)",
          lineNumber + (start - at),
        );
      }
      break; // the start of the next chunk or hunk
    }
    const text = line.slice(1);
    chunk.lines.push({ op, text });
    if (op !== "+") chunk.oldLines.push(text);
    if (op !== "-") chunk.newLines.push(text);
  }
  return [chunk, i - at];
}
