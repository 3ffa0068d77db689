/**
 * Applies the chunks of an `*** Update File:` hunk to a file's text, in memory. Chunks are found
 * in order (each after the previous one and after its `@@` locator line); a chunk that only adds
 * lines appends them to the end of the file, as upstream does. Context lines keep the file's own
 * text and line ending, so tolerant matching never rewrites them.
 *
 * @module
 */

import { ApplyPatchError } from "./errors.ts";
import type { ChunkLine, UpdateChunk } from "./parser.ts";
import { seekSequence } from "./seek.ts";
import { joinText, splitText, type TextFile } from "./text_file.ts";

/**
 * One run of changed lines: `oldLen` original lines from `start` give way to `lines`. Context
 * lines are never part of a replacement, so they keep their text and line ending.
 */
export interface Replacement {
  /** Index of the first replaced line of the original file (insertion point when `oldLen` is 0). */
  start: number;
  /** Number of original lines replaced. */
  oldLen: number;
  /** The new lines (they take the file's line ending). */
  lines: string[];
}

/** The outcome of an update: the new text and the replacements that produced it. */
export interface UpdateResult {
  content: string;
  /** The original file's lines (for diffs). */
  original: TextFile;
  /** Sorted by `start`; replacements at the same point keep chunk order. */
  replacements: Replacement[];
}

/**
 * Computes a file's new text.
 *
 * @param content the current text
 * @param chunks the hunk's chunks
 * @param displayPath the absolute path quoted in errors
 * @throws {ApplyPatchError} kind `verification`: `Failed to find context '...' in <path>` or
 * `Failed to find expected lines in <path>:\n<lines>`
 */
export function applyChunks(
  content: string,
  chunks: readonly UpdateChunk[],
  displayPath: string,
): UpdateResult {
  const file = splitText(content);
  const { lines } = file;
  const found: Replacement[] = [];
  let cursor = 0;
  for (const chunk of chunks) {
    if (chunk.context !== undefined) {
      const at = seekSequence(lines, [chunk.context], cursor, false);
      if (at < 0) {
        throw new ApplyPatchError(
          "verification",
          `Failed to find context '${chunk.context}' in ${displayPath}`,
        );
      }
      cursor = at + 1;
    }
    if (chunk.oldLines.length === 0) {
      found.push(...runs(lines.length, chunk.lines));
      continue;
    }
    let rows = chunk.lines;
    let pattern = chunk.oldLines;
    let at = seekSequence(lines, pattern, cursor, chunk.endOfFile);
    if (at < 0 && pattern[pattern.length - 1] === "") {
      // A trailing empty line often stands for the file's final newline: retry without it.
      pattern = pattern.slice(0, -1);
      rows = dropTrailingEmpty(rows, chunk.newLines[chunk.newLines.length - 1] === "");
      at = seekSequence(lines, pattern, cursor, chunk.endOfFile);
    }
    if (at < 0) {
      throw new ApplyPatchError(
        "verification",
        `Failed to find expected lines in ${displayPath}:\n${chunk.oldLines.join("\n")}`,
      );
    }
    found.push(...runs(at, rows));
    cursor = at + pattern.length;
  }
  found.sort((a, b) => a.start - b.start); // stable: same-point insertions keep chunk order
  return { content: joinText(replaceAll(file, found)), original: file, replacements: found };
}

/** Applies sorted replacements. Overlaps (possible with `*** End of File` chunks) are applied
 * from the last to the first, as upstream does. */
function replaceAll(file: TextFile, sorted: readonly Replacement[]): TextFile {
  const overlapping = sorted.some((r, i) =>
    i > 0 && r.start < sorted[i - 1].start + sorted[i - 1].oldLen
  );
  if (overlapping) {
    let { lines, eols } = file;
    for (let i = sorted.length - 1; i >= 0; i--) {
      const r = sorted[i];
      const added = r.lines.map(() => file.eol);
      lines = lines.slice(0, r.start).concat(r.lines, lines.slice(r.start + r.oldLen));
      eols = eols.slice(0, r.start).concat(added, eols.slice(r.start + r.oldLen));
    }
    return { lines, eols, eol: file.eol };
  }
  const lines: string[] = [];
  const eols: string[] = [];
  let pos = 0;
  const copy = (end: number) => {
    for (; pos < end; pos++) {
      lines.push(file.lines[pos]);
      eols.push(file.eols[pos]);
    }
  };
  for (const r of sorted) {
    copy(r.start);
    for (const line of r.lines) {
      lines.push(line);
      eols.push(file.eol);
    }
    pos = r.start + r.oldLen;
  }
  copy(file.lines.length);
  return { lines, eols, eol: file.eol };
}

/** Removes the last old-side empty line and, when `alsoNew`, the last new-side one. */
function dropTrailingEmpty(rows: ChunkLine[], alsoNew: boolean): ChunkLine[] {
  const out = rows.slice();
  const oldAt = out.findLastIndex((r) => r.op !== "+");
  if (oldAt >= 0) {
    if (out[oldAt].op === " ") out[oldAt] = { op: "+", text: out[oldAt].text };
    else out.splice(oldAt, 1);
  }
  if (alsoNew) {
    const newAt = out.findLastIndex((r) => r.op !== "-");
    if (newAt >= 0) out.splice(newAt, 1);
  }
  return out;
}

/** Splits a chunk matched at `start` into runs of removed and added lines. */
function runs(start: number, rows: readonly ChunkLine[]): Replacement[] {
  const out: Replacement[] = [];
  let k = start;
  let run: Replacement | undefined;
  for (const row of rows) {
    if (row.op === " ") {
      run = undefined;
      k++;
      continue;
    }
    if (!run) out.push(run = { start: k, oldLen: 0, lines: [] });
    if (row.op === "-") {
      run.oldLen++;
      k++;
    } else {
      run.lines.push(row.text);
    }
  }
  return out;
}
