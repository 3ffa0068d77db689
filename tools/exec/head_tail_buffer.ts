/**
 * A byte buffer with a fixed capacity that keeps the beginning and the end of a stream: the
 * first half of the capacity fills once (head), the second half rolls (tail), and what falls
 * out of the middle is only counted (bytes and newlines), never stored.
 *
 * @example
 * ```ts
 * import { HeadTailBuffer } from "./head_tail_buffer.ts";
 *
 * const buf = new HeadTailBuffer(8);
 * buf.push(new TextEncoder().encode("abcdefghij\n"));
 * const s = buf.drain(); // head "abcd", tail "ij\n" + ..., omittedBytes 4
 * ```
 *
 * @module
 */

/** The content of a {@linkcode HeadTailBuffer} at one moment. */
export interface OutputSnapshot {
  /** The first bytes of the stream. */
  head: Uint8Array;
  /** The last bytes of the stream (directly after `head` when `omittedBytes` is 0). */
  tail: Uint8Array;
  /** Bytes dropped between `head` and `tail`. */
  omittedBytes: number;
  /** Newlines among the dropped bytes. */
  omittedNewlines: number;
}

/** Counts `\n` bytes in `bytes`. */
export function countNewlines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** See the module documentation. */
export class HeadTailBuffer {
  /** Total bytes kept at most (head plus tail). */
  readonly capacity: number;
  #headCap: number;
  #tailCap: number;
  #head: Uint8Array[] = [];
  #headBytes = 0;
  #tail: Uint8Array[] = [];
  #tailBytes = 0;
  #omittedBytes = 0;
  #omittedNewlines = 0;

  /** A buffer keeping at most `capacity` bytes (default 1 MiB). */
  constructor(capacity = 1024 * 1024) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError("capacity must be a non-negative integer");
    }
    this.capacity = capacity;
    this.#headCap = Math.floor(capacity / 2);
    this.#tailCap = capacity - this.#headCap;
  }

  /** Bytes currently kept. */
  get retainedBytes(): number {
    return this.#headBytes + this.#tailBytes;
  }

  /** Bytes pushed since the last drain (kept or dropped). */
  get totalBytes(): number {
    return this.#headBytes + this.#omittedBytes + this.#tailBytes;
  }

  /** Appends a chunk. The chunk is stored by reference; do not reuse its memory. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.#headBytes < this.#headCap) {
      const room = this.#headCap - this.#headBytes;
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.#head.push(part);
      this.#headBytes += part.length;
      if (part.length === chunk.length) return;
      chunk = chunk.subarray(room);
    }
    this.#tail.push(chunk);
    this.#tailBytes += chunk.length;
    this.#trimTail();
  }

  #trimTail(): void {
    let excess = this.#tailBytes - this.#tailCap;
    while (excess > 0) {
      const first = this.#tail[0];
      const drop = first.length <= excess ? first : first.subarray(0, excess);
      this.#omittedBytes += drop.length;
      this.#omittedNewlines += countNewlines(drop);
      this.#tailBytes -= drop.length;
      excess -= drop.length;
      if (drop.length === first.length) this.#tail.shift();
      // Copy the rest so the dropped part of a large chunk can be freed.
      else this.#tail[0] = first.slice(drop.length);
    }
  }

  /** The content without clearing it. */
  snapshot(): OutputSnapshot {
    return {
      head: concat(this.#head, this.#headBytes),
      tail: concat(this.#tail, this.#tailBytes),
      omittedBytes: this.#omittedBytes,
      omittedNewlines: this.#omittedNewlines,
    };
  }

  /** The content, then clears the buffer (the next push starts a new head). */
  drain(): OutputSnapshot {
    const snap = this.snapshot();
    this.#head = [];
    this.#tail = [];
    this.#headBytes = 0;
    this.#tailBytes = 0;
    this.#omittedBytes = 0;
    this.#omittedNewlines = 0;
    return snap;
  }
}
