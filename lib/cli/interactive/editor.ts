/**
 * The composer's text buffer: multi-line editing with Emacs-style keys, a kill ring of one,
 * history navigation and placeholders for large pastes. Pure state, no terminal: the session
 * feeds it key events and draws {@linkcode LineEditor.text}.
 *
 * @module
 */

import type { KeyEvent } from "./keys.ts";

/** Pastes longer than this many characters are shown as a placeholder. */
export const LARGE_PASTE_CHARS = 1000;

/** What a key did to the editor. */
export type EditResult =
  /** The buffer or cursor changed (redraw). */
  | "changed"
  /** Enter on a line: submit. */
  | "submit"
  /** The key means nothing to the editor. */
  | "ignored";

function prevBoundary(s: string, i: number): number {
  if (i <= 0) return 0;
  const c = s.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? i - 2 : i - 1;
}

function nextBoundary(s: string, i: number): number {
  if (i >= s.length) return s.length;
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? i + 2 : i + 1;
}

/** A multi-line text buffer with a cursor. */
export class LineEditor {
  #text = "";
  #cursor = 0;
  #kill = "";
  #history: string[] = [];
  #historyIndex = 0;
  #draft = "";
  #pastes = new Map<string, string>();
  #pasteCount = 0;

  /** The buffer as displayed (placeholders unexpanded). */
  get text(): string {
    return this.#text;
  }

  /** Cursor offset into {@linkcode text}. */
  get cursor(): number {
    return this.#cursor;
  }

  /** True when the buffer is empty. */
  get empty(): boolean {
    return this.#text === "";
  }

  /** Replaces the history used by Up/Down (oldest first). */
  setHistory(entries: string[]): void {
    this.#history = entries.slice();
    this.#historyIndex = this.#history.length;
  }

  /** Adds a submitted entry to the navigation history (no consecutive duplicates). */
  remember(entry: string): void {
    if (entry.trim() === "") return;
    if (this.#history[this.#history.length - 1] !== entry) this.#history.push(entry);
    this.#historyIndex = this.#history.length;
  }

  /** Replaces the whole buffer. */
  setText(text: string, cursor = text.length): void {
    this.#text = text;
    this.#cursor = Math.max(0, Math.min(cursor, text.length));
  }

  /** Clears the buffer (and forgets its pastes). */
  clear(): void {
    this.#text = "";
    this.#cursor = 0;
    this.#pastes.clear();
    this.#historyIndex = this.#history.length;
  }

  /** The buffer with paste placeholders expanded, then cleared. */
  take(): string {
    const out = this.expanded();
    this.clear();
    return out;
  }

  /** The buffer with paste placeholders expanded. */
  expanded(): string {
    let out = this.#text;
    for (const [placeholder, text] of this.#pastes) out = out.split(placeholder).join(text);
    return out;
  }

  /** Inserts `text` at the cursor. */
  insert(text: string): void {
    this.#text = this.#text.slice(0, this.#cursor) + text + this.#text.slice(this.#cursor);
    this.#cursor += text.length;
  }

  /** Inserts pasted text: large pastes become a placeholder expanded on submit. */
  paste(text: string): void {
    const clean = text.replace(/\r\n?/g, "\n").replace(/\t/g, "    ");
    if (clean.length > LARGE_PASTE_CHARS) {
      this.#pasteCount++;
      const base = `[Pasted Content ${clean.length} chars]`;
      const placeholder = this.#pastes.has(base) ? `${base} #${this.#pasteCount}` : base;
      this.#pastes.set(placeholder, clean);
      this.insert(placeholder);
      return;
    }
    this.insert(clean);
  }

  /** The line index and column of the cursor. */
  position(): { line: number; column: number } {
    const before = this.#text.slice(0, this.#cursor);
    const line = before.split("\n").length - 1;
    const column = before.length - (before.lastIndexOf("\n") + 1);
    return { line, column };
  }

  #lineStart(i = this.#cursor): number {
    return this.#text.lastIndexOf("\n", i - 1) + 1;
  }

  #lineEnd(i = this.#cursor): number {
    const n = this.#text.indexOf("\n", i);
    return n < 0 ? this.#text.length : n;
  }

  #backspace(): void {
    if (this.#cursor === 0) return;
    const before = this.#text.slice(0, this.#cursor);
    for (const placeholder of this.#pastes.keys()) {
      if (before.endsWith(placeholder)) {
        this.#text = before.slice(0, -placeholder.length) + this.#text.slice(this.#cursor);
        this.#cursor -= placeholder.length;
        if (!this.#text.includes(placeholder)) this.#pastes.delete(placeholder);
        return;
      }
    }
    const p = prevBoundary(this.#text, this.#cursor);
    this.#text = this.#text.slice(0, p) + this.#text.slice(this.#cursor);
    this.#cursor = p;
  }

  #delete(): void {
    if (this.#cursor >= this.#text.length) return;
    const n = nextBoundary(this.#text, this.#cursor);
    this.#text = this.#text.slice(0, this.#cursor) + this.#text.slice(n);
  }

  #wordLeft(): number {
    let i = this.#cursor;
    while (i > 0 && /\s/.test(this.#text[i - 1])) i--;
    while (i > 0 && !/\s/.test(this.#text[i - 1])) i--;
    return i;
  }

  #wordRight(): number {
    let i = this.#cursor;
    const n = this.#text.length;
    while (i < n && /\s/.test(this.#text[i])) i++;
    while (i < n && !/\s/.test(this.#text[i])) i++;
    return i;
  }

  #killRange(from: number, to: number): void {
    if (from === to) return;
    this.#kill = this.#text.slice(from, to);
    this.#text = this.#text.slice(0, from) + this.#text.slice(to);
    this.#cursor = from;
  }

  /** Moves the cursor one line up; false when it is on the first line. */
  #lineUp(): boolean {
    const start = this.#lineStart();
    if (start === 0) return false;
    const column = this.#cursor - start;
    const prevStart = this.#lineStart(start - 1);
    this.#cursor = Math.min(prevStart + column, start - 1);
    return true;
  }

  /** Moves the cursor one line down; false when it is on the last line. */
  #lineDown(): boolean {
    const end = this.#lineEnd();
    if (end >= this.#text.length) return false;
    const column = this.#cursor - this.#lineStart();
    const nextEnd = this.#lineEnd(end + 1);
    this.#cursor = Math.min(end + 1 + column, nextEnd);
    return true;
  }

  /** Previous history entry; false when there is none. */
  historyPrev(): boolean {
    if (this.#historyIndex === 0) return false;
    if (this.#historyIndex === this.#history.length) this.#draft = this.#text;
    this.#historyIndex--;
    this.setText(this.#history[this.#historyIndex]);
    return true;
  }

  /** Next history entry (or back to the draft); false at the end. */
  historyNext(): boolean {
    if (this.#historyIndex >= this.#history.length) return false;
    this.#historyIndex++;
    this.setText(
      this.#historyIndex === this.#history.length ? this.#draft : this.#history[this.#historyIndex],
    );
    return true;
  }

  /** Applies a key. */
  handle(ev: KeyEvent): EditResult {
    switch (ev.kind) {
      case "text":
        this.insert(ev.text);
        return "changed";
      case "paste":
        this.paste(ev.text);
        return "changed";
      case "chord":
        return this.#chord(ev.key, ev.ctrl, ev.alt);
      case "key":
        return this.#key(ev);
    }
  }

  #chord(k: string, ctrl: boolean, alt: boolean): EditResult {
    if (ctrl) {
      switch (k) {
        case "a":
          this.#cursor = this.#lineStart();
          return "changed";
        case "e":
          this.#cursor = this.#lineEnd();
          return "changed";
        case "b":
          this.#cursor = prevBoundary(this.#text, this.#cursor);
          return "changed";
        case "f":
          this.#cursor = nextBoundary(this.#text, this.#cursor);
          return "changed";
        case "h":
          this.#backspace();
          return "changed";
        case "d":
          this.#delete();
          return "changed";
        case "k": {
          const end = this.#lineEnd();
          this.#killRange(
            this.#cursor,
            end === this.#cursor ? Math.min(end + 1, this.#text.length) : end,
          );
          return "changed";
        }
        case "u":
          this.#killRange(this.#lineStart(), this.#cursor);
          return "changed";
        case "w":
          this.#killRange(this.#wordLeft(), this.#cursor);
          return "changed";
        case "y":
          this.insert(this.#kill);
          return "changed";
        case "j":
          this.insert("\n");
          return "changed";
        case "p":
          return this.#lineUp() || this.historyPrev() ? "changed" : "ignored";
        case "n":
          return this.#lineDown() || this.historyNext() ? "changed" : "ignored";
      }
      return "ignored";
    }
    if (alt) {
      switch (k) {
        case "b":
          this.#cursor = this.#wordLeft();
          return "changed";
        case "f":
          this.#cursor = this.#wordRight();
          return "changed";
        case "d":
          this.#killRange(this.#cursor, this.#wordRight());
          return "changed";
      }
    }
    return "ignored";
  }

  #key(ev: Extract<KeyEvent, { kind: "key" }>): EditResult {
    switch (ev.name) {
      case "enter":
        if (ev.shift || ev.alt || ev.ctrl) {
          this.insert("\n");
          return "changed";
        }
        // A trailing backslash continues the input on a new line.
        if (this.#cursor === this.#text.length && this.#text.endsWith("\\")) {
          this.#text = this.#text.slice(0, -1) + "\n";
          this.#cursor = this.#text.length;
          return "changed";
        }
        return "submit";
      case "backspace":
        if (ev.alt || ev.ctrl) this.#killRange(this.#wordLeft(), this.#cursor);
        else this.#backspace();
        return "changed";
      case "delete":
        this.#delete();
        return "changed";
      case "left":
        this.#cursor = ev.ctrl || ev.alt
          ? this.#wordLeft()
          : prevBoundary(this.#text, this.#cursor);
        return "changed";
      case "right":
        this.#cursor = ev.ctrl || ev.alt
          ? this.#wordRight()
          : nextBoundary(this.#text, this.#cursor);
        return "changed";
      case "home":
        this.#cursor = this.#lineStart();
        return "changed";
      case "end":
        this.#cursor = this.#lineEnd();
        return "changed";
      case "up":
        return this.#lineUp() || this.historyPrev() ? "changed" : "ignored";
      case "down":
        return this.#lineDown() || this.historyNext() ? "changed" : "ignored";
      default:
        return "ignored";
    }
  }
}
