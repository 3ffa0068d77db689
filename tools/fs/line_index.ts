/**
 * Remembered positions in files scanned by {@linkcode readLineWindow}: at each 1 MiB chunk the
 * scanner notes which line the chunk starts in, so a later read of a deep line skips straight
 * to the nearest note instead of counting from the start. Notes are dropped when the file's
 * size, times or inode change.
 *
 * @module
 */

/** The line a byte offset belongs to. */
export interface LineMark {
  /** Byte offset. */
  offset: number;
  /** 0-based index of the line that contains the byte at `offset`. */
  line: number;
}

/** Checkpoints of one file, in increasing offset order. */
export class LineMarks {
  #marks: LineMark[] = [];

  /** Notes that the byte at `offset` is in line `line` (offsets must only grow). */
  add(offset: number, line: number): void {
    const last = this.#marks.at(-1);
    if (last === undefined || offset > last.offset) this.#marks.push({ offset, line });
  }

  /** The furthest mark whose line is before `line`, if any. */
  before(line: number): LineMark | undefined {
    let lo = 0;
    let hi = this.#marks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#marks[mid]!.line < line) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : this.#marks[lo - 1];
  }

  /** Number of marks. */
  get size(): number {
    return this.#marks.length;
  }
}

function stampOf(info: Deno.FileInfo): string {
  return [info.size, info.mtime?.getTime(), info.ctime?.getTime(), info.ino, info.dev].join(":");
}

/** Marks for recently read files (a few, least recently used dropped first). */
export class LineMarkCache {
  #entries = new Map<string, { stamp: string; marks: LineMarks }>();
  #max: number;

  constructor(maxFiles = 16) {
    this.#max = maxFiles;
  }

  /** The marks of `path` as it is now (`info` from a fresh stat); new if it changed. */
  marksFor(path: string, info: Deno.FileInfo): LineMarks {
    const stamp = stampOf(info);
    const hit = this.#entries.get(path);
    this.#entries.delete(path);
    const entry = hit !== undefined && hit.stamp === stamp
      ? hit
      : { stamp, marks: new LineMarks() };
    this.#entries.set(path, entry);
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    return entry.marks;
  }
}
