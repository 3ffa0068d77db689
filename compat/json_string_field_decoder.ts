/**
 * Streams the value of one string property out of JSON text that arrives in pieces, so a custom
 * tool's `input` can be forwarded as `response.custom_tool_call_input.delta` events while the
 * backend is still producing `{"input": "..."}`.
 *
 * It only follows the common shape: the object opens with the wanted key. Anything else (another
 * key first, a non-string value, text that is not JSON) switches it off; the caller then sends the
 * whole input once it is known.
 *
 * @module
 */

const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

type State = "prefix" | "value" | "done" | "off";

/** Incremental decoder of `{"<key>": "<string>"` prefixes. */
export class JsonStringFieldDecoder {
  #state: State = "prefix";
  #prefix = "";
  #pending = "";
  #expected: string;

  /** Creates a decoder for the property `key`. */
  constructor(key: string) {
    this.#expected = `{"${key}":"`;
  }

  /** False once the text turned out not to have the expected shape. */
  get active(): boolean {
    return this.#state !== "off";
  }

  /** Feeds more JSON text; returns the newly decoded part of the value (maybe empty). */
  push(text: string): string {
    if (this.#state === "off" || this.#state === "done") return "";
    const rest = this.#state === "prefix" ? this.#matchPrefix(text) : text;
    return rest === null ? "" : this.#decode(rest);
  }

  /** Consumes the `{"key":"` prefix; returns the text after it, or null while it is incomplete. */
  #matchPrefix(text: string): string | null {
    const expected = this.#expected;
    let i = 0;
    for (; i < text.length; i++) {
      const ch = text[i];
      const at = this.#prefix.length;
      // Whitespace is allowed between the JSON tokens of the prefix.
      if ((ch === " " || ch === "\n" || ch === "\r" || ch === "\t") && !this.#insideKey(at)) {
        continue;
      }
      if (ch !== expected[at]) {
        this.#state = "off";
        return null;
      }
      this.#prefix += ch;
      if (this.#prefix.length === expected.length) {
        this.#state = "value";
        return text.slice(i + 1);
      }
    }
    return null;
  }

  #insideKey(at: number): boolean {
    // Positions 2 .. closing quote of the key are inside the key string.
    return at >= 2 && at < this.#expected.length - 2;
  }

  #decode(text: string): string {
    const input = this.#pending + text;
    this.#pending = "";
    let out = "";
    let i = 0;
    while (i < input.length) {
      const ch = input[i];
      if (ch === '"') {
        this.#state = "done";
        break;
      }
      if (ch !== "\\") {
        // Fast path: copy the run up to the next quote or backslash.
        let j = i + 1;
        while (j < input.length && input[j] !== '"' && input[j] !== "\\") j++;
        out += input.slice(i, j);
        i = j;
        continue;
      }
      if (i + 1 >= input.length) {
        this.#pending = input.slice(i);
        break;
      }
      const esc = input[i + 1];
      if (esc === "u") {
        if (i + 6 > input.length) {
          this.#pending = input.slice(i);
          break;
        }
        const code = Number.parseInt(input.slice(i + 2, i + 6), 16);
        if (Number.isNaN(code)) {
          this.#state = "off";
          return out;
        }
        out += String.fromCharCode(code);
        i += 6;
        continue;
      }
      const mapped = ESCAPES[esc];
      if (mapped === undefined) {
        this.#state = "off";
        return out;
      }
      out += mapped;
      i += 2;
    }
    // Never hand out half a surrogate pair: keep a trailing high surrogate for the next piece.
    const last = out.charCodeAt(out.length - 1);
    if (this.#state === "value" && last >= 0xd800 && last <= 0xdbff) {
      this.#pending = `\\u${last.toString(16).padStart(4, "0")}${this.#pending}`;
      out = out.slice(0, -1);
    }
    return out;
  }
}
