/**
 * An incremental parser of a Chat Completions SSE body: `data:` payloads are JSON chunks, a
 * `[DONE]` payload ends the stream, `:` comments and other fields are ignored. An `error` event
 * or a chunk with an `error` member is the backend reporting a failure mid-stream.
 *
 * @module
 */

import { BackendError } from "./errors.ts";

const CONTEXT_OVERFLOW =
  /context[_ ]length|context window|maximum context|too many tokens|prompt is too long|exceeds the (model'?s )?context/i;

/** `context_length_exceeded` when a backend message is about an overlong prompt, else `server_error`. */
export function classifyBackendMessage(message: string): string {
  return CONTEXT_OVERFLOW.test(message) ? "context_length_exceeded" : "server_error";
}

/** The message of a backend error payload (`{"error": {"message": ...}}`, a string, ...). */
export function backendErrorText(payload: unknown): string {
  if (typeof payload === "string") return payload;
  if (payload !== null && typeof payload === "object") {
    const p = payload as Record<string, unknown>;
    if (p.error !== undefined && p.error !== payload) return backendErrorText(p.error);
    if (typeof p.message === "string") return p.message;
    if (typeof p.detail === "string") return p.detail;
  }
  return JSON.stringify(payload);
}

/** Parses SSE text into chunk objects. */
export class ChatSseParser {
  #buf = "";
  #data: string[] = [];
  #event = "";
  #done = false;
  #redact: (text: string) => string;

  /** `redact` is applied to every backend text that ends up in an error message. */
  constructor(redact: (text: string) => string = (t) => t) {
    this.#redact = redact;
  }

  /** True once `[DONE]` was seen. */
  get done(): boolean {
    return this.#done;
  }

  /** Parses `text` (the next piece of the body) and appends complete chunks to `out`. */
  push(text: string, out: unknown[]): void {
    if (this.#done) return;
    const buf = this.#buf === "" ? text : this.#buf + text;
    let start = 0;
    while (!this.#done) {
      const nl = buf.indexOf("\n", start);
      if (nl < 0) break;
      const end = nl > start && buf.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.#line(buf.slice(start, end), out);
      start = nl + 1;
    }
    this.#buf = this.#done ? "" : buf.slice(start);
  }

  /** Handles the end of the body: a last event without its blank line still counts. */
  finish(out: unknown[]): void {
    if (this.#done) return;
    if (this.#buf !== "") {
      const rest = this.#buf.endsWith("\r") ? this.#buf.slice(0, -1) : this.#buf;
      this.#buf = "";
      this.#line(rest, out);
    }
    this.#dispatch(out);
  }

  #line(line: string, out: unknown[]): void {
    if (line === "") {
      this.#dispatch(out);
      return;
    }
    const first = line.charCodeAt(0);
    if (first === 58 /* : */) return;
    if (line.startsWith("data:")) {
      this.#data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
    } else if (line.startsWith("event:")) {
      this.#event = line.slice(6).trim();
    } else if (line.charCodeAt(0) === 123 /* { */) {
      // Some servers send bare JSON lines instead of SSE; accept them as data.
      this.#data.push(line);
    }
  }

  #dispatch(out: unknown[]): void {
    const event = this.#event;
    this.#event = "";
    if (this.#data.length === 0) return;
    const data = this.#data.length === 1 ? this.#data[0] : this.#data.join("\n");
    this.#data = [];
    if (data === "[DONE]") {
      this.#done = true;
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      throw new BackendError(
        `backend sent a malformed stream chunk: ${this.#redact(data.slice(0, 200))}`,
      );
    }
    const failure = event === "error" ||
      (parsed !== null && typeof parsed === "object" &&
        (parsed as Record<string, unknown>).error != null);
    if (failure) {
      const message = this.#redact(backendErrorText(parsed)).slice(0, 500);
      throw new BackendError(`backend reported an error: ${message}`, {
        code: classifyBackendMessage(message),
      });
    }
    out.push(parsed);
  }
}
