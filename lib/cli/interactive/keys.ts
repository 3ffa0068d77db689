/**
 * Decodes raw terminal input (raw mode) into key presses: printable text, control keys,
 * arrows and friends in their xterm, SS3, `CSI u` (kitty keyboard protocol) and
 * `modifyOtherKeys` encodings, and bracketed pastes (`ESC[200~ ... ESC[201~`), which may span
 * many reads.
 *
 * @module
 */

/** Names of non-text keys. */
export type KeyName =
  | "enter"
  | "tab"
  | "backspace"
  | "delete"
  | "escape"
  | "up"
  | "down"
  | "left"
  | "right"
  | "home"
  | "end"
  | "pageup"
  | "pagedown"
  | "insert";

/** One decoded input event. */
export type KeyEvent =
  | { kind: "text"; text: string }
  | { kind: "paste"; text: string }
  | { kind: "key"; name: KeyName; ctrl: boolean; alt: boolean; shift: boolean }
  /** A control chord: Ctrl (or Alt) plus a letter, e.g. Ctrl-C is `{ key: "c", ctrl: true }`. */
  | { kind: "chord"; key: string; ctrl: boolean; alt: boolean };

const PASTE_START = "\x1b[200~";
const PASTE_END = "\x1b[201~";

function key(name: KeyName, mods = 1): KeyEvent {
  const m = Math.max(0, mods - 1);
  return { kind: "key", name, shift: (m & 1) !== 0, alt: (m & 2) !== 0, ctrl: (m & 4) !== 0 };
}

const CSI_FINAL: Record<string, KeyName> = {
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
};

const TILDE: Record<number, KeyName> = {
  1: "home",
  2: "insert",
  3: "delete",
  4: "end",
  5: "pageup",
  6: "pagedown",
  7: "home",
  8: "end",
};

/** A key from a Unicode code point with kitty/xterm modifiers. */
function fromCodePoint(code: number, mods: number): KeyEvent | null {
  const m = Math.max(0, mods - 1);
  const shift = (m & 1) !== 0, alt = (m & 2) !== 0, ctrl = (m & 4) !== 0;
  switch (code) {
    case 13:
      return { kind: "key", name: "enter", shift, alt, ctrl };
    case 9:
      return { kind: "key", name: "tab", shift, alt, ctrl };
    case 27:
      return { kind: "key", name: "escape", shift, alt, ctrl };
    case 127:
    case 8:
      return { kind: "key", name: "backspace", shift, alt, ctrl };
  }
  if (code < 32) return null;
  const ch = String.fromCodePoint(code);
  if (ctrl || alt) return { kind: "chord", key: ch.toLowerCase(), ctrl, alt };
  return { kind: "text", text: shift ? ch.toUpperCase() : ch };
}

function controlChar(c: number): KeyEvent {
  switch (c) {
    case 13:
      return key("enter");
    case 9:
      return key("tab");
    case 8:
    case 127:
      return key("backspace");
    case 0:
      return { kind: "chord", key: " ", ctrl: true, alt: false };
  }
  // 1..26 are Ctrl-A..Ctrl-Z (10 is Ctrl-J, 13 was Enter).
  if (c >= 1 && c <= 26) {
    return { kind: "chord", key: String.fromCharCode(96 + c), ctrl: true, alt: false };
  }
  return { kind: "chord", key: String.fromCharCode(64 + c).toLowerCase(), ctrl: true, alt: false };
}

/** Parses one CSI sequence body (`params` and `final`) into a key, or null to ignore it. */
function csi(params: string, final: string): KeyEvent | null {
  const parts = params.split(";").map((p) => (p === "" ? 1 : Number(p.split(":")[0])));
  if (final in CSI_FINAL) return key(CSI_FINAL[final], parts[1] ?? 1);
  if (final === "Z") return key("tab", 2);
  if (final === "~") {
    if (parts[0] === 27 && parts.length >= 3) return fromCodePoint(parts[2], parts[1]);
    const name = TILDE[parts[0]];
    return name ? key(name, parts[1] ?? 1) : null;
  }
  if (final === "u") return fromCodePoint(parts[0], parts[1] ?? 1);
  return null;
}

/** Stateful decoder: feed it each chunk read from the terminal. */
export class KeyDecoder {
  #pending = "";
  #paste: string | null = null;
  #decoder = new TextDecoder();

  /** Decodes `chunk` (bytes or text); incomplete sequences wait for the next chunk. */
  feed(chunk: Uint8Array | string): KeyEvent[] {
    const text = typeof chunk === "string" ? chunk : this.#decoder.decode(chunk, { stream: true });
    this.#pending += text;
    const out: KeyEvent[] = [];
    let s = this.#pending;
    let i = 0;
    let run = "";
    const flushRun = () => {
      if (run) out.push({ kind: "text", text: run });
      run = "";
    };
    while (i < s.length) {
      if (this.#paste !== null) {
        const end = s.indexOf(PASTE_END, i);
        if (end < 0) {
          // Keep a possible partial end marker for the next chunk.
          const keep = partialSuffix(s.slice(i), PASTE_END);
          this.#paste += s.slice(i, s.length - keep);
          i = s.length - keep;
          break;
        }
        this.#paste += s.slice(i, end);
        out.push({ kind: "paste", text: normalizeNewlines(this.#paste) });
        this.#paste = null;
        i = end + PASTE_END.length;
        continue;
      }
      const c = s.charCodeAt(i);
      if (c === 0x1b) {
        flushRun();
        if (s.startsWith(PASTE_START, i)) {
          this.#paste = "";
          i += PASTE_START.length;
          continue;
        }
        const parsed = parseEscape(s, i);
        if (parsed === "incomplete") break;
        if (parsed.event) out.push(parsed.event);
        i = parsed.next;
        continue;
      }
      if (c < 0x20 || c === 0x7f) {
        flushRun();
        out.push(controlChar(c));
        i++;
        continue;
      }
      run += s[i];
      i++;
    }
    flushRun();
    s = s.slice(i);
    this.#pending = s;
    return out;
  }

  /** True while a bracketed paste is open (more input expected). */
  get inPaste(): boolean {
    return this.#paste !== null;
  }
}

function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

/** Length of the longest suffix of `s` that is a proper prefix of `marker`. */
function partialSuffix(s: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, s.length); n > 0; n--) {
    if (s.endsWith(marker.slice(0, n))) return n;
  }
  return 0;
}

/** Parses an escape sequence at `i` (where `s[i]` is ESC). */
function parseEscape(
  s: string,
  i: number,
): { event: KeyEvent | null; next: number } | "incomplete" {
  if (i + 1 >= s.length) {
    // A lone ESC at the end of a read is the Escape key (terminals send sequences whole).
    return { event: key("escape"), next: i + 1 };
  }
  const c1 = s[i + 1];
  if (c1 === "[") {
    let j = i + 2;
    while (j < s.length && /[0-9;:?<>=]/.test(s[j])) j++;
    while (j < s.length && /[ -/]/.test(s[j])) j++;
    if (j >= s.length) return "incomplete";
    return { event: csi(s.slice(i + 2, j), s[j]), next: j + 1 };
  }
  if (c1 === "O") {
    if (i + 2 >= s.length) return "incomplete";
    const name = CSI_FINAL[s[i + 2]];
    return { event: name ? key(name) : null, next: i + 3 };
  }
  if (c1 === "\x1b") return { event: key("escape"), next: i + 1 };
  // Alt + key.
  const code = s.charCodeAt(i + 1);
  if (code === 13) return { event: key("enter", 3), next: i + 2 };
  if (code === 127 || code === 8) return { event: key("backspace", 3), next: i + 2 };
  if (code < 0x20) {
    const inner = controlChar(code);
    if (inner.kind === "chord") return { event: { ...inner, alt: true }, next: i + 2 };
    return { event: inner, next: i + 2 };
  }
  const cp = s.codePointAt(i + 1)!;
  const ch = String.fromCodePoint(cp);
  return { event: { kind: "chord", key: ch, ctrl: false, alt: true }, next: i + 1 + ch.length };
}
