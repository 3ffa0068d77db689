/**
 * Reads a window of lines from a file without reading the whole file: lines before the window
 * are counted in 1 MiB chunks (see `createNewlineCounter`), reading stops right after the
 * window, and every line keeps at most `maxLineBytes` bytes however long it is.
 *
 * Lines end with `\n`; a trailing `\r` is dropped; a last line without `\n` still counts, and
 * a file ending in `\n` has no extra empty line.
 *
 * @module
 */

import { afterNthNewline } from "./count_newlines.ts";
import { createNewlineCounter } from "./newline_counter.ts";
import type { LineMarks } from "./line_index.ts";

const NL = 0x0a;
const CR = 0x0d;

/** One line of a window. */
export interface WindowLine {
  /** 0-based line index in the file. */
  index: number;
  /** The line's first bytes (at most `maxLineBytes`), without `\r\n`. */
  bytes: Uint8Array;
  /** True when the line has a byte that is not ASCII whitespace (looked at in full). */
  hasText: boolean;
}

/** What {@linkcode readLineWindow} found. */
export interface LineWindow {
  lines: WindowLine[];
  /** Byte offset where line `first` starts (the file size when the file has fewer lines). */
  firstOffset: number;
  /** True when the end of the file was reached. */
  eof: boolean;
  /** Lines in the file when `eof` is true; otherwise a lower bound. */
  linesSeen: number;
}

function isAsciiSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

function hasNonSpace(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isAsciiSpace(bytes[i]!)) return true;
  return false;
}

/** Collects one line that may span chunks. */
class LineBuilder {
  #buf: Uint8Array;
  #len = 0;
  #text = false;
  #started = false;

  constructor(max: number) {
    this.#buf = new Uint8Array(max);
  }

  get started(): boolean {
    return this.#started;
  }

  add(chunk: Uint8Array, from: number, to: number): void {
    this.#started = true;
    if (!this.#text) this.#text = hasNonSpace(chunk, from, to);
    const room = this.#buf.length - this.#len;
    const take = Math.min(room, to - from);
    if (take > 0) {
      this.#buf.set(chunk.subarray(from, from + take), this.#len);
      this.#len += take;
    }
  }

  finish(index: number, complete: boolean): WindowLine {
    let len = this.#len;
    // Drop the \r of a \r\n ending, but only when we hold the real end of the line.
    if (complete && len > 0 && this.#buf[len - 1] === CR && len < this.#buf.length) len--;
    const line = { index, bytes: this.#buf.slice(0, len), hasText: this.#text };
    this.#len = 0;
    this.#text = false;
    this.#started = false;
    return line;
  }
}

/**
 * Reads lines `first .. first + count - 1` (0-based) of an open file.
 *
 * @param file An open file (the caller closes it).
 * @param first The first line wanted (0-based).
 * @param count How many lines at most.
 * @param maxLineBytes Bytes kept per line.
 * @param marks Checkpoints of this file: used to start near `first`, and extended while
 *   counting.
 */
export async function readLineWindow(
  file: Deno.FsFile,
  first: number,
  count: number,
  maxLineBytes: number,
  marks?: LineMarks,
): Promise<LineWindow> {
  const start = marks?.before(first);
  let line = start?.line ?? 0; // index of the line the next byte belongs to
  let base = start?.offset ?? 0; // file offset of chunk[0]
  await file.seek(base, Deno.SeekMode.Start);
  const counter = createNewlineCounter();
  const chunk = counter.buffer;
  const lines: WindowLine[] = [];
  const builder = new LineBuilder(maxLineBytes);
  let firstOffset = first === 0 ? 0 : -1;
  while (lines.length < count) {
    if (line < first) marks?.add(base, line);
    const n = await file.read(chunk);
    if (n === null) {
      if (builder.started) lines.push(builder.finish(line++, false));
      return {
        lines,
        firstOffset: firstOffset < 0 ? base : firstOffset,
        eof: true,
        linesSeen: line,
      };
    }
    const bytes = chunk.subarray(0, n);
    let pos = 0;
    if (line < first) {
      const needed = first - line;
      const here = counter.count(n);
      if (here < needed) {
        line += here;
        base += n;
        continue;
      }
      pos = afterNthNewline(bytes, 0, needed);
      line = first;
      firstOffset = base + pos;
    }
    while (pos < n && lines.length < count) {
      const nl = bytes.indexOf(NL, pos);
      const end = nl < 0 ? n : nl;
      builder.add(bytes, pos, end);
      if (nl < 0) {
        pos = n;
      } else {
        lines.push(builder.finish(line++, true));
        pos = nl + 1;
      }
    }
    base += n;
    if (lines.length >= count) {
      // Tell whether the file ends right here, so callers can report the total exactly.
      const atEnd = pos >= n && (await file.read(chunk.subarray(0, 1))) === null;
      return { lines, firstOffset, eof: atEnd, linesSeen: line };
    }
  }
  return { lines, firstOffset, eof: false, linesSeen: line };
}

/**
 * The offset where the nearest line before `offset` that has a non-whitespace byte starts, or
 * -1 when every earlier line is blank. `offset` must be the start of a line. Reads backwards in
 * 64 KiB steps, so it only touches the bytes it needs.
 */
export async function previousTextLineStart(file: Deno.FsFile, offset: number): Promise<number> {
  const step = 1 << 16;
  const buf = new Uint8Array(step);
  let end = offset - 1; // skip the \n that ends the previous line
  let text = false; // the current (partial) line has a non-space byte
  while (end > 0) {
    const start = Math.max(0, end - step);
    await file.seek(start, Deno.SeekMode.Start);
    let filled = 0;
    while (filled < end - start) {
      const got = await file.read(buf.subarray(filled, end - start));
      if (got === null) break;
      filled += got;
    }
    let segEnd = filled;
    for (;;) {
      const nl = segEnd === 0 ? -1 : buf.lastIndexOf(NL, segEnd - 1);
      const segStart = nl < 0 ? 0 : nl + 1;
      if (!text) text = hasNonSpace(buf, segStart, segEnd);
      if (nl < 0) break;
      if (text) return start + segStart;
      segEnd = nl;
    }
    end = start;
  }
  return text ? 0 : -1;
}
