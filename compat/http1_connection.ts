/**
 * One HTTP/1.1 client connection over a `Deno.Conn`: writes a request, reads the response head
 * (skipping interim 1xx answers) and then the body, de-framed (chunked, content-length or
 * read-to-close) one socket read at a time. Knows afterwards whether the connection can carry
 * another request.
 *
 * @module
 */

import { ChunkedDecoder } from "./chunked_decoder.ts";

/** Largest response head accepted, in bytes. */
const MAX_HEAD = 64 * 1024;

/** Size of the buffer each socket read goes into. */
const READ_BYTES = 64 * 1024;

const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

/** Headers this client sets itself; callers' values for them are dropped. */
const OWN_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding"]);

/** A request to send. */
export interface Http1Request {
  method: string;
  url: URL;
  headers: Headers;
  body: string | null;
  /** Ask the server to keep the connection open afterwards. */
  keepAlive: boolean;
}

/** How a response body is delimited. */
export type Framing = { kind: "chunked" } | { kind: "length"; length: number } | { kind: "close" };

/** A response head. */
export interface Http1Head {
  init: ResponseInit;
  /** Null when the response has no body. */
  framing: Framing | null;
  /** The server will keep the connection open after this response. */
  keepAlive: boolean;
}

/** Raised when a connection ends before any byte of the response arrived. */
export class NoResponseError extends TypeError {}

/** One connection; requests on it run one after another. */
export class Http1Connection {
  #conn: Deno.Conn;
  #closed = false;
  #buffer = new Uint8Array(READ_BYTES);
  /** Bytes read past what has been consumed. */
  #rest: Uint8Array | null = null;
  /** True when the last response ended cleanly and the server keeps the connection open. */
  #reusable = false;

  /** Wraps `conn`. */
  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** True when another request may be sent (the last response was read to its end). */
  get reusable(): boolean {
    return this.#reusable && !this.#closed;
  }

  /** Closes the connection (once). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#reusable = false;
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }

  /** Sends `req`. */
  async send(req: Http1Request): Promise<void> {
    this.#reusable = false;
    const bytes = requestBytes(req);
    for (let at = 0; at < bytes.length;) at += await this.#conn.write(bytes.subarray(at));
  }

  /** Reads the response head. Throws {@linkcode NoResponseError} when nothing at all came. */
  async readHead(isHead: boolean): Promise<Http1Head> {
    let pending: Uint8Array = new Uint8Array(0);
    let received = false;
    for (;;) {
      const end = headEnd(pending);
      if (end < 0) {
        if (pending.length > MAX_HEAD) {
          throw new TypeError("the backend's response head is too large");
        }
        let more: Uint8Array | null;
        try {
          more = await this.#read();
        } catch (err) {
          if (!received && !this.#closed) throw new NoResponseError(String(err));
          throw err;
        }
        if (more === null) {
          const message = "the backend closed the connection before answering";
          throw received ? new TypeError(message) : new NoResponseError(message);
        }
        received = true;
        pending = concat(pending, more);
        continue;
      }
      const rest = pending.subarray(end + 4);
      this.#rest = rest.length ? rest : null;
      const head = parseHead(latin1.decode(pending.subarray(0, end)), isHead);
      if (head !== null) {
        if (head.framing === null) this.#reusable = head.keepAlive && this.#rest === null;
        return head;
      }
      pending = this.#rest ?? new Uint8Array(0);
      this.#rest = null;
    }
  }

  /**
   * The body (of a head whose `framing` is not null) as a stream of the de-framed bytes of each
   * socket read. `onEnd` runs once when the body ended cleanly, failed or was cancelled;
   * {@linkcode reusable} tells which.
   */
  body(framing: Framing, keepAlive: boolean, onEnd: () => void): ReadableStream<Uint8Array> {
    const chunked = framing.kind === "chunked" ? new ChunkedDecoder() : null;
    let left = framing.kind === "length" ? framing.length : Infinity;
    let ended = false;
    const end = (clean: boolean) => {
      if (ended) return;
      ended = true;
      if (clean && keepAlive && framing.kind !== "close") this.#reusable = true;
      else this.close();
      onEnd();
    };
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          for (;;) {
            const bytes = await this.#read();
            if (bytes === null) {
              if (framing.kind === "close") {
                end(true);
                controller.close();
              } else {
                end(false);
                controller.error(
                  new TypeError("the backend closed the connection in the middle of the body"),
                );
              }
              return;
            }
            let data: Uint8Array;
            let extra = false;
            if (chunked !== null) {
              data = chunked.push(bytes);
              extra = chunked.done && chunked.excess;
            } else if (bytes.length > left) {
              data = bytes.subarray(0, left);
              extra = true;
            } else {
              data = bytes;
            }
            if (framing.kind === "length") left -= data.length;
            if (data.length) controller.enqueue(data);
            if (chunked?.done || left === 0) {
              // Bytes beyond the body would belong to nothing we asked for: do not reuse.
              end(!extra);
              controller.close();
              return;
            }
            if (data.length) return;
          }
        } catch (err) {
          end(false);
          controller.error(err);
        }
      },
      cancel: () => end(false),
    }, { highWaterMark: 0 });
  }

  /** The next bytes (a fresh array), or null at the end of the connection. */
  async #read(): Promise<Uint8Array | null> {
    if (this.#rest !== null) {
      const rest = this.#rest;
      this.#rest = null;
      return rest;
    }
    const n = await this.#conn.read(this.#buffer);
    return n === null ? null : this.#buffer.slice(0, n);
  }
}

function requestBytes(req: Http1Request): Uint8Array {
  const { url } = req;
  const payload = req.body === null ? null : encoder.encode(req.body);
  let head = `${req.method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
  req.headers.forEach((value, name) => {
    if (!OWN_HEADERS.has(name)) head += `${name}: ${value}\r\n`;
  });
  // Bodies are read as sent: ask for them uncompressed.
  if (!req.headers.has("accept-encoding")) head += "accept-encoding: identity\r\n";
  head += req.keepAlive ? "connection: keep-alive\r\n" : "connection: close\r\n";
  if (payload !== null) head += `content-length: ${payload.length}\r\n`;
  const headBytes = encoder.encode(`${head}\r\n`);
  return payload === null ? headBytes : concat(headBytes, payload);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Index of the blank line ending the head (`\r\n\r\n`), or -1. */
function headEnd(bytes: Uint8Array): number {
  for (let i = bytes.indexOf(13); i >= 0 && i + 3 < bytes.length; i = bytes.indexOf(13, i + 1)) {
    if (bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

/** Parses a response head; null for an interim (1xx) answer. */
function parseHead(text: string, isHead: boolean): Http1Head | null {
  const lines = text.split("\r\n");
  const status = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!status) {
    throw new TypeError(`the backend sent a bad status line "${lines[0].slice(0, 60)}"`);
  }
  const code = Number(status[2]);
  if (code >= 100 && code < 200) return null;
  if (code < 200 || code > 599) throw new TypeError(`the backend answered with status ${code}`);
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) {
      throw new TypeError(`the backend sent a bad header line "${line.slice(0, 60)}"`);
    }
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const encoding = (headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity") {
    throw new TypeError(
      `the backend sent a compressed body (content-encoding: ${
        encoding.slice(0, 30)
      }) although none was asked for`,
    );
  }
  const connection = (headers.get("connection") ?? "").toLowerCase();
  const keepAlive = status[1] === "1"
    ? !/(^|,)\s*close\s*(,|$)/.test(connection)
    : /(^|,)\s*keep-alive\s*(,|$)/.test(connection);
  const reason = status[3] ?? "";
  // A reason phrase `Response` would refuse (control characters) is dropped, not an error.
  const statusText = /^[\t\x20-\x7e\x80-\xff]*$/.test(reason) ? reason : "";
  const init: ResponseInit = { status: code, statusText, headers };
  if (isHead || code === 204 || code === 205 || code === 304) {
    return { init, framing: null, keepAlive };
  }
  if (/(^|,)\s*chunked\s*$/i.test(headers.get("transfer-encoding") ?? "")) {
    return { init, framing: { kind: "chunked" }, keepAlive };
  }
  const length = headers.get("content-length");
  if (length !== null) {
    if (!/^\d{1,15}$/.test(length)) {
      throw new TypeError(`the backend sent a bad content-length "${length.slice(0, 30)}"`);
    }
    const n = Number(length);
    return { init, framing: n === 0 ? null : { kind: "length", length: n }, keepAlive };
  }
  return { init, framing: { kind: "close" }, keepAlive: false };
}
