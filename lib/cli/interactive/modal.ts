/**
 * Modal prompts drawn in the live region in place of the composer: a numbered choice list
 * (arrows or digits or shortcut letters, Enter to pick, Esc to cancel) and a one-line text
 * answer. The {@linkcode ModalHost} shows one at a time and can cancel them all (when the
 * turn is interrupted).
 *
 * @module
 */

import { LineEditor } from "./editor.ts";
import type { KeyEvent } from "./keys.ts";
import type { LiveFrame } from "./screen.ts";
import type { Style } from "./style.ts";
import { displayWidth, truncate, wordWrap } from "./width.ts";

/** One choice of a {@linkcode SelectModal}. */
export interface SelectOption {
  label: string;
  description?: string;
  /** A letter that picks this option directly. */
  shortcut?: string;
}

/** A prompt shown in the live region. */
export interface Modal {
  frame(width: number): LiveFrame;
  handle(key: KeyEvent): void;
  /** Ends the modal with no answer. */
  cancel(): void;
}

/** Options of {@linkcode SelectModal}. */
export interface SelectOptions {
  title: string[];
  options: SelectOption[];
  style: Style;
  /** Footer hint (default: how to choose). */
  hint?: string;
}

/** A numbered list of choices. */
export class SelectModal implements Modal {
  #o: SelectOptions;
  #selected = 0;
  #done: (index: number | null) => void;
  #finished = false;

  constructor(opts: SelectOptions, done: (index: number | null) => void) {
    this.#o = opts;
    this.#done = done;
  }

  #finish(index: number | null): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#done(index);
  }

  cancel(): void {
    this.#finish(null);
  }

  frame(width: number): LiveFrame {
    const s = this.#o.style;
    const rows: string[] = [];
    for (const t of this.#o.title) rows.push(...wordWrap(t, width - 2, "  ").map((r) => ` ${r}`));
    rows.push("");
    this.#o.options.forEach((opt, i) => {
      const active = i === this.#selected;
      const pointer = active ? s.cyan("›") : " ";
      const label = `${i + 1}. ${opt.label}${opt.shortcut ? ` (${opt.shortcut})` : ""}`;
      const desc = opt.description ? s.dim(`  ${opt.description}`) : "";
      rows.push(truncate(` ${pointer} ${active ? s.bold(s.cyan(label)) : label}${desc}`, width));
    });
    rows.push("");
    rows.push(
      s.dim(
        truncate(
          ` ${this.#o.hint ?? "↑/↓ or 1-9 to choose · Enter to confirm · Esc to cancel"}`,
          width,
        ),
      ),
    );
    return { rows };
  }

  handle(key: KeyEvent): void {
    const n = this.#o.options.length;
    if (key.kind === "text") {
      const ch = key.text.trim().slice(-1);
      if (/^[1-9]$/.test(ch) && Number(ch) <= n) {
        this.#finish(Number(ch) - 1);
        return;
      }
      const byShortcut = this.#o.options.findIndex((o) => o.shortcut === ch.toLowerCase());
      if (byShortcut >= 0) this.#finish(byShortcut);
      return;
    }
    if (key.kind === "chord") {
      if (key.ctrl && key.key === "p") this.#selected = (this.#selected + n - 1) % n;
      if (key.ctrl && key.key === "n") this.#selected = (this.#selected + 1) % n;
      return;
    }
    if (key.kind !== "key") return;
    switch (key.name) {
      case "up":
        this.#selected = (this.#selected + n - 1) % n;
        break;
      case "down":
      case "tab":
        this.#selected = (this.#selected + 1) % n;
        break;
      case "enter":
        this.#finish(this.#selected);
        break;
      case "escape":
        this.#finish(null);
        break;
    }
  }
}

/** Options of {@linkcode TextModal}. */
export interface TextOptions {
  title: string[];
  prompt: string;
  style: Style;
}

/** A one-line (Ctrl-J for more lines) free-text answer. */
export class TextModal implements Modal {
  #o: TextOptions;
  #editor = new LineEditor();
  #done: (text: string | null) => void;
  #finished = false;

  constructor(opts: TextOptions, done: (text: string | null) => void) {
    this.#o = opts;
    this.#done = done;
  }

  #finish(text: string | null): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#done(text);
  }

  cancel(): void {
    this.#finish(null);
  }

  frame(width: number): LiveFrame {
    const s = this.#o.style;
    const rows: string[] = [];
    for (const t of this.#o.title) rows.push(...wordWrap(t, width - 2, "  ").map((r) => ` ${r}`));
    const prompt = ` ${s.cyan(this.#o.prompt)} `;
    const pw = displayWidth(prompt);
    const lines = this.#editor.text.split("\n");
    const { line, column } = this.#editor.position();
    const first = rows.length;
    lines.forEach((l, i) => rows.push((i === 0 ? prompt : " ".repeat(pw)) + l));
    const before = lines[line].slice(0, column);
    rows.push(s.dim(truncate(" Enter to send · Esc to go back", width)));
    return { rows, cursor: { row: first + line, col: pw + displayWidth(before) } };
  }

  handle(key: KeyEvent): void {
    if (key.kind === "key" && key.name === "escape") {
      this.#finish(null);
      return;
    }
    if (this.#editor.handle(key) === "submit") {
      const text = this.#editor.expanded().trim();
      if (text !== "") this.#finish(text);
    }
  }
}

/** Shows modals one at a time. */
export class ModalHost {
  #active: Modal | null = null;
  #lock: Promise<unknown> = Promise.resolve();
  #generation = 0;
  #changed: () => void;

  constructor(changed: () => void) {
    this.#changed = changed;
  }

  /** The modal on screen, if any. */
  get active(): Modal | null {
    return this.#active;
  }

  /** Runs `fn` with exclusive use of the host; resolves `null` if cancelled before its turn. */
  exclusive<T>(fn: () => Promise<T>): Promise<T | null> {
    const generation = this.#generation;
    const run = this.#lock.then(() => (generation === this.#generation ? fn() : null));
    this.#lock = run.catch(() => {});
    return run;
  }

  /** Shows a choice list; resolves with the index or `null` (cancelled). */
  select(opts: SelectOptions): Promise<number | null> {
    return new Promise((resolve) => {
      this.#show(new SelectModal(opts, (i) => this.#close(resolve, i)));
    });
  }

  /** Asks for text; resolves with it or `null` (cancelled). */
  text(opts: TextOptions): Promise<string | null> {
    return new Promise((resolve) => {
      this.#show(new TextModal(opts, (t) => this.#close(resolve, t)));
    });
  }

  #show(modal: Modal): void {
    this.#active = modal;
    this.#changed();
  }

  #close<T>(resolve: (v: T) => void, value: T): void {
    this.#active = null;
    resolve(value);
    this.#changed();
  }

  /** Cancels the modal on screen and every request still waiting. */
  cancelAll(): void {
    this.#generation++;
    this.#active?.cancel();
  }
}
