/**
 * Unified diffs of a patch's changes, for renderers. Built from the replacements the update
 * already computed (no diff algorithm runs), with three lines of context and `@@ -a,b +c,d @@`
 * hunk headers; no `---`/`+++` file headers.
 *
 * @module
 */

import type { ChunkLine } from "./parser.ts";
import type { Replacement } from "./update.ts";

const CONTEXT = 3;

function range(start: number, count: number): string {
  // Unified diff convention: an empty range names the line before it.
  const first = count === 0 ? start : start + 1;
  return count === 1 ? `${first}` : `${first},${count}`;
}

function hunk(rows: ChunkLine[], oldStart: number, newStart: number): string {
  let oldCount = 0;
  let newCount = 0;
  let body = "";
  for (const r of rows) {
    if (r.op !== "+") oldCount++;
    if (r.op !== "-") newCount++;
    body += r.op + r.text + "\n";
  }
  return `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@\n${body}`;
}

/** The diff of a new file. */
export function addedFileDiff(content: string): string {
  const lines = content.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.length ? hunk(lines.map((text) => ({ op: "+", text })), 0, 0) : "";
}

/** The diff of a deleted file. */
export function deletedFileDiff(content: string): string {
  const lines = content.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.length ? hunk(lines.map((text) => ({ op: "-", text })), 0, 0) : "";
}

/**
 * The diff of an updated file.
 *
 * @param original the file's original lines
 * @param replacements sorted, as the update computed them
 * @returns the hunks, or `undefined` when replacements overlap
 */
export function updatedFileDiff(
  original: readonly string[],
  replacements: readonly Replacement[],
): string | undefined {
  let out = "";
  let shift = 0; // new line index minus old line index before the current group
  let i = 0;
  while (i < replacements.length) {
    // Group replacements whose context windows touch.
    let j = i;
    while (
      j + 1 < replacements.length &&
      replacements[j + 1].start - (replacements[j].start + replacements[j].oldLen) <= 2 * CONTEXT
    ) j++;
    const first = replacements[i];
    const from = Math.max(0, first.start - CONTEXT);
    const rows: ChunkLine[] = [];
    let pos = from;
    let groupShift = 0;
    for (let k = i; k <= j; k++) {
      const r = replacements[k];
      if (r.start < pos) return undefined;
      for (; pos < r.start; pos++) rows.push({ op: " ", text: original[pos] });
      for (let x = r.start; x < r.start + r.oldLen; x++) rows.push({ op: "-", text: original[x] });
      for (const text of r.lines) rows.push({ op: "+", text });
      pos = r.start + r.oldLen;
      groupShift += r.lines.length - r.oldLen;
    }
    const to = Math.min(original.length, pos + CONTEXT);
    for (; pos < to; pos++) rows.push({ op: " ", text: original[pos] });
    out += hunk(rows, from, from + shift);
    shift += groupShift;
    i = j + 1;
  }
  return out;
}
