/**
 * The block of code around an anchor line, found by indentation (read_file's `indentation`
 * mode): starting at the anchor, lines are added alternately above and below while their
 * indentation stays at or above a floor.
 *
 * - Indentation counts a space as 1 and a tab as 4; a blank line takes the indentation of the
 *   line before it.
 * - The floor is 0 when `maxLevels` is 0, else `max(anchorIndent - 4 * maxLevels, 0)`.
 * - Without `includeSiblings`, only one line exactly at the floor is taken on each side (above,
 *   comment lines starting with `#`, `//` or `--` are also taken when `includeHeader`).
 * - At most `cap` lines; blank lines are trimmed from both ends.
 *
 * @module
 */

/** Columns a tab counts for. */
export const TAB_WIDTH = 4;

/** A line with its text (already decoded and shortened for display). */
export interface BlockLine {
  /** 1-based line number. */
  number: number;
  text: string;
  /** True when the whole line is whitespace. */
  blank: boolean;
}

/** Options of {@linkcode indentationBlock}. */
export interface BlockOptions {
  maxLevels: number;
  includeSiblings: boolean;
  includeHeader: boolean;
  /** Most lines returned. */
  cap: number;
}

/** Leading indentation: a space counts 1, a tab {@linkcode TAB_WIDTH}. */
export function measureIndent(text: string): number {
  let n = 0;
  for (const c of text) {
    if (c === " ") n += 1;
    else if (c === "\t") n += TAB_WIDTH;
    else break;
  }
  return n;
}

function isComment(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith("#") || t.startsWith("//") || t.startsWith("--");
}

/**
 * Picks the block around `lines[anchor]`.
 *
 * @param lines Consecutive lines of the file; they must include every line the block could
 *   reach (`cap - 1` lines on each side of the anchor, or up to the file's ends).
 * @param anchor Index of the anchor in `lines`.
 * @param inherited Indentation a leading blank line inherits (that of the nearest non-blank
 *   line before `lines[0]`, 0 at the start of the file).
 */
export function indentationBlock(
  lines: readonly BlockLine[],
  anchor: number,
  inherited: number,
  opts: BlockOptions,
): BlockLine[] {
  const indents: number[] = [];
  let previous = inherited;
  for (const line of lines) {
    const indent = line.blank ? previous : measureIndent(line.text);
    indents.push(indent);
    previous = indent;
  }
  const anchorIndent = indents[anchor]!;
  const floor = opts.maxLevels === 0 ? 0 : Math.max(anchorIndent - TAB_WIDTH * opts.maxLevels, 0);
  if (opts.cap <= 1) return [lines[anchor]!];
  const out: number[] = [anchor];
  {
    let up = anchor - 1;
    let down = anchor + 1;
    let upAtFloor = 0;
    let downAtFloor = 0;
    while (out.length < opts.cap) {
      let progressed = 0;
      if (up >= 0) {
        if (indents[up]! >= floor) {
          const taken = up;
          out.unshift(taken);
          progressed++;
          up--;
          if (indents[taken] === floor && !opts.includeSiblings) {
            const header = opts.includeHeader && isComment(lines[taken]!.text);
            if (header || upAtFloor === 0) {
              upAtFloor++;
            } else {
              out.shift();
              progressed--;
              up = -1;
            }
          }
          if (out.length >= opts.cap) break;
        } else {
          up = -1;
        }
      }
      if (down < lines.length) {
        if (indents[down]! >= floor) {
          const taken = down;
          out.push(taken);
          progressed++;
          down++;
          if (indents[taken] === floor && !opts.includeSiblings) {
            if (downAtFloor > 0) {
              out.pop();
              progressed--;
              down = lines.length;
            }
            downAtFloor++;
          }
        } else {
          down = lines.length;
        }
      }
      if (progressed <= 0) break;
    }
  }
  let lo = 0;
  let hi = out.length;
  while (lo < hi && lines[out[lo]!]!.blank) lo++;
  while (hi > lo && lines[out[hi - 1]!]!.blank) hi--;
  return out.slice(lo, hi).map((i) => lines[i]!);
}
