/**
 * A byte buffer with a fixed capacity that keeps the beginning and the end of a stream: the
 * first half of the capacity fills once (head), the second half rolls (tail, a ring), and what
 * falls out of the middle is only counted (bytes and newlines), never stored. Chunks are
 * copied in, so callers may reuse their read buffers.
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

/** See the module documentation. */
export class HeadTailBuffer {
  /** Total bytes kept at most (head plus tail). */
  readonly capacity: number;
  #headCap: number;
  #tailCap: number;
  #head = new Uint8Array(0);
  #headLen = 0;
  // The tail is a ring: `#len` bytes starting at `#start`, wrapping at the end of `#ring`.
  #ring = new Uint8Array(0);
  #start = 0;
  #len = 0;
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
    return this.#headLen + this.#len;
  }

  /** Bytes pushed since the last drain (kept or dropped). */
  get totalBytes(): number {
    return this.#headLen + this.#omittedBytes + this.#len;
  }

  /**
   * Appends a copy of `chunk`. Storage grows with the content up to the capacity and is then
   * reused, so a long stream allocates nothing per chunk.
   */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.#headLen < this.#headCap) {
      const take = Math.min(chunk.length, this.#headCap - this.#headLen);
      if (this.#headLen + take > this.#head.length) {
        const size = Math.min(
          this.#headCap,
          Math.max(this.#headLen + take, this.#head.length * 2, 4096),
        );
        const grown = new Uint8Array(size);
        grown.set(this.#head.subarray(0, this.#headLen));
        this.#head = grown;
      }
      this.#head.set(chunk.subarray(0, take), this.#headLen);
      this.#headLen += take;
      if (take === chunk.length) return;
      chunk = chunk.subarray(take);
    }
    this.#pushTail(chunk);
  }

  #pushTail(chunk: Uint8Array): void {
    const cap = this.#tailCap;
    if (chunk.length >= cap) {
      // Everything kept so far, and the start of this chunk, falls out of the middle.
      this.#dropOldest(this.#len);
      this.#omit(chunk.subarray(0, chunk.length - cap));
      if (this.#ring.length < cap) this.#ring = new Uint8Array(cap);
      this.#ring.set(chunk.subarray(chunk.length - cap));
      this.#start = 0;
      this.#len = cap;
      return;
    }
    const needed = this.#len + chunk.length;
    if (needed > this.#ring.length && this.#ring.length < cap) {
      this.#growRing(Math.min(cap, Math.max(needed, this.#ring.length * 2, 4096)));
    }
    if (needed > this.#ring.length) this.#dropOldest(needed - this.#ring.length);
    const size = this.#ring.length;
    const at = (this.#start + this.#len) % size;
    const first = Math.min(chunk.length, size - at);
    this.#ring.set(chunk.subarray(0, first), at);
    if (first < chunk.length) this.#ring.set(chunk.subarray(first), 0);
    this.#len += chunk.length;
  }

  #omit(bytes: Uint8Array): void {
    this.#omittedBytes += bytes.length;
    this.#omittedNewlines += countNewlines(bytes);
  }

  #dropOldest(n: number): void {
    if (n <= 0) return;
    const size = this.#ring.length;
    const end = this.#start + n;
    this.#omit(this.#ring.subarray(this.#start, Math.min(end, size)));
    if (end > size) this.#omit(this.#ring.subarray(0, end - size));
    this.#start = end % size;
    this.#len -= n;
  }

  #growRing(size: number): void {
    const grown = new Uint8Array(size);
    grown.set(this.#linearTail());
    this.#ring = grown;
    this.#start = 0;
  }

  /** A copy of the tail in order. */
  #linearTail(): Uint8Array {
    const out = new Uint8Array(this.#len);
    const size = this.#ring.length;
    const first = Math.min(this.#len, size - this.#start);
    out.set(this.#ring.subarray(this.#start, this.#start + first));
    if (first < this.#len) out.set(this.#ring.subarray(0, this.#len - first), first);
    return out;
  }

  /** A copy of the content, without clearing it. */
  snapshot(): OutputSnapshot {
    return {
      head: this.#head.slice(0, this.#headLen),
      tail: this.#linearTail(),
      omittedBytes: this.#omittedBytes,
      omittedNewlines: this.#omittedNewlines,
    };
  }

  /** The content, then clears the buffer (the next push starts a new head). */
  drain(): OutputSnapshot {
    const snap = this.snapshot();
    this.#headLen = 0;
    this.#start = 0;
    this.#len = 0;
    this.#omittedBytes = 0;
    this.#omittedNewlines = 0;
    // Large storage is released while idle; small storage is reused.
    if (this.#head.length > 65536) this.#head = new Uint8Array(0);
    if (this.#ring.length > 65536) this.#ring = new Uint8Array(0);
    return snap;
  }
}
