/**
 * An incremental decoder of HTTP/1.1 `Transfer-Encoding: chunked` bodies (RFC 9112 section 7.1):
 * hex size lines (extensions ignored), the chunk data and its CRLF, then the last (zero) chunk and
 * optional trailer lines up to an empty line. Input may be cut anywhere.
 *
 * @module
 */

/** Longest size or trailer line accepted, in bytes. */
const MAX_LINE = 4096;

/** Largest chunk size accepted (a larger one is a broken or hostile peer). */
const MAX_CHUNK = 2 ** 40;

const EMPTY = new Uint8Array(0);

type State = "size" | "data" | "data-end" | "trailer" | "done";

/** Decodes a chunked body piece by piece; throws a `TypeError` on malformed framing. */
export class ChunkedDecoder {
  #state: State = "size";
  /** Data bytes left in the current chunk. */
  #left = 0;
  /** The line being read (size, data end or trailer), as text. */
  #line = "";
  #excess = false;

  /** True once the last chunk and its trailers were read. */
  get done(): boolean {
    return this.#state === "done";
  }

  /** True when bytes followed the end of the body. */
  get excess(): boolean {
    return this.#excess;
  }

  /**
   * Decodes `input` and returns the body bytes it carried (often a view of `input`, which must
   * not be reused by the caller while the result is in use). Bytes after the end are ignored.
   */
  push(input: Uint8Array): Uint8Array {
    const parts: Uint8Array[] = [];
    let i = 0;
    while (i < input.length && this.#state !== "done") {
      if (this.#state === "data") {
        const take = Math.min(this.#left, input.length - i);
        parts.push(input.subarray(i, i + take));
        i += take;
        this.#left -= take;
        if (this.#left === 0) this.#state = "data-end";
        continue;
      }
      const nl = input.indexOf(10, i);
      const end = nl < 0 ? input.length : nl;
      if (this.#line.length + (end - i) > MAX_LINE) {
        throw new TypeError("chunked body: a framing line is too long");
      }
      this.#line += latin1(input, i, end);
      i = end;
      if (nl < 0) break;
      i++;
      const line = this.#line.endsWith("\r") ? this.#line.slice(0, -1) : this.#line;
      this.#line = "";
      this.#endLine(line);
    }
    if (i < input.length) this.#excess = true;
    if (parts.length === 0) return EMPTY;
    if (parts.length === 1) return parts[0];
    let size = 0;
    for (const p of parts) size += p.length;
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  #endLine(line: string): void {
    switch (this.#state) {
      case "size": {
        const hex = line.split(";", 1)[0].trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) {
          throw new TypeError(`chunked body: bad chunk size line "${line.slice(0, 40)}"`);
        }
        const size = parseInt(hex, 16);
        if (size > MAX_CHUNK) throw new TypeError("chunked body: chunk size too large");
        this.#left = size;
        this.#state = size === 0 ? "trailer" : "data";
        return;
      }
      case "data-end":
        if (line !== "") throw new TypeError("chunked body: chunk data not followed by CRLF");
        this.#state = "size";
        return;
      case "trailer":
        if (line === "") this.#state = "done";
        return;
    }
  }
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
